"""dbt's `flags` for sqlfluff's jinja templater: lint renders tests as a full refresh does
(every month; see macros/lifecycle/lifecycle_test_window.sql)."""
FULL_REFRESH = True
