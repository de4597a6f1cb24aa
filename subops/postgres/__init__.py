"""PostgreSQL as a serving target: connection settings, the pseudonymisation key handed
to dbt's sessions, the raw-table loader and a throwaway server for tests and benchmarks.

- `connection`: where the warehouse is (SUBOPS_PG_* variables, same defaults as the
  `postgres` output in profiles.yml) and `dbt_env()`, the environment a dbt process
  needs on this target (PGOPTIONS carrying SUBOPS_PII_KEY as `subops.pii_key`).
- `loader`: `subops load --target postgres` (landing files -> schema `landing` by COPY,
  swapped in atomically).
- `server`: `PostgresServer`, a private PostgreSQL 15 in a temporary directory.
"""
from subops.postgres.connection import (  # noqa: F401
    PII_SETTING,
    connect,
    connection_params,
    dbt_env,
    pgoptions_with_key,
)
