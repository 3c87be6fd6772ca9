#!/usr/bin/env python3
"""Generate the commune files of tests/forms/pcma/ (issue 14: list shapes,
keys, time, unit attributes).

    /root/.cache/forms-venv/bin/python scripts/make_pcma_form.py

The form (tests/forms/pcma/schema.toml, written by hand from docs/schema.md)
is the half-year report on drug prevention of the communes of Huyện Mường
Khương. Its list of people:

- puts the year of birth under "Nam" or under "Nữ" (one fact split over two
  columns: nam_sinh + gioi_tinh), under a two-row header (merged "Năm sinh"
  and "Quản lý" group cells over their sub-headers, merged STT/name cells);
- continues over a second sheet "Biểu 02 (tiếp)" in one file;
- is keyed by (họ tên, năm sinh): one file repeats a person (rejected,
  value-not-unique at the repeat's cell), two communes report the same
  person (accepted, a record-in-several-units warning on both);
- is tied to the form by rules: the rows whose "Ngày phát hiện" falls in the
  reporting window (tonghop.toml's cutoff_day = 15: 15/12/2023–14/6/2024,
  not the calendar half) must equal "mới phát hiện trong kỳ"; dates between
  15/12 and 31/12/2023 count, dates before 15/12/2023 do not;
- the registry's dan_so column is a rule (a commune's addicts cannot exceed
  its population: Dìn Chin's file is rejected) and the denominator of an
  indicator per 10,000 inhabitants.

expected.json is computed here from the values written, independently of
tonghop: each file's unit, status and finding codes; the cells of the key
findings; every accepted value and record; the totals and indicators.
Deterministic (fixed seed, normalised zips; xlwt writes no time).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pcmd_layout as L  # noqa: E402  (sheet model and writers)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORM = os.path.join(ROOT, "tests", "forms", "pcma")
WINDOW = (dt.date(2023, 12, 15), dt.date(2024, 6, 14))
PERIOD_TEXT = "Kỳ báo cáo: từ ngày 15/12/2023 đến ngày 14/6/2024"

UNITS = [  # code, name, dan_so (as units.csv has them)
    ("02752", "Xã Pha Long", 5480),
    ("02755", "Xã Tả Ngải Chồ", 4921),
    ("02758", "Xã Tung Chung Phố", 3876),
    ("02761", "Thị trấn Mường Khương", 12345),
    ("02764", "Xã Dìn Chin", 3102),
    ("02767", "Xã Tả Gia Khâu", 4410),
]
FORM_FIELDS = [  # id, code, label, unit (schema order)
    ("so_nguoi_nghien", "1", "Tổng số người nghiện ma túy có hồ sơ quản lý", "Người"),
    ("so_moi_phat_hien", "2", "Số người nghiện mới phát hiện trong kỳ", "Người"),
    ("so_nu", "3", "Trong đó: nữ", "Người"),
    ("so_vu", "4", "Số vụ vi phạm pháp luật về ma túy bị phát hiện", "Vụ"),
    ("kinh_phi", "5", "Kinh phí hỗ trợ cai nghiện", "Triệu đồng"),
]
HINH_THUC = ["Cai nghiện tại gia đình, cộng đồng", "Cai nghiện tại cơ sở", "Quản lý sau cai"]
HO = ["Vàng", "Sùng", "Thào", "Giàng", "Lù", "Hoàng", "Lý", "Tráng", "Nguyễn", "Lò"]
DEM = ["Seo", "A", "Văn", "Mí", "Chẩn", "Thị"]
TEN = ["Pao", "Sử", "Chứ", "Dín", "Páo", "Lềnh", "Sính", "Hùng", "Chúng", "Mai", "Dở", "Tủa"]
THON = ["Thôn Pha Long 1", "Thôn Sín Chải", "Thôn Lùng Phìn", "Tổ dân phố 3", "Thôn Na Lốc"]
# The same person in two communes' lists (moved, or counted by both).
SHARED = {"ho_ten": "Vàng Seo Pao", "nam_sinh": 1988, "gioi_tinh": "Nam",
          "noi_cu_tru": "Thôn Sín Chải", "ngay_phat_hien": dt.date(2023, 12, 20),
          "hinh_thuc": HINH_THUC[0]}


def people(rng: random.Random, n: int, used: set[str]) -> list[dict]:
    """n people with distinct names, dates on both sides of the window's
    start (14/12/2023 is out, 15/12/2023 in) and inside the window."""
    dates = [dt.date(2023, 12, 14), dt.date(2023, 12, 15), dt.date(2023, 12, 31),
             dt.date(2023, 11, 2), dt.date(2024, 3, 8), dt.date(2024, 6, 14),
             dt.date(2022, 7, 19), dt.date(2024, 1, 1)]
    out = []
    while len(out) < n:
        name = f"{rng.choice(HO)} {rng.choice(DEM)} {rng.choice(TEN)}"
        if name in used:
            continue
        used.add(name)
        sex = "Nữ" if rng.random() < 0.3 else "Nam"
        out.append({"ho_ten": name, "nam_sinh": rng.randint(1965, 2004), "gioi_tinh": sex,
                    "noi_cu_tru": rng.choice(THON), "ngay_phat_hien": dates[len(out) % len(dates)],
                    "hinh_thuc": rng.choice(HINH_THUC)})
    return out


def in_window(d: dt.date) -> bool:
    return WINDOW[0] <= d <= WINDOW[1]


def counts(rng: random.Random, recs: list[dict]) -> dict:
    """The form's figures, as a commune that keeps its list right writes them."""
    return {"so_nguoi_nghien": len(recs),
            "so_moi_phat_hien": sum(1 for r in recs if in_window(r["ngay_phat_hien"])),
            "so_nu": sum(1 for r in recs if r["gioi_tinh"] == "Nữ"),
            "so_vu": rng.randint(0, 6),
            "kinh_phi": round(rng.uniform(5, 60), 1)}


