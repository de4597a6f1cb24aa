{#- The lifecycle view holds the CRM's base: in every month this build wrote, it counts as
    many active and as many suspended subscribers as that month's valid CRM snapshot.
    Returns the months and statuses that differ. -#}
{{ lifecycle_status_reconciliation(months='written') }}
