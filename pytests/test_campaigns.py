"""Campaign marts on the clean build (2000 subscribers x 4 months, `clean_build`): the
invariants a target list must keep, checked against the lifecycle view and the staged
contacts, orders and complaints rather than against the campaign models' own flags; the
control groups and dispatch lists; identical inputs giving identical lists; the channel
capacity when it binds; the closed loop finding the uplift the generator plants; the KPIs.

The rebuilds run only the campaign models, on a copy of the clean build's database."""
from __future__ import annotations

import csv
import math
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from conftest import dbt_session, query
from subops.paths import PROJECT_DIR
from subops.parity import duckdb_digest

CAMPAIGN_MODELS = ["int_campaign_contact_histories+", "int_campaign_eligibility+"]
CHANNELS = ("sms", "outbound_call", "app_push", "wechat", "store")
LISTS = ("campaign_candidates", "campaign_exclusions", "campaign_targets",
         *(f"dispatch_{channel}" for channel in CHANNELS))
# The generator's campaigns contact a random share of fitting subscribers whatever our lists
# say, and the contacted convert far more often (subops/generate/marketing.py): 5G plans and
# data packs every month, in numbers a 2000-subscriber base measures.
PLANTED = ("upgrade_4g_to_5g", "data_pack_before_quota")


def shipped_campaigns() -> dict[str, dict]:
    with open(PROJECT_DIR / "seeds" / "campaigns" / "campaigns.csv", newline="") as seed:
        return {row["campaign_id"]: row for row in csv.DictReader(seed)}


@pytest.fixture(scope="module")
def database(clean_build) -> Path:
    return clean_build.duckdb_path


def violations(database: Path, sql: str) -> list[tuple]:
    return query(database, sql)


# --- what every target list must keep ----------------------------------------------------

def test_every_shipped_campaign_has_targets_in_both_groups(database):
    counts = dict(query(database, "select campaign_id, count(*) from campaigns.campaign_targets group by 1"))
    assert set(counts) == set(shipped_campaigns()), counts
    assert min(counts.values()) > 0
    groups = query(database, "select distinct target_group from campaigns.campaign_targets")
    assert sorted(groups) == [("control",), ("treatment",)]


def test_every_candidate_is_a_target_or_has_exactly_one_exclusion_reason(database):
    [(candidates, targets, exclusions, keys)] = query(database, """
        select
            (select count(*) from campaigns.campaign_candidates),
            (select count(*) from campaigns.campaign_targets),
            (select count(*) from campaigns.campaign_exclusions),
            (select count(*) from (
                select campaign_month, campaign_id, subscriber_key from campaigns.campaign_targets
                union
                select campaign_month, campaign_id, subscriber_key from campaigns.campaign_exclusions))""")
    assert candidates == targets + exclusions == keys
    reasons = dict(query(database, "select exclusion_reason, count(*) from campaigns.campaign_exclusions group by 1"))
    # the rules that bind on this data; channel_cap and channel_capacity have their own tests
    for reason in ("no_consent", "dnd", "fraud_risk", "holds_product", "arbitration"):
        assert reasons.get(reason, 0) > 0, reasons


def test_no_target_lacks_consent_is_on_dnd_or_has_a_fraud_risk(database):
    # the CRM flags of the tag month in the lifecycle view, and marketing-harassment
    # complaints in the 3 months up to it (the do-not-disturb rule)
    assert violations(database, """
        select t.campaign_id, t.subscriber_key
        from campaigns.campaign_targets t
        join core.fct_subscriber_months m
          on m.subscriber_key = t.subscriber_key and m.report_month = t.tag_month
        where not coalesce(m.has_marketing_consent, false)
           or coalesce(m.is_dnd_registered, false)
           or coalesce(m.risk_flag, 'none') <> 'none'
           or m.status <> 'active'
           or exists (
                select 1 from core.fct_subscriber_months h
                where h.subscriber_key = t.subscriber_key
                  and h.report_month between t.tag_month - interval 2 month and t.tag_month
                  and h.complaint_marketing_harassment_count > 0)""") == []
    [(targets_with_month,)] = query(database, """
        select count(*) from campaigns.campaign_targets t
        join core.fct_subscriber_months m on m.subscriber_key = t.subscriber_key and m.report_month = t.tag_month""")
    [(targets,)] = query(database, "select count(*) from campaigns.campaign_targets")
    assert targets_with_month == targets


