"""The dashboard's figures (issue 14), shared by the dashboard page (`pages`) and the weekly report.

`counts` computes the aggregates live over a set of persons; `tally` counts them for every filter
value of an organisation at once; `summary` keeps those per organisation and filter, refreshed
nightly, and reads them back; `figures` turns either into the charts and
tables (labels, small-count suppression); `charts` draws them as PNG images for the weekly e-mail.
"""
