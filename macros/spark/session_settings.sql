{#- The statements that give a Spark session the pseudonymisation key, run by the
    on-run-start hook. A session whose configuration already holds the key's HMAC pads
    (spark.subops.pii_inner_pad / _outer_pad: a cluster session gets them as
    server_side_parameters, README "Apache Spark") needs none. Otherwise, on a local session
    (`method: session`, one Spark session for every dbt thread), they are copied from the
    environment of the Spark driver, where subops puts them (subops/spark/environment.py):
    `${env:...}` is substituted by Spark's parser, so the pads are in no SQL dbt compiles or
    logs. Only whether they are set comes back to dbt, never their value. -#}
{% macro spark_pii_session_settings() -%}
    {%- set configured = run_query(
        "select '${spark.subops.pii_inner_pad}' rlike '^[0-9a-f]{128}$'"
        ~ " and '${spark.subops.pii_outer_pad}' rlike '^[0-9a-f]{128}$'"
    ).columns[0].values()[0] -%}
    {%- if configured -%}{{ return([]) }}{%- endif -%}
    {{ return([
        'set spark.subops.pii_inner_pad = ${env:SUBOPS_PII_INNER_PAD}',
        'set spark.subops.pii_outer_pad = ${env:SUBOPS_PII_OUTER_PAD}',
    ]) }}
{%- endmacro %}

{#- A Spark SQL string literal (backslashes and single quotes escaped). -#}
{% macro spark_string_literal(text) -%}
    {{ return("'" ~ (text | replace('\\', '\\\\') | replace("'", "\\'")) ~ "'") }}
{%- endmacro %}