def test_no_target_already_holds_the_product(database):
    # the CRM main plan, and the latest order of the product up to the tag month's end
    # (still held after the campaign month unless it was an unsubscribe or has run out)
    assert violations(database, """
        with keys as (
            select distinct subscriber_id, subscriber_key from intermediate.int_subscriber_months_spined
        ),
        latest_orders as (
            select keys.subscriber_key, o.product_id, o.order_action, o.expire_date, o.effective_date,
                   row_number() over (partition by keys.subscriber_key, o.product_id, t.campaign_month
                                      order by o.effective_date desc, o.ordered_at desc, o.order_id desc) as rn,
                   t.campaign_month
            from staging.stg_orders__product_orders o
            join keys using (subscriber_id)
            join campaigns.campaign_targets t
              on t.subscriber_key = keys.subscriber_key and t.product_id = o.product_id
            where o.effective_date <= last_day(t.tag_month)
        )
        select t.campaign_id, t.subscriber_key
        from campaigns.campaign_targets t
        join reference.products p on p.product_id = t.product_id
        join core.fct_subscriber_months m on m.subscriber_key = t.subscriber_key and m.report_month = t.tag_month
        left join latest_orders l
          on l.subscriber_key = t.subscriber_key and l.product_id = t.product_id
         and l.campaign_month = t.campaign_month and l.rn = 1
        where m.plan_id = t.product_id  -- a main plan: the CRM snapshot says which one is held
           or (p.product_type not in ('plan', 'converged')
               and l.order_action in ('subscribe', 'change_plan')
               and (l.expire_date is null or l.expire_date > last_day(t.campaign_month)))
    """) == []
    [(holders,)] = query(database, "select count(*) from campaigns.campaign_exclusions where exclusion_reason = 'holds_product'")
    assert holders > 0


def test_no_target_is_over_a_contact_cap_or_in_its_complaint_cooloff(database):
    # contacts and complaints as staged, against the contact policy seed
    assert violations(database, """
        with keys as (
            select distinct subscriber_id, subscriber_key from intermediate.int_subscriber_months_spined
        ),
        policy as (select * from reference.contact_policy),
        marketing as (
            select keys.subscriber_key, c.channel_code, c.contact_date
            from staging.stg_marketing__contacts c join keys using (subscriber_id)
            join reference.channels ch on ch.channel_code = c.channel_code and ch.is_outbound_marketing
            where c.direction = 'outbound'
        ),
        counted as (
            select t.campaign_id, t.subscriber_key, t.channel_code,
                   (select count(*) from marketing x join policy p
                      on p.policy_scope = 'channel' and p.channel_code = t.channel_code
                    where x.subscriber_key = t.subscriber_key and x.channel_code = t.channel_code
                      and x.contact_date < t.campaign_month
                      and x.contact_date >= t.campaign_month - p.lookback_days) as channel_contacts,
                   (select max(max_contacts) from policy p
                    where p.policy_scope = 'channel' and p.channel_code = t.channel_code) as channel_cap,
                   (select count(*) from marketing x join policy p on p.policy_scope = 'total'
                    where x.subscriber_key = t.subscriber_key and x.contact_date < t.campaign_month
                      and x.contact_date >= t.campaign_month - p.lookback_days) as total_contacts,
                   (select max_contacts from policy where policy_scope = 'total') as total_cap,
                   (select count(*) from staging.stg_service__complaints s join keys k using (subscriber_id)
                    join policy p on p.policy_scope = 'total'
                    where k.subscriber_key = t.subscriber_key and s.created_date < t.campaign_month
                      and s.created_date >= t.campaign_month - p.complaint_cooloff_days) as cooloff_complaints
            from campaigns.campaign_targets t
        )
        select * from counted
        where channel_contacts >= channel_cap or total_contacts >= total_cap or cooloff_complaints > 0""") == []
    # the rules are live on this data: contacted subscribers were screened
    [(contacted_targets,)] = query(database, """
        select count(*) from intermediate.int_campaign_candidates_arbitrated
        where is_target and total_window_contacts > 0""")
    assert contacted_targets > 0


