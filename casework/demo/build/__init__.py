"""Drawing the demo caseload, one module per domain; `casework.demo.generator` puts them together."""
