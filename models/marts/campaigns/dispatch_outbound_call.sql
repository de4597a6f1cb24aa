{#- Dispatch list of the outbound_call channel: see macros/campaigns/campaign_dispatch_list.sql. -#}
{{ config(materialized='table') }}

{{ campaign_dispatch_list('outbound_call') }}
