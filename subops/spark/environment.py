"""What a process needs to run Spark locally, and what dbt needs to build on Spark.

Java: Spark 4 runs on Java 17 or 21. `java_home()` takes JAVA_HOME when it points at
one of those, else the first JDK 17 or 21 under /usr/lib/jvm (Debian's openjdk-17-jdk
puts it at /usr/lib/jvm/java-17-openjdk-<arch>), else the `java` on PATH if it is one.

The local session (the `spark` output of profiles.yml, `method: session`) keeps its
Derby metastore and its warehouse under SUBOPS_SPARK_DIR (default warehouse/spark):
tables survive between dbt invocations, and two builds with different folders never
share a metastore (embedded Derby admits one process at a time).

The pseudonymisation key (SUBOPS_PII_KEY) reaches Spark as the session configuration
spark.subops.pii_inner_pad / spark.subops.pii_outer_pad, its HMAC-SHA256 pads in hex
(the same pads the DuckDB plugin computes). dbt_env() puts them in the environment of
the dbt process as SUBOPS_PII_INNER_PAD / SUBOPS_PII_OUTER_PAD; the on-run-start hook
copies them into the session configuration with `SET ... = ${env:...}`, which Spark's
parser substitutes, and the `spark__pseudonymise` macro reads them as ${spark.subops...}.
They are never part of compiled SQL, dbt's logs or the manifest, nor of the command
line of the Spark JVM (where server_side_parameters of a local session would end up).
"""
from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import Mapping

from subops.duckdb_pii import KEY_ENV_VAR, hmac_pads

SUPPORTED_JAVA = (17, 21)
JVM_DIR = Path("/usr/lib/jvm")
DEFAULT_SPARK_DIR = "warehouse/spark"
PAD_ENV_VARS = ("SUBOPS_PII_INNER_PAD", "SUBOPS_PII_OUTER_PAD")


class JavaNotFound(RuntimeError):
    """No Java that Spark 4 runs on."""


def java_version(home: Path) -> int | None:
    """The major version of the JDK or JRE at `home`, or None when there is none."""
    java = home / "bin" / "java"
    if not java.is_file():
        return None
    release = home / "release"
    if release.is_file():
        found = re.search(r'^JAVA_VERSION="(\d+)', release.read_text(errors="replace"), re.M)
        if found:
            return int(found.group(1))
    try:
        output = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=60).stderr
    except (OSError, subprocess.SubprocessError):
        return None
    found = re.search(r'version "(\d+)', output)
    return int(found.group(1)) if found else None


def java_home(environ: Mapping[str, str] | None = None) -> Path:
    """A JAVA_HOME Spark 4 runs on; JavaNotFound (saying what to install) when there is none."""
    environ = os.environ if environ is None else environ
    candidates = []
    if environ.get("JAVA_HOME"):
        candidates.append(Path(environ["JAVA_HOME"]))
    if JVM_DIR.is_dir():
        candidates += sorted(path for path in JVM_DIR.iterdir() if not path.is_symlink())
    on_path = subprocess.run(["sh", "-c", "command -v java"], capture_output=True, text=True).stdout.strip()
    if on_path:
        candidates.append(Path(os.path.realpath(on_path)).parent.parent)
    seen = []
    for home in candidates:
        version = java_version(home)
        seen.append(f"{home} ({version or 'no java'})")
        if version in SUPPORTED_JAVA:
            return home
    raise JavaNotFound(
        "Spark needs Java 17 or 21 and none was found (looked at: " + (", ".join(seen) or "nothing")
        + "). Install it (Debian: apt-get install openjdk-17-jdk-headless) or set JAVA_HOME.")


def spark_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Where the local session keeps its metastore and warehouse (SUBOPS_SPARK_DIR)."""
    environ = os.environ if environ is None else environ
    return Path(environ.get("SUBOPS_SPARK_DIR") or DEFAULT_SPARK_DIR)


def dbt_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Extra environment for a dbt process that builds on Spark: JAVA_HOME, an absolute
    SUBOPS_SPARK_DIR, and the key's HMAC pads: empty when SUBOPS_PII_KEY is unset (never
    pads left over in the environment), so the pseudonymise macro stops the build with a
    message naming the variable."""
    environ = os.environ if environ is None else environ
    env = {
        "JAVA_HOME": str(java_home(environ)),
        "SUBOPS_SPARK_DIR": str(spark_dir(environ).resolve()),
    }
    key = environ.get(KEY_ENV_VAR)
    env.update(zip(PAD_ENV_VARS, hmac_pads(key) if key else ("", "")))
    return env


def main() -> int:
    """Print dbt_env() as shell exports, for running dbt on the `spark` target by hand:
    eval "$(.venv/bin/python -m subops.spark)"."""
    import shlex
    import sys

    try:
        env = dbt_env()
    except JavaNotFound as err:
        print(err, file=sys.stderr)
        return 2
    if not os.environ.get(KEY_ENV_VAR):
        print(f"{KEY_ENV_VAR} is not set: pseudonymising models will stop the build", file=sys.stderr)
    for name, value in env.items():
        print(f"export {name}={shlex.quote(value)}")
    return 0
