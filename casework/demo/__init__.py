"""Synthetic demo data: a realistic caseload of invented persons for demos, manual testing and load tests."""
