"""dbt-duckdb plugin that hands the pseudonymisation key to SQL without writing it anywhere.

The key comes from the environment variable SUBOPS_PII_KEY. On every cursor dbt opens,
it is turned into the two HMAC-SHA256 pads (key XOR ipad, key XOR opad) and stored as
DuckDB session variables; the `pseudonymise` macro reads them with getvariable(). The
key never appears in compiled SQL, logs or the manifest. Without the variable nothing is
set, and the macro stops any model that pseudonymises with an error naming the variable.
"""
from __future__ import annotations

import hashlib
import os

from dbt.adapters.duckdb.plugins import BasePlugin

KEY_ENV_VAR = "SUBOPS_PII_KEY"
_BLOCK_SIZE = 64  # SHA-256 block size in bytes


def hmac_pads(key: str) -> tuple[str, str]:
    """Return the hex of (K' xor ipad, K' xor opad) as RFC 2104 defines them."""
    raw = key.encode("utf-8")
    if len(raw) > _BLOCK_SIZE:
        raw = hashlib.sha256(raw).digest()
    raw = raw.ljust(_BLOCK_SIZE, b"\0")
    return bytes(b ^ 0x36 for b in raw).hex(), bytes(b ^ 0x5C for b in raw).hex()


class Plugin(BasePlugin):
    def configure_cursor(self, cursor):
        key = os.environ.get(KEY_ENV_VAR)
        if not key:
            return
        inner, outer = hmac_pads(key)
        cursor.execute("set variable subops_pii_inner_pad = $1", [inner])
        cursor.execute("set variable subops_pii_outer_pad = $1", [outer])
