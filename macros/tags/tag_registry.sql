{#- The registered tags, read from the family models' YAML blocks at execution time:
    a tag is a column of a family model with `meta: {tag: {...}}`. Returns a list of
    dicts (family, model, code, name_zh, name_en, kind, cadence, owner, description,
    value_type: category or flag, score_column, is_monitored: whether month-to-month
    coverage swings warn), ordered by family then code.

    Stops the build when a family model and the registry disagree:
    - a model with meta.tag_family that tag_families() does not list (not wired in);
    - a model in tag_families() without meta.tag_family;
    - a column the model emits that is neither a key, a registered tag nor a score
      column of one (a code nobody registered);
    - a registered tag column the model does not emit;
    - a tag code registered by two families. -#}
{% macro tag_registry() -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set wired = tag_families() -%}
    {%- set key_columns = ['subscriber_key', 'tag_month'] -%}
    {%- set required_fields = ['name_zh', 'name_en', 'kind', 'cadence', 'owner'] -%}
    {%- set tags = [] -%}
    {%- set seen_codes = {} -%}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.package_name == project_name -%}
        {%- set family = node.config.meta.get('tag_family') -%}
        {%- if family and node.name not in wired -%}
            {{ exceptions.raise_compiler_error(
                "Tag family model '" ~ node.name ~ "' is not wired in: add it to tag_families() "
                ~ "in macros/tags/tag_families.sql") }}
        {%- endif -%}
    {%- endfor -%}
    {%- for model_name in wired -%}
        {%- set matches = graph.nodes.values() | selectattr('name', 'equalto', model_name)
            | selectattr('resource_type', 'equalto', 'model') | list -%}
        {%- set node = matches[0] -%}
        {%- set family = node.config.meta.get('tag_family') -%}
        {%- if not family -%}
            {{ exceptions.raise_compiler_error(
                "Tag family model '" ~ model_name ~ "' is wired in but has no meta.tag_family in its YAML block") }}
        {%- endif -%}
        {%- set relation = adapter.get_relation(node.database, node.schema, node.alias) -%}
        {%- set emitted = [] -%}
        {%- if relation is not none -%}
            {%- for column in adapter.get_columns_in_relation(relation) -%}
                {%- do emitted.append(column.name | lower) -%}
            {%- endfor -%}
        {%- endif -%}
        {%- set registered = [] -%}
        {%- set score_columns = [] -%}
        {%- for column_name, column in node.columns.items() if tag_meta(column) -%}
            {%- set tag = tag_meta(column) -%}
            {%- for field in required_fields if not tag.get(field) -%}
                {{ exceptions.raise_compiler_error(
                    "Tag '" ~ column_name ~ "' of family model '" ~ model_name ~ "' has no meta.tag." ~ field) }}
            {%- endfor -%}
            {%- if column_name in seen_codes -%}
                {{ exceptions.raise_compiler_error(
                    "Tag code '" ~ column_name ~ "' is registered by both " ~ seen_codes[column_name]
                    ~ " and " ~ model_name) }}
            {%- endif -%}
            {%- do seen_codes.update({column_name: model_name}) -%}
            {%- do registered.append(column_name | lower) -%}
            {%- if tag.get('score_column') -%}{%- do score_columns.append(tag['score_column'] | lower) -%}{%- endif -%}
            {%- do tags.append({
                'family': family, 'model': model_name, 'code': column_name | lower,
                'name_zh': tag['name_zh'], 'name_en': tag['name_en'], 'kind': tag['kind'],
                'cadence': tag['cadence'], 'owner': tag['owner'],
                'description': column.description | default('', true),
                'value_type': tag.get('value_type', 'category'),
                'score_column': tag.get('score_column'),
                'is_monitored': tag.get('monitored', true),
            }) -%}
        {%- endfor -%}
        {%- if relation is not none -%}
            {%- for column_name in emitted
                if column_name not in key_columns and column_name not in registered
                and column_name not in score_columns -%}
                {{ exceptions.raise_compiler_error(
                    "Tag family model '" ~ model_name ~ "' emits '" ~ column_name
                    ~ "', which nobody registered: add it with meta.tag to the model's YAML block") }}
            {%- endfor -%}
            {%- for column_name in registered + score_columns + key_columns if column_name not in emitted -%}
                {{ exceptions.raise_compiler_error(
                    "Tag family model '" ~ model_name ~ "' registers '" ~ column_name
                    ~ "' but never emits it (no such column)") }}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(tags | sort(attribute='code') | sort(attribute='family')) }}
{%- endmacro %}

{#- A column's meta.tag, whether the YAML puts meta under config: or beside it. -#}
{% macro tag_meta(column) -%}
    {%- set config_meta = (column.get('config') or {}).get('meta') or {} -%}
    {{ return(config_meta.get('tag') or (column.get('meta') or {}).get('tag')) }}
{%- endmacro %}
