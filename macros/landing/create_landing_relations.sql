{#- Make the landing files queryable as the `landing` schema before any model runs.

    DuckDB reads the files in place: one view per landing table over every Parquet
    file below `<landing_dir>/<table>/` (CSV with a header when a table has no Parquet),
    whatever the file names or month partitions. Before the views are trusted, each is
    checked against the columns the sources YAML documents (landing contract v1), so a
    missing folder or column stops the run with a message naming table and column.
    PostgreSQL loads raw tables with `subops load` instead; Spark makes external tables
    over the files (below). -#}
{% macro create_landing_relations() -%}
    {{ return(adapter.dispatch('create_landing_relations', 'subscriber_ops')()) }}
{%- endmacro %}

{% macro default__create_landing_relations() -%}
    select 1 as landing_relations_are_loaded_by_subops_load
{%- endmacro %}

{% macro duckdb__create_landing_relations() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set landing_dir = var('landing_dir') | replace("'", "''") -%}
    {%- set statements = ['create schema if not exists landing'] -%}
    {%- for landing in landing_tables() -%}
        {%- set folder = landing_dir ~ '/' ~ landing.identifier -%}
        {%- set counts = run_query(
            "select (select count(*) from glob('" ~ folder ~ "/**/*.parquet')) as parquet_files,"
            ~ " (select count(*) from glob('" ~ folder ~ "/**/*.csv')) as csv_files"
        ) -%}
        {%- if counts.columns[0].values()[0] > 0 -%}
            {%- set reader = "read_parquet('" ~ folder ~ "/**/*.parquet', union_by_name = true, filename = '_landing_file', hive_partitioning = false)" -%}
        {%- elif counts.columns[1].values()[0] > 0 -%}
            {%- set reader = "read_csv('" ~ folder ~ "/**/*.csv', header = true, all_varchar = true, union_by_name = true, filename = '_landing_file', hive_partitioning = false)" -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error(
                "Landing table '" ~ landing.identifier ~ "' has no Parquet or CSV files under "
                ~ folder ~ " (var landing_dir = '" ~ var('landing_dir') ~ "')."
            ) }}
        {%- endif -%}
        {%- set found = run_query("describe select * from " ~ reader) -%}
        {%- set found_columns = found.columns[0].values() | map('lower') | list -%}
        {%- for column in landing.columns if column not in found_columns -%}
            {{ exceptions.raise_compiler_error(
                "Landing table '" ~ landing.identifier ~ "' is missing required column '" ~ column
                ~ "' (landing contract v1); files read: " ~ folder
            ) }}
        {%- endfor -%}
        {%- do statements.append(
            'create or replace view landing.' ~ landing.identifier ~ ' as select * from ' ~ reader
        ) -%}
    {%- endfor -%}
    {{ return(statements | join(';\n')) }}
{%- endmacro %}

