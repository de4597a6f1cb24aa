{#- A delimited list in a seed column (e.g. allowed_channels 'sms|app_push') as rows: one
    select per position up to max_terms, unioned; positions past the end of a list give
    no row. Each row carries the key columns, term_index (1-based position) and term_text
    (trimmed). The campaign seed tests check that no list is longer than max_terms, so
    nothing is cut off silently. -#}
{% macro split_list_column(relation, key_columns, list_column, max_terms, delimiter='|') -%}
    {#- at least one select: sqlfluff's stand-in var() is not a number -#}
    {%- for position in range(1, [max_terms | int, 1] | max + 1) %}
    select
        {%- for column in key_columns %}
        {{ column }},
        {%- endfor %}
        {{ position }} as term_index,
        trim({{ dbt.split_part(list_column, "'" ~ delimiter ~ "'", position) }}) as term_text
    from {{ relation }}
    where
        {{ list_column }} is not null
        and {{ list_terms_count(list_column, delimiter) }} >= {{ position }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{%- endmacro %}

{#- How many terms a delimited list holds (one more than its delimiters; 0 when empty). -#}
{% macro list_terms_count(list_column, delimiter='|') -%}
    case
        when trim(coalesce({{ list_column }}, '')) = '' then 0
        else length({{ list_column }}) - length(replace({{ list_column }}, '{{ delimiter }}', '')) + 1
    end
{%- endmacro %}
