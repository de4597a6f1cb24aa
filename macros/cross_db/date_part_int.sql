{#- A date part as an integer on every target (PostgreSQL's extract returns numeric). -#}
{% macro date_part_int(part, date) -%}
    cast(extract({{ part }} from {{ date }}) as {{ dbt.type_int() }})
{%- endmacro %}
