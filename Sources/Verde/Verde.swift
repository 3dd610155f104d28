// Verde: see Verde.docc for the overview. API arrives with its issue.
