"""The dashboard: the caseload's figures as charts with their tables and CSV downloads (issue 14)."""
