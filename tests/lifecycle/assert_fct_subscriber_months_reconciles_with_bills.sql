{#- Nothing billed is lost or double counted on the way into the lifecycle view: in every
    month this build wrote, the valid staged bills' total_fee sums to the view's, and the
    bills are as many. Returns the months that differ. -#}
{{ lifecycle_bill_reconciliation(months='written') }}
