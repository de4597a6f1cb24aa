{#- Age band at a reference date, from a birth date: the only form of age that leaves staging. -#}
{% macro age_band(birth_date, reference_date) -%}
    {%- set age_years = '(' ~ dbt.datediff(birth_date, reference_date, 'month') ~ ') / 12' -%}
    case
        when {{ birth_date }} is null then 'unknown'
        when {{ age_years }} < 18 then 'under_18'
        when {{ age_years }} < 25 then '18_24'
        when {{ age_years }} < 35 then '25_34'
        when {{ age_years }} < 45 then '35_44'
        when {{ age_years }} < 55 then '45_54'
        when {{ age_years }} < 65 then '55_64'
        else '65_plus'
    end
{%- endmacro %}
