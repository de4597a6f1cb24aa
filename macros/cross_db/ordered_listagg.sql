{#- string_agg in a defined order on every target; `order_by` is a list of ascending
    expressions. Not dbt.listagg's order_by_clause: dbt-spark drops it (collect_list
    keeps no order), so lists built from the same rows would differ between targets. -#}
{% macro ordered_listagg(measure, delimiter_text, order_by) -%}
    {{ return(adapter.dispatch('ordered_listagg')(measure, delimiter_text, order_by)) }}
{%- endmacro %}

{% macro default__ordered_listagg(measure, delimiter_text, order_by) -%}
    {{ dbt.listagg(measure, delimiter_text, 'order by ' ~ order_by | join(', ')) }}
{%- endmacro %}

{#- Collect (sort keys, value) structs, sort them, keep the values. Null values are left
    out and no value at all gives null, as string_agg does. -#}
{% macro spark__ordered_listagg(measure, delimiter_text, order_by) -%}
    nullif(array_join(transform(array_sort(collect_list(
        case when ({{ measure }}) is not null then named_struct(
            {%- for expression in order_by %}'k{{ loop.index }}', {{ expression }}, {% endfor -%}
            'v', {{ measure }}) end
    )), entry -> entry.v), {{ delimiter_text }}), '')
{%- endmacro %}