{#- PostgreSQL: `subops load --target postgres` has loaded the raw tables into schema
    landing. Check them against the contract (a missing table or column stops the run with
    the same message as on DuckDB), that the roles the grants name exist and that pgcrypto
    is there, and (re)create the helper functions the models call
    (macros/postgres/helper_functions.sql). -#}
{% macro postgres__create_landing_relations() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- set loaded = {} -%}
    {%- set found = run_query(
        "select table_name, column_name from information_schema.columns where table_schema = 'landing'"
        ~ " order by table_name, ordinal_position"
    ) -%}
    {%- for row in found.rows -%}
        {%- do loaded.setdefault(row[0] | lower, []).append(row[1] | lower) -%}
    {%- endfor -%}
    {%- for landing in landing_tables() -%}
        {%- if landing.identifier not in loaded -%}
            {{ exceptions.raise_compiler_error(
                "Landing table '" ~ landing.identifier ~ "' is not loaded: schema landing on " ~ target.name
                ~ " has no such table. Load the landing files first: subops load --target postgres --landing-dir <dir>"
            ) }}
        {%- endif -%}
        {%- for column in landing.columns + ['_landing_file'] if column not in loaded[landing.identifier] -%}
            {{ exceptions.raise_compiler_error(
                "Landing table '" ~ landing.identifier ~ "' is missing required column '" ~ column
                ~ "' (landing contract v1); table read: landing." ~ landing.identifier
            ) }}
        {%- endfor -%}
    {%- endfor -%}
    {%- set grantees = [] -%}
    {%- for node in graph.nodes.values() if node.resource_type in ('model', 'seed', 'snapshot') and node.config.grants -%}
        {%- for names in node.config.grants.values() -%}
            {%- for name in ([names] if names is string else names) if name and name not in grantees -%}
                {%- do grantees.append(name) -%}
            {%- endfor -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if grantees -%}
        {%- set existing = run_query("select rolname from pg_roles").columns[0].values() -%}
        {%- for role in grantees if role not in existing -%}
            {{ exceptions.raise_compiler_error(
                "Role '" ~ role ~ "' named by the grants config (dbt_project.yml) does not exist on " ~ target.name
                ~ ": subops load --target postgres creates it, or run CREATE ROLE " ~ role ~ " NOLOGIN."
            ) }}
        {%- endfor -%}
    {%- endif -%}
    {%- set pgcrypto = run_query("select extnamespace::regnamespace::text from pg_extension where extname = 'pgcrypto'") -%}
    {%- if pgcrypto.rows | length == 0 -%}
        {{ exceptions.raise_compiler_error(
            "The pgcrypto extension is not installed in database " ~ target.database ~ ": keyed pseudonyms need "
            ~ "its hmac(). subops load --target postgres creates it, or run CREATE EXTENSION pgcrypto as its owner."
        ) }}
    {%- endif -%}
    {{ return(postgres_helper_functions(pgcrypto.rows[0][0]) | join(';\n')) }}
{%- endmacro %}

{#- Spark: the landing files stay where they are. Each landing table becomes an external
    table over its folder in schema landing_files (`USING parquet ... LOCATION`, every
    Parquet file below it whatever the month folders, schemas merged by name; CSV with a
    header, every column a string, when a table has no Parquet), and a view in schema
    landing adds `_landing_file` (the file a row came from, as on DuckDB). Dropping and
    re-creating the external tables each run reads files that landed since; dropping an
    external table never deletes its files. The folders are listed once (binaryFile, paths
    only) to name a table without files, and each table is checked against the contract
    with the same messages as on DuckDB. A local session also gets the pseudonymisation
    key's pads here (spark_pii_session_settings). -#}
{% macro spark__create_landing_relations() -%}
    {%- if not execute -%}{{ return('') }}{%- endif -%}
    {%- for statement in spark_pii_session_settings() -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
    {%- set root = (var('landing_dir') | string).rstrip('/') -%}
    {%- do run_query(
        'create or replace temporary view subops_landing_listing using binaryFile options (path '
        ~ spark_string_literal(root) ~ ", recursiveFileLookup 'true', pathGlobFilter '*.{parquet,csv,PARQUET,CSV}')"
    ) -%}
    {#- Spark lists qualified paths (file:/..., hdfs://host:port/..., s3a://bucket/...): a
        file's table is the folder after the landing folder's own path -#}
    {%- set marker = '/' ~ root.split('://', 1)[-1].lstrip('./') ~ '/' -%}
    {%- set found_files = {} -%}
    {%- for path in run_query('select path from subops_landing_listing').columns[0].values() if marker in path -%}
        {%- set relative = path.split(marker, 1)[1] -%}
        {%- do found_files.setdefault(relative.split('/')[0], []).append(relative.rsplit('.', 1)[1] | lower) -%}
    {%- endfor -%}
    {%- do run_query('create schema if not exists landing_files') -%}
    {%- do run_query('create schema if not exists landing') -%}
    {%- for landing in landing_tables() -%}
        {%- set folder = root ~ '/' ~ landing.identifier -%}
        {%- set extensions = found_files.get(landing.identifier, []) -%}
        {%- if 'parquet' in extensions -%}
            {%- set reader = "parquet options (recursiveFileLookup 'true', pathGlobFilter '*.parquet', mergeSchema 'true')" -%}
        {%- elif 'csv' in extensions -%}
            {#- enforceSchema off: a file whose header differs from the first file's fails, never misreads -#}
            {%- set reader = "csv options (recursiveFileLookup 'true', pathGlobFilter '*.csv', header 'true', enforceSchema 'false')" -%}
        {%- else -%}
            {{ exceptions.raise_compiler_error(
                "Landing table '" ~ landing.identifier ~ "' has no Parquet or CSV files under "
                ~ folder ~ " (var landing_dir = '" ~ var('landing_dir') ~ "')."
            ) }}
        {%- endif -%}
        {%- set files_table = 'landing_files.' ~ landing.identifier -%}
        {%- do run_query('drop table if exists ' ~ files_table) -%}
        {%- do run_query('create table ' ~ files_table ~ ' using ' ~ reader ~ ' location ' ~ spark_string_literal(folder)) -%}
        {%- set found_columns = [] -%}
        {%- for row in run_query('describe table ' ~ files_table).rows if row[0] and not row[0].startswith('#') -%}
            {%- do found_columns.append(row[0] | lower) -%}
        {%- endfor -%}
        {%- for column in landing.columns if column not in found_columns -%}
            {{ exceptions.raise_compiler_error(
                "Landing table '" ~ landing.identifier ~ "' is missing required column '" ~ column
                ~ "' (landing contract v1); files read: " ~ folder
            ) }}
        {%- endfor -%}
        {%- do run_query(
            'create or replace view landing.' ~ landing.identifier ~ ' as select *,'
            ~ " regexp_replace(_metadata.file_path, '^file:(//)?', '') as _landing_file from " ~ files_table
        ) -%}
    {%- endfor -%}
    {{ return('select 1 as landing_relations_are_ready') }}
{%- endmacro %}

{#- The landing tables and their contract columns, read from the sources YAML. -#}
{% macro landing_tables() -%}
    {%- set tables = [] -%}
    {%- for node in graph.sources.values() if node.schema == 'landing' -%}
        {%- do tables.append({
            'identifier': node.identifier,
            'columns': node.columns.keys() | map('lower') | list,
        }) -%}
    {%- endfor -%}
    {{ return(tables | sort(attribute='identifier')) }}
{%- endmacro %}
