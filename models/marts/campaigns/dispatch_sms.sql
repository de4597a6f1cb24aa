{#- Dispatch list of the sms channel: see macros/campaigns/campaign_dispatch_list.sql. -#}
{{ config(materialized='table') }}

{{ campaign_dispatch_list('sms') }}
