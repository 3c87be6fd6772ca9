#!/usr/bin/env python3
"""Writes tests/fixtures/livestock/*.xlsx with openpyxl: reports of the
quarterly form tests/fixtures/livestock/livestock.toml (not pcmd).

- title-above-header.xlsx: Quý II/2024; on the list sheet a title row that
  starts with a field's label ("Số hộ chăn nuôi tập trung theo địa bàn …")
  sits above the header, whose column A holds the row numbers. Every value of
  that field must come from column C, never from column A.
- quy-i.xlsx: the same report stating "Quý I/2024" (checked as 2024-Q2, it is
  a period mismatch, not an accepted file).
- tai-nan-lao-dong.xlsx: another report of the same commune and quarter
  (labour accidents): not the form, so one template-unrecognized finding,
  and it never replaces the commune's real report.

Run: python3 scripts/make_livestock_fixtures.py (openpyxl 3.1).
"""

from pathlib import Path

from openpyxl import Workbook

OUT = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "livestock"

# (thôn, số hộ chăn nuôi tập trung, số con): the row numbers 1..4 of column
# A differ from every value of column C.
VILLAGES = [
    ("Thôn Bản Bay", 12, 340),
    ("Thôn Khe Lếch", 7, 95),
    ("Thôn Tân Thành", 25, 610),
    ("Tổ dân phố 3", 9, 120),
]


def heading(ws, period_line):
    ws["A1"] = "UBND XÃ TÂN AN"
    ws["D1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws["A3"] = "BÁO CÁO TÌNH HÌNH CHĂN NUÔI TẬP TRUNG"
    ws["A4"] = period_line


def write(name, period_line):
    wb = Workbook()
    form = wb.active
    form.title = "Tổng hợp"
    heading(form, period_line)
    for col, text in enumerate(["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"], start=1):
        form.cell(row=6, column=col, value=text)
    rows = [
        ("1", "Tổng số hộ chăn nuôi", "Hộ", 53),
        ("2", "Tổng đàn lợn", "Con", 1165),
        ("3", "Tổng đàn trâu, bò", "Con", 210),
    ]
    for i, (stt, label, unit, value) in enumerate(rows):
        r = 7 + i
        form.cell(row=r, column=1, value=stt)
        form.cell(row=r, column=2, value=label)
        form.cell(row=r, column=3, value=unit)
        form.cell(row=r, column=4, value=value)

    lst = wb.create_sheet("Theo thôn")
    heading(lst, period_line)
    # The title row: it starts with the label of the field "Số hộ chăn nuôi
    # tập trung", and is merged across the table as titles are.
    lst["A6"] = "Số hộ chăn nuôi tập trung theo địa bàn phường xã"
    lst.merge_cells("A6:D6")
    for col, text in enumerate(
        ["STT", "Thôn, tổ dân phố", "Số hộ chăn nuôi tập trung", "Số con"], start=1
    ):
        lst.cell(row=7, column=col, value=text)
    for i, (village, households, head) in enumerate(VILLAGES):
        r = 8 + i
        lst.cell(row=r, column=1, value=i + 1)
        lst.cell(row=r, column=2, value=village)
        lst.cell(row=r, column=3, value=households)
        lst.cell(row=r, column=4, value=head)
    for ws in (form, lst):
        ws.cell(row=ws.max_row + 2, column=3, value="Người lập biểu")
    wb.properties.creator = "make_livestock_fixtures.py"
    wb.save(OUT / name)


def write_unrelated(name):
    """Another report of the same commune: labour accidents, not the form."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ws["A1"] = "UBND XÃ TÂN AN"
    ws["D1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws["A3"] = "BÁO CÁO TAI NẠN LAO ĐỘNG"
    ws["A4"] = "Kỳ báo cáo: Quý II/2024"
    ws["A5"] = "Đơn vị báo cáo: BÁO CÁO TAI NẠN LAO ĐỘNG"
    for col, text in enumerate(["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu"], start=1):
        ws.cell(row=7, column=col, value=text)
    for i, (label, unit, value) in enumerate(
        [("Số vụ tai nạn lao động", "Vụ", 1), ("Số người bị nạn", "Người", 1),
         ("Số ngày công bị mất", "Ngày", 12)]
    ):
        ws.cell(row=8 + i, column=1, value=str(i + 1))
        ws.cell(row=8 + i, column=2, value=label)
        ws.cell(row=8 + i, column=3, value=unit)
        ws.cell(row=8 + i, column=4, value=value)
    wb.properties.creator = "make_livestock_fixtures.py"
    wb.save(OUT / name)


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    write("title-above-header.xlsx", "Kỳ báo cáo: Quý II/2024")
    write("quy-i.xlsx", "Kỳ báo cáo: Quý I/2024")
    write_unrelated("tai-nan-lao-dong.xlsx")


if __name__ == "__main__":
    main()
