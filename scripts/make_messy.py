#!/usr/bin/env python3
"""Generate tests/fixtures/messy/: PCMD files the way communes really send them.

    python3 scripts/make_messy.py

One small file per case (issue 4, "Read what communes really send"): legacy
TCVN3 / VNI-Windows text, NFD and odd spacing, unit names spelt every way,
moved and reshaped forms, Vietnamese-style values, formulas with and without
stored results, and other containers (.xls / .ods by LibreOffice, .xlsm with a
VBA project, an .xlsx named .xls). Each file is a complete PCMD 2023 report
(Biểu 01 + Biểu 02) of a unit of schemas/units/van-ban-2023.csv whose data
satisfy every rule of the form, so that the only findings are the ones its case
is about.

Writes tests/fixtures/messy/<files>, expected.tsv and README.md; re-reads what
it wrote (openpyxl; legacy text decoded back with the table) and fails loudly
when a file is not what it claims. The layout code is shared with
make_samples.py and make_fixtures.py (pcmd_layout.py).

Requires python3 with openpyxl; LibreOffice (`soffice`) on PATH for three files
(h9, i1, i2). openpyxl-written files are byte-stable across runs.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import os
import re
import shutil
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from typing import Any, Callable

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import openpyxl  # noqa: E402

import pcmd_layout as L  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "tests", "fixtures", "messy")
VBA_PROJECT = os.path.join(ROOT, "scripts", "data", "vbaProject.bin")

NBSP, ZWSP = "\u00a0", "\u200b"


# ---------------------------------------------------------------------------
# Cell addresses and sheet-model surgery (rows/columns inserted or deleted the
# way a person does it in Excel; Positions follow the cells)
# ---------------------------------------------------------------------------

def rc(a1: str) -> tuple[int, int]:
    m = re.fullmatch(r"([A-Z]+)(\d+)", a1)
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    return int(m.group(2)), col


def remap(sm: L.SheetModel, pos: L.Positions, f: Callable[[int, int], tuple[int, int]],
          drop: Callable[[int, int], bool] = lambda r, c: False) -> None:
    """Move every cell of `sm` with f(row, col); cells where drop() are removed."""
    sm.cells = {f(r, c): cell for (r, c), cell in sm.cells.items() if not drop(r, c)}
    merges = []
    for r1, c1, r2, c2 in sm.merges:
        (nr1, nc1), (nr2, nc2) = f(r1, c1), f(r2, c2)
        if (nr1, nc1) != (nr2, nc2):
            merges.append((nr1, nc1, nr2, nc2))
    sm.merges = merges
    sm.heights = {f(r, 1)[0]: h for r, h in sm.heights.items() if not drop(r, 10**6)}
    sm.widths = {f(1, c)[1]: w for c, w in sm.widths.items() if not drop(10**6, c)}
    move = lambda a: L.a1(*f(*rc(a)))  # noqa: E731
    if sm.name == pos.sheet1:
        pos.fields = {k: move(a) for k, a in pos.fields.items()}
        pos.header_row = f(pos.header_row, 1)[0]
    if sm.name == pos.sheet2:
        pos.b02_rows = [{k: move(a) for k, a in row.items()} for row in pos.b02_rows]
        pos.b02_header_row = f(pos.b02_header_row, 1)[0]


def insert_rows(sm, pos, at: int, n: int) -> None:
    """Insert n blank rows before row `at`."""
    remap(sm, pos, lambda r, c: (r + n if r >= at else r, c))


def delete_row(sm, pos, row: int) -> None:
    remap(sm, pos, lambda r, c: (r - 1 if r > row else r, c), drop=lambda r, c: r == row)


def delete_col(sm, pos, col: int) -> None:
    """Delete a column of Biểu 01. Above and below the table, text that lived
    in it moves one cell to the right first when that cell is free (the person
    retypes "Đơn vị báo cáo:" next to the name); a merge starting in it keeps
    its text; inside the table (STT) it is gone."""
    merged_first = {(r1, c1) for r1, c1, r2, c2 in sm.merges if c2 > c1}
    covered = {(r, c) for r1, c1, r2, c2 in sm.merges
               for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    last_table_row = max(rc(a)[0] for a in pos.fields.values())
    for (r, c), cell in list(sm.cells.items()):
        if c != col or cell.value is None:
            continue
        in_table = pos.header_row <= r <= last_table_row
        free = (r, c + 1) not in sm.cells and (r, c + 1) not in covered
        if (r, c) in merged_first or (not in_table and free):
            sm.cells[(r, c + 1)] = cell
            del sm.cells[(r, c)]
    remap(sm, pos, lambda r, c: (r, c - 1 if c > col else c), drop=lambda r, c: c == col)


def row_of(pos: L.Positions, fid: str) -> int:
    return rc(pos.fields[fid])[0]


def cells_in_row(sm: L.SheetModel, row: int) -> dict[int, L.Cell]:
    return {c: cell for (r, c), cell in sm.cells.items() if r == row}


def label_col(sm: L.SheetModel, pos: L.Positions) -> int:
    return next(c for (r, c), cell in sm.cells.items()
                if r == pos.header_row and cell.value == L.HEADER_01["label"])


# ---------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------

REPORTS = L.build_reports(2023)


def report(code: str, luu: int | None = None, kar: int | None = None, mas: int | None = None,
           **changes: Any) -> L.Report:
    """A unit's 2023 report, optionally with fewer establishments of each kind
    (counts, commitments and Biểu 02 kept consistent) and other field values."""
    r = copy.deepcopy(REPORTS[code])
    if luu is not None:
        want = {"Lưu trú": luu, "Karaoke": kar, "Massage": mas}
        kept, seen = [], {k: 0 for k in want}
        for e in r.establishments:
            if seen[e.loai] < want[e.loai]:
                kept.append(e)
                seen[e.loai] += 1
        assert seen == want, (code, seen, want)
        r.establishments = kept
        tong = luu + kar + mas
        r.values.update(co_so_tong=tong, co_so_luu_tru=luu, co_so_karaoke=kar,
                        co_so_massage=mas, co_so_khac=0, co_so_cam_ket=tong)
    r.values.update(changes)
    L.check_report(r)
    return r


def fmt_value(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    return str(v)


# ---------------------------------------------------------------------------
# Writers
# ---------------------------------------------------------------------------

def write_xlsx(sheets: list[L.SheetModel], path: str, font: str, hidden: tuple[str, ...] = ()) -> None:
    L.write_openpyxl(sheets, path, font)
    if hidden:
        patch_zip(path, {"xl/workbook.xml": lambda x: hide_sheets(x, hidden)})


def hide_sheets(xml: bytes, names: tuple[str, ...]) -> bytes:
    """Mark sheets hidden in xl/workbook.xml and open the workbook on the first
    visible one (Excel refuses a hidden active sheet)."""
    text = xml.decode("utf-8")
    sheets = re.findall(r'<sheet [^>]*name="([^"]*)"', text)
    for name in names:
        text, n = re.subn(rf'(<sheet [^>]*name="{re.escape(name)}"[^>]*state=")visible"',
                          r'\1hidden"', text)
        assert n == 1, name
    first = next(i for i, n in enumerate(sheets) if n not in names)
    text, n = re.subn(r'firstSheet="0" activeTab="0"', f'firstSheet="{first}" activeTab="{first}"',
                      text)
    assert n == 1
    return text.encode("utf-8")


def patch_zip(path: str, edits: dict[str, Callable[[bytes], bytes]],
              add: dict[str, bytes] | None = None) -> None:
    """Rewrite entries of a zip (and append new ones), then make it byte-stable."""
    with zipfile.ZipFile(path) as zin:
        entries = [(i, zin.read(i.filename)) for i in zin.infolist()]
    tmp = path + ".tmp"
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in entries:
            if info.filename in edits:
                data = edits[info.filename](data)
            zout.writestr(info, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    os.replace(tmp, path)
    L.normalize_zip(path)


def write_soffice(sheets: list[L.SheetModel], path: str, font: str) -> None:
    """openpyxl .xlsx, then LibreOffice: .xls / .ods, or .xlsx again (which
    recalculates and stores every formula's result)."""
    ext = os.path.splitext(path)[1].lstrip(".")
    with tempfile.TemporaryDirectory(prefix="pcmd-messy-") as tmp:
        src = os.path.join(tmp, "src", os.path.splitext(os.path.basename(path))[0] + ".xlsx")
        os.makedirs(os.path.dirname(src))
        L.write_openpyxl(sheets, src, font)
        out = L.soffice_convert(src, ext, os.path.join(tmp, "out"))
        shutil.move(out, path)
    if ext in ("xlsx", "ods"):
        L.normalize_zip(path)


def write_xlsm(sheets: list[L.SheetModel], path: str, font: str) -> None:
    """openpyxl .xlsx turned into a macro-enabled workbook: the VBA project part
    (xl/vbaProject.bin, a real one: see scripts/data/README.md), its content
    type and relationship, the macro-enabled main content type and the
    workbook's code name, as Excel writes them."""
    L.write_openpyxl(sheets, path, font)
    with open(VBA_PROJECT, "rb") as f:
        vba = f.read()

    def types(x: bytes) -> bytes:
        t = x.decode("utf-8")
        t = t.replace("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
                      "application/vnd.ms-excel.sheet.macroEnabled.main+xml")
        assert "macroEnabled" in t
        t = t.replace("<Default ", '<Default Extension="bin" '
                      'ContentType="application/vnd.ms-office.vbaProject"/><Default ', 1)
        return t.encode("utf-8")

    def rels(x: bytes) -> bytes:
        t = x.decode("utf-8")
        t = t.replace("</Relationships>",
                      '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                      'relationships/vbaProject" Target="vbaProject.bin"/></Relationships>')
        return t.encode("utf-8")

    def workbook(x: bytes) -> bytes:
        t = x.decode("utf-8")
        t, n = re.subn(r"<workbookPr\b", '<workbookPr codeName="ThisWorkbook"', t, count=1)
        assert n == 1
        return t.encode("utf-8")

    patch_zip(path, {"[Content_Types].xml": types, "xl/_rels/workbook.xml.rels": rels,
                     "xl/workbook.xml": workbook}, add={"xl/vbaProject.bin": vba})


# ---------------------------------------------------------------------------
# Cases
# ---------------------------------------------------------------------------

@dataclass
class Case:
    file: str
    case: str                      # a, b, … (the list)
    title: str                     # what is special about it
    r: L.Report
    v: L.Variant
    writer: str = "openpyxl"       # openpyxl | soffice | xlsm
    status: str = "accepted"
    values: list[str] | None = None        # None: every field (accepted) / none (rejected)
    findings: Callable[[L.Positions], list[str]] = lambda pos: []
    transforms: list[Callable] = field(default_factory=list)   # (sheets, pos) -> sheets
    hidden: tuple[str, ...] = ()
    note: str = ""                 # extra README text
    # filled in when written
    pos: L.Positions | None = None
    unicode_sheets: list[L.SheetModel] | None = None
    sheets: list[L.SheetModel] | None = None


def variant(r: L.Report, **kw) -> L.Variant:
    return replace(L.default_variant(r), **kw)


def at1(fid: str, code: str = "value-coerced"):
    return lambda pos: [f"{code}@{pos.sheet1}!{pos.fields[fid]}"]


def cat(*fs):
    return lambda pos: [x for f in fs for x in f(pos)]


# ----- transforms -----------------------------------------------------------

def t_header_at(row: int):
    def t(sheets, pos):
        s1 = sheets[0]
        insert_rows(s1, pos, pos.header_row - 1, row - pos.header_row)
        assert pos.header_row == row
        return sheets
    return t


def t_two_row_header(sheets, pos):
    """Header on two rows: STT, Chỉ tiêu, Đơn vị tính merged down over both
    rows (text in the merge's first cell); "Năm 2023" merged across the value
    and note columns, with "Số liệu" and "Ghi chú" under it."""
    s1 = sheets[0]
    h = pos.header_row
    insert_rows(s1, pos, h + 1, 1)
    pos.header_row = h
    hdr = {c: cell for c, cell in cells_in_row(s1, h).items()}
    by_text = {cell.value: c for c, cell in hdr.items()}
    c_val, c_note = by_text["Số liệu"], by_text["Ghi chú"]
    assert c_note == c_val + 1
    style = hdr[c_val].style
    for text in ("STT", "Chỉ tiêu", "Đơn vị tính"):
        c = by_text[text]
        s1.put(h + 1, c, None, *style)
        s1.merges.append((h, c, h + 1, c))
    s1.put(h, c_val, "Năm 2023", *style)
    s1.put(h, c_note, None, *style)
    s1.merges.append((h, c_val, h, c_note))
    s1.put(h + 1, c_val, "Số liệu", *style)
    s1.put(h + 1, c_note, "Ghi chú", *style)
    s1.heights[h] = s1.heights[h + 1] = 20
    return sheets


def t_blank_rows_between_sections(n: int):
    def t(sheets, pos):
        s1 = sheets[0]
        for code in ("IV", "III", "II"):          # bottom up: earlier rows stay put
            row = next(r for (r, c), cell in s1.cells.items() if c == 1 and cell.value == code)
            insert_rows(s1, pos, row, n)
        return sheets
    return t


def t_delete_stt(sheets, pos):
    delete_col(sheets[0], pos, 1)
    return sheets


def t_stt_comma(sheets, pos):
    s1 = sheets[0]
    for fid in ("co_so_luu_tru", "co_so_karaoke", "co_so_massage", "co_so_khac"):
        cell = s1.cells[(row_of(pos, fid), 1)]
        assert "." in cell.value
        cell.value = cell.value.replace(".", ",")
    return sheets


def t_b02_first(sheets, pos):
    return [sheets[1], sheets[0]]


def t_stale_hidden_copy(stale: L.Report, stale_v: L.Variant):
    def t(sheets, pos):
        old, _ = L.render(stale, stale_v)
        old[0].name = "Biểu 01 (2)"
        return [old[0]] + sheets
    return t


def t_drop_field(fid: str):
    def t(sheets, pos):
        s1 = sheets[0]
        row = row_of(pos, fid)
        delete_row(s1, pos, row)
        del pos.fields[fid]
        # The older template numbers the rows after it one less.
        for (r, c), cell in s1.cells.items():
            if c == 1 and r >= row and isinstance(cell.value, str) and cell.value.isdigit() \
                    and r <= max(rc(a)[0] for a in pos.fields.values()):
                cell.value = str(int(cell.value) - 1)
        return sheets
    return t


def t_text(fn: Callable[[str], str], sheet: int | None = None, rows: Callable | None = None):
    """Apply fn to text cells (not formulas) of one sheet or all."""
    def t(sheets, pos):
        for i, sm in enumerate(sheets):
            if sheet is not None and i != sheet:
                continue
            for (r, c), cell in sm.cells.items():
                if isinstance(cell.value, str) and not isinstance(cell.value, L.Formula):
                    if rows is None or rows(sm, pos, r, c):
                        cell.value = fn(cell.value)
        return sheets
    return t


def t_odd_spaces(sheets, pos):
    """Labels and headers retyped with a non-breaking space, a zero-width
    space, trailing spaces or a double space (each field label gets one)."""
    s1, s2 = sheets
    lc = label_col(s1, pos)
    tricks = [
        lambda s: s.replace(" ", NBSP, 1),
        lambda s: s[:3] + ZWSP + s[3:],
        lambda s: s + "   ",
        lambda s: s.replace(" ", "  ", 2),
        lambda s: NBSP + s.replace(" ", ZWSP + " ", 1) + NBSP,
    ]
    for i, fid in enumerate(L.FIELD_IDS):
        cell = s1.cells[(row_of(pos, fid), lc)]
        cell.value = tricks[i % len(tricks)](cell.value)
    for (r, c), cell in s1.cells.items():
        if r == pos.header_row and cell.value:
            cell.value = {"Chỉ tiêu": "Chỉ" + NBSP + "tiêu ", "Số liệu": "Số liệu  ",
                          "Đơn vị tính": "Đơn vị" + ZWSP + " tính"}.get(cell.value, cell.value)
        if cell.value == "Đơn vị báo cáo:":
            cell.value = "Đơn vị báo cáo:" + NBSP
    for (r, c), cell in s2.cells.items():
        if r == pos.b02_header_row and cell.value:
            cell.value = {"Tên cơ sở": "Tên" + NBSP + "cơ sở ", "Loại hình": "Loại" + ZWSP + " hình",
                          "Ký cam kết": "Ký cam kết  "}.get(cell.value, cell.value)
    return sheets


TONE_OLD = {"òa": "oà", "óa": "oá", "ỏa": "oả", "õa": "oã", "ọa": "oạ", "úy": "uý", "ùy": "uỳ",
            "ủy": "uỷ", "ũy": "uỹ", "ụy": "uỵ", "òe": "oè", "óe": "oé"}


def old_tones(s: str) -> str:
    """New tone placement ("hòa", "túy") -> old ("hoà", "tuý"), either case."""
    for new, old in TONE_OLD.items():
        s = s.replace(new, old).replace(new.upper(), old.upper())
        s = s.replace(new[0].upper() + new[1], old[0].upper() + old[1])
    return s


# ----- the cases --------------------------------------------------------------

def cases() -> list[Case]:
    C: list[Case] = []

    def add(*a, **kw):
        C.append(Case(*a, **kw))

    # a/b/c/d: legacy encodings --------------------------------------------------
    kyt = report("03082")                              # 3 lodging + 2 karaoke
    kyt_notes = {"co_so_tong": "Theo danh sách Biểu 02",
                 "so_luot_kiem_tra": "Phối hợp Công an xã",
                 "co_te_nan": "Không phát hiện"}
    # One finding for the file, naming its converted sheets.
    legacy_findings = lambda pos: ["text-legacy-encoding"]  # noqa: E731
    add("a-tcvn3-vntime.xlsx", "a", "TCVN3 (ABC) text in .VnTime fonts (.VnTimeH for cells "
        "typed in capitals): labels, headings, unit name, Loại hình and Có/Không, "
        "names and addresses", kyt,
        variant(kyt, encoding="tcvn3", font=".VnTime", so_hieu="Số: 47/BC-UBND",
                notes=kyt_notes),
        findings=legacy_findings,
        note="Unit name C6 \"X· Kh¸nh Yªn Th\\u00ADîng\" (the soft hyphen U+00AD is "
             "\"ư\"), heading A1 \"UBND X· KH¸NH Y£N TH¦îNG\" in .VnTimeH.")
    add("b-tcvn3-calibri.xlsx", "b", "the same TCVN3 text as a-, every cell in Calibri "
        "(the font says nothing: detect by content)", kyt,
        variant(kyt, encoding="tcvn3", font="Calibri", so_hieu="Số: 47/BC-UBND",
                notes=kyt_notes),
        findings=legacy_findings)
    dq = report("03106")                               # 2 lodging + 1 karaoke
    add("c-vni-times.xlsx", "c", "VNI-Windows text (1-2 bytes per letter) in VNI-Times "
        "fonts: labels, headings, unit name, Loại hình and Có/Không", dq,
        variant(dq, encoding="vni", font="VNI-Times",
                notes={"co_so_tong": "Theo danh sách Biểu 02"}),
        findings=legacy_findings,
        note="Heading \"UBND XAÕ DÖÔNG QUYØ\", C6 \"Xaõ Döông Quyø\".")
    add("d-unicode-micro-cedilla.xlsx", "d", "genuine Unicode whose Ghi chú cells hold only "
        "Windows-1252 characters that are also TCVN3 letters (\"µg\" = TCVN3 \"àg\", \"¸\" = "
        "TCVN3 \"á\", \"5 µg/m³\"), plus Biểu 02 addresses with only Latin-1 letters "
        "(\"Thôn Nà Hin\", \"Thôn Cuông\"): nothing may be converted", kyt,
        variant(kyt, notes={"so_van_ban": "µg", "so_luot_nguoi": "¸",
                            "so_bang_ron": "5 µg/m³", "co_te_nan": "Không phát hiện"}),
        findings=lambda pos: ["!text-legacy-encoding"])

    # e: Unicode forms and spacing ------------------------------------------------
    kytr = report("03100")                             # 2 lodging + 1 karaoke
    add("e1-nfd.xlsx", "e", "every text cell in NFD (decomposed) Unicode: labels, "
        "headers, heading, unit name, Loại hình, Có/Không", kytr,
        variant(kytr, encoding="nfd"),
        findings=lambda pos: ["!text-legacy-encoding"])
    hm = report("03097")                               # 1 lodging + 1 karaoke
    add("e2-tone-placement.xlsx", "e", "old tone-mark placement in labels and headings "
        "(\"hoà nhập\", \"ma tuý\", \"CỘNG HOÀ\") and the unit typed with the new one "
        "(\"Xã Hòa Mạc\"; registry \"Xã Hoà Mạc\")", hm,
        variant(hm, heading="UBND XÃ HÒA MẠC", unit_label="Xã Hòa Mạc", place="Hòa Mạc"),
        transforms=[t_text(old_tones, sheet=None,
                           rows=lambda sm, pos, r, c: not (sm.name == pos.sheet1 and r <= 6
                                                           and c <= 3)
                           and "Hòa Mạc" not in str(sm.cells[(r, c)].value))])
    st = report("03064")                               # 1 lodging + 1 massage
    add("e3-odd-spaces.xlsx", "e", "labels and headers with non-breaking spaces, zero-width "
        "spaces, double and trailing spaces; unit name \"Xã\\u00A0Sơn Thủy \" (old/new "
        "placement: registry \"Xã Sơn Thuỷ\")", st,
        variant(st, heading="UBND XÃ SƠN" + NBSP + "THỦY ", unit_label="Xã" + NBSP + "Sơn Thủy ",
                place="Sơn Thủy"),
        transforms=[t_odd_spaces])

    # f: unit names -----------------------------------------------------------------
    add("f1-heading-capitals.xlsx", "f", "unit typed in capitals with the UBND prefix, "
        "heading and C6: \"UBND XÃ KHÁNH YÊN THƯỢNG\"", report("03082", 1, 1, 0),
        variant(kyt, unit_label="UBND XÃ KHÁNH YÊN THƯỢNG"))
    nx = report("03121")
    add("f2-abbrev-x.xlsx", "f", "\"X. Nậm Xây\" (C6), \"UBND X. NẬM XÂY\" (heading)", nx,
        variant(nx, heading="UBND X. NẬM XÂY", unit_label="X. Nậm Xây"))
    tt = report("03055", 1, 1, 1)
    add("f3-abbrev-tt.xlsx", "f", "\"TT Khánh Yên\" (C6), \"UBND TT KHÁNH YÊN\" (heading): "
        "not Khánh Yên Thượng/Trung/Hạ", tt,
        variant(tt, heading="UBND TT KHÁNH YÊN", unit_label="TT Khánh Yên"))
    add("f4-no-diacritics.xlsx", "f", "\"Khanh Yen Thuong\" (C6), \"UBND XA KHANH YEN "
        "THUONG\" (heading), no diacritics", report("03082", 2, 0, 0),
        variant(kyt, heading="UBND XA KHANH YEN THUONG", unit_label="Khanh Yen Thuong",
                place="Khanh Yen Thuong"))
    nr = report("03073")
    add("f5-registry-alias-a.xlsx", "f", "\"Xã Nậm Dạng\" (registry alias of Xã Nậm Rạng)", nr,
        variant(nr, heading="UBND XÃ NẬM DẠNG", unit_label="Xã Nậm Dạng", place="Nậm Dạng"))
    td = report("03115")
    add("f6-registry-alias-b.xlsx", "f", "\"Xã Thẳm Dương\" (registry alias of Xã Thẩm "
        "Dương)", td,
        variant(td, heading="UBND XÃ THẲM DƯƠNG", unit_label="Xã Thẳm Dương",
                place="Thẳm Dương"))
    add("BC_PCMD_2023_KhanhYenTrung.xlsx", "f", "the template's blanks left as dots: heading "
        "\"UBND XÃ ………………\", \"Đơn vị báo cáo: ………………\", signature place \"………\"; the "
        "unit comes from the file name (Khánh Yên Trung, not Khánh Yên)", kytr,
        variant(kytr, heading="UBND XÃ ………………", unit_label="………………………", place="………"),
        note="Content names no unit (after the prefix only dots remain): this must not "
             "be unit-unknown but fall back to the file name.")
    nc = report("03076")
    add("f8-unknown-unit.xlsx", "f", "\"Xã Nậm Chầyy\" (typo): unit-unknown, Nậm Chầy only "
        "suggested", nc,
        variant(nc, heading="UBND XÃ NẬM CHẦYY", unit_label="Xã Nậm Chầyy", place="Nậm Chầyy"),
        status="rejected", findings=lambda pos: ["unit-unknown"])

    # g: moved and reshaped forms -----------------------------------------------------
    tth = report("03070")                              # 1 lodging
    add("g1-header-row-25.xlsx", "g", "Biểu 01 header on row 25 (number, subtitle, "
        "'Kính gửi' and preamble lines, blank rows)", tth,
        variant(tth, pre_title=["Số: 29/BC-UBND"],
                post_title=["(Theo Kế hoạch số 100/KH-UBND của UBND huyện Văn Bàn)"],
                post_unit=["Kính gửi: Ủy ban nhân dân huyện Văn Bàn",
                           "(Qua phòng Lao động - Thương binh và Xã hội)",
                           "Thực hiện Công văn số 324/UBND-VX của UBND huyện Văn Bàn về bộ "
                           "chỉ số theo dõi, đánh giá công tác phòng, chống mại dâm,",
                           "Kết quả thực hiện như sau:"]),
        transforms=[t_header_at(25)])
    add("g2-two-row-header.xlsx", "g", "two-row header: STT / Chỉ tiêu / Đơn vị tính merged "
        "over rows 8-9 (text in the first cell); \"Năm 2023\" merged across D8:E8 with "
        "\"Số liệu\" D9 and \"Ghi chú\" E9 under it", hm, variant(hm),
        transforms=[t_two_row_header])
    add("g3-blank-rows.xlsx", "g", "two blank rows before sections II, III and IV of "
        "Biểu 01", st, variant(st), transforms=[t_blank_rows_between_sections(2)])
    add("g4-no-stt-column.xlsx", "g", "Biểu 01's STT column deleted (labels in column A, "
        "values in C)", kytr, variant(kytr), transforms=[t_delete_stt])
    add("g5-stt-comma.xlsx", "g", "STT typed \"5,1\" … \"5,4\"", dq, variant(dq),
        transforms=[t_stt_comma])
    add("g6-value-before-unit.xlsx", "g", "\"Số liệu\" column before \"Đơn vị tính\"", tth,
        variant(tth, swap_value_unit=True))
    add("g7-no-note-column.xlsx", "g", "\"Ghi chú\" column deleted", hm,
        variant(hm, drop_note=True))
    add("g8-sheet1-sheet2-reordered.xlsx", "g", "sheets named \"Sheet1\" (holding Biểu 02, "
        "first) and \"Sheet2\" (holding Biểu 01)", st,
        variant(st, sheet_names=("Sheet2", "Sheet1")), transforms=[t_b02_first])
    stale = L.with_values(kytr, so_van_ban=1, so_cuoc_truyen_thong=3, so_luot_nguoi=210,
                          so_bang_ron=5, so_luot_kiem_tra=6)
    add("g9-hidden-stale-sheet.xlsx", "g", "a hidden first sheet \"Biểu 01 (2)\" with a stale "
        "copy of Biểu 01 (other figures); the visible \"Biểu 01\"/\"Biểu 02\" are the report",
        kytr, variant(kytr), hidden=("Biểu 01 (2)",),
        transforms=[t_stale_hidden_copy(stale, variant(kytr))],
        note="If the hidden sheet were read, so_van_ban would be 1, so_luot_nguoi 210.")
    add("g10-old-template-missing-row.xlsx", "g", "an older template without the row "
        "\"Số nạn nhân bị mua bán trở về…\" (so_nan_nhan); rows 14 and 15 renumbered 13 and "
        "14", tth, variant(tth), transforms=[t_drop_field("so_nan_nhan")],
        status="rejected", values=[f for f in L.FIELD_IDS if f != "so_nan_nhan"],
        findings=lambda pos: [f"field-missing@{pos.sheet1}"],
        note="field-missing for so_nan_nhan only; no other field may be missing or "
             "taken from the wrong row (STT 13 is now the registration row).")

    # h: values ---------------------------------------------------------------------------
    r = report("03070", so_luot_nguoi=1234, so_luot_kiem_tra=1234, so_bang_ron=1234)
    add("h1-thousands.xlsx", "h", "integers as text with thousands separators: "
        "so_luot_nguoi \"1.234\", so_luot_kiem_tra \"1 234\", so_bang_ron \"1,234\" "
        "(all 1234)", r,
        variant(r, overrides={"so_luot_nguoi": "1.234", "so_luot_kiem_tra": "1 234",
                              "so_bang_ron": "1,234"}),
        findings=cat(at1("so_luot_nguoi"), at1("so_luot_kiem_tra"), at1("so_bang_ron")))
    add("h2-decimal-in-integer.xlsx", "h", "so_bang_ron typed \"1,5\" (a decimal comma in "
        "an integer field)", st, variant(st, overrides={"so_bang_ron": "1,5"}),
        status="rejected", values=[], findings=at1("so_bang_ron", "type-error"))
    r = report("03097", so_van_ban=12)
    add("h3-number-with-unit.xlsx", "h", "numbers followed by their unit of measure: "
        "so_van_ban \"12 văn bản\", co_so_tong \"2 cơ sở\", so_luot_nguoi \"65 lượt người\"",
        r, variant(r, overrides={"so_van_ban": "12 văn bản", "co_so_tong": "2 cơ sở",
                                 "so_luot_nguoi": "65 lượt người"}),
        findings=cat(at1("so_van_ban"), at1("co_so_tong"), at1("so_luot_nguoi")))
    add("h4-dashes.xlsx", "h", "zeros typed as dashes: co_so_massage \"-\", co_so_khac "
        "\"–\" (en dash), co_so_vi_pham \"—\" (em dash)", kytr,
        variant(kytr, overrides={"co_so_massage": "-", "co_so_khac": "–",
                                 "co_so_vi_pham": "—"}),
        findings=cat(at1("co_so_massage"), at1("co_so_khac"), at1("co_so_vi_pham")))
    add("h5-yes-spellings.xlsx", "h", "yes typed \"x\" (dang_ky_lanh_manh), \"✓\" "
        "(co_ke_hoach) and \"X\" (every Ký cam kết of Biểu 02)", dq,
        variant(dq, overrides={"dang_ky_lanh_manh": "x", "co_ke_hoach": "✓"}, b02_yes="X"),
        findings=lambda pos: at1("dang_ky_lanh_manh")(pos) + at1("co_ke_hoach")(pos)
        + [f"value-coerced@{pos.sheet2}!{row['ky_cam_ket']}" for row in pos.b02_rows])
    r = copy.deepcopy(kytr)
    for e in r.establishments[1:]:
        e.ky, e.ngay = False, None
    r = L.with_values(r, co_so_cam_ket=1)
    L.check_report(r)
    add("h6-no-spellings.xlsx", "h", "no typed \"KHÔNG\" (co_te_nan; any case is exact), "
        "\"không\" and \"Ko\" (Ký cam kết of Biểu 02 rows 2 and 3, no date)", r,
        variant(r, no="KHÔNG", b02_overrides={(1, "ky_cam_ket"): "không",
                                              (2, "ky_cam_ket"): "Ko"}),
        findings=lambda pos: [f"value-coerced@{pos.sheet2}!{pos.b02_rows[2]['ky_cam_ket']}"])
    r = copy.deepcopy(kyt)
    dates = [dt.date(2023, 3, 14), dt.date(2023, 4, 20), dt.date(2023, 7, 5),
             dt.date(2023, 8, 9), dt.date(2023, 9, 1)]
    for e, d in zip(r.establishments, dates):
        e.ngay = d
    L.check_report(r)
    serial = (dates[0] - dt.date(1899, 12, 30)).days
    typed = {0: serial, 1: "20/04/2023", 2: "ngày 05 tháng 7 năm 2023", 3: "9/8/23",
             4: "01-09-2023"}
    add("h7-dates.xlsx", "h", f"Ngày ký cam kết typed five ways: an Excel serial number "
        f"{serial} in a General cell (14/03/2023), \"20/04/2023\" (exact), \"ngày 05 tháng 7 "
        f"năm 2023\" (in row 3, not a signature line), \"9/8/23\", \"01-09-2023\"", r,
        variant(r, b02_overrides={(i, "ngay_ky"): x for i, x in typed.items()}),
        findings=lambda pos: [f"value-coerced@{pos.sheet2}!{pos.b02_rows[i]['ngay_ky']}"
                              for i in (0, 2, 3, 4)],
        note="Dates to read, rows 1-5: 14/03/2023, 20/04/2023, 05/07/2023, 09/08/2023, "
             "01/09/2023.")
    add("h8-ref-error.xlsx", "h", "so_luot_kiem_tra holds the error value #REF! "
        "(t=\"e\", no formula)", tth, variant(tth, overrides={"so_luot_kiem_tra": "#REF!"}),
        status="rejected", values=[], findings=at1("so_luot_kiem_tra", "formula-error"))
    add("h9-formula-cached-libreoffice.xlsx", "h", "co_so_tong the sum of the four type "
        "cells with \"+\" and so_luot_nguoi a ROUND(), with results stored by LibreOffice "
        "(openpyxl, then soffice --convert-to xlsx, which recalculates)", hm,
        variant(hm, formulas={"co_so_tong": "{co_so_luu_tru}+{co_so_karaoke}+{co_so_massage}"
                                            "+{co_so_khac}",
                              "so_luot_nguoi": "ROUND({so_cuoc_truyen_thong}*65,0)"}),
        writer="soffice")
    add("h10-sum-uncached.xlsx", "h", "co_so_tong a =SUM() of the four type cells, written "
        "by openpyxl: no stored result; a plain SUM over the same sheet is evaluated", dq,
        variant(dq, formulas={"co_so_tong": "SUM({co_so_luu_tru}:{co_so_khac})"}),
        findings=at1("co_so_tong"))
    add("h11-formula-uncached.xlsx", "h", "so_luot_kiem_tra an =IF() of co_so_tong, written "
        "by openpyxl: no stored result and not a plain SUM", st,
        variant(st, formulas={"so_luot_kiem_tra": "IF({co_so_tong}>0,{co_so_tong},0)"}),
        status="rejected", values=[], findings=at1("so_luot_kiem_tra", "formula-uncached"))

    # i: containers --------------------------------------------------------------------
    add("i1-libreoffice.xls", "i", ".xls (BIFF8) saved by LibreOffice", hm, variant(hm),
        writer="soffice")
    add("i2-libreoffice.ods", "i", ".ods saved by LibreOffice", tth, variant(tth),
        writer="soffice")
    add("i3-macro.xlsm", "i", ".xlsm: macro-enabled workbook with a VBA project part "
        "(xl/vbaProject.bin)", kytr, variant(kytr), writer="xlsm")
    add("i4-xlsx-named.xls", "i", "an openpyxl .xlsx (zip) named .xls", st, variant(st))
    return C


# ---------------------------------------------------------------------------
# Build, write, check
# ---------------------------------------------------------------------------

def build(case: Case) -> None:
    # Formulas are formatted with the cells as rendered, before any transform
    # moves them: the two are not combined.
    assert not (case.transforms and case.v.formulas), case.file
    sheets, pos = L.render(case.r, case.v)
    for t in case.transforms:
        sheets = t(sheets, pos)
    case.unicode_sheets = copy.deepcopy(sheets)
    L.encode_sheets(sheets, case.v)
    case.sheets, case.pos = sheets, pos


def write(case: Case) -> None:
    path = os.path.join(OUT, case.file)
    if case.writer == "openpyxl":
        write_xlsx(case.sheets, path, case.v.font, case.hidden)
    elif case.writer == "soffice":
        write_soffice(case.sheets, path, case.v.font)
    elif case.writer == "xlsm":
        write_xlsm(case.sheets, path, case.v.font)
    else:
        raise ValueError(case.writer)


def expected_values(case: Case) -> list[str]:
    fids = case.values if case.values is not None else (
        L.FIELD_IDS if case.status == "accepted" else [])
    return [f"{f}={fmt_value(case.r.values[f])}" for f in fids]


# ----- independent re-reading -------------------------------------------------

def norm_label(s: str) -> str:
    s = unicodedata.normalize("NFC", s).replace(ZWSP, "")
    s = old_tones(s.lower())
    return " ".join(s.split())


def lenient_int(raw: Any) -> int | None:
    """What a Vietnamese reader makes of a Biểu 01 number cell (issue 4's rules)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return int(raw) if float(raw).is_integer() else None
    s = " ".join(str(raw).replace(NBSP, " ").split())
    if s in ("-", "–", "—"):
        return 0
    m = re.fullmatch(r"(\d{1,3}(?:[. ,]\d{3})+|\d+)(?: [^\d]+)?", s)
    return int(re.sub(r"[. ,]", "", m.group(1))) if m else None


YES = {"có", "x", "✓"}
NO = {"không", "ko"}


def check_model(case: Case) -> None:
    """The rendered (Unicode) model: every field sits on its label's row, and
    its cell reads as the expected value."""
    sheets = case.unicode_sheets
    pos = case.pos
    s1 = next(s for s in sheets if s.name == pos.sheet1)
    s2 = next(s for s in sheets if s.name == pos.sheet2)
    labels = {fid: label for (_, label, _, fid) in L.FORM_ROWS if fid}
    for fid, a in pos.fields.items():
        row, col = rc(a)
        texts = [norm_label(str(c.value)) for c in cells_in_row(s1, row).values()
                 if isinstance(c.value, str)]
        assert norm_label(labels[fid]) in texts, (case.file, fid, texts)
        raw = s1.cells[(row, col)].value
        want = case.r.values[fid]
        if case.status == "rejected" and case.values is not None and fid not in case.values:
            continue
        if isinstance(raw, L.Formula):
            continue                                    # checked in the file
        if fid in L.YESNO_FIELDS:
            got = True if norm_label(raw) in YES else (False if norm_label(raw) in NO else None)
        else:
            got = lenient_int(raw)
        assert got == want, (case.file, fid, raw, want)
    # Biểu 02: one row per establishment, the right kinds and commitments.
    assert len(pos.b02_rows) == len(case.r.establishments) == case.r.values["co_so_tong"]
    signed = 0
    for i, (row, e) in enumerate(zip(pos.b02_rows, case.r.establishments)):
        cell = s2.cells[rc(row["ky_cam_ket"])].value
        ky = norm_label(cell) in YES
        assert ky == e.ky, (case.file, i, cell)
        signed += ky
    assert signed == case.r.values["co_so_cam_ket"], case.file


def decode_cell(text: str, encoding: str, font: str) -> str:
    if encoding == "tcvn3":
        return L.from_tcvn3(text, capitals=font.startswith(".Vn") and font.endswith("H"))
    if encoding == "vni":
        return L.from_vni(text)
    return text


def check_file(case: Case) -> None:
    """Re-open what was written and compare it with the Unicode model."""
    path = os.path.join(OUT, case.file)
    with open(path, "rb") as f:
        magic = f.read(8)
    texts = {c.value for sm in case.sheets for c in sm.cells.values()
             if isinstance(c.value, str) and not isinstance(c.value, L.Formula)}
    if case.file.endswith(".xls") and case.writer == "soffice":
        assert magic == bytes.fromhex("D0CF11E0A1B11AE1"), case.file
        import olefile
        with olefile.OleFileIO(path) as ole:
            stream = ole.openstream("Workbook").read()
        # BIFF8 strings: UTF-16LE, or one byte per character when all are < 256.
        for t in texts:
            if len(t) < 60:                             # longer ones may be split (CONTINUE)
                assert t.encode("utf-16-le") in stream or (
                    max(map(ord, t)) < 256 and t.encode("latin-1") in stream), (case.file, t)
        return
    if case.file.endswith(".ods"):
        import html
        with zipfile.ZipFile(path) as z:
            assert z.read("mimetype") == b"application/vnd.oasis.opendocument.spreadsheet"
            content = html.unescape(z.read("content.xml").decode("utf-8"))
        assert 'table:name="Biểu 01"' in content and 'table:name="Biểu 02"' in content
        for t in texts:
            assert t in content, (case.file, t)
        for fid, v in case.r.values.items():
            if not isinstance(v, bool):                 # every number cell, by value
                assert f'office:value="{v}"' in content, (case.file, fid)
        return
    assert magic[:2] == b"PK", case.file
    with open(path, "rb") as f:                   # a file object: "i4-….xls" is an xlsx
        data = f.read()
    wb = openpyxl.load_workbook(io.BytesIO(data), keep_vba=case.file.endswith(".xlsm"))
    wbv = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    assert wb.sheetnames == [s.name for s in case.sheets], (case.file, wb.sheetnames)
    for sm, um in zip(case.sheets, case.unicode_sheets):
        ws, wsv = wb[sm.name], wbv[sm.name]
        assert ws.sheet_state == ("hidden" if sm.name in case.hidden else "visible")
        for (r, c), cell in sm.cells.items():
            got = ws.cell(row=r, column=c)
            orig = um.cells[(r, c)].value
            if isinstance(cell.value, L.Formula):
                assert got.value == "=" + cell.value, (case.file, r, c, got.value)
                cached = wsv.cell(row=r, column=c).value
                if case.writer == "soffice":
                    assert cached is not None, (case.file, "no cached result", r, c)
                else:
                    assert cached is None, (case.file, "unexpected cached result", r, c)
                continue
            if isinstance(cell.value, dt.date):
                assert got.value.date() == cell.value, (case.file, r, c)
                continue
            assert got.value == cell.value, (case.file, sm.name, r, c, got.value, cell.value)
            if isinstance(orig, str):
                back = decode_cell(got.value, case.v.encoding, got.font.name)
                if case.v.encoding == "nfd":
                    assert back == unicodedata.normalize("NFD", orig)
                    back = unicodedata.normalize("NFC", back)
                    orig = unicodedata.normalize("NFC", orig)
                # .VnTime (not H) cannot show a capital with a tone mark: it comes back small.
                assert back == orig or (case.v.encoding == "tcvn3" and back.lower() == orig.lower()), \
                    (case.file, sm.name, r, c, got.value, back, orig)
            want_font = cell.font or case.v.font
            covered = any(r1 <= r <= r2 and c1 <= c <= c2 and (r, c) != (r1, c1)
                          for r1, c1, r2, c2 in sm.merges)
            assert covered or got.font.name == want_font, (case.file, r, c, got.font.name,
                                                          want_font)
    if case.v.encoding == "tcvn3":
        with zipfile.ZipFile(path) as z:
            xml = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
        assert "\u00ad".encode("utf-8") in xml, "the TCVN3 'ư' (U+00AD) did not survive"
    if case.writer == "xlsm":
        with zipfile.ZipFile(path) as z:
            assert "xl/vbaProject.bin" in z.namelist()
            assert b"macroEnabled.main+xml" in z.read("[Content_Types].xml")


# ----- outputs ------------------------------------------------------------------------

MADE_BY = {"openpyxl": "openpyxl", "soffice": "openpyxl, then `soffice --convert-to`",
           "xlsm": "openpyxl, then zip surgery adding a VBA project"}


def write_expected(cs: list[Case]) -> None:
    with open(os.path.join(OUT, "expected.tsv"), "w", encoding="utf-8") as f:
        f.write("file\tunit_code\tstatus\tvalues\tfindings\n")
        for c in cs:
            unit = "" if "unit-unknown" in c.findings(c.pos) else c.r.code
            f.write("\t".join([c.file, unit, c.status, ";".join(expected_values(c)),
                               ";".join(c.findings(c.pos))]) + "\n")


def write_readme(cs: list[Case]) -> None:
    lines = [
        "# Messy commune files",
        "",
        "What communes really send (issue 4): one small PCMD 2023 report per case, each",
        "made by a program other than `tonghop`. Generated by `scripts/make_messy.py`",
        "(layout code shared with the samples in `scripts/pcmd_layout.py`); regenerate",
        "with:",
        "",
        "    python3 scripts/make_messy.py",
        "",
        "Needs python3 with `openpyxl` (3.1.5 was used) and LibreOffice (`soffice`,",
        "7.4 was used) on PATH for `h9-…`, `i1-…` and `i2-…`. The script re-reads",
        "every file it wrote (legacy text decoded back with the table) and stops on",
        "any difference. openpyxl files are byte-stable across runs; LibreOffice files",
        "may differ in bytes between LibreOffice versions.",
        "",
        "Every file is a complete report (Biểu 01 with all 19 fields, Biểu 02 with its",
        "list) of a unit of `schemas/units/van-ban-2023.csv`, in the canonical layout",
        "unless its case changes it, with data that satisfy every rule of",
        "`schemas/pcmd.toml` (co_so_tong = sum of the types = Biểu 02 rows per type,",
        "signed rows = co_so_cam_ket, dates in 2023). So the only findings are the",
        "ones the case is about (plus, possibly, `value-coerced` infos).",
        "",
        "## expected.tsv",
        "",
        "| column | meaning |",
        "|---|---|",
        "| `file` | the file in this folder |",
        "| `unit_code` | the unit the file must be identified as; empty when it must not be identified (`unit-unknown`) |",
        "| `status` | `accepted` or `rejected` |",
        "| `values` | `;`-separated `field=value` of Biểu 01 that must be read: every field for accepted files, the fields still readable that the case is about for rejected ones; integers as digits, yes/no as `true`/`false` |",
        "| `findings` | `;`-separated findings that must appear: `code@Sheet!CELL` (cell finding), `code@Sheet` (a finding on that sheet, no cell: `text-legacy-encoding`, `field-missing`), `code` (file level); `!code` means that code must NOT appear |",
        "",
        "Sheet names are as in the file (`Sheet2` in `g8-…`). Legacy-encoded files keep",
        "Unicode sheet names (`Biểu 01`): only cell text is TCVN3/VNI.",
        "",
        "## Files",
        "",
        "| file | case | made by | unit | content | expected |",
        "|---|---|---|---|---|---|",
    ]
    for c in cs:
        made = MADE_BY[c.writer]
        if c.file == "i4-xlsx-named.xls":
            made = "openpyxl (an .xlsx, renamed)"
        exp = c.status
        fnd = c.findings(c.pos)
        if fnd:
            exp += ": " + ", ".join(f"`{x}`" for x in fnd)
        content = c.title + (f". {c.note}" if c.note else "")
        formulas = [f"{sm.name}!{L.a1(r, col)} `={cell.value}`" for sm in c.sheets
                    for (r, col), cell in sorted(sm.cells.items())
                    if isinstance(cell.value, L.Formula)]
        if formulas:
            content += ". Formulas: " + ", ".join(formulas)
        unit = f"{c.r.code} {c.r.name}"
        if "unit-unknown" in fnd:
            unit = f"(data of {unit})"
        lines.append(f"| `{c.file}` | {c.case} | {made} | {unit} | "
                     f"{content} | {exp} |")
    lines += [
        "",
        "## Legacy encodings (cases a-c)",
        "",
        "An .xlsx stores legacy text as the Windows-1252 reading of its bytes. The",
        "generator encodes Unicode (NFC) letter by letter with the table of",
        "`vn-legacy-charsets.tsv` (copied into `pcmd_layout.py`: `to_tcvn3`,",
        "`to_vni`), keeps ASCII, and decodes the bytes as cp1252; openpyxl writes",
        "that string. TCVN3 capitals with a tone mark take the lower-case byte, and",
        "cells typed all in capitals get the `.VnTimeH` font (`a-…` only; `b-…` is",
        "all Calibri). In TCVN3 \"ư\" is 0xAD, U+00AD SOFT HYPHEN after decoding:",
        "decode before removing soft hyphens. Sheet names, numbers and dates are not",
        "encoded. The TCVN3 `.VnTime` cells with a capital and a tone mark",
        "(\"Ánh\") decode to a small letter (\"ánh\"): that is what the file holds.",
        "",
        "## Not produced",
        "",
        "- A workbook saved by Excel itself: no Excel here. `i3-macro.xlsm` is an",
        "  openpyxl workbook given Excel's macro-enabled parts; its",
        "  `xl/vbaProject.bin` is a real VBA project (from rust_xlsxwriter's",
        "  `tests/input/macro01.xlsm`, MIT OR Apache-2.0; see `scripts/data/README.md`),",
        "  not bound to these sheets' code names, so Excel may offer to repair it.",
        "",
    ]
    with open(os.path.join(OUT, "README.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(lines))


def main() -> None:
    cs = cases()
    files = [c.file for c in cs]
    assert len(files) == len(set(files))
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    for c in cs:
        build(c)
        check_model(c)
        write(c)
        check_file(c)
        print(f"  {c.file:38s} {c.r.code} {c.status:8s} {';'.join(c.findings(c.pos))}")
    write_expected(cs)
    write_readme(cs)
    print(f"{len(cs)} files written to {os.path.relpath(OUT, ROOT)} and checked")


if __name__ == "__main__":
    main()
