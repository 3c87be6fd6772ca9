#!/usr/bin/env python3
"""Independent re-read of the generated samples (a sanity check, not the tool).

    python3 scripts/check_samples.py [samples/van-ban-2023]

Converts every inbox file to .xlsx with LibreOffice (so .xls/.ods and cached
formula results are read the same way), then reads it by label, the way the
form spec asks a reader to (legacy TCVN3/VNI text decoded first, by font):
finds the sheet holding "Chỉ tiêu"/"Số liệu", the
row of every field by its label, the Biểu 02 sheet by its "Tên cơ sở" header.
Compares everything with expected.tsv and re-checks the rules and seed totals.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import sys
import tempfile
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import openpyxl  # noqa: E402

import pcmd_layout as L  # noqa: E402


def norm(s) -> str:
    return " ".join(unicodedata.normalize("NFC", str(s)).split()).lower() if s is not None else ""


LABELS = {norm(label): fid for (_, label, _, fid) in L.FORM_ROWS if fid}
LOAI = {"lưu trú": "Lưu trú", "nhà nghỉ": "Lưu trú", "khách sạn": "Lưu trú",
        "karaoke": "Karaoke", "massage": "Massage", "xoa bóp": "Massage", "khác": "Khác"}


def parse_int(v):
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        assert float(v).is_integer(), v
        return int(v)
    s = str(v).strip()
    if s == "-":
        return 0
    return int(s)


def parse_yesno(v):
    s = norm(v)
    if s in ("có", "x", "c"):
        return "Có"
    if s in ("không", "k"):
        return "Không"
    raise ValueError(v)


def decode_legacy(wb) -> None:
    """Text typed with a legacy font (TCVN3 ".Vn…", VNI "VNI-…") back to
    Unicode, told by the cell's font (the tool itself also detects by content)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if isinstance(c.value, str) and c.font is not None and c.font.name:
                    if c.font.name.startswith(".Vn"):
                        c.value = L.from_tcvn3(c.value, capitals=c.font.name.endswith("H"))
                    elif c.font.name.startswith("VNI"):
                        c.value = L.from_vni(c.value)


def read(path):
    wb = openpyxl.load_workbook(path, data_only=True)
    decode_legacy(wb)
    s1 = s2 = None
    for ws in wb.worksheets:
        texts = {norm(c.value) for row in ws.iter_rows() for c in row if c.value is not None}
        if "chỉ tiêu" in texts and "số liệu" in texts:
            s1 = ws
        if "tên cơ sở" in texts:
            s2 = ws
    assert s1 is not None and s2 is not None, path
    # Sheet 1: header row and columns by label.
    hdr = next(r for r in s1.iter_rows() if any(norm(c.value) == "số liệu" for c in r))
    cols = {norm(c.value): c.column for c in hdr if c.value}
    c_label, c_value = cols["chỉ tiêu"], cols["số liệu"]
    values, unit, period = {}, None, None
    for row in s1.iter_rows():
        for c in row:
            t = norm(c.value)
            if t.startswith("kỳ báo cáo"):
                period = t
            if t == "đơn vị báo cáo:":
                unit = next(x.value for x in row if x.column > c.column and x.value)
        lab = norm(s1.cell(row=row[0].row, column=c_label).value)
        if lab in LABELS:
            fid = LABELS[lab]
            raw = s1.cell(row=row[0].row, column=c_value).value
            values[fid] = parse_yesno(raw) if fid in L.YESNO_FIELDS else parse_int(raw)
    # Sheet 2.
    hrow = next(r for r in s2.iter_rows() if any(norm(c.value) == "tên cơ sở" for c in r))
    ids = {norm(v): k for k, v in L.B02_COLUMNS.items()}
    bcols = {ids[norm(c.value)]: c.column for c in hrow if c.value}
    rows = []
    r = hrow[0].row + 1
    while True:
        vals = {k: s2.cell(row=r, column=c).value for k, c in bcols.items()}
        if all(v is None or str(v).strip() == "" for v in vals.values()):
            break
        rows.append(vals)
        r += 1
    return unit, period, values, rows


def main(sample_dir: str) -> None:
    inbox = os.path.join(sample_dir, "inbox")
    expected = {row["file"]: row for row in csv.DictReader(
        open(os.path.join(sample_dir, "expected.tsv"), encoding="utf-8"), delimiter="\t")}
    totals: dict[str, int] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for fname in sorted(os.listdir(inbox)):
            path = os.path.join(inbox, fname)
            if not fname.endswith(".xlsx"):
                path = L.soffice_convert(path, "xlsx", os.path.join(tmp, fname))
            unit, period, values, rows = read(path)
            exp = expected[fname]
            assert "năm 2023" in period, (fname, period)
            for fid in L.FIELD_IDS:
                got = values[fid]
                assert str(got) == exp[fid], (fname, fid, got, exp[fid])
                if fid not in L.YESNO_FIELDS:
                    totals[fid] = totals.get(fid, 0) + got
            assert len(rows) == int(exp["b02_rows"]) == values["co_so_tong"], fname
            kinds = [LOAI[norm(x["loai_hinh"])] for x in rows]
            for f in L.TYPE_FIELDS:
                assert kinds.count(L.TYPE_LABEL[f]) == values[f], (fname, f)
            assert values["so_luot_nguoi"] >= values["so_cuoc_truyen_thong"], fname
            names = [norm(x["ten_co_so"]) for x in rows]
            assert len(set(names)) == len(names), fname
            for x in rows:
                assert parse_yesno(x["ky_cam_ket"]) == "Có", fname
                d = x["ngay_ky"]
                if not isinstance(d, dt.datetime):
                    d = dt.datetime.strptime(str(d).strip(), "%d/%m/%Y")
                assert d.year == 2023, (fname, d)
                assert x["dia_chi"] and x["chu_co_so"], fname
            print(f"ok  {exp['unit_code']}  {norm(unit):24s} {len(rows):2d} rows  {fname}")
    print("totals:", {k: totals[k] for k in ("co_so_tong", "co_so_luu_tru", "co_so_karaoke",
                                              "co_so_massage", "co_so_cam_ket",
                                              "so_cuoc_truyen_thong", "so_luot_nguoi",
                                              "so_bang_ron", "so_vu_vi_pham")})


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "samples", "van-ban-2023"))
