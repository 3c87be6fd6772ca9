#!/usr/bin/env python3
"""A unit list laid out unlike the statistics office's usual export, for
`tonghop units import`: a title row above the header, the columns in another
order with other labels ("Mã xã", "Tên xã", "Mã huyện"...), codes stored as
numbers (leading zeros lost), no "Cấp" column. Written with xlwt.

Writes tests/fixtures/xlwt/unit-list-other-layout.xls.
"""
import pathlib

import xlwt

ROWS = [
    # (Tên xã, Mã xã, Tên huyện, Mã huyện, Tên tỉnh, Mã tỉnh)
    ("Thị trấn Khánh Yên", 3055, "Huyện Văn Bàn", 89, "Tỉnh Lào Cai", 10),
    ("Xã Võ Lao", 3061, "Huyện Văn Bàn", 89, "Tỉnh Lào Cai", 10),
    ("Phường Duyên Hải", 2635, "Thành phố Lào Cai", 80, "Tỉnh Lào Cai", 10),
]

out = pathlib.Path(__file__).resolve().parent.parent / "tests/fixtures/xlwt/unit-list-other-layout.xls"
book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("Danh mục")
sheet.write(0, 0, "DANH MỤC ĐƠN VỊ HÀNH CHÍNH")
header = ["STT", "Tên xã", "Mã xã", "Tên huyện", "Mã huyện", "Tên tỉnh", "Mã tỉnh"]
for c, label in enumerate(header):
    sheet.write(2, c, label)
for r, row in enumerate(ROWS, start=3):
    sheet.write(r, 0, r - 2)
    for c, value in enumerate(row, start=1):
        sheet.write(r, c, value)
book.save(str(out))
print(out)