def test_at_most_one_campaign_per_subscriber_and_month(database):
    assert query(database, """
        select campaign_month, subscriber_key, count(*) from campaigns.campaign_targets
        group by 1, 2 having count(*) > 1""") == []
    # and the arbitration's losers name a winner that is that subscriber's target
    assert query(database, """
        select e.* from campaigns.campaign_exclusions e
        left join campaigns.campaign_targets t
          on t.campaign_month = e.campaign_month and t.subscriber_key = e.subscriber_key
         and t.campaign_id = e.lost_to_campaign_id
        where e.exclusion_reason = 'arbitration' and t.subscriber_key is null""") == []


def test_the_arbitration_keeps_the_highest_priority_then_the_highest_expected_value(database):
    assert query(database, """
        select e.campaign_month, e.subscriber_key
        from campaigns.campaign_exclusions e
        join campaigns.campaign_targets t
          on t.campaign_month = e.campaign_month and t.campaign_id = e.lost_to_campaign_id
         and t.subscriber_key = e.subscriber_key
        join reference.campaigns lost on lost.campaign_id = e.campaign_id
        where e.exclusion_reason = 'arbitration'
          and (t.campaign_priority > lost.priority
               or (t.campaign_priority = lost.priority and t.expected_value < lost.expected_value))""") == []


def test_each_campaign_holds_back_its_control_share(database):
    """The control group is round(targets x share) of a campaign's targets in each month, so
    it is within 1 point of the setting wherever a campaign has 50 targets or more (0.5/50).
    On the 2000-subscriber build those are the 5G, data pack, converged and (from March)
    high-value retention campaigns; the small ones are checked to the rounding."""
    shares = {campaign: float(row["control_share"]) for campaign, row in shipped_campaigns().items()}
    rows = query(database, """
        select campaign_id, campaign_month, count(*),
               sum(case when target_group = 'control' then 1 else 0 end)
        from campaigns.campaign_targets group by 1, 2""")
    large = 0
    for campaign, month, targets, control in rows:
        assert control == math.floor(targets * shares[campaign] + 0.5), (campaign, month)
        if targets >= 50:
            large += 1
            assert abs(control / targets - shares[campaign]) <= 0.01, (campaign, month, targets, control)
    assert large >= 12


def test_dispatch_lists_hold_the_treatment_group_of_the_planned_month_only(database):
    [(planned,)] = query(database, "select max(campaign_month) from campaigns.campaign_targets")
    dispatched = []
    for channel in CHANNELS:
        rows = query(database, f"""
            select d.subscriber_key, d.campaign_id, d.msisdn_masked, t.target_group, t.channel_code,
                   d.campaign_month
            from campaigns.dispatch_{channel} d
            left join campaigns.campaign_targets t
              on t.campaign_month = d.campaign_month and t.subscriber_key = d.subscriber_key
             and t.campaign_id = d.campaign_id""")
        for key, campaign, masked, group, target_channel, month in rows:
            assert (group, target_channel, month) == ("treatment", channel, planned), (channel, key, campaign)
            assert re.fullmatch(r"1\d{2}\*{4}\d{4}", masked), masked
        dispatched += [(r[0], r[1]) for r in rows]
    treatment = query(database, """
        select subscriber_key, campaign_id from campaigns.campaign_targets
        where target_group = 'treatment' and campaign_month = (select max(campaign_month) from campaigns.campaign_targets)""")
    assert sorted(dispatched) == sorted(treatment) and len(dispatched) > 0
    columns = [r[0] for r in query(database, """
        select column_name from information_schema.columns
        where table_schema = 'campaigns' and table_name = 'dispatch_sms' order by ordinal_position""")]
    assert columns == ["campaign_month", "subscriber_key", "msisdn_masked", "campaign_id", "product_id",
                       "window_start_date", "window_end_date", "contact_from_hour", "contact_to_hour"]