def heading(sm: L.SheetModel, unit: str, title: str, width: int) -> int:
    sm.put(1, 1, "UBND " + unit.upper(), "bold")
    sm.put(1, width - 2, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "bold")
    sm.put(2, width - 2, "Độc lập - Tự do - Hạnh phúc", "bold")
    sm.merge(4, 1, 4, width, title, "bold", "center", "title")
    sm.merge(5, 1, 5, width, PERIOD_TEXT, "italic", "center")
    sm.put(6, 1, "Đơn vị báo cáo: " + unit)
    return 8


def form_sheet(unit: str, values: dict) -> L.SheetModel:
    sm = L.SheetModel("Biểu 01")
    row = heading(sm, unit, "KẾT QUẢ CÔNG TÁC PHÒNG, CHỐNG MA TÚY", 5)
    for c, h in enumerate(["STT", "Nội dung", "Đơn vị tính", "Số liệu", "Ghi chú"], 1):
        sm.put(row, c, h, "bold", "center", "border")
    row += 1
    sections = {"1": ("I", "Tình hình người nghiện"), "4": ("II", "Kết quả đấu tranh, hỗ trợ")}
    for fid, code, label, unit_of in FORM_FIELDS:
        if code in sections:
            sm.put(row, 1, sections[code][0], "bold", "border")
            sm.put(row, 2, sections[code][1], "bold", "border")
            row += 1
        sm.put(row, 1, code, "center", "border")
        sm.put(row, 2, label, "border", "wrap")
        sm.put(row, 3, unit_of, "center", "border")
        sm.put(row, 4, values[fid], "border")
        row += 1
    sm.put(row + 1, 4, "Người lập biểu", "bold", "center")
    sm.widths.update({1: 6, 2: 50, 3: 12, 4: 12, 5: 12})
    return sm


LIST_COLS = {"stt": 1, "ho_ten": 2, "nam": 3, "nu": 4, "noi_cu_tru": 5, "ngay_phat_hien": 6,
             "hinh_thuc": 7}


