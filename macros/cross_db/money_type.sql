{#- Yuan with two decimals, wide enough for any sum the marts take. -#}
{% macro money_type() -%}
    decimal(18, 2)
{%- endmacro %}
