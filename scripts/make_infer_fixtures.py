#!/usr/bin/env python3
"""Write the forms `tonghop schema infer` is tested on (tests/schema_cli.rs):

    /root/.cache/forms-venv/bin/python scripts/make_infer_fixtures.py

tests/fixtures/infer/bieu-mau-trong.xlsx — a blank quarterly form laid out
as a district office would type it in Excel, not by tonghop: the national
motto, a title, "Quý … năm …", a form sheet "Biểu 01" with the header
"TT | Nội dung | Đơn vị tính | Kết quả thực hiện | Ghi chú" over a
column-numbering row "A | B | C | 1 | 2", sections I and II, STT codes
1 … 8 with sub-rows 2.1/2.2 under a "Trong đó:" caption row, units of
measure that say whole numbers (Hộ, Người, Vụ), decimals (Triệu đồng, %,
m²) and one unknown (Suất), a yes/no row "(Có/Không)", a signature block;
a list sheet "Danh sách" whose header is "STT | Họ và tên chủ hộ | Năm
sinh | Địa chỉ (thôn) | Ngày hỗ trợ | Số tiền (triệu đồng) | Giới tính |
Đã nhận hỗ trợ | Ghi chú" over "(1) … (9)" and empty rows, with drop-downs
(Data Validation lists "Nam,Nữ" and "Có,Không") under two columns; and a
"Hướng dẫn" sheet of instructions.

tests/fixtures/infer/so-sanh.xlsx — one filled form sheet with three value
columns "Kỳ này | Cùng kỳ năm trước | So sánh (%)" and the numbering row
"A | B | C | 1 | 2 | 3=1/2", for the several-value-columns draft.

Deterministic: fixed zip times and document dates (pcmd_layout.normalize_zip).
Needs openpyxl 3.1.
"""

from __future__ import annotations

import os
import sys

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.datavalidation import DataValidation

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pcmd_layout import FIXED_TIME, normalize_zip  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "infer")

BOLD = Font(name="Times New Roman", bold=True)


def heading(ws, last_col: str, title: str, period: str) -> None:
    ws["A1"] = "UBND XÃ ………………"
    ws["C1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws["C2"] = "Độc lập - Tự do - Hạnh phúc"
    ws.merge_cells(f"A4:{last_col}4")
    ws["A4"] = title
    ws["A4"].font = BOLD
    ws["A4"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A5:{last_col}5")
    ws["A5"] = period


FORM_ROWS = [
    ("I", "Dân số", None),
    ("1", "Tổng số hộ dân cư", "Hộ"),
    ("2", "Tổng số nhân khẩu", "Người"),
    (None, "Trong đó:", None),
    ("2.1", "Nhân khẩu nam", "Người"),
    ("2.2", "Nhân khẩu nữ", "Người"),
    ("II", "Bảo trợ xã hội", None),
    ("3", "Kinh phí chi trả trợ cấp xã hội", "Triệu đồng"),
    ("4", "Tỷ lệ hộ nghèo", "%"),
    ("5", "Diện tích nhà ở được hỗ trợ sửa chữa", "m²"),
    ("6", "Số vụ bạo lực gia đình", "Vụ"),
    ("7", "Có điểm tư vấn cộng đồng (Có/Không)", None),
    ("8", "Số suất quà trao tặng", "Suất"),
]

LIST_HEADER = [
    "STT",
    "Họ và tên chủ hộ",
    "Năm sinh",
    "Địa chỉ (thôn)",
    "Ngày hỗ trợ",
    "Số tiền (triệu đồng)",
    "Giới tính",
    "Đã nhận hỗ trợ",
    "Ghi chú",
]


def form_sheet(ws) -> None:
    heading(ws, "E", "BÁO CÁO TÌNH HÌNH DÂN SỐ VÀ BẢO TRỢ XÃ HỘI", "Quý … năm …")
    for col, text in zip("ABCDE", ["TT", "Nội dung", "Đơn vị tính", "Kết quả thực hiện", "Ghi chú"]):
        ws[f"{col}7"] = text
        ws[f"{col}7"].font = BOLD
    for col, text in zip("ABCDE", ["A", "B", "C", "1", "2"]):
        ws[f"{col}8"] = text
    row = 9
    for code, label, unit in FORM_ROWS:
        if code:
            ws[f"A{row}"] = code
        ws[f"B{row}"] = label
        if unit:
            ws[f"C{row}"] = unit
        row += 1
    ws[f"B{row + 1}"] = "NGƯỜI LẬP BIỂU"
    ws[f"D{row + 1}"] = "CHỦ TỊCH"
    ws.column_dimensions["B"].width = 50


def list_sheet(ws) -> None:
    ws.merge_cells("A1:I1")
    ws["A1"] = "DANH SÁCH HỘ NGHÈO ĐƯỢC HỖ TRỢ"
    ws["A1"].font = BOLD
    for i, text in enumerate(LIST_HEADER):
        cell = ws.cell(row=3, column=i + 1, value=text)
        cell.font = BOLD
        ws.cell(row=4, column=i + 1, value=f"({i + 1})")
    # Drop-downs, as Excel's Data → Validation writes them.
    for col, items in (("G", '"Nam,Nữ"'), ("H", '"Có,Không"')):
        dv = DataValidation(type="list", formula1=items, allow_blank=True)
        dv.add(f"{col}5:{col}18")
        ws.add_data_validation(dv)
    ws["B20"] = "Người lập biểu"


def instructions(ws) -> None:
    ws["A1"] = "HƯỚNG DẪN GHI BIỂU"
    ws["A3"] = "Trang"
    ws["B3"] = "Chỉ tiêu"
    ws["C3"] = "Cách ghi"
    ws["A4"] = "Biểu 01"
    ws["B4"] = "Tổng số hộ dân cư"
    ws["C4"] = "Ghi số hộ có đến cuối kỳ"


def blank_form(path: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu 01"
    form_sheet(ws)
    list_sheet(wb.create_sheet("Danh sách"))
    instructions(wb.create_sheet("Hướng dẫn"))
    save(wb, path)


def comparison_form(path: str) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Biểu so sánh"
    heading(ws, "F", "BÁO CÁO KẾT QUẢ PHÒNG, CHỐNG MA TÚY", "Quý II năm 2024")
    header = ["STT", "Chỉ tiêu", "Đơn vị tính", "Kỳ này", "Cùng kỳ năm trước", "So sánh (%)"]
    for i, text in enumerate(header):
        ws.cell(row=7, column=i + 1, value=text)
    for i, text in enumerate(["A", "B", "C", "1", "2", "3=1/2"]):
        ws.cell(row=8, column=i + 1, value=text)
    rows = [
        ("1", "Số người nghiện có hồ sơ quản lý", "Người", 12, 10, 120.0),
        ("2", "Số vụ phát hiện", "Vụ", 3, 4, 75.0),
    ]
    for r, values in enumerate(rows, start=9):
        for c, value in enumerate(values, start=1):
            ws.cell(row=r, column=c, value=value)
    save(wb, path)


def save(wb: Workbook, path: str) -> None:
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    wb.properties.creator = "make_infer_fixtures.py"
    wb.save(path)
    normalize_zip(path)


def main() -> None:
    os.makedirs(OUT, exist_ok=True)
    blank_form(os.path.join(OUT, "bieu-mau-trong.xlsx"))
    comparison_form(os.path.join(OUT, "so-sanh.xlsx"))


if __name__ == "__main__":
    main()
