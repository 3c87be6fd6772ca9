#!/usr/bin/env python3
"""Generate the commune files of the extra report forms under tests/forms/.

    python3 scripts/make_forms.py

Three forms of shapes unlike `pcmd` (issue 12, "write more forms"), each in
tests/forms/<form>/ with its schema.toml, units.csv and tonghop.toml (written
by hand from docs/schema.md) and, written here, inbox/ (the commune files)
and expected.json:

- qlsc: quarterly, a form sheet of counts + a list of people (names, year of
  birth, sex as a choice, a start date), rules tying the list to the counts;
- sxnn: monthly, decimal figures (ha, tạ/ha, tấn), a price, a date, rates
  with and without a denominator; a "Kế hoạch năm" and a "Cùng kỳ" column
  beside the one that is read;
- attp: one list sheet and no form sheet, everything from aggregates.

The files vary as real communes' do: numbers typed as text ("1.234,5"),
shifted rows and columns, an inserted row, .xls written by xlwt, merged
header cells, retyped labels, a TCVN3 (.VnTime) file, and files with one
planted error each that must be rejected with a given finding code.

expected.json holds, computed here from the values written (independently of
tonghop): each file's unit, status and finding codes; the accepted, rejected
and missing units; every accepted value; the list row counts; the column
totals of the form fields; every indicator for the district and each unit.

Deterministic: fixed seed, fixed timestamps (openpyxl zips are normalised;
xlwt writes no time). Needs python3 with openpyxl 3.1 and xlwt 1.3.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import shutil
import sys
import tomllib
from dataclasses import dataclass, field
from typing import Any

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pcmd_layout as L  # noqa: E402  (sheet model, writers, TCVN3 encoder)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FORMS = os.path.join(ROOT, "tests", "forms")
MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"


# ---------------------------------------------------------------------------
# Schema and registry (read for labels, ids and codes only)
# ---------------------------------------------------------------------------

def load_form(form: str) -> tuple[dict, list[dict]]:
    with open(os.path.join(FORMS, form, "schema.toml"), "rb") as f:
        schema = tomllib.load(f)
    import csv
    with open(os.path.join(FORMS, form, "units.csv"), encoding="utf-8") as f:
        units = list(csv.DictReader(f))
    return schema, units


def sheet_def(schema: dict, sid: str) -> dict:
    return next(s for s in schema["sheets"] if s["id"] == sid)


def heading_of(name: str) -> str:
    """"Xã Pha Long" -> "UBND XÃ PHA LONG"."""
    return "UBND " + name.upper()


# ---------------------------------------------------------------------------
# How one commune typed its file
# ---------------------------------------------------------------------------

@dataclass
class Variant:
    writer: str = "openpyxl"          # openpyxl (.xlsx) | xlwt (.xls)
    top: int = 0                      # blank rows inserted above everything
    left: int = 0                     # empty columns inserted on the left
    numbers: str = "number"           # number | text ("1.234,5", " 12 ")
    dates: str = "date"               # date (a date cell) | text ("5-4-2024")
    yes: str = "Có"
    no: str = "Không"
    zero_dash: bool = False           # 0 typed as "-"
    merged_header: bool = False       # list: group header merged over sub-headers
    numbering_row: bool = False       # list: "(1) (2) …" under the header
    retype: dict[str, str] = field(default_factory=dict)      # field id -> label typed
    choice_typed: dict[str, str] = field(default_factory=dict)  # canonical -> typed
    extra_rows: dict[str, tuple] = field(default_factory=dict)  # after field id -> (label, value[, STT])
    list_order: list[str] | None = None   # list columns in this order
    # list: a column the form does not have, inserted before a field's:
    # field id -> (header, one value per record)
    list_extra: dict[str, tuple[str, list]] = field(default_factory=dict)
    blank_after: int | None = None    # list: an empty row left after this record (0-based)
    totals_row: bool = False          # list: a "Tổng cộng" row summing the numeric columns
    encoding: str = "unicode"         # unicode | tcvn3
    font: str = "Times New Roman"
    period_text: str | None = None    # overrides the form's period line
    sheet_names: dict[str, str] = field(default_factory=dict)
    overrides: dict[str, Any] = field(default_factory=dict)   # field id -> raw cell
    list_overrides: dict[tuple[int, str], Any] = field(default_factory=dict)


def vn_number(x: float | int) -> str:
    """A number as a Vietnamese officer types it: "1.234,5", "12"."""
    if isinstance(x, int) or float(x).is_integer():
        s = f"{int(x):,}".replace(",", ".")
        return s
    whole, frac = f"{x:.2f}".rstrip("0").split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + frac


def number_cell(x, v: Variant) -> tuple[Any, str | None]:
    if x == 0 and v.zero_dash:
        return "-", "@"
    if v.numbers == "text":
        return (vn_number(x) if not isinstance(x, int) or x >= 1000 else f" {x} "), "@"
    if isinstance(x, int):
        return x, "0"
    return x, "#,##0.0"


def date_cell(d: dt.date, v: Variant) -> tuple[Any, str | None]:
    if v.dates == "text":
        return f"{d.day}-{d.month}-{d.year}", "@"
    if v.dates == "text_canonical":
        return d.strftime("%d/%m/%Y"), "@"
    return dt.datetime(d.year, d.month, d.day), "dd/mm/yyyy"


def typed(value: Any, ftype: str, v: Variant) -> tuple[Any, str | None]:
    if value is None:
        return None, None
    if ftype in ("integer", "number"):
        return number_cell(value, v)
    if ftype == "date":
        return date_cell(value, v)
    if ftype == "yes_no":
        return (v.yes if value else v.no), None
    if ftype == "choice":
        return v.choice_typed.get(value, value), None
    return value, None


def heading_block(sm: L.SheetModel, r0: int, c0: int, width: int, unit_name: str,
                  title: str, period: str, v: Variant) -> int:
    """National motto, unit heading, title, period, "Đơn vị báo cáo"; returns the next row."""
    half = max(2, width // 2)
    sm.merge(r0, c0, r0, c0 + half - 1, heading_of(unit_name), "bold", "center")
    sm.merge(r0, c0 + half, r0, c0 + width - 1, MOTTO_1, "bold", "center")
    sm.merge(r0 + 1, c0 + half, r0 + 1, c0 + width - 1, MOTTO_2, "bold", "center")
    sm.merge(r0 + 3, c0, r0 + 3, c0 + width - 1, title, "bold", "center", "title")
    sm.merge(r0 + 4, c0, r0 + 4, c0 + width - 1, v.period_text or period, "italic", "center")
    sm.put(r0 + 5, c0, f"Đơn vị báo cáo: {unit_name}", "italic")
    return r0 + 7


def signature(sm: L.SheetModel, row: int, c0: int, width: int, place: str, signed: str) -> None:
    sm.put(row + 1, c0 + width - 2, f"{place}, {signed}", "italic")
    sm.put(row + 2, c0, "Người lập biểu", "bold")
    sm.put(row + 2, c0 + width - 2, "TM. ỦY BAN NHÂN DÂN", "bold")


def render_form_sheet(schema: dict, sid: str, values: dict, unit_name: str, period: str,
                      v: Variant, columns: list[str], value_col: str,
                      other_cols: dict[str, dict[str, Any]] | None = None) -> L.SheetModel:
    """A form sheet: one row per field, the header `columns`; the values go
    under `value_col`; `other_cols` fills other columns (plan, last year)."""
    d = sheet_def(schema, sid)
    sm = L.SheetModel(v.sheet_names.get(sid, d["name"]))
    r0, c0 = 1 + v.top, 1 + v.left
    width = len(columns)
    row = heading_block(sm, r0, c0, width, unit_name, d["title"], period, v)
    for j, h in enumerate(columns):
        sm.put(row, c0 + j, h, "bold", "center", "border", "wrap")
    col_of = {h: c0 + j for j, h in enumerate(columns)}
    row += 1
    sections = {s["code"]: s["label"] for s in d.get("sections", [])}
    current = None
    for f in d["fields"]:
        if f.get("section") != current and f.get("section") in sections:
            current = f["section"]
            sm.put(row, c0, current, "bold", "center", "border")
            sm.put(row, c0 + 1, sections[current], "bold", "border")
            row += 1
        sm.put(row, c0, f.get("code", ""), "center", "border")
        sm.put(row, c0 + 1, v.retype.get(f["id"], f["label"]), "border", "wrap")
        sm.put(row, c0 + 2, f.get("unit", ""), "center", "border")
        raw = v.overrides.get(f["id"], values.get(f["id"]))
        if f["id"] in v.overrides:
            cell, fmt = raw, "@"
        else:
            cell, fmt = typed(raw, f["type"], v)
        sm.put(row, col_of[value_col], cell, "border", "right", fmt=fmt)
        for name, by_field in (other_cols or {}).items():
            if f["id"] in by_field:
                oc, ofmt = typed(by_field[f["id"]], f["type"], v)
                sm.put(row, col_of[name], oc, "border", "right", fmt=ofmt)
        row += 1
        if f["id"] in v.extra_rows:
            label, value, *code = v.extra_rows[f["id"]]
            sm.put(row, c0, code[0] if code else "", "center", "border")
            sm.put(row, c0 + 1, label, "border", "wrap")
            sm.put(row, c0 + 2, "", "border")
            sm.put(row, col_of[value_col], value, "border", "right")
            row += 1
    for j, w in enumerate([6, 52, 10] + [14] * (width - 3)):
        sm.widths[c0 + j] = w
    return sm, row


def render_list_sheet(schema: dict, sid: str, records: list[dict], unit_name: str,
                      period: str, v: Variant, group: tuple[str, list[str]] | None = None
                      ) -> tuple[L.SheetModel, int, list[int]]:
    """A list sheet: STT + one column per field (in `v.list_order`), a record
    per row. `group` = (group label, field ids) merged over sub-headers when
    `v.merged_header`. Returns the sheet, the next free row and each
    record's 1-based row."""
    d = sheet_def(schema, sid)
    sm = L.SheetModel(v.sheet_names.get(sid, d["name"]))
    r0, c0 = 1 + v.top, 1 + v.left
    fields = {f["id"]: f for f in d["fields"]}
    order = list(v.list_order or [f["id"] for f in d["fields"]])
    for fid, (header, values) in v.list_extra.items():
        extra = "extra:" + fid
        fields[extra] = {"id": extra, "label": header, "type": "number"}
        order.insert(order.index(fid), extra)
        v.list_overrides.update({(i, extra): x for i, x in enumerate(values)})
    width = len(order) + 1
    row = heading_block(sm, r0, c0, width, unit_name, d["title"], period, v)
    col = {fid: c0 + 1 + j for j, fid in enumerate(order)}
    label = lambda fid: v.retype.get(fid, fields[fid]["label"])  # noqa: E731
    if v.merged_header and group:
        gl, gids = group
        cols = sorted(col[g] for g in gids)
        sm.merge(row, c0, row + 1, c0, "STT", "bold", "center", "border")
        sm.merge(row, cols[0], row, cols[-1], gl, "bold", "center", "border")
        for fid in order:
            if fid in gids:
                sm.put(row + 1, col[fid], label(fid), "bold", "center", "border", "wrap")
            else:
                sm.merge(row, col[fid], row + 1, col[fid], label(fid), "bold", "center", "border", "wrap")
        row += 2
    else:
        sm.put(row, c0, "STT", "bold", "center", "border")
        for fid in order:
            sm.put(row, col[fid], label(fid), "bold", "center", "border", "wrap")
        row += 1
    if v.numbering_row:
        sm.put(row, c0, "(1)", "italic", "center", "border")
        for j, fid in enumerate(order):
            sm.put(row, col[fid], f"({j + 2})", "italic", "center", "border")
        row += 1
    rows = []
    for i, rec in enumerate(records):
        sm.put(row, c0, i + 1, "center", "border")
        for fid in order:
            key = (i, fid)
            if key in v.list_overrides:
                cell, fmt = v.list_overrides[key], "@"
            else:
                cell, fmt = typed(rec.get(fid), fields[fid]["type"], v)
            sm.put(row, col[fid], cell, "border", fmt=fmt)
        rows.append(row)
        row += 1
        if v.blank_after == i:
            row += 1
    if v.totals_row:
        sm.put(row, c0, "Tổng cộng", "bold", "border")
        sm.put(row, col[order[0]], f"{len(records)} người" if sid == "danh_sach" else f"{len(records)} cơ sở",
               "bold", "border")
        for fid in order:
            if fields[fid]["type"] == "yes_no":
                sm.put(row, col[fid], sum(1 for r in records if r.get(fid)), "bold", "border")
            elif fields[fid]["type"] == "choice":
                n = sum(1 for r in records if r.get(fid) == fields[fid]["choices"][-1]["value"])
                sm.put(row, col[fid], f"{fields[fid]['choices'][-1]['value']}: {n}", "bold", "border")
        row += 1
    sm.widths[c0] = 6
    for fid in order:
        sm.widths[col[fid]] = 24 if fields[fid]["type"] == "text" else 13
    return sm, row, rows


