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

hdvh/: a made-up quarterly form (schema.toml, written by hand) of six old
communes of Văn Bàn: inbox-2024-q1 … q4 (Xã Hoà Mạc, 03097, sends no Q3),
inbox-2025-q1 (Xã Sơn Thuỷ's sessions jump from about 3.5 a quarter to 41:
an outlier; Thị trấn Khánh Yên's rise from 12 to 14 is ordinary), and
inbox-2026-q1 of the two new communes of Lào Cai (province 15) that the six
formed wholly after 1 July 2025 (Xã Văn Bàn 03082, Xã Nậm Xé 03085).
hdvh/expected.tsv: the 2024 roll-up of each unit (so_buoi summed, so_clb
the Q4 value, dong_nhat the largest), and the 2026-Q1 indicators against
2024-Q1 with the old communes summed into the new ones (crosswalk rows of
data/dvhc/sap-nhap-2025.csv written out here).
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


# so_buoi, so_clb, dong_nhat per quarter of 2024; None: not sent.
HDVH_2024 = {
    ("03055", "Thị trấn Khánh Yên"): [(12, 4, 150), (10, 4, 120), (15, 5, 200), (9, 5, 90)],
    ("03064", "Xã Sơn Thuỷ"): [(3, 1, 40), (4, 1, 35), (2, 2, 60), (5, 2, 45)],
    ("03082", "Xã Khánh Yên Thượng"): [(6, 2, 80), (7, 2, 75), (8, 3, 95), (6, 3, 70)],
    ("03085", "Xã Nậm Xé"): [(2, 1, 30), (1, 1, 25), (3, 1, 33), (2, 1, 28)],
    ("03094", "Xã Làng Giàng"): [(4, 1, 50), (4, 2, 55), (5, 2, 52), (3, 2, 41)],
    ("03097", "Xã Hoà Mạc"): [(5, 2, 66), (6, 2, 70), None, (7, 3, 72)],
}
HDVH_2025_Q1 = {"03055": (14, 5, 100), "03064": (41, 2, 50), "03082": (7, 3, 80),
                "03085": (2, 1, 30), "03094": (5, 2, 50), "03097": (6, 3, 70)}
HDVH_2026_Q1 = {("03082", "Xã Văn Bàn"): (40, 13, 210), ("03085", "Xã Nậm Xé"): (3, 1, 35)}
# The crosswalk's rows for the two new communes (all `full`).
FORMED_FROM = {"03082": ["03055", "03064", "03082", "03094", "03097"], "03085": ["03085"]}
ROMAN = ["I", "II", "III", "IV"]


def hdvh_file(folder: str, code: str, name: str, year: int, q: int, values: tuple) -> None:
    import make_forms as F
    with open(os.path.join(OUT, "hdvh", "schema.toml"), "rb") as f:
        schema = tomllib.load(f)
    fields = dict(zip(["so_buoi", "so_clb", "dong_nhat"], values))
    v = F.Variant()
    period = f"Quý {ROMAN[q - 1]} năm {year}"
    cols = ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú"]
    sheet, end = F.render_form_sheet(schema, "bieu_01", fields, name, period, v, cols, "Số liệu")
    F.signature(sheet, end, 1, 5, "Văn Bàn", f"ngày 05 tháng {3 * q + 1 if q < 4 else 1} năm {year}")
    F.write([sheet], os.path.join(OUT, "hdvh", folder, f"{code}_hdvh_{year}_q{q}.xlsx"), v)


def make_hdvh() -> None:
    base = os.path.join(OUT, "hdvh")
    for folder in [f"inbox-2024-q{q}" for q in range(1, 5)] + ["inbox-2025-q1", "inbox-2026-q1"]:
        shutil.rmtree(os.path.join(base, folder), ignore_errors=True)
    names = {code: name for code, name in HDVH_2024}
    for (code, name), quarters in HDVH_2024.items():
        for q, values in enumerate(quarters, start=1):
            if values is not None:
                hdvh_file(f"inbox-2024-q{q}", code, name, 2024, q, values)
    for code, values in HDVH_2025_Q1.items():
        hdvh_file("inbox-2025-q1", code, names[code], 2025, 1, values)
    for (code, name), values in HDVH_2026_Q1.items():
        hdvh_file("inbox-2026-q1", code, name, 2026, 1, values)
    rows = [["kind", "unit_code", "id", "value", "previous", "pct"]]
    for (code, _), quarters in HDVH_2024.items():
        if None in quarters:
            continue
        rows.append(["rollup", code, "so_buoi", str(sum(q[0] for q in quarters)), "", ""])
        rows.append(["rollup", code, "so_clb", str(quarters[-1][1]), "", ""])
        rows.append(["rollup", code, "dong_nhat", str(max(q[2] for q in quarters)), "", ""])
    q1 = {code: quarters[0] for (code, _), quarters in HDVH_2024.items()}
    for k, ind in enumerate(["so_buoi", "so_clb"]):
        units = [(c, [c], FORMED_FROM[c]) for c, _ in HDVH_2026_Q1]
        units.append(("15", [c for c, _ in HDVH_2026_Q1], list(q1)))
        now_of = {c: v for (c, _), v in HDVH_2026_Q1.items()}
        for code, now_codes, old_codes in units:
            now = sum(now_of[c][k] for c in now_codes)
            then = sum(q1[c][k] for c in old_codes)
            rows.append(["reform", code, ind, str(now), str(then), f"{now / then * 100:.6f}"])
    with open(os.path.join(base, "expected.tsv"), "w", encoding="utf-8") as f:
        for row in rows:
            f.write("\t".join(row) + "\n")


def main() -> None:
    make_hdvh()
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
