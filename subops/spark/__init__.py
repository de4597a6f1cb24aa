"""Apache Spark as the scale-out target (dbt-spark): the local session, the Java it needs,
the pseudonymisation key handed to Spark, and reading the built tables back.

- `environment`: `java_home()` (a JDK 17 or 21, which Spark 4 needs) and `dbt_env()`, the
  environment a dbt process needs on this target (JAVA_HOME, where the local session keeps
  its metastore and warehouse, and the key's HMAC pads for the session configuration).
- `session`: `local_session()`, a pyspark session with the settings of the `spark` output in
  profiles.yml, for reading what a build left (tests, parity).
"""
from subops.spark.environment import (  # noqa: F401
    JavaNotFound,
    dbt_env,
    java_home,
    spark_dir,
)