def encode_tcvn3(sheets: list[L.SheetModel], font: str) -> None:
    """Every text cell in TCVN3 (ABC) bytes read as Windows-1252, as a file
    typed with the .VnTime font; all-capital cells get the .VnTimeH font."""
    for sm in sheets:
        for c in sm.cells.values():
            if isinstance(c.value, str):
                if L.is_capitals(c.value):
                    c.font = font + "H"
                c.value = L.to_tcvn3(c.value)


def write(sheets: list[L.SheetModel], path: str, v: Variant) -> None:
    if v.encoding == "tcvn3":
        encode_tcvn3(sheets, v.font)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    if v.writer == "xlwt":
        L.write_xlwt(sheets, path, font=v.font)
    else:
        L.write_openpyxl(sheets, path, font=v.font)


# ---------------------------------------------------------------------------
# Expected results, computed here
# ---------------------------------------------------------------------------

def jsonable(x: Any) -> Any:
    if isinstance(x, dt.date):
        return x.isoformat()
    return x


def indicator(num: float | None, den: float | None = None, factor: float = 1,
              has_den: bool = False, ratio: bool = False) -> dict:
    if has_den:
        value = None if not den else num / den * factor
    else:
        value = None if num is None else num * factor
    out = {"numerator": num, "denominator": den if has_den else None, "value": value}
    if ratio:
        out["display"] = f"{fmt_num(num)}/{fmt_num(den)}"
    elif value is not None:
        out["display"] = fmt_num(value)
    return out


