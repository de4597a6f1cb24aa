"""`python -m subops.spark`: the environment for dbt on the `spark` target, as shell exports."""
from subops.spark.environment import main

raise SystemExit(main())
