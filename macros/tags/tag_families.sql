{#- The tag family registry: every tag family model, by name. dbt's graph is empty
    while dbt parses, so this static list is what gives subscriber_tags and
    subscriber_tags_wide their DAG edges. A family model that carries
    `meta: {tag_family: ...}` but is missing here stops the build (see
    tag_registry), and so does a name here without a model. -#}
{% macro tag_families() -%}
    {{ return([
        'tag_value_tier',
        'tag_stability_tier',
        'tag_vad_class',
        'tag_first_moments',
        'tag_anomaly_moments',
        'tag_special_moments',
        'tag_do_not_disturb',
        'tag_watch_groups',
        'tag_personas',
        'tag_scenarios',
    ]) }}
{%- endmacro %}
