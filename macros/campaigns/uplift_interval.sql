{#- One bound of the normal-approximation confidence interval of a difference of two
    proportions, p1 - p2 +- z * sqrt(p1 (1 - p1) / n1 + p2 (1 - p2) / n2), as share_type();
    null when either group is empty. z is var campaign_uplift_z (1.96: 95%). The square
    root is taken in double precision on every target, so they agree to the last digit
    kept. -#}
{% macro uplift_interval(p1, n1, p2, n2, bound) -%}
    {%- set sign = '-' if bound == 'low' else '+' -%}
    case
        when {{ n1 }} > 0 and {{ n2 }} > 0 then cast(
            ({{ p1 }} - {{ p2 }}) {{ sign }} {{ var('campaign_uplift_z') }} * sqrt(
                cast({{ p1 }} * (1 - {{ p1 }}) / {{ n1 }} + {{ p2 }} * (1 - {{ p2 }}) / {{ n2 }} as {{ dbt.type_float() }})
            ) as {{ share_type() }}
        )
    end
{%- endmacro %}
