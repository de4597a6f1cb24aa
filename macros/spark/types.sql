{#- Type names written for DuckDB and PostgreSQL (seed column types, contract data_type in
    the models' YAML) as Spark spells them: Spark has no `varchar` without a length, nor
    `text`; both are `string`. Every other name is the same on Spark. -#}
{% macro spark_type(type) -%}
    {%- set name = type | trim | lower -%}
    {{ return('string' if name in ('varchar', 'text', 'character varying') else type) }}
{%- endmacro %}

{#- dbt.cast on Spark; dbt's contract check casts null to each documented data_type with it. -#}
{% macro spark__cast(field, type) -%}
    cast({{ field }} as {{ spark_type(type) }})
{%- endmacro %}
