{#- A stable, non-negative integer from the MD5 of an expression's text: the first 15 hex
    digits (60 bits, so it fits a bigint on every target). Same text, same number on every
    target and in every run, which is what the arbitration tie-break, the capacity
    ranking and the treatment/control split need. -#}
{% macro stable_hash_int(expr) -%}
    {{ return(adapter.dispatch('stable_hash_int', 'subscriber_ops')(expr)) }}
{%- endmacro %}

{% macro default__stable_hash_int(expr) -%}
    cast(cast('x' || lpad(substr(md5(cast({{ expr }} as {{ dbt.type_string() }})), 1, 15), 16, '0') as bit(64)) as bigint)
{%- endmacro %}

{% macro duckdb__stable_hash_int(expr) -%}
    cast('0x' || substr(md5(cast({{ expr }} as {{ dbt.type_string() }})), 1, 15) as bigint)
{%- endmacro %}

{% macro spark__stable_hash_int(expr) -%}
    cast(conv(substr(md5(cast({{ expr }} as {{ dbt.type_string() }})), 1, 15), 16, 10) as bigint)
{%- endmacro %}
