"""IBM Telco Customer Churn -> landing contract v1 (mapping documented in README "Real datasets").

One row per customer: profile, tenure in months, services, contract, monthly and total charges,
Churn Yes/No. Tables written: subscribers (M0, M1), bills (M0, M1), product_orders (the
services and contract held); the other four are empty. Split: a stable hash of customerID.
"""
from __future__ import annotations

from datetime import date
from pathlib import Path

from .common import (
    IngestResult, add_months, bill_row, churn_report, last_day, months_report, order_row, parse_choice,
    parse_number, plan_for_fee, read_csv, snapshot_rows, source_entry, stable_int, user_error,
)

YES_NO = {"yes": True, "no": False}
NO_PHONE = {**YES_NO, "no phone service": False}
NO_INTERNET = {**YES_NO, "no internet service": False}
REQUIRED = ["customerID", "gender", "SeniorCitizen", "Partner", "Dependents", "tenure", "PhoneService",
            "MultipleLines", "InternetService", "OnlineSecurity", "OnlineBackup", "DeviceProtection", "TechSupport",
            "StreamingTV", "StreamingMovies", "Contract", "MonthlyCharges", "TotalCharges", "Churn"]
INTERNET_PRODUCT = {"dsl": "BB100M", "fiber optic": "BB1000M", "no": None}
CONTRACT_PRODUCT = {"month-to-month": None, "one year": "CT12M", "two year": "CT24M"}
# product -> the Yes/No service columns of which any "Yes" means the subscriber holds it
SERVICE_PRODUCTS = {
    "FAMSHARE": ("MultipleLines",),
    "VASVIDEO": ("StreamingTV", "StreamingMovies"),
    "VASCLOUD": ("OnlineBackup",),
    "BENPLUS": ("OnlineSecurity", "DeviceProtection", "TechSupport"),
}
TRAIN_PERCENT = 80


def split_of(customer_id: str) -> str:
    """train when the first 8 bytes of sha256(customerID), big-endian, mod 100 are below 80."""
    return "train" if stable_int(customer_id) % 100 < TRAIN_PERCENT else "evaluate"


def open_date_for(m0: date, tenure: int) -> date:
    """Last day of M0 minus tenure months (day clamped); tenure 0 opened on the 1st of M0."""
    return m0 if tenure == 0 else add_months(last_day(m0), -tenure)


def build(files: list[Path], m0: date) -> IngestResult:
    if len(files) != 1:
        raise user_error(f"ibm-telco takes one file, got {len(files)}")
    path = files[0]
    raw = read_csv(path, REQUIRED)
    m1 = add_months(m0, 1)
    base, bills, orders, split = [], [], [], []
    blank_total, third_value, seniors, seen = [], {"No phone service": 0, "No internet service": 0}, 0, set()
    for line, r in enumerate(raw, start=2):
        def choice(column, mapping):
            return parse_choice(path, line, column, r[column], mapping)

        sid = r["customerID"].strip()
        if not sid:
            raise user_error(f"{path.name} line {line}: customerID is empty")
        if sid in seen:
            raise user_error(f"{path.name} line {line}: customerID {sid!r} appears twice")
        seen.add(sid)
        tenure = int(parse_number(path, line, "tenure", r["tenure"], integer=True))
        fee = parse_number(path, line, "MonthlyCharges", r["MonthlyCharges"])
        if r["TotalCharges"].strip() == "":
            blank_total.append((sid, tenure))
        else:
            parse_number(path, line, "TotalCharges", r["TotalCharges"])
        seniors += choice("SeniorCitizen", {"0": 0, "1": 1})
        for column in ("MultipleLines", "OnlineSecurity", "OnlineBackup", "DeviceProtection", "TechSupport",
                       "StreamingTV", "StreamingMovies", "InternetService"):
            if r[column].strip() in third_value:
                third_value[r[column].strip()] += 1
        choice("PhoneService", YES_NO)
        family = choice("Partner", YES_NO) or choice("Dependents", YES_NO)
        open_date = open_date_for(m0, tenure)
        base.append({
            "subscriber_id": sid, "gender": choice("gender", {"male": "M", "female": "F"}), "open_date": open_date,
            "plan_id": plan_for_fee(fee), "customer_type": "family" if family else "individual",
            "churned": choice("Churn", YES_NO),
        })
        bills += [bill_row(m0, sid, plan=fee), bill_row(m1, sid, plan=fee)]
        products = [choice("InternetService", INTERNET_PRODUCT), choice("Contract", CONTRACT_PRODUCT)]
        for product, columns in SERVICE_PRODUCTS.items():
            mapping = NO_PHONE if columns == ("MultipleLines",) else NO_INTERNET
            if any([choice(c, mapping) for c in columns]):
                products.append(product)
        orders += [order_row(sid, p, open_date) for p in products if p]
        split.append((sid, split_of(sid)))

    not_tenure_0 = [sid for sid, tenure in blank_total if tenure != 0]
    report = {
        "dataset": "ibm-telco",
        "sources": [source_entry(path, len(raw))],
        "months": months_report(m0),
        "subscribers": len(base),
        "churn": churn_report(base),
        "split_rule": f"first 8 bytes of sha256(customerID) as a big-endian integer, mod 100 < {TRAIN_PERCENT} "
                      "-> train, else evaluate",
        "quirks": [
            {"quirk": "blank_total_charges", "column": "TotalCharges", "count": len(blank_total),
             "ids": [sid for sid, _ in blank_total],
             "handling": "value nulled; TotalCharges is not a landing column (bills carry MonthlyCharges)",
             "reason": "blank_total_charges_tenure_0" if not not_tenure_0 else "blank_total_charges",
             "ids_with_tenure_not_0": not_tenure_0},
            {"quirk": "senior_citizen_0_1", "column": "SeniorCitizen", "count": seniors,
             "handling": "parsed as 0/1; not mapped: it only says 65+, birth_date stays null and age unknown"},
            {"quirk": "third_value_no_phone_service", "cells": third_value["No phone service"],
             "handling": "'No phone service' read as No (MultipleLines)"},
            {"quirk": "third_value_no_internet_service", "cells": third_value["No internet service"],
             "handling": "'No internet service' read as No (online and streaming services)"},
        ],
        "not_mapped": ["SeniorCitizen", "PhoneService", "PaperlessBilling", "PaymentMethod", "TotalCharges"],
    }
    return IngestResult(m0=m0, tables={"subscribers": snapshot_rows(base, m0), "bills": bills,
                                       "product_orders": orders}, split=split, report=report)
