"""Where the PostgreSQL warehouse is, and what a dbt process needs to build on it.

Connection settings come from the environment, with the same defaults as the `postgres`
output in profiles.yml (keep the two in step):

    SUBOPS_PG_HOST      localhost   (a path starting with / is a unix socket directory)
    SUBOPS_PG_PORT      5432
    SUBOPS_PG_USER      postgres
    SUBOPS_PG_PASSWORD  (empty: trust, peer or ~/.pgpass)
    SUBOPS_PG_DATABASE  subops
    SUBOPS_PG_SCHEMA    main        (dbt's target schema; layers use their own schemas)

The pseudonymisation key (SUBOPS_PII_KEY) reaches PostgreSQL as the session setting
`subops.pii_key`, passed at connection start-up through libpq's PGOPTIONS variable in
the dbt process's environment (`dbt_env()`); the `postgres__pseudonymise` macro reads it
with current_setting(). It is never part of compiled SQL, dbt's logs or the manifest.
"""
from __future__ import annotations

import os
from typing import Mapping

KEY_ENV_VAR = "SUBOPS_PII_KEY"
PII_SETTING = "subops.pii_key"

ENV_DEFAULTS = {
    "SUBOPS_PG_HOST": "localhost",
    "SUBOPS_PG_PORT": "5432",
    "SUBOPS_PG_USER": "postgres",
    "SUBOPS_PG_PASSWORD": "",
    "SUBOPS_PG_DATABASE": "subops",
    "SUBOPS_PG_SCHEMA": "main",
}


def setting(name: str, environ: Mapping[str, str] | None = None) -> str:
    environ = os.environ if environ is None else environ
    return environ.get(name) or ENV_DEFAULTS[name]


def connection_params(environ: Mapping[str, str] | None = None, **overrides) -> dict:
    """psycopg2.connect() keyword arguments for the warehouse named by SUBOPS_PG_*."""
    params = {
        "host": setting("SUBOPS_PG_HOST", environ),
        "port": int(setting("SUBOPS_PG_PORT", environ)),
        "user": setting("SUBOPS_PG_USER", environ),
        "dbname": setting("SUBOPS_PG_DATABASE", environ),
    }
    password = setting("SUBOPS_PG_PASSWORD", environ)
    if password:
        params["password"] = password
    params.update(overrides)
    return params


def connect(environ: Mapping[str, str] | None = None, **overrides):
    """An open psycopg2 connection (autocommit off) to the warehouse."""
    import psycopg2

    return psycopg2.connect(application_name="subops", **connection_params(environ, **overrides))


def _escape_option(value: str) -> str:
    """libpq splits PGOPTIONS on whitespace; a backslash escapes the next character."""
    return "".join("\\" + ch if ch.isspace() or ch == "\\" else ch for ch in value)


def pgoptions_with_key(key: str, existing: str = "") -> str:
    """PGOPTIONS that set `subops.pii_key` for every session, after any options already set."""
    option = f"-c {PII_SETTING}={_escape_option(key)}"
    return f"{existing} {option}".strip()


def dbt_env(environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Extra environment for a dbt process that builds on PostgreSQL: PGOPTIONS carrying
    SUBOPS_PII_KEY (nothing when the key is unset, so the pseudonymise macro stops the
    build with a message naming the variable)."""
    environ = os.environ if environ is None else environ
    key = environ.get(KEY_ENV_VAR)
    if not key:
        return {}
    return {"PGOPTIONS": pgoptions_with_key(key, environ.get("PGOPTIONS", ""))}
