// RepOpsBLAS: see RepOpsBLAS.docc for the overview. API arrives with its issue.
