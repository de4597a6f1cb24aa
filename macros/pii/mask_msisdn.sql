{#- Display form of a normalised 11-digit msisdn: first 3 and last 4 digits (138****1234). -#}
{% macro mask_msisdn(msisdn) -%}
    {{ dbt.concat(['left(' ~ msisdn ~ ', 3)', "'****'", dbt.right(msisdn, 4)]) }}
{%- endmacro %}
