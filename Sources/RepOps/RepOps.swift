// RepOps: see RepOps.docc for the overview. API arrives with its issue.