def fmt_num(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


class Expected:
    def __init__(self, form: str, period: str):
        self.form, self.period = form, period
        self.files: dict[str, dict] = {}

    def file(self, name: str, unit: str, status: str, codes: list[str],
             form: dict | None = None, lists: dict[str, list[dict]] | None = None) -> None:
        self.files[name] = {
            "unit": unit, "status": status, "codes": sorted(set(codes)),
            "form": {k: jsonable(x) for k, x in (form or {}).items()},
            "lists": {k: [{f: jsonable(x) for f, x in r.items()} for r in rs]
                      for k, rs in (lists or {}).items()},
        }

    def accepted(self) -> list[tuple[str, dict]]:
        return [(f["unit"], f) for f in self.files.values() if f["status"] == "accepted"]

    def dump(self, units: list[dict], form_fields: list[dict], indicators_fn) -> None:
        acc = self.accepted()
        acc_units = {u for u, _ in acc}
        sent = {f["unit"] for f in self.files.values()}
        order = [u["code"] for u in units]
        totals = {}
        for f in form_fields:
            vals = [x["form"].get(f["id"]) for _, x in acc]
            if f["type"] in ("integer", "number"):
                totals[f["id"]] = sum(x for x in vals if x is not None)
            elif f["type"] == "yes_no":
                totals[f["id"]] = sum(1 for x in vals if x)
        list_rows = {}
        for _, x in acc:
            for k, rs in x["lists"].items():
                list_rows[k] = list_rows.get(k, 0) + len(rs)
        by_unit = {u: x for u, x in acc}
        inds = {"district": indicators_fn([x for _, x in sorted(acc, key=lambda a: order.index(a[0]))])}
        for u in order:
            if u in by_unit:
                inds[u] = indicators_fn([by_unit[u]])
        out = {
            "form": self.form,
            "period": self.period,
            "units": order,
            "accepted_units": [u for u in order if u in acc_units],
            "rejected_units": [u for u in order if u in sent and u not in acc_units],
            "missing_units": [u for u in order if u not in sent],
            "files": self.files,
            "totals": totals,
            "list_rows": list_rows,
            "indicators": inds,
        }
        with open(os.path.join(FORMS, self.form, "expected.json"), "w", encoding="utf-8") as f:
            json.dump(out, f, ensure_ascii=False, indent=1, sort_keys=True)
            f.write("\n")


def fresh_inbox(form: str) -> str:
    inbox = os.path.join(FORMS, form, "inbox")
    shutil.rmtree(inbox, ignore_errors=True)
    os.makedirs(inbox)
    return inbox


def short(name: str) -> str:
    """"Xã Tả Ngải Chồ" -> "TaNgaiCho" (file names as communes write them)."""
    import unicodedata
    bare = name.split(" ", 1)[1] if name.startswith("Xã ") else name.split(" ", 2)[-1]
    s = unicodedata.normalize("NFD", bare.replace("Đ", "D").replace("đ", "d"))
    return "".join(ch for ch in s if ch.isascii() and ch.isalnum())


# ---------------------------------------------------------------------------
# qlsc: quarterly, counts + a list of people
# ---------------------------------------------------------------------------

HO = ["Nguyễn", "Lù", "Vàng", "Sùng", "Thào", "Giàng", "Lò", "Hoàng", "Lý", "Tráng"]
DEM = ["Văn", "Seo", "A", "Thị", "Chẩn", "Mí", "Đức"]
TEN = ["Pao", "Sử", "Chứ", "Mỷ", "Dín", "Páo", "Lềnh", "Sính", "Hùng", "Chúng", "Mai", "Dở"]
THON = ["Thôn Pha Long 1", "Thôn Sín Chải", "Thôn Lùng Phìn", "Tổ dân phố 3", "Thôn Na Lốc",
        "Thôn Cốc Phà", "Thôn Xín Chải", "Thôn Tả Lủ"]
HINH_THUC = ["Tại gia đình, cộng đồng", "Tự nguyện tại cơ sở", "Bắt buộc tại cơ sở"]


def qlsc_people(rng: random.Random, n: int, q_end: dt.date) -> list[dict]:
    people, names = [], set()
    while len(people) < n:
        sex = rng.choice(["Nam", "Nam", "Nam", "Nữ"])
        dem = "Thị" if sex == "Nữ" else rng.choice([d for d in DEM if d != "Thị"])
        name = f"{rng.choice(HO)} {dem} {rng.choice(TEN)}"
        if name in names:
            continue
        names.add(name)
        start = q_end - dt.timedelta(days=rng.randint(20, 700))
        people.append({
            "ho_ten": name,
            "nam_sinh": rng.randint(1965, 2003),
            "gioi_tinh": sex,
            "thon": rng.choice(THON),
            "ngay_bat_dau": start,
            "hinh_thuc": rng.choice(HINH_THUC),
            "ho_tro_viec_lam": rng.random() < 0.4,
            "ghi_chu": rng.choice([None, None, None, "Đã chuyển nơi cư trú trong xã", "Đang điều trị Methadone"]),
        })
    return people


def qlsc_counts(rng: random.Random, people: list[dict]) -> dict:
    return {
        "so_nguoi_nghien": len(people) + rng.randint(2, 15),
        "so_moi_phat_hien": rng.randint(0, 3),
        "so_sau_cai": len(people),
        "so_nu": sum(p["gioi_tinh"] == "Nữ" for p in people),
        "so_ho_tro_viec_lam": sum(p["ho_tro_viec_lam"] for p in people),
        "so_tai_nghien": rng.randint(0, 2),
        "co_to_cong_tac": rng.random() < 0.7,
    }


def qlsc_indicators(accepted: list[dict]) -> dict:
    s = lambda k: float(sum(x["form"][k] for x in accepted))  # noqa: E731
    bat_buoc = float(sum(r["hinh_thuc"] == "Bắt buộc tại cơ sở"
                         for x in accepted for r in x["lists"]["danh_sach"]))
    to = float(sum(1 for x in accepted if x["form"]["co_to_cong_tac"]))
    return {
        "so_nguoi_nghien": indicator(s("so_nguoi_nghien")),
        "so_sau_cai": indicator(s("so_sau_cai")),
        "so_bat_buoc": indicator(bat_buoc),
        "ty_le_ho_tro_viec_lam": indicator(s("so_ho_tro_viec_lam"), s("so_sau_cai"), 100, True, True),
        "ty_le_nu": indicator(s("so_nu"), s("so_sau_cai"), 100, True, True),
        "ty_le_xa_co_to_cong_tac": indicator(to, float(len(accepted)), 100, True, True),
    }


def make_qlsc() -> None:
    form = "qlsc"
    schema, units = load_form(form)
    rng = random.Random(20240630)
    inbox = fresh_inbox(form)
    period = "Quý II năm 2024"
    q_end = dt.date(2024, 6, 30)
    exp = Expected(form, "2024-Q2")
    cols = ["STT", "Chỉ tiêu", "Đơn vị tính", "Số liệu", "Ghi chú"]
    group = ("Thông tin cá nhân", ["ho_ten", "nam_sinh", "gioi_tinh"])

    def emit(unit: dict, name: str, v: Variant, people: list[dict], counts: dict,
             status: str, codes: list[str]) -> None:
        s1, _ = render_form_sheet(schema, "bieu_01", counts, unit["name"], period, v, cols, "Số liệu")
        s2, end, _ = render_list_sheet(schema, "danh_sach", people, unit["name"], period, v, group)
        place = unit["name"].split(" ", 1)[1] if unit["name"].startswith("Xã ") else unit["name"][9:]
        signature(s2, end, 1 + v.left, 9, place, "ngày 05 tháng 7 năm 2024")
        write([s1, s2], os.path.join(inbox, name), v)
        exp.file(name, unit["code"], status, codes, counts, {"danh_sach": people})

    u = {x["code"]: x for x in units}
    # 02752: canonical openpyxl file.
    p = qlsc_people(rng, 7, q_end)
    emit(u["02752"], "BC_QLSC_QuyII_2024_PhaLong.xlsx", Variant(), p, qlsc_counts(rng, p),
         "accepted", [])
    # 02755: xlwt .xls, moved down and right, numbers typed as text, a numbering
    # row, and a "Tổng cộng" row under the list that fills five cells.
    p = qlsc_people(rng, 5, q_end)
    emit(u["02755"], "TaNgaiCho_quy2.xls",
         Variant(writer="xlwt", top=2, left=1, numbers="text", numbering_row=True, totals_row=True),
         p, qlsc_counts(rng, p), "accepted", ["value-coerced"])
    # 02758: merged group header over name/year/sex, labels retyped, rows the
    # form does not have (one with a label the form has under another
    # section), lower-case and alias choices, dates typed as text.
    p = qlsc_people(rng, 9, q_end)
    v = Variant(merged_header=True, dates="text",
                retype={"so_nguoi_nghien": "So nguoi nghien ma tuy co ho so quan ly tren dia ban",
                        "so_sau_cai": "Số người sau cai nghiện ma tuý đang được quản lý",
                        "ho_ten": "Họ tên", "thon": "Thôn/tổ"},
                choice_typed={"Nữ": "nữ", "Tại gia đình, cộng đồng": "Tại gia đình"},
                extra_rows={"so_nu": ("Trong đó: nam", 0)})
    c = qlsc_counts(rng, p)
    # "Trong đó: nữ" also under section I (1.1, women among drug users), before
    # the schema's "Trong đó: nữ" (3.1) under section II.
    v.extra_rows = {"so_nguoi_nghien": ("Trong đó: nữ", c["so_nu"] + 3, "1.1"),
                    "so_nu": ("Trong đó: nam", c["so_sau_cai"] - c["so_nu"])}
    emit(u["02758"], "Bao cao quy II - Tung Chung Pho.xlsx", v, p, c, "accepted",
         ["value-coerced"])
    # 02761: typed with the TCVN3 font .VnTime (both sheets converted).
    p = qlsc_people(rng, 6, q_end)
    emit(u["02761"], "TT_MuongKhuong_Q2-2024.xlsx", Variant(encoding="tcvn3", font=".VnTime"),
         p, qlsc_counts(rng, p), "accepted", ["text-legacy-encoding"])
    # 02764: planted error — Biểu 01 counts one person more than Biểu 02 lists.
    p = qlsc_people(rng, 5, q_end)
    c = qlsc_counts(rng, p)
    c["so_sau_cai"] += 1
    emit(u["02764"], "DinChin_QLSC_Q2.xlsx", Variant(), p, c, "rejected", ["rule-violation"])
    # 02767: a first file with a letter O typed for a zero in a year of birth,
    # then the corrected file sent again (…_lan2, newer): the first is superseded.
    p = qlsc_people(rng, 4, q_end)
    c = qlsc_counts(rng, p)
    bad = Variant(list_overrides={(1, "nam_sinh"): "198O"})
    emit(u["02767"], "TaGiaKhau_Q2.xlsx", bad, p, c, "superseded",
         ["duplicate-submission", "type-error"])
    emit(u["02767"], "TaGiaKhau_Q2_lan2.xlsx", Variant(), p, c, "accepted", [])
    exp.dump(units, sheet_def(schema, "bieu_01")["fields"], qlsc_indicators)


# ---------------------------------------------------------------------------
# sxnn: monthly, decimals, a date, rates
# ---------------------------------------------------------------------------

def sxnn_values(rng: random.Random) -> dict:
    r1 = lambda a, b: round(rng.uniform(a, b), 1)  # noqa: E731
    lua, ngo, rau = r1(120, 420), r1(15, 90), r1(5, 40)
    thu = round(lua * rng.uniform(0.0, 0.35), 1)
    ns = r1(48, 62)
    return {
        "dt_lua": lua, "dt_ngo": ngo, "dt_rau": rau,
        "dt_tong": round(lua + ngo + rau, 1),
        "dt_thu_hoach": thu,
        "nang_suat": ns,
        "san_luong": round(thu * ns / 10, 1),
        "dt_sau_benh": r1(0, 12) if rng.random() < 0.7 else 0.0,
        "ngay_xong_gieo_cay": dt.date(2025, 8, rng.randint(5, 25)),
        "gia_lua": rng.choice([7800, 8000, 8200, 8500, 8700, 9000]),
        "so_ho": rng.randint(300, 1800),
    }


def sxnn_indicators(accepted: list[dict]) -> dict:
    s = lambda k: float(sum(x["form"][k] for x in accepted))  # noqa: E731
    n = len(accepted)
    return {
        "dt_lua": indicator(s("dt_lua")),
        "dt_tong": indicator(s("dt_tong")),
        "san_luong": indicator(s("san_luong")),
        "nang_suat_bq": indicator(s("san_luong") * 10, s("dt_thu_hoach"), 1, True),
        "ty_le_thu_hoach": indicator(s("dt_thu_hoach"), s("dt_lua"), 100, True, True),
        "ty_le_sau_benh": indicator(s("dt_sau_benh"), s("dt_lua"), 100, True),
        "gia_lua_bq": indicator(s("gia_lua") / n if n else None),
        "so_ho": indicator(s("so_ho")),
    }


def make_sxnn() -> None:
    form = "sxnn"
    schema, units = load_form(form)
    rng = random.Random(20250831)
    inbox = fresh_inbox(form)
    period = "Tháng 8 năm 2025"
    exp = Expected(form, "2025-08")
    cols = ["STT", "Chỉ tiêu", "ĐVT", "Kế hoạch năm", "Thực hiện tháng 8", "Cùng kỳ năm trước", "Ghi chú"]
    u = {x["code"]: x for x in units}

    def emit(unit: dict, name: str, v: Variant, values: dict, status: str, codes: list[str],
             cols: list[str] = cols) -> None:
        # The plan and last year's columns hold other numbers: only
        # "Thực hiện tháng" may be read.
        plan = {k: (round(x * 3.7, 1) if isinstance(x, float) else x * 3)
                for k, x in values.items() if isinstance(x, (int, float)) and k != "nang_suat"}
        last = {k: (round(x * 0.9, 1) if isinstance(x, float) else x + 7)
                for k, x in values.items() if isinstance(x, (int, float))}
        last_col = next(c for c in cols if c.startswith("Cùng kỳ") or "cùng kỳ" in c)
        sm, end = render_form_sheet(schema, "bieu_01", values, unit["name"], period, v, cols,
                                    "Thực hiện tháng 8",
                                    {"Kế hoạch năm": plan, last_col: last})
        place = unit["name"].split(" ", 1)[1]
        signature(sm, end, 1 + v.left, 7, place, "ngày 02 tháng 9 năm 2025")
        write([sm], os.path.join(inbox, name), v)
        exp.file(name, unit["code"], status, codes, values)

    # 01840: canonical openpyxl file, decimals as number cells.
    emit(u["01840"], "01840_sxnn_thang8_2025.xlsx", Variant(), sxnn_values(rng), "accepted", [])
    # 01843: xlwt .xls, decimals typed "1.234,5", the date typed as text, 0 as "-".
    vals = sxnn_values(rng)
    vals["dt_sau_benh"] = 0.0
    emit(u["01843"], "BacKan-T8-2025.xls",
         Variant(writer="xlwt", numbers="text", dates="text", zero_dash=True),
         vals, "accepted", ["value-coerced"])
    # 01849: moved down three rows and right two columns, labels retyped, an
    # extra row for fruit trees the form does not ask for.
    emit(u["01849"], "Phong Quang thang 8.xlsx",
         Variant(top=3, left=2,
                 retype={"dt_ngo": "Dien tich trong ngo", "san_luong": "sản lượng lúa thu hoạch",
                         "gia_lua": "Giá thóc tẻ thường bình quân (tại ruộng)"},
                 extra_rows={"dt_rau": ("Diện tích cây ăn quả", 57.5)}),
         sxnn_values(rng), "accepted", [])
    # 01864: the file says July: period-mismatch.
    emit(u["01864"], "BangThanh_T8.xlsx", Variant(period_text="Tháng 7 năm 2025"),
         sxnn_values(rng), "rejected", ["period-mismatch"])
    # 01879: the total area is not the sum of its parts (rule tong_dien_tich).
    vals = sxnn_values(rng)
    vals["dt_tong"] = round(vals["dt_tong"] + 10.0, 1)
    emit(u["01879"], "CaoMinh_T8_2025.xlsx", Variant(), vals, "rejected", ["rule-violation"])
    # 01882: xlwt .xls, no planting date yet (optional), no harvest yet; last
    # year's column "Thực hiện cùng kỳ năm trước" comes before this month's:
    # both start with "Thực hiện", the schema prefers "Thực hiện tháng".
    vals = sxnn_values(rng)
    vals.update(ngay_xong_gieo_cay=None, dt_thu_hoach=0.0, san_luong=0.0, dt_sau_benh=1.5)
    emit(u["01882"], "NghienLoan_BC_T8.xls", Variant(writer="xlwt"), vals, "accepted", [],
         cols=["STT", "Chỉ tiêu", "ĐVT", "Kế hoạch năm", "Thực hiện cùng kỳ năm trước",
               "Thực hiện tháng 8", "Ghi chú"])
    exp.dump(units, sheet_def(schema, "bieu_01")["fields"], sxnn_indicators)


# ---------------------------------------------------------------------------
# attp: one list, no form sheet
# ---------------------------------------------------------------------------

TEN_QUAN = ["Nhà hàng Tam Đảo Xanh", "Quán phở Hùng", "Bếp ăn Trường TH Hợp Châu", "Quán cơm Bình Dân",
            "Nhà hàng Gà Đồi", "Quán bún chả Mai", "Bánh mì Cô Lan", "Nhà hàng Suối Bạc",
            "Quán lẩu Núi Rừng", "Bếp ăn Công ty May Tam Đảo", "Xôi chè Bà Tư", "Quán nướng Sương Mù",
            "Nhà hàng Hồ Xạ Hương", "Quán cháo Minh Anh", "Cơm lam Đại Đình", "Quán ăn Thu Hà"]
CHU = ["Nguyễn Văn Hùng", "Trần Thị Mai", "Lê Văn Bình", "Phạm Thị Lan", "Đỗ Văn Tư",
       "Hoàng Thị Hà", "Vũ Minh Anh", "Bùi Văn Dũng"]
TO = ["Tổ dân phố 1", "Tổ dân phố 2", "Thôn Đồng Bùa", "Thôn Làng Hà", "Thôn Sơn Đồng", "Thôn Đồi Thông"]


def attp_records(rng: random.Random, names: list[str]) -> list[dict]:
    recs = []
    for n in names:
        kind = ("Nhà hàng" if n.startswith("Nhà hàng") else
                "Bếp ăn tập thể" if n.startswith("Bếp ăn") else
                rng.choice(["Quán ăn", "Quán ăn", "Thức ăn đường phố"]))
        gcn = True if kind in ("Nhà hàng", "Bếp ăn tập thể") else rng.random() < 0.6
        recs.append({
            "ten_co_so": n,
            "chu_co_so": rng.choice(CHU),
            "dia_chi": rng.choice(TO),
            "loai_hinh": kind,
            "so_lao_dong": rng.randint(1, 25),
            "dien_tich": round(rng.uniform(12, 350), 1),
            "co_gcn": gcn,
            "ngay_cap": dt.date(rng.randint(2021, 2024), rng.randint(1, 12), rng.randint(1, 28)) if gcn else None,
            "da_tap_huan": rng.random() < 0.75,
        })
    return recs


def attp_indicators(accepted: list[dict]) -> dict:
    recs = [r for x in accepted for r in x["lists"]["co_so"]]
    n = float(len(recs))
    cnt = lambda p: float(sum(1 for r in recs if p(r)))  # noqa: E731
    return {
        "so_co_so": indicator(n),
        "so_nha_hang": indicator(cnt(lambda r: r["loai_hinh"] == "Nhà hàng")),
        "so_duong_pho": indicator(cnt(lambda r: r["loai_hinh"] == "Thức ăn đường phố")),
        "ty_le_co_gcn": indicator(cnt(lambda r: r["co_gcn"]), n, 100, True, True),
        "ty_le_tap_huan": indicator(cnt(lambda r: r["da_tap_huan"]), n, 100, True, True),
        "so_lao_dong": indicator(float(sum(r["so_lao_dong"] for r in recs))),
        "dien_tich_bq": indicator(float(sum(r["dien_tich"] for r in recs)), n, 1, True),
        "so_xa_bao_cao": indicator(float(len(accepted))),
    }


def make_attp() -> None:
    form = "attp"
    schema, units = load_form(form)
    rng = random.Random(20241231)
    inbox = fresh_inbox(form)
    period = "Năm 2024"
    exp = Expected(form, "2024")
    u = {x["code"]: x for x in units}
    pool = list(TEN_QUAN)
    rng.shuffle(pool)

    def take(n: int) -> list[str]:
        out = pool[:n]
        del pool[:n]
        return out

    def emit(unit: dict, name: str, v: Variant, recs: list[dict], status: str, codes: list[str],
             group=None) -> None:
        sm, end, _ = render_list_sheet(schema, "co_so", recs, unit["name"], period, v, group)
        place = unit["name"].split(" ", 2)[-1] if not unit["name"].startswith("Xã ") else unit["name"][3:]
        signature(sm, end, 1 + v.left, 10, place, "ngày 10 tháng 01 năm 2025")
        write([sm], os.path.join(inbox, name), v)
        exp.file(name, unit["code"], status, codes, None, {"co_so": recs})

    # 08908: canonical openpyxl file.
    emit(u["08908"], "DS_co_so_an_uong_2024_TamDao.xlsx", Variant(),
         attp_records(rng, take(4)), "accepted", [])
    # 08911: xlwt .xls, columns in another order, a numbering row, areas
    # typed "45,5", yes/no as x/k.
    order = ["ten_co_so", "loai_hinh", "chu_co_so", "dia_chi", "so_lao_dong", "dien_tich",
             "co_gcn", "ngay_cap", "da_tap_huan"]
    # A "Diện tích kho (m2)" column before the floor area: it starts with the
    # field's alias "Diện tích", the label itself names the next column.
    recs = attp_records(rng, take(3))
    emit(u["08911"], "HopChau_ATTP_2024.xls",
         Variant(writer="xlwt", list_order=order, numbering_row=True, numbers="text", yes="x", no="k",
                 list_extra={"dien_tich": ("Diện tích kho (m2)", [8.5 + i for i in range(len(recs))])}),
         recs, "accepted", ["value-coerced"])
    # 08914: moved, a merged group header over the certificate columns, retyped
    # labels, choices typed as aliases, an empty row left after the second record.
    recs = attp_records(rng, take(4))
    emit(u["08914"], "Dao Tru - danh sach co so an uong.xlsx",
         Variant(top=1, left=1, merged_header=True, blank_after=1,
                 retype={"ten_co_so": "Ten co so", "dien_tich": "Diện tích (m2)", "co_gcn": "Có GCN ATTP"},
                 choice_typed={"Quán ăn": "quán cơm", "Thức ăn đường phố": "Hàng rong"}),
         recs, "accepted", ["value-coerced"],
         group=("Giấy chứng nhận ATTP", ["co_gcn", "ngay_cap"]))
    # 08917: planted error — the same establishment listed twice.
    recs = attp_records(rng, take(3))
    dup = dict(recs[0])
    dup["dia_chi"] = recs[2]["dia_chi"]
    recs.append(dup)
    emit(u["08917"], "YenDuong_2024.xlsx", Variant(), recs, "rejected", ["value-not-unique"])
    # 08920: typed in TCVN3 (.VnTime), the area header without "²".
    emit(u["08920"], "BoLy_2024.xlsx",
         Variant(encoding="tcvn3", font=".VnTime", retype={"dien_tich": "Diện tích (m2)"}),
         attp_records(rng, take(2)), "accepted", ["text-legacy-encoding"])
    # 08923 sends nothing: a missing unit.
    exp.dump(units, [], attp_indicators)


def main() -> None:
    make_qlsc()
    make_sxnn()
    make_attp()


if __name__ == "__main__":
    main()
