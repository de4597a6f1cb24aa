{#- Number types of the lifecycle view. Exact decimals throughout: a sum of decimals does
    not depend on the order rows are added in, so a month rebuilt gives the same figures to
    the last digit (sums of floating-point values may not). -#}

{#- Data volumes in MB, three decimals. -#}
{% macro volume_type() -%}
    decimal(18, 3)
{%- endmacro %}

{#- Means of a measure over earlier months (the 3-month baselines). -#}
{% macro baseline_type() -%}
    decimal(18, 3)
{%- endmacro %}

{#- Relative changes, as fractions (-0.3 = fell by 30%), six decimals. -#}
{% macro share_type() -%}
    decimal(18, 6)
{%- endmacro %}

{#- A change divided by the value it is relative to, as share_type(); null when that value
    is missing or zero. The numerator becomes a decimal first, so integers do not divide
    as integers on PostgreSQL. -#}
{% macro lifecycle_share(numerator, denominator) -%}
    cast(cast({{ numerator }} as {{ dbt.type_numeric() }}) / nullif({{ denominator }}, 0) as {{ share_type() }})
{%- endmacro %}

{#- sum / months as baseline_type(); null without months. -#}
{% macro lifecycle_mean(sum, months) -%}
    cast(cast({{ sum }} as {{ dbt.type_numeric() }}) / nullif({{ months }}, 0) as {{ baseline_type() }})
{%- endmacro %}
