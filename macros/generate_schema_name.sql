{#- Layers get plain schema names (staging, audit, core, ...) instead of dbt's
    `<target schema>_<custom>`: BI grants and the publisher address them by name. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