def test_contact_windows_lie_in_the_campaign_month_and_follow_the_key_moments(database):
    assert query(database, """
        select * from campaigns.campaign_targets
        where window_start_date < campaign_month or window_end_date > last_day(campaign_month)
           or window_start_date > window_end_date""") == []
    bases = dict(query(database, "select window_basis, count(*) from campaigns.campaign_targets group by 1"))
    assert bases.get("birthday_week", 0) > 0 and bases.get("before_contract_end", 0) > 0
    # a birthday window holds the birthday
    assert query(database, """
        select t.* from campaigns.campaign_targets t join core.dim_subscribers d using (subscriber_key)
        where t.window_basis = 'birthday_week'
          and not (d.birth_month = month(t.campaign_month)
                   and least(t.campaign_month + (d.birth_day - 1) * interval 1 day, last_day(t.campaign_month))
                       between t.window_start_date and t.window_end_date)""") == []


# --- rebuilding the campaign models on a copy -----------------------------------------------

@pytest.fixture(scope="module")
def rebuilt(clean_build, tmp_path_factory):
    """The clean build's database copied, the campaign models rebuilt from scratch on it
    (identical inputs), then rebuilt again with every channel's daily capacity cut to 2."""
    work = tmp_path_factory.mktemp("campaigns_rebuilt")
    session = dbt_session(work, clean_build.landing_dir)
    shutil.copy(clean_build.duckdb_path, session.duckdb_path)
    session.run("run", "--select", *CAMPAIGN_MODELS, "--full-refresh")
    with duckdb.connect(str(session.duckdb_path), read_only=True) as con:
        identical = {name: duckdb_digest(con, "campaigns", name) for name in LISTS}
    with duckdb.connect(str(session.duckdb_path)) as con:
        con.execute("update reference.channels set daily_capacity = 2 where daily_capacity is not null")
    session.run("run", "--select", *CAMPAIGN_MODELS, "--full-refresh")
    return identical, session.duckdb_path


def test_identical_inputs_give_identical_lists(database, rebuilt):
    identical, _ = rebuilt
    with duckdb.connect(str(database), read_only=True) as con:
        original = {name: duckdb_digest(con, "campaigns", name) for name in LISTS}
    assert identical == original
    assert original["campaign_targets"].rows > 1000


def test_channel_capacity_cuts_the_lists_by_rank_when_it_binds(rebuilt):
    _, capped = rebuilt
    over = query(capped, """
        select t.campaign_month, t.channel_code, count(*) as targets,
               2 * (last_day(t.campaign_month) - t.campaign_month + 1) as capacity
        from campaigns.campaign_targets t group by 1, 2 having count(*) > capacity""")
    assert over == []
    full = query(capped, """
        select channel_code, count(*) from campaigns.campaign_targets
        group by channel_code, campaign_month having count(*) = 2 * (last_day(campaign_month) - campaign_month + 1)""")
    assert full, "capacity 2 a day binds on some channel"
    [(cut,)] = query(capped, "select count(*) from campaigns.campaign_exclusions where exclusion_reason = 'channel_capacity'")
    assert cut > 0
    # the cut keeps the higher-priority campaigns: nothing kept ranks below something cut
    assert query(capped, """
        select kept.channel_code from intermediate.int_campaign_candidates_arbitrated kept
        join intermediate.int_campaign_candidates_arbitrated cut
          on cut.campaign_month = kept.campaign_month and cut.channel_code = kept.channel_code
        where kept.is_target and cut.exclusion_reason = 'channel_capacity'
          and kept.capacity_rank > cut.capacity_rank""") == []


# --- the closed loop and the KPIs -----------------------------------------------------------

def pooled(database, campaign: str) -> dict:
    [row] = query(database, """
        select sum(treatment_contacted), sum(contacted_converted),
               sum(uncontacted_control_targets), sum(uncontacted_control_converted),
               sum(treatment_targets), sum(control_targets)
        from campaigns.campaign_performance
        where campaign_id = ? and channel_code = 'all' and segment_code = 'all'""", [campaign])
    contacted, converted, control, control_converted, treatment, control_all = row
    p1, p2 = converted / contacted, control_converted / control
    half = 1.96 * math.sqrt(p1 * (1 - p1) / contacted + p2 * (1 - p2) / control)
    return {"uplift": p1 - p2, "low": p1 - p2 - half, "contacted": contacted, "treatment": treatment,
            "control": control_all}


