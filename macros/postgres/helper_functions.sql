{#- SQL functions the PostgreSQL build needs, (re)created in the target schema by the
    on-run-start hook (postgres__create_landing_relations):

    - subops_try_cast(value, cast(null as <type>)): the value as <type>, null where it does
      not fit (DuckDB's try_cast). One overload per (value type, target type) pair of the
      types below, so PostgreSQL always picks the exact target type: an identity (inlined,
      free) when the value already has the target type, else a PL/pgSQL cast that turns a
      data exception into null (text from CSV landing files takes this path).
    - subops_pii_key(): the pseudonymisation key of this session (setting subops.pii_key,
      from SUBOPS_PII_KEY via PGOPTIONS) as UTF-8 bytes; stops the query with a message
      naming SUBOPS_PII_KEY when it is missing.
    - subops_hmac_sha256(data, key): pgcrypto's hmac(data, key, 'sha256'), schema-qualified
      wherever pgcrypto is installed. -#}
{% macro postgres_helper_functions(pgcrypto_schema) -%}
    {%- set schema = target.schema -%}
    {%- set types = ['text', 'boolean', 'smallint', 'integer', 'bigint', 'real', 'double precision',
                     'numeric', 'date', 'time', 'timestamp', 'timestamptz', 'interval'] -%}
    {%- set statements = [
        'create schema if not exists ' ~ schema,
        'select pg_advisory_xact_lock(' ~ 1536917778 ~ ')',
    ] -%}
    {%- for target_type in types -%}
        {%- for value_type in types -%}
            {%- if value_type == target_type -%}
                {%- do statements.append(
                    'create or replace function ' ~ schema ~ '.subops_try_cast(v ' ~ value_type ~ ', t ' ~ target_type
                    ~ ') returns ' ~ target_type ~ ' language sql immutable parallel safe as $fn$ select v $fn$'
                ) -%}
            {%- else -%}
                {%- do statements.append(
                    'create or replace function ' ~ schema ~ '.subops_try_cast(v ' ~ value_type ~ ', t ' ~ target_type
                    ~ ') returns ' ~ target_type ~ ' language plpgsql immutable parallel unsafe as $fn$ begin return cast(v as '
                    ~ target_type ~ '); exception when data_exception then return null; end $fn$'
                ) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- do statements.append(
        'create or replace function ' ~ schema ~ '.subops_pii_key() returns bytea language plpgsql stable as $fn$ '
        ~ "declare key text := current_setting('subops.pii_key', true); begin "
        ~ "if key is null or key = '' then raise exception 'SUBOPS_PII_KEY is not set: export SUBOPS_PII_KEY=<secret> "
        ~ "(the pseudonymisation key) before building' using hint = 'On PostgreSQL the key reaches the session as "
        ~ "PGOPTIONS=-c subops.pii_key=<key>, set by subops for the dbt process (subops.postgres.dbt_env).'; end if; "
        ~ "return convert_to(key, 'UTF8'); end $fn$"
    ) -%}
    {%- do statements.append(
        'create or replace function ' ~ schema ~ '.subops_hmac_sha256(data bytea, key bytea) returns bytea '
        ~ 'language sql immutable strict parallel safe as $fn$ select ' ~ pgcrypto_schema
        ~ ".hmac(data, key, 'sha256') $fn$"
    ) -%}
    {{ return(statements) }}
{%- endmacro %}
