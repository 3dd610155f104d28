// Chain: see Chain.docc for the overview. API arrives with its issue.
