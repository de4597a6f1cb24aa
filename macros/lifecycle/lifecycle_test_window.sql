{#- Data tests on the big month-partitioned relations check the months a build writes.

    A test's `where` may name `__months_built__(column)`: on an incremental build it
    becomes `column >= <the first month written>` (as_of_month less one, and any later
    month, where future-dated rows sit), so a monthly build tests its own months instead
    of re-reading every year of history; on --full-refresh it becomes `1 = 1` and the test
    reads everything. Expanded by get_where_subquery, which wraps each test's model. -#}
{% macro lifecycle_test_window_filter(column) -%}
    {%- if flags.FULL_REFRESH -%}
        {{ return('1 = 1') }}
    {%- endif -%}
    {%- set as_of = lifecycle_test_as_of_date() -%}
    {%- if as_of is none -%}
        {{ return('1 = 1') }}
    {%- endif -%}
    {{ return(column ~ ' >= ' ~ lifecycle_month_literal(lifecycle_add_months(as_of, 1 - lifecycle_incremental_months()))) }}
{%- endmacro %}

{#- as_of_month for a test: the var, else the latest valid CRM snapshot month read
    through the graph (a test may not ref() a model it does not depend on); none before
    anything is built. -#}
{% macro lifecycle_test_as_of_date() -%}
    {%- set given = lifecycle_given_as_of_month() -%}
    {%- if given is not none or not execute -%}
        {{ return(given) }}
    {%- endif -%}
    {%- set snapshots = graph.nodes.get('model.' ~ project_name ~ '.stg_crm__subscriber_snapshots') -%}
    {%- if snapshots is none or not snapshots.relation_name -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set latest = run_query('select max(snapshot_month) from ' ~ snapshots.relation_name).columns[0].values()[0] -%}
    {{ return(lifecycle_parse_month(latest | string, 'as_of_month') if latest is not none else none) }}
{%- endmacro %}

{#- The month column of the model a test is attached to, from its config
    meta.months_built_column: every data test on such a model checks the months built. -#}
{% macro lifecycle_tested_month_column() -%}
    {%- if not execute or model is not mapping -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set attached = graph.nodes.get(model.get('attached_node') or '') -%}
    {%- if attached is none -%}
        {{ return(none) }}
    {%- endif -%}
    {{ return(attached.config.meta.get('months_built_column')) }}
{%- endmacro %}

{#- dbt's own get_where_subquery, plus the __months_built__(column) placeholder, which
    is also the default `where` of a test on a model with meta.months_built_column. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- set month_column = lifecycle_tested_month_column() -%}
    {%- if not where and month_column -%}
        {%- set where = '__months_built__(' ~ month_column ~ ')' -%}
    {%- endif -%}
    {%- if not where -%}
        {{ return(relation) }}
    {%- endif -%}
    {%- set placeholder = modules.re.compile('__months_built__\\(\\s*([A-Za-z_][A-Za-z0-9_.]*)\\s*\\)') -%}
    {%- set expanded = namespace(where=where) -%}
    {%- for column in placeholder.findall(where) -%}
        {%- set expanded.where = expanded.where | replace(
            '__months_built__(' ~ column ~ ')', lifecycle_test_window_filter(column)) -%}
    {%- endfor -%}
    {%- set filtered -%}
        (select * from {{ relation }} where {{ expanded.where }}) dbt_subquery
    {%- endset -%}
    {{ return(filtered) }}
{%- endmacro %}
