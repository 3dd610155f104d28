// Delphi: see Delphi.docc for the overview. API arrives with its issue.