@pytest.mark.parametrize("campaign", PLANTED)
def test_performance_shows_the_uplift_the_generator_plants(database, campaign):
    result = pooled(database, campaign)
    assert result["contacted"] >= 100 and result["control"] >= 50, result
    assert result["uplift"] > 0.03 and result["low"] > 0, result
    # each measured month too, with the mart's own interval
    rows = query(database, """
        select campaign_month, uplift, uplift_ci_low, uplift_ci_high, lift_over_natural
        from campaigns.campaign_performance
        where campaign_id = ? and channel_code = 'all' and segment_code = 'all'""", [campaign])
    assert rows and all(uplift > 0 and low <= uplift <= high for _, uplift, low, high, _ in rows), rows
    # above the natural rate wherever the base ordered the product at all (else null)
    assert all(lift is None or lift > 1 for *_, lift in rows), rows


def test_performance_rollups_add_up_and_measure_only_landed_months(database):
    assert query(database, """
        select a.campaign_month, a.campaign_id
        from campaigns.campaign_performance a
        join (select campaign_month, campaign_id, sum(treatment_targets) as t, sum(control_targets) as c
              from campaigns.campaign_performance where channel_code <> 'all' and segment_code <> 'all'
              group by 1, 2) d using (campaign_month, campaign_id)
        where a.channel_code = 'all' and a.segment_code = 'all'
          and (a.treatment_targets <> d.t or a.control_targets <> d.c)""") == []
    [(latest_performance, latest_crm)] = query(database, """
        select (select max(campaign_month) from campaigns.campaign_performance),
               (select max(report_month) from core.fct_subscriber_months)""")
    assert latest_performance == latest_crm
    assert query(database, """
        select p.campaign_month, p.campaign_id from campaigns.campaign_performance p
        join (select campaign_month, campaign_id, count(*) as n from campaigns.campaign_targets group by 1, 2) t
          using (campaign_month, campaign_id)
        where p.channel_code = 'all' and p.segment_code = 'all'
          and p.treatment_targets + p.control_targets <> t.n""") == []


def test_kpi_monthly_agrees_with_the_lifecycle_view(database):
    rows = query(database, """
        with months as (
            select report_month,
                   count(*) filter (where status in ('active', 'suspended')) as base,
                   count(*) filter (where status = 'closed') as closed
            from core.fct_subscriber_months group by report_month
        ),
        churn as (  -- the base at the end of the month before, and who of it closed
            select b.report_month + interval 1 month as report_month, count(*) as previous_base,
                   count(*) filter (where m.status = 'closed') as base_closed
            from core.fct_subscriber_months b
            left join core.fct_subscriber_months m
              on m.subscriber_key = b.subscriber_key and m.report_month = b.report_month + interval 1 month
            where b.status in ('active', 'suspended')
            group by 1
        )
        select k.report_month, k.base_subscribers, k.churned_subscribers, k.churn_rate, k.net_adds,
               months.base, months.closed, churn.previous_base, churn.base_closed
        from kpi.kpi_monthly k
        join months using (report_month)
        left join churn on churn.report_month = k.report_month
        order by 1""")
    assert len(rows) == 4
    for month, base, churned, churn_rate, net_adds, f_base, f_closed, previous, base_closed in rows[1:]:
        assert (base, churned) == (f_base, f_closed), month
        assert net_adds == f_base - previous
        assert float(churn_rate) == pytest.approx(base_closed / previous, abs=1e-6)
    assert rows[0][3] is None and rows[0][4] is None  # the first month has no month before
    [(nulls,)] = query(database, """
        select count(*) from kpi.kpi_monthly
        where arpu is null or dou_mb is null or mou_minutes is null or penetration_5g is null
           or converged_penetration is null or contact_coverage is null or complaints_per_10k is null""")
    assert nulls == 0
