{#- Months built before this build still count the CRM's active and suspended subscribers. A
    difference means snapshots landed late for such a month: it is stale until rebuilt with
    --vars '{as_of_month: <month>}'. A warning, so the month being built still publishes. -#}
{{ config(severity='warn') }}

{{ lifecycle_status_reconciliation(months='earlier') }}
