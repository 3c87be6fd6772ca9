#!/usr/bin/env python3
"""Writes tests/fixtures/xlwt/fonts-unmatched.xls: an .xls whose font
records cannot be matched to the sheet calamine reads, for the
`text-fonts-unmatched` warning (tests/codes.rs).

The workbook is made with xlwt 1.3 (BIFF8): one sheet, "Bieu 01" followed by
the byte 0x96, with TCVN3 text set in .VnTime. xlwt stores the name
compressed (one byte per character) and records code page 1200, as Excel
does. The script then sets the CODEPAGE record to 1252, as some other BIFF8
writers do: calamine reads the compressed name in that code page
("Bieu 01–"), the font records as BIFF8 says compressed names are read
(Latin-1: "Bieu 01" + U+0096). The names disagree, so the cells' fonts
cannot be given to the sheet.

Regenerate with (xlwt installed):

    python3 scripts/make_xls_fonts_unmatched.py
"""
import os

import xlwt

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "fixtures", "xlwt", "fonts-unmatched.xls")

# CODEPAGE (0x0042), 2 bytes: 1200 (UTF-16), then 1252 (Windows-1252).
CODEPAGE_1200 = bytes([0x42, 0x00, 0x02, 0x00, 0xB0, 0x04])
CODEPAGE_1252 = bytes([0x42, 0x00, 0x02, 0x00, 0xE4, 0x04])


def main():
    style = xlwt.XFStyle()
    font = xlwt.Font()
    font.name = ".VnTime"
    style.font = font
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("Bieu 01\u0096")
    sheet.write(0, 0, "Sè TT", style)
    sheet.write(0, 1, "Tªn c¬ së", style)
    sheet.write(1, 0, 1)
    book.save(OUT)
    data = bytearray(open(OUT, "rb").read())
    assert data.count(CODEPAGE_1200) == 1, "one CODEPAGE record"
    at = data.index(CODEPAGE_1200)
    data[at : at + len(CODEPAGE_1252)] = CODEPAGE_1252
    with open(OUT, "wb") as f:
        f.write(data)
    print("wrote", os.path.relpath(OUT))


if __name__ == "__main__":
    main()
