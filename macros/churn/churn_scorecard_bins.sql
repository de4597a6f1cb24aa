{#- The bins of the trained card `scorecard_name`, read from the churn_scorecard seed while
    dbt executes (an empty list at parse time): a list of dicts with feature_name,
    bin_number, bin_label, is_missing_bin, lower_bound, upper_bound and points, in feature
    and bin order. churn_scores writes them into CASE expressions, so scoring is one pass
    over the features instead of a join of every feature value to every bin (at 1M
    subscribers that join spilled tens of GB). Bounds and points come back as text, the
    shortest form that reads back to the same double, so a literal keeps every bit. -#}
{% macro churn_scorecard_bins(scorecard_name) -%}
    {#- parse time: no bins (sqlfluff renders lint/jinja_macros/churn_scorecard_bins.sql) -#}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set query -%}
        select
            feature_name,
            bin_number,
            bin_label,
            is_missing_bin,
            cast(lower_bound as {{ dbt.type_string() }}) as lower_bound,
            cast(upper_bound as {{ dbt.type_string() }}) as upper_bound,
            cast(points as {{ dbt.type_string() }}) as points
        from {{ ref('churn_scorecard') }}
        where scorecard_name = '{{ scorecard_name }}'
        order by feature_name, bin_number
    {%- endset -%}
    {%- set bins = [] -%}
    {%- for row in run_query(query).rows -%}
        {%- do bins.append({
            'feature_name': row[0], 'bin_number': row[1], 'bin_label': row[2], 'is_missing_bin': row[3],
            'lower_bound': row[4], 'upper_bound': row[5], 'points': row[6],
        }) -%}
    {%- endfor -%}
    {%- if not bins | selectattr('feature_name', 'equalto', '(base)') | list -%}
        {{ exceptions.raise_compiler_error(
            "churn_scorecard '" ~ scorecard_name ~ "' has no (base) row in seeds/churn/churn_scorecard.csv: "
            ~ "train it with `subops churn train --name " ~ scorecard_name ~ "` or set var churn_scorecard") }}
    {%- endif -%}
    {{ return(bins) }}
{%- endmacro %}

{#- The condition under which a feature value falls in `bin`: its missing bin takes the
    nulls, any other bin lower_bound <= value < upper_bound (an open bound is unbounded). -#}
{% macro churn_bin_condition(feature, bin) -%}
    {%- if bin.is_missing_bin -%}
        {{ feature }} is null
    {%- else -%}
        {{ feature }} is not null
        {%- if bin.lower_bound is not none %} and {{ feature }} >= cast('{{ bin.lower_bound }}' as {{ churn_feature_type() }}){% endif %}
        {%- if bin.upper_bound is not none %} and {{ feature }} < cast('{{ bin.upper_bound }}' as {{ churn_feature_type() }}){% endif %}
    {%- endif -%}
{%- endmacro %}
