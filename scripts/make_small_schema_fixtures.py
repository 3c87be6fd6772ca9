#!/usr/bin/env python3
"""Generate the commune reports of tests/fixtures/small-schemas/ with openpyxl.

    python3 scripts/make_small_schema_fixtures.py

They are read by tests/small_schemas.rs with schemas the test writes itself
(not pcmd): a cultural-activities form whose figures exercise rates, decimals
and a list (rate/), and a form of 60 rows (wide/). Three communes of a made-up
district report: 90001 Xã An Bình, 90002 Xã Bình Minh, 90003 Xã Cao Sơn.

rate/: sheet "Biểu 01" (form) and "Biểu 02" (list of clubs).

    commune      buổi  lượt   kinh phí  tỷ lệ hộ   clubs
    An Bình        60  6100   1234.5    7.5        2
    Bình Minh      48  4963    281.5    88.25      1
    Cao Sơn         0     0      0.75   100        0

    sum(lượt)/sum(buổi) = 11063/108 = 102.43518…; Cao Sơn's own is 0/0.

wide/: sheet "Biểu 01" with rows "Chỉ tiêu thứ 1" … "Chỉ tiêu thứ 60"; the
commune with code 9000u types k * 10 + u in row k.
"""

from __future__ import annotations

import datetime
import os

import openpyxl

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "small-schemas")
FIXED = datetime.datetime(2024, 1, 10, 8, 0, 0)

COMMUNES = [
    ("90001", "Xã An Bình", "AnBinh"),
    ("90002", "Xã Bình Minh", "BinhMinh"),
    ("90003", "Xã Cao Sơn", "CaoSon"),
]

RATE_FIELDS = [
    ("Số buổi sinh hoạt văn hoá", "Buổi"),
    ("Số lượt người tham dự", "Lượt người"),
    ("Kinh phí hỗ trợ", "Triệu đồng"),
    ("Tỷ lệ hộ gia đình văn hoá", "%"),
]
RATE_VALUES = {
    "90001": [60, 6100, 1234.5, 7.5],
    "90002": [48, 4963, 281.5, 88.25],
    "90003": [0, 0, 0.75, 100],
}
CLUBS = {
    "90001": [("CLB Văn nghệ thôn Bản Mạc", 24), ("CLB Dưỡng sinh", 18)],
    "90002": [("CLB Thơ ca", 12)],
    "90003": [],
}


def heading(ws, name: str, title: str) -> None:
    ws["A1"] = f"UBND {name.upper()}"
    ws["A2"] = f"Đơn vị báo cáo: {name}"
    ws["A3"] = title
    ws["A4"] = "NĂM 2023"


def form_sheet(wb, name: str, rows) -> None:
    """A form: STT | Chỉ tiêu | Đơn vị tính | Số liệu from row 6."""
    ws = wb.active
    ws.title = "Biểu 01"
    heading(ws, name, "BÁO CÁO KẾT QUẢ HOẠT ĐỘNG VĂN HOÁ CƠ SỞ")
    for col, text in enumerate(["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"], 1):
        ws.cell(row=6, column=col, value=text)
    for i, (label, unit, value) in enumerate(rows, 1):
        ws.cell(row=6 + i, column=1, value=str(i))
        ws.cell(row=6 + i, column=2, value=label)
        ws.cell(row=6 + i, column=3, value=unit)
        ws.cell(row=6 + i, column=4, value=value)


def list_sheet(wb, name: str, clubs) -> None:
    ws = wb.create_sheet("Biểu 02")
    heading(ws, name, "DANH SÁCH CÂU LẠC BỘ")
    for col, text in enumerate(["STT", "Tên câu lạc bộ", "Số thành viên"], 1):
        ws.cell(row=6, column=col, value=text)
    for i, (club, members) in enumerate(clubs, 1):
        ws.cell(row=6 + i, column=1, value=i)
        ws.cell(row=6 + i, column=2, value=club)
        ws.cell(row=6 + i, column=3, value=members)


def save(wb, path: str) -> None:
    wb.properties.creator = "openpyxl"
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    os.makedirs(os.path.dirname(path), exist_ok=True)
    wb.save(path)


def main() -> None:
    for code, name, ascii_name in COMMUNES:
        wb = openpyxl.Workbook()
        rows = [
            (label, unit, value)
            for (label, unit), value in zip(RATE_FIELDS, RATE_VALUES[code])
        ]
        form_sheet(wb, name, rows)
        list_sheet(wb, name, CLUBS[code])
        save(wb, os.path.join(OUT, "rate", f"VanHoa_2023_{ascii_name}.xlsx"))

        wb = openpyxl.Workbook()
        unit_digit = int(code[-1])
        rows = [
            (f"Chỉ tiêu thứ {k}", "Lượt", k * 10 + unit_digit) for k in range(1, 61)
        ]
        form_sheet(wb, name, rows)
        save(wb, os.path.join(OUT, "wide", f"Rong_2023_{ascii_name}.xlsx"))
    with open(os.path.join(OUT, "README.md"), "w", encoding="utf-8") as f:
        f.write(
            "# small-schemas\n\n"
            "Commune reports written by openpyxl (`scripts/make_small_schema_fixtures.py`)\n"
            "for `tests/small_schemas.rs`, which writes the schemas and the registry they\n"
            "are read with. See the script's docstring for the figures.\n"
        )


if __name__ == "__main__":
    main()
