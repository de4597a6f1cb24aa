{#- Keyed pseudonym: lowercase hex HMAC-SHA256 of the value's UTF-8 text, under the key
    in the environment variable SUBOPS_PII_KEY. The key is handed to the session at
    run time by the adapter (see subops/duckdb_pii.py); it is never part of compiled
    SQL. Without it, any model that pseudonymises stops with a message naming the
    variable. Same key, same value -> same pseudonym on every target. -#}
{% macro pseudonymise(expr) -%}
    {{ return(adapter.dispatch('pseudonymise', 'subscriber_ops')(expr)) }}
{%- endmacro %}

{% macro duckdb__pseudonymise(expr) -%}
    case
        when getvariable('subops_pii_outer_pad') is null
            then error('SUBOPS_PII_KEY is not set: export SUBOPS_PII_KEY=<secret> (the pseudonymisation key) before building')
        else sha256(
            unhex(getvariable('subops_pii_outer_pad'))
            || unhex(sha256(unhex(getvariable('subops_pii_inner_pad')) || encode(cast({{ expr }} as varchar))))
        )
    end
{%- endmacro %}

{#- pgcrypto's hmac() under the key the runner hands each session as the setting
    subops.pii_key (libpq PGOPTIONS, see subops/postgres/connection.py); read once per
    query (an init plan) by subops_pii_key(), which stops the query with a message naming
    SUBOPS_PII_KEY when the setting is missing. Same bytes as DuckDB's. -#}
{% macro postgres__pseudonymise(expr) -%}
    encode(
        {{ target.schema }}.subops_hmac_sha256(
            convert_to(cast({{ expr }} as text), 'UTF8'), (select {{ target.schema }}.subops_pii_key())
        ),
        'hex'
    )
{%- endmacro %}

{#- Spark: HMAC-SHA256 from sha2 (any Spark 3 or 4; hmac() exists only from 4.3) over the
    key's pads in the session configuration spark.subops.pii_inner_pad / _outer_pad (hex),
    read with `${...}`, which Spark's parser substitutes. A local session copies them from
    the environment (spark_pii_session_settings), a cluster session gets them as
    server_side_parameters. Substituted text is stored with a view's definition, so a model
    that pseudonymises is never a view on Spark (the CRM base is an incremental table). Pads
    missing or not hex: the query stops with a message naming SUBOPS_PII_KEY. -#}
{% macro spark__pseudonymise(expr) -%}
    {%- set inner, outer = "'${spark.subops.pii_inner_pad}'", "'${spark.subops.pii_outer_pad}'" -%}
    case
        when not ({{ inner }} rlike '^[0-9a-f]{128}$' and {{ outer }} rlike '^[0-9a-f]{128}$')
            then raise_error('SUBOPS_PII_KEY is not set: export SUBOPS_PII_KEY=<secret> (the pseudonymisation key) before building')
        else sha2(
            concat(unhex({{ outer }}), unhex(sha2(concat(unhex({{ inner }}), encode(cast({{ expr }} as string), 'UTF-8')), 256))),
            256
        )
    end
{%- endmacro %}
