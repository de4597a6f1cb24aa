{#- Months built before this build still reconcile with the valid staged bills. A difference
    means bills landed late (or were corrected) for such a month: it is stale until rebuilt
    with --vars '{as_of_month: <month>}'. A warning, so the month being built still publishes. -#}
{{ config(severity='warn') }}

{{ lifecycle_bill_reconciliation(months='earlier') }}