def list_sheet(name: str, unit: str, recs: list[dict], first_stt: int, dates_as_text: bool,
               years_as_text: bool) -> tuple[L.SheetModel, list[int]]:
    """The list under its two-row header; returns the sheet and each
    record's 1-based row."""
    sm = L.SheetModel(name)
    row = heading(sm, unit, "DANH SÁCH NGƯỜI NGHIỆN MA TÚY CÓ HỒ SƠ QUẢN LÝ", 7)
    h = ("bold", "center", "border", "wrap")
    sm.merge(row, 1, row + 1, 1, "STT", *h)
    sm.merge(row, 2, row + 1, 2, "Họ và tên", *h)
    sm.merge(row, 3, row, 4, "Năm sinh", *h)
    sm.put(row + 1, 3, "Nam", *h)
    sm.put(row + 1, 4, "Nữ", *h)
    sm.merge(row, 5, row + 1, 5, "Nơi cư trú", *h)
    sm.merge(row, 6, row, 7, "Quản lý", *h)
    sm.put(row + 1, 6, "Ngày phát hiện", *h)
    sm.put(row + 1, 7, "Hình thức quản lý", *h)
    for c in range(1, 8):
        sm.put(row + 2, c, f"({c})", "italic", "center", "border")
    row += 3
    rows = []
    for i, r in enumerate(recs):
        sm.put(row, 1, first_stt + i, "center", "border")
        sm.put(row, 2, r["ho_ten"], "border")
        year = str(r["nam_sinh"]) if years_as_text else r["nam_sinh"]
        sex_col = 3 if r["gioi_tinh"] == "Nam" else 4
        sm.put(row, sex_col, year, "center", "border")
        sm.put(row, 7 - sex_col, None, "border")
        sm.put(row, 5, r["noi_cu_tru"], "border")
        d = r["ngay_phat_hien"]
        if dates_as_text:
            sm.put(row, 6, d.strftime("%d/%m/%Y"), "center", "border")
        else:
            sm.put(row, 6, d, "center", "border", fmt="dd/mm/yyyy")
        sm.put(row, 7, r["hinh_thuc"], "border")
        rows.append(row)
        row += 1
    sm.put(row + 1, 6, "Người lập biểu", "bold", "center")
    sm.widths.update({1: 6, 2: 24, 3: 9, 4: 9, 5: 20, 6: 14, 7: 30})
    return sm, rows


def a1(row: int, col: int) -> str:
    return L.col_letter(col) + str(row)


def jsonable(r: dict) -> dict:
    return {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in r.items()}


class Files:
    def __init__(self) -> None:
        self.files: dict[str, dict] = {}

    def add(self, name: str, unit: str, status: str, codes: list[str], form: dict,
            recs: list[dict], cells: dict | None = None) -> None:
        self.files[name] = {"unit": unit, "status": status, "codes": sorted(set(codes)),
                            "form": form, "records": [jsonable(r) for r in recs],
                            "cells": cells or {}}


def write_file(sheets: list[L.SheetModel], name: str, xls: bool = False) -> None:
    path = os.path.join(FORM, "inbox", name)
    if xls:
        L.write_xlwt(sheets, path)
    else:
        L.write_openpyxl(sheets, path)


