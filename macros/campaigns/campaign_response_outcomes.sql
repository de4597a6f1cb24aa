{#- The contact outcomes that count as a response (var campaign_response_outcomes) as a SQL
    list: ('responded', 'accepted'). -#}
{% macro campaign_response_outcomes() -%}
    ({%- for outcome in var('campaign_response_outcomes') -%}
        '{{ outcome }}'{{ ', ' if not loop.last }}
    {%- endfor -%})
{%- endmacro %}
