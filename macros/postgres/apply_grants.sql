{#- dbt's grants on PostgreSQL, plus USAGE on the relation's schema for every grantee:
    SELECT on a table is useless without it, and a schema is only ever opened to the
    roles its relations are granted to (landing, staging, audit, ... stay closed).
    Two threads granting on one schema at once would fail with "tuple concurrently
    updated", so the schema grant waits for a transaction-level advisory lock (released
    when the model's transaction commits). -#}
{% macro postgres__apply_grants(relation, grant_config, should_revoke=True) %}
    {{ default__apply_grants(relation, grant_config, should_revoke) }}
    {%- set grantees = [] -%}
    {%- for privilege, names in (grant_config or {}).items() -%}
        {%- for name in ([names] if names is string else names) if name and name not in grantees -%}
            {%- do grantees.append(name) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if grantees %}
        {% call statement('grant_schema_usage') -%}
            select pg_advisory_xact_lock(1536917779);
            grant usage on schema {{ adapter.quote(relation.schema) }} to {{ grantees | join(', ') }}
        {%- endcall %}
    {%- endif %}
{% endmacro %}
