{#- Seeds on Spark. Column types are written once, portably, in dbt_project.yml (`varchar`,
    ...); Spark has no `varchar` without a length, so they are translated before dbt-spark
    creates the table (create and load both read model.config.column_types, this one dict). -#}
{% macro spark__create_csv_table(model, agate_table) -%}
    {%- set column_types = model['config'].get('column_types') or {} -%}
    {%- for column, type in column_types.items() -%}
        {%- do column_types.update({column: spark_type(type)}) -%}
    {%- endfor -%}
    {{ return(dbt.spark__create_csv_table(model, agate_table)) }}
{%- endmacro %}

{#- dbt-spark binds seed values on a local session by quoting them unescaped, so a quote in
    a value breaks the insert and an empty cell becomes the text 'None'. The rows go in as
    escaped literals instead (null for an empty cell), the same SQL on every method. -#}
{% macro spark__load_csv_rows(model, agate_table) -%}
    {%- set column_types = model['config'].get('column_types') or {} -%}
    {%- set types = [] -%}
    {%- for column_name in agate_table.column_names -%}
        {%- do types.append(column_types.get(column_name, adapter.convert_type(agate_table, loop.index0))) -%}
    {%- endfor -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set rows = [] -%}
        {%- for row in chunk -%}
            {%- set values = [] -%}
            {%- for value in row -%}
                {%- do values.append('cast(' ~ ('null' if value is none else spark_string_literal(value | string))
                    ~ ' as ' ~ types[loop.index0] ~ ')') -%}
            {%- endfor -%}
            {%- do rows.append('(' ~ values | join(', ') ~ ')') -%}
        {%- endfor -%}
        {%- set sql = 'insert into ' ~ this.render() ~ ' values\n' ~ rows | join(',\n') -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- do statements.append(sql) -%}
    {%- endfor -%}
    {{ return(statements[0] if statements else '') }}
{%- endmacro %}
