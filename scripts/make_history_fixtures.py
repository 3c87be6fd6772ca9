#!/usr/bin/env python3
"""Generate the history fixtures of tests/history_cli.rs with openpyxl.

    /root/.cache/forms-venv/bin/python scripts/make_history_fixtures.py

pcmd-2022/: the 2022 reports of huyện Văn Bàn (samples/van-ban-2023's
units and layout, pcmd_layout), with other figures for the communication
fields, and without Xã Nậm Xây (03121), which sends nothing in 2022.
pcmd-2022/expected.tsv: what the 2023 build of samples/van-ban-2023 must say
beside each number indicator of pcmd.toml, computed here from the figures
of both years: the 2022 value ("Cùng kỳ năm trước") and 2023 / 2022 × 100
("So sánh (%)"), for the district (089) and each commune; empty where there
is nothing to compare with.
"""

from __future__ import annotations

import os
import re
from dataclasses import replace
import shutil
import sys
import tomllib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pcmd_layout as L  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "history")
DISTRICT = "089"
SILENT_2022 = "03121"


def figures_2022(r: L.Report, k: int) -> L.Report:
    """Other communication figures in 2022; the establishments as in 2023."""
    v = r.values
    return L.with_values(
        r,
        so_van_ban=v["so_van_ban"] + k % 3,
        so_cuoc_truyen_thong=max(0, v["so_cuoc_truyen_thong"] - 1 + k % 2),
        so_luot_nguoi=v["so_luot_nguoi"] * 4 // 5 + k,
        so_bang_ron=v["so_bang_ron"] + 2,
    )


def sum_indicators() -> list[tuple[str, list[str]]]:
    """The number indicators of pcmd.toml that are sums of fields."""
    with open(os.path.join(ROOT, "schemas", "pcmd.toml"), "rb") as f:
        schema = tomllib.load(f)
    out = []
    for ind in schema["indicators"]:
        terms = re.fullmatch(r"\s*sum\((\w+)\)(?:\s*\+\s*sum\((\w+)\))*\s*", ind["numerator"])
        if terms and "denominator" not in ind:
            out.append((ind["id"], re.findall(r"sum\((\w+)\)", ind["numerator"])))
    return out


def expected(now: dict[str, L.Report], then: dict[str, L.Report]) -> list[list[str]]:
    rows = []
    for ind, fields in sum_indicators():
        units = [(DISTRICT, list(now), list(then))]
        units += [(c, [c], [c] if c in then else []) for c in now]
        for code, now_codes, then_codes in units:
            a = sum(now[c].values[f] for c in now_codes for f in fields)
            b = sum(then[c].values[f] for c in then_codes for f in fields) if then_codes else None
            pct = "" if not b else f"{a / b * 100:.6f}"
            rows.append([code, ind, "" if b is None else str(b), pct])
    return rows


def main() -> None:
    now = L.build_reports(2023)
    then = {c: figures_2022(r, k) for k, (c, r) in enumerate(L.build_reports(2022).items())
            if c != SILENT_2022}
    out = os.path.join(OUT, "pcmd-2022")
    inbox = os.path.join(out, "inbox")
    shutil.rmtree(inbox, ignore_errors=True)
    os.makedirs(inbox)
    for code, r in then.items():
        variant = replace(L.default_variant(r), period="Năm 2022", sign_year=2022)
        L.write_report(r, variant, os.path.join(inbox, f"{code}_pcmd_2022.xlsx"))
    with open(os.path.join(out, "expected.tsv"), "w", encoding="utf-8") as f:
        f.write("unit_code\tindicator_id\tprevious_year\tvs_previous_year_pct\n")
        for row in expected(now, then):
            f.write("\t".join(row) + "\n")


if __name__ == "__main__":
    main()
