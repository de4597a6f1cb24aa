{#- Landing timestamps are local time (var landing_utc_offset_hours, Beijing = 8, no DST);
    `_at` columns are UTC. -#}
{% macro landing_time_to_utc(column) -%}
    {{ dbt.dateadd('hour', -1 * var('landing_utc_offset_hours'), column) }}
{%- endmacro %}
