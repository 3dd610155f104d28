// Signal: see Signal.docc for the overview. API arrives with its issue.
