#!/usr/bin/env python3
"""Generate the commune files of the level tests (tests/levels.rs).

    /root/.cache/forms-venv/bin/python scripts/make_levels.py   (any Python with openpyxl)

Writes, relative to the repository root, PCMD reports (schemas/pcmd.toml)
made with openpyxl through scripts/pcmd_layout.py, named after real units of
the bundled national lists (data/dvhc/):

  tests/levels/2023/089/   3 communes of Huyện Văn Bàn (Lào Cai, before the reform)
  tests/levels/2023/087/   3 communes of Huyện Bảo Yên (Lào Cai, before the reform)
  tests/levels/2026/15/    2 wards and 2 communes of the new Tỉnh Lào Cai (after 1 July 2025)
  tests/levels/expected.json   per folder: each file's unit, every value with
                               its sheet and cell, and the totals of the numeric
                               fields and the "Có" count of the yes/no ones,
                               computed here from the values written.

The test makes the projects with `tonghop init` (a district's, a province's
over its districts, a province's over its communes), copies these files into
their inboxes, builds, and compares the outputs with expected.json.
Deterministic: running it again rewrites the same bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pcmd_layout as L  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "levels")

# (folder, year, list file, parent column, parent code, how many wards/communes)
SETS = [
    ("2023/089", 2023, "don-vi-2025-03.csv", "district_code", "089", 3),
    ("2023/087", 2023, "don-vi-2025-03.csv", "district_code", "087", 3),
    ("2026/15", 2026, "don-vi-2025-07.csv", "province_code", "15", 4),
]

PLACE_WORDS = ["Thôn Bản Mới", "Thôn Nà Lả", "Tổ dân phố số 2", "Thôn Khe Mụ"]


def units_of(list_file: str, parent_col: str, parent: str) -> list[dict]:
    with open(os.path.join(ROOT, "data", "dvhc", list_file), encoding="utf-8") as f:
        return [row for row in csv.DictReader(f) if row[parent_col] == parent]


def pick(units: list[dict], n: int) -> list[dict]:
    """Wards first (to read "phường" back), then communes, in code order."""
    wards = [u for u in units if u["kind"] in ("Phường", "Thị trấn")]
    communes = [u for u in units if u["kind"] == "Xã"]
    chosen = wards[: n // 2] + communes[: n - n // 2] if wards else communes[:n]
    return sorted(chosen, key=lambda u: u["code"])


def report(unit: dict, i: int, year: int) -> L.Report:
    """A report with figures that differ per unit and satisfy every rule."""
    luu, kar, mas = 1 + i % 3, i % 2, (i + 1) % 2
    tong = luu + kar + mas
    cuoc = 1 + i % 4
    values = {
        "so_van_ban": 2 + i, "so_cuoc_truyen_thong": cuoc, "so_luot_nguoi": 40 * cuoc + 7 * i,
        "so_bang_ron": 3 + 2 * i, "co_so_tong": tong, "co_so_luu_tru": luu,
        "co_so_karaoke": kar, "co_so_massage": mas, "co_so_khac": 0,
        "co_so_cam_ket": tong, "so_luot_kiem_tra": 1 + i % 5, "co_so_vi_pham": 0,
        "co_te_nan": False, "so_vu_vi_pham": 0, "so_doi_tuong": i % 2,
        "so_nguoi_ho_tro": 0, "so_nan_nhan": 0,
        "dang_ky_lanh_manh": i % 3 != 2, "co_ke_hoach": True,
    }
    kinds = ["Lưu trú"] * luu + ["Karaoke"] * kar + ["Massage"] * mas
    names = {"Lưu trú": "Nhà nghỉ", "Karaoke": "Karaoke", "Massage": "Massage"}
    ests = [
        L.Establishment(
            f"{names[k]} {bare_name(unit)} {j + 1}", k,
            PLACE_WORDS[(i + j) % len(PLACE_WORDS)], L.PERSONS[(3 * i + j) % len(L.PERSONS)],
            True, dt.date(year, 3 + j, 10 + i),
        )
        for j, k in enumerate(kinds)
    ]
    r = L.Report(unit["code"], unit["name"], year, values, ests,
                 L.PERSONS[(5 * i) % len(L.PERSONS)], L.PERSONS[(5 * i + 1) % len(L.PERSONS)])
    L.check_report(r)
    return r


def kind_and_bare(unit: dict) -> tuple[str, str]:
    """("Thị trấn", "Phố Ràng"), ("Xã", "Tân Tiến"), ("Phường", "Lào Cai")."""
    name = unit["name"]
    if name.startswith("Thị trấn "):
        return "Thị trấn", name[len("Thị trấn "):]
    kind, bare = name.split(" ", 1)
    return kind, bare


def bare_name(unit: dict) -> str:
    return kind_and_bare(unit)[1]


def variant(unit: dict, i: int, year: int) -> L.Variant:
    """The canonical layout; every other file with a blank row between
    sections, so that the same field sits in another cell."""
    kind, bare = kind_and_bare(unit)
    return L.Variant(heading=f"UBND {kind.upper()} {bare.upper()}", unit_label=unit["name"],
                     place=bare, period=f"Năm {year}", sign_year=year,
                     blank_between_sections=i % 2 == 1)


def file_name(unit: dict, year: int) -> str:
    name = unit["name"].replace("Đ", "D").replace("đ", "d")
    ascii_name = L.nfd(name).encode("ascii", "ignore").decode().replace(" ", "")
    return f"BC_PCMD_{year}_{unit['code']}_{ascii_name}.xlsx"


def totals(reports: list[L.Report]) -> dict:
    out = {}
    for fid in L.FIELD_IDS:
        vals = [r.values[fid] for r in reports]
        out[fid] = sum(1 for v in vals if v) if fid in L.YESNO_FIELDS else sum(vals)
    return out


def main() -> None:
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    expected = {}
    offset = 0
    for folder, year, list_file, parent_col, parent, n in SETS:
        units = pick(units_of(list_file, parent_col, parent), n)
        files, reports = [], []
        for i, unit in enumerate(units):
            r = report(unit, offset + i, year)
            name = file_name(unit, year)
            pos = L.write_report(r, variant(unit, i, year), os.path.join(OUT, folder, name))
            files.append({
                "file": name, "code": unit["code"], "name": unit["name"],
                "values": {fid: r.values[fid] for fid in L.FIELD_IDS},
                "sheet": pos.sheet1, "cells": {fid: pos.fields[fid] for fid in L.FIELD_IDS},
                "establishments": len(r.establishments),
            })
            reports.append(r)
        offset += n
        expected[folder] = {"year": year, "files": files, "totals": totals(reports)}
    with open(os.path.join(OUT, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
