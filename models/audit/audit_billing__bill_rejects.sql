{#- Bill rows quarantined by staging, incremental by month (macros/staging/audit_rejects_by_month.sql). -#}
{{ config(
    materialized='incremental',
    incremental_strategy=lifecycle_incremental_strategy(),
    unique_key='audit_partition',
    partition_by=lifecycle_partition_by('audit_partition'),
    on_schema_change='append_new_columns',
) }}

-- depends_on: {{ ref('stg_crm__subscriber_snapshots') }}
{{ audit_rejects_by_month(ref('base_billing__bills'), 'bill_month') }}
