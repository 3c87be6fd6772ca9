#!/usr/bin/env python3
"""Writes tests/fixtures/xlwt/legacy-fonts.xls: one sheet whose cells are set
in different fonts, as a commune's old workbook edited on a Unicode machine
looks: TCVN3 text in .VnTime (and .VnTimeH, which draws capitals), VNI text
in VNI-Times, genuine Unicode in Arial Unicode MS ("Có", "Không", "Ghi chú",
which TCVN3 decoding would corrupt), a cell mixing Unicode and TCVN3, a
TCVN3 cell set in Tahoma by mistake, and Windows-1252 bytes 0x80-0x9F stored
raw (as C1 controls) the way old writers stored them.

Made with xlwt 1.3 (BIFF8). Regenerate with:

    python3 scripts/make_xls_fonts.py

The expected decoding of every cell is in tests/show_cli.rs.
"""
import os

import xlwt

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures", "xlwt", "legacy-fonts.xls")


def style(font_name):
    s = xlwt.XFStyle()
    f = xlwt.Font()
    f.name = font_name
    s.font = f
    return s


VNTIME = style(".VnTime")
VNTIMEH = style(".VnTimeH")
VNI = style("VNI-Times")
UNICODE = style("Arial Unicode MS")
TAHOMA = style("Tahoma")

# (row, column, text, style)
CELLS = [
    (0, 0, "CéNG HOµ X· HéI CHñ NGHÜA VIÖT NAM", VNTIMEH),
    (1, 0, "Sè TT", VNTIME),
    (1, 1, "Tªn c¬ së", VNTIME),
    (1, 2, "Ghi chú", UNICODE),
    (2, 0, 1, VNTIME),
    (2, 1, "Nhµ nghØ B×nh An", VNTIME),
    (2, 2, "Có", UNICODE),
    (3, 0, 2, VNTIME),
    (3, 1, "Karaoke Hoµng Gia", VNTIME),
    (3, 2, "Không", UNICODE),
    (4, 1, "Ủy ban nh©n d©n x· NËm Ch¶y", VNTIME),
    (5, 1, "Uûy ban nhaân daân", VNI),
    (6, 1, "L©m tr\u00adêng", TAHOMA),
    # 0x96 and 0x85 stored as C1 controls: "–" and "…".
    (7, 1, "Th¸ng 12\u0096n¨m 2023\u0085", VNTIME),
    (7, 2, "Tỷ lệ \u0089", UNICODE),
    # "X·" cannot tell its case; a capitals font (.VnTimeH) says "XÃ".
    (8, 1, "X·", VNTIMEH),
    (8, 2, "X·", VNTIME),
]


def main():
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Biểu 01")
    for row, col, value, st in CELLS:
        sheet.write(row, col, value, st)
    book.save(OUT)
    print("wrote", os.path.relpath(OUT))


if __name__ == "__main__":
    main()