def make_files(rng: random.Random, out: Files) -> None:
    used: set[str] = {SHARED["ho_ten"]}
    names = {code: name for code, name, _ in UNITS}

    # Pha Long: the list goes on over a second sheet; holds the shared person.
    recs = people(rng, 12, used)
    recs.insert(3, dict(SHARED))
    values = counts(rng, recs)
    first, rows1 = list_sheet("Biểu 02", names["02752"], recs[:9], 1, False, False)
    cont, rows2 = list_sheet("Biểu 02 (tiếp)", names["02752"], recs[9:], 10, False, False)
    write_file([form_sheet(names["02752"], values), first, cont], "BC_PCMA_6T_2024_PhaLong.xlsx")
    out.add("BC_PCMA_6T_2024_PhaLong.xlsx", "02752", "accepted",
            ["list-continued", "record-in-several-units"], values, recs,
            {"shared": ["Biểu 02", a1(rows1[3], 2)]})

    # Tả Ngải Chồ: years typed as text; holds the shared person too.
    recs = people(rng, 5, used)
    recs.append(dict(SHARED))
    values = counts(rng, recs)
    sheet, rows = list_sheet("Biểu 02", names["02755"], recs, 1, True, True)
    write_file([form_sheet(names["02755"], values), sheet], "TaNgaiCho_PCMA_6thang.xlsx")
    out.add("TaNgaiCho_PCMA_6thang.xlsx", "02755", "accepted",
            ["record-in-several-units", "value-coerced"], values, recs,
            {"shared": ["Biểu 02", a1(rows[5], 2)]})

    # Tung Chung Phố: one person listed twice (same name and year, another
    # address): rejected, the finding at the repeat's name cell.
    recs = people(rng, 6, used)
    twin = dict(recs[1], noi_cu_tru="Thôn Na Lốc" if recs[1]["noi_cu_tru"] != "Thôn Na Lốc" else THON[0])
    recs.append(twin)
    values = counts(rng, recs)
    sheet, rows = list_sheet("Biểu 02", names["02758"], recs, 1, False, False)
    write_file([form_sheet(names["02758"], values), sheet], "Bao cao PCMA - Tung Chung Pho.xlsx")
    out.add("Bao cao PCMA - Tung Chung Pho.xlsx", "02758", "rejected", ["value-not-unique"],
            values, recs, {"repeat": ["Biểu 02", a1(rows[6], 2)], "first": a1(rows[1], 2)})

    # Mường Khương: .xls by xlwt, dates typed as text.
    recs = people(rng, 8, used)
    values = counts(rng, recs)
    sheet, rows = list_sheet("Biểu 02", names["02761"], recs, 1, True, False)
    write_file([form_sheet(names["02761"], values), sheet], "TT_MuongKhuong_PCMA.xls", xls=True)
    out.add("TT_MuongKhuong_PCMA.xls", "02761", "accepted", [], values, recs)

    # Dìn Chin: 4215 typed for 42 — more addicts than inhabitants (3102).
    recs = people(rng, 4, used)
    values = counts(rng, recs)
    values["so_nguoi_nghien"] = 4215
    sheet, rows = list_sheet("Biểu 02", names["02764"], recs, 1, False, False)
    write_file([form_sheet(names["02764"], values), sheet], "DinChin_PCMA.xlsx")
    out.add("DinChin_PCMA.xlsx", "02764", "rejected", ["rule-violation"], values, recs)

    # Tả Gia Khâu: a plain file.
    recs = people(rng, 7, used)
    values = counts(rng, recs)
    sheet, rows = list_sheet("Biểu 02", names["02767"], recs, 1, False, False)
    write_file([form_sheet(names["02767"], values), sheet], "TaGiaKhau_PCMA_2024.xlsx")
    out.add("TaGiaKhau_PCMA_2024.xlsx", "02767", "accepted", [], values, recs)


def indicators(accepted: list[dict]) -> dict:
    """Each indicator over the given accepted files, as the schema defines it."""
    s = lambda fid: sum(f["form"][fid] for f in accepted)  # noqa: E731
    pop = sum(dict((c, p) for c, _, p in UNITS)[f["unit"]] for f in accepted)
    return {"tong_nguoi_nghien": s("so_nguoi_nghien"),
            "nghien_tren_10000_dan": s("so_nguoi_nghien") / pop * 10000 if pop else None,
            "moi_phat_hien": s("so_moi_phat_hien"),
            "kinh_phi": s("kinh_phi")}


def main() -> None:
    shutil.rmtree(os.path.join(FORM, "inbox"), ignore_errors=True)
    os.makedirs(os.path.join(FORM, "inbox"))
    out = Files()
    make_files(random.Random(14), out)
    accepted = [f for f in out.files.values() if f["status"] == "accepted"]
    order = [c for c, _, _ in UNITS]
    accepted.sort(key=lambda f: order.index(f["unit"]))
    totals = {fid: sum(f["form"][fid] for f in accepted) for fid, *_ in FORM_FIELDS}
    expected = {
        "period": "2024-H1",
        "files": out.files,
        "accepted_units": [f["unit"] for f in accepted],
        "totals": totals,
        "list_rows": sum(len(f["records"]) for f in accepted),
        "indicators": {"district": indicators(accepted),
                       **{f["unit"]: indicators([f]) for f in accepted}},
    }
    with open(os.path.join(FORM, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
