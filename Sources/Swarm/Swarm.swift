// Swarm: see Swarm.docc for the overview. API arrives with its issue.
