"""Great Expectations validation of the build database before anything is published.

Suites are YAML files kept in the repo under `quality/suites/` (see its README): one
file per public mart (plus `audit.yml` for the quarantine). `validate()` reads each
mart from the closed build database with DuckDB into pandas (for a big fact only the
run's month) and checks it with GE 1.x's pandas-dataframe path; `report.write_report()`
renders the results as one self-contained HTML file.
"""
from subops.quality.runner import QualityOutcome, ExpectationResult, validate  # noqa: F401
from subops.quality.suites import SUITES_DIR, Suite, load_suites  # noqa: F401
