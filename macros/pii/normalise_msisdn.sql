{#- A landed msisdn as its 11 national digits: separators and spaces dropped, a +86/86
    country prefix removed. Whatever is left that is not a mobile number is judged
    malformed by staging, never repaired by guessing. -#}
{% macro normalise_msisdn(msisdn) -%}
    {%- set stripped = regexp_replace_all('cast(' ~ msisdn ~ ' as ' ~ dbt.type_string() ~ ')', '[^0-9A-Za-z]', '') -%}
    case
        when length({{ stripped }}) = 13 and {{ stripped }} like '86%' then {{ dbt.right(stripped, 11) }}
        else nullif({{ stripped }}, '')
    end
{%- endmacro %}
