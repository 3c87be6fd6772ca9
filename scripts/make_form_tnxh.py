#!/usr/bin/env python3
"""Generate the commune files of the tnxh form under tests/forms/tnxh/.

    python3 scripts/make_form_tnxh.py

tnxh (issue 14, items 1, 2, 7) is a quarterly form whose rows carry several
figures — "Kỳ này | Cùng kỳ năm trước | So sánh (%)", the last computed by
the commune as kỳ này / cùng kỳ × 100 — a row with two of those columns, a
yes/no row answered "Đạt"/"Chưa đạt", and a list ticked with "x" or left
blank, whose choice column has aliases and which may say "Không phát sinh"
when it is empty on purpose. schema.toml, units.csv and tonghop.toml are
written by hand from docs/schema.md; inbox/ and expected.json are written
here.

The files vary as communes' do: a one-row header; a two-row header ("Số
liệu" merged over the value columns, spelt with the schema's aliases, "Cùng
kỳ" before "Kỳ này"); figures typed as text ("1.234,5"); an .xls by xlwt with
a "So sánh" left blank where last year's figure is 0; choices typed by an
alias; one file whose "So sánh (%)" on one row is wrong (derived-mismatch at
that cell) and one without the "Cùng kỳ năm trước" column (column-missing).

expected.json holds, computed here from the values written (independently of
tonghop): each file's unit, status, finding codes and the cell of its
derived-mismatch; every accepted value as `row.column`; the total of every
value column over the accepted units — sums, and for "So sánh (%)" the sum
of kỳ này over the sum of cùng kỳ × 100 — and the indicators.

Deterministic: fixed seed, fixed timestamps. Needs python3 with openpyxl 3.1
and xlwt 1.3 (as scripts/make_forms.py, whose writers it uses).
"""

from __future__ import annotations

import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import make_forms as F  # noqa: E402  (writers, heading, list sheets, expectations)
import pcmd_layout as L  # noqa: E402

FORM = "tnxh"
PERIOD = "Quý III năm 2024"


def value_columns(schema: dict, sid: str = "bieu_01") -> list[dict]:
    return F.sheet_def(schema, sid)["value_columns"]


def row_columns(schema: dict, field: dict) -> list[str]:
    return field.get("value_columns") or [c["id"] for c in value_columns(schema)]


def comparison(now: float, before: float) -> float | None:
    """So sánh (%) as the commune writes it: one decimal, nothing over zero."""
    return round(now / before * 100, 1) if before else None


def row_values(rng: random.Random, field: dict) -> dict:
    """One row's figures: kỳ này, cùng kỳ, and the comparison."""
    if field["type"] == "yes_no":
        return {"ky_nay": rng.random() < 0.6}
    if field["type"] == "number":
        now, before = round(rng.uniform(5, 60), 1), round(rng.uniform(5, 60), 1)
    else:
        now, before = rng.randint(0, 40), rng.randint(1, 40)
    return {"ky_nay": now, "cung_ky": before, "so_sanh": comparison(now, before)}


def unit_values(rng: random.Random, schema: dict) -> dict[str, dict]:
    """field id -> column id -> value; offenders never fewer than cases."""
    fields = F.sheet_def(schema, "bieu_01")["fields"]
    values = {f["id"]: row_values(rng, f) for f in fields}
    for col in ("ky_nay", "cung_ky"):
        extra = rng.randint(0, 5)
        values["so_doi_tuong"][col] = values["so_vu"][col] + extra
    d = values["so_doi_tuong"]
    d["so_sanh"] = comparison(d["ky_nay"], d["cung_ky"])
    for f in fields:
        keep = row_columns(schema, f)
        values[f["id"]] = {c: x for c, x in values[f["id"]].items() if c in keep}
    return values


def flat(values: dict[str, dict]) -> dict[str, object]:
    """The values by the ids tonghop gives them: `row.column`."""
    return {f"{fid}.{c}": x for fid, cols in values.items() for c, x in cols.items()}


def cell(value, ftype: str, v: F.Variant, words: tuple[str, str]):
    if value is None:
        return None, None
    if ftype == "yes_no":
        return (words[0] if value else words[1]), None
    return F.typed(value, ftype, v)


def header(sm: L.SheetModel, row: int, c0: int, headers: list[str], group: str | None,
           value_cols: list[int]) -> int:
    """The table's header: one row, or "Số liệu" merged over the value
    columns' sub-headers. Returns the first row under it."""
    if group is None:
        for j, h in enumerate(headers):
            sm.put(row, c0 + j, h, "bold", "center", "border", "wrap")
        return row + 1
    for j, h in enumerate(headers):
        if c0 + j in value_cols:
            sm.put(row + 1, c0 + j, h, "bold", "center", "border", "wrap")
        else:
            sm.merge(row, c0 + j, row + 1, c0 + j, h, "bold", "center", "border", "wrap")
    sm.merge(row, min(value_cols), row, max(value_cols), group, "bold", "center", "border")
    return row + 2


def render_form(schema: dict, values: dict[str, dict], unit_name: str, v: F.Variant,
                headers: list[str], by_header: dict[str, str], group: str | None = None,
                words: tuple[str, str] = ("Đạt", "Chưa đạt")):
    """Biểu 01: STT, label, unit, the value columns in the order `headers`
    gives (`by_header`: header -> column id), a note. Returns the sheet, the
    next free row and where each value landed (`row.column` -> A1)."""
    d = F.sheet_def(schema, "bieu_01")
    sm = L.SheetModel(d["name"])
    r0, c0 = 1 + v.top, 1 + v.left
    row = F.heading_block(sm, r0, c0, len(headers), unit_name, d["title"], PERIOD, v)
    col_of = {by_header[h]: c0 + j for j, h in enumerate(headers) if h in by_header}
    row = header(sm, row, c0, headers, group, list(col_of.values()))
    sections = {s["code"]: s["label"] for s in d["sections"]}
    current, cells = None, {}
    for f in d["fields"]:
        if f["section"] != current:
            current = f["section"]
            sm.put(row, c0, current, "bold", "center", "border")
            sm.put(row, c0 + 1, sections[current], "bold", "border")
            row += 1
        sm.put(row, c0, f["code"], "center", "border")
        sm.put(row, c0 + 1, f["label"], "border", "wrap")
        sm.put(row, c0 + 2, f.get("unit", ""), "center", "border")
        for c, x in values[f["id"]].items():
            if c not in col_of:
                continue
            key = f"{f['id']}.{c}"
            ftype = "number" if c == "so_sanh" else f["type"]
            raw, fmt = (v.overrides[key], "@") if key in v.overrides else cell(x, ftype, v, words)
            sm.put(row, col_of[c], raw, "border", "right", fmt=fmt)
            cells[key] = L.a1(row, col_of[c])
        row += 1
    for j, w in enumerate([6, 48, 10] + [13] * (len(headers) - 3)):
        sm.widths[c0 + j] = w
    return sm, row, cells


NAMES = ["Karaoke Ánh Sao", "Nhà nghỉ Sương Mai", "Quán bar Mây Trắng", "Karaoke Hoa Đào",
         "Nhà nghỉ Thác Bạc", "Quán bia Đồi Thông", "Karaoke Tuổi Hồng", "Nhà nghỉ Bình An"]
ADDRESSES = ["Tổ dân phố 1", "Tổ dân phố 2", "Thôn Đồng Bùa", "Thôn Làng Hà", "Thôn Sơn Đồng"]


def records(rng: random.Random, names: list[str]) -> list[dict]:
    kind = {"Karaoke": "Karaoke", "Nhà nghỉ": "Nhà nghỉ", "Quán bar": "Quán bar", "Quán bia": "Quán bar"}
    return [{
        "ten_diem": n,
        "dia_chi": rng.choice(ADDRESSES),
        "loai_diem": next(k for p, k in kind.items() if n.startswith(p)),
        "da_kiem_tra": i % 2 == 0,
    } for i, n in enumerate(names)]


def render_list(schema: dict, recs: list[dict], unit_name: str, v: F.Variant,
                empty_marker: str | None = None) -> L.SheetModel:
    """Biểu 02: ticks "x" or blank; or, empty, one row saying so."""
    tick = F.Variant(**{**v.__dict__, "yes": "x", "no": None})
    sm, row, _ = F.render_list_sheet(schema, "diem_nghi_van", recs, unit_name, PERIOD, tick)
    if empty_marker:
        c0 = 1 + v.left
        sm.put(row, c0, 1, "center", "border")
        sm.merge(row, c0 + 1, row, c0 + 4, empty_marker, "italic", "center", "border")
        row += 1
    F.signature(sm, row, 1 + v.left, 5, unit_name.split(" ", 1)[1], "ngày 28 tháng 9 năm 2024")
    return sm


def indicators(accepted: list[dict]) -> dict:
    s = lambda k: float(sum(x["form"][k] for x in accepted))  # noqa: E731
    ticked = float(sum(1 for x in accepted for r in x["lists"].get("diem_nghi_van", [])
                       if r["da_kiem_tra"]))
    return {
        "vu_so_cung_ky": F.indicator(s("so_vu.ky_nay"), s("so_vu.cung_ky"), 100, True),
        "diem_da_kiem_tra": F.indicator(ticked),
    }


ONE_ROW = ["STT", "Nội dung", "ĐVT", "Kỳ này", "Cùng kỳ năm trước", "So sánh (%)", "Ghi chú"]
BY_LABEL = {"Kỳ này": "ky_nay", "Cùng kỳ năm trước": "cung_ky", "So sánh (%)": "so_sanh"}


def main() -> None:
    schema, units = F.load_form(FORM)
    rng = random.Random(20240930)
    inbox = F.fresh_inbox(FORM)
    exp = F.Expected(FORM, "2024-Q3")
    u = {x["code"]: x for x in units}
    cells_of: dict[str, dict] = {}

    def emit(code: str, name: str, v: F.Variant, values: dict, recs: list[dict], status: str,
             codes: list[str], headers=ONE_ROW, by_header=BY_LABEL, group=None,
             words=("Đạt", "Chưa đạt"), empty_marker=None, mismatch: str | None = None) -> None:
        unit = u[code]
        form, end, cells = render_form(schema, values, unit["name"], v, headers, by_header,
                                       group, words)
        F.signature(form, end, 1 + v.left, len(headers), unit["name"].split(" ", 1)[1],
                    "ngày 28 tháng 9 năm 2024")
        lst = render_list(schema, recs, unit["name"], v, empty_marker)
        F.write([form, lst], os.path.join(inbox, name), v)
        exp.file(name, code, status, codes, flat(values), {"diem_nghi_van": recs})
        if mismatch:
            cells_of[name] = {"derived_mismatch": f"{F.sheet_def(schema, 'bieu_01')['name']}!{cells[mismatch]}",
                              "field": mismatch}

    emit_all(schema, rng, emit)
    fields = expanded_fields(schema)
    exp.dump(units, [f for f in fields if not f.get("derived")], indicators)
    finish(exp, fields, cells_of)


def emit_all(schema: dict, rng: random.Random, emit) -> None:
    # 08908: a one-row header, figures as number cells, three places ticked or not.
    emit("08908", "TamDao_Q3_2024.xlsx", F.Variant(), unit_values(rng, schema),
         records(rng, NAMES[0:3]), "accepted", [])
    # 08911: "Số liệu" merged over the value columns, spelt by their
    # aliases, last year's before this quarter's; figures typed as text;
    # nothing to list: "Không phát sinh".
    two_rows = ["STT", "Nội dung", "ĐVT", "Cùng kỳ", "Thực hiện kỳ này", "So sánh cùng kỳ (%)", "Ghi chú"]
    by_alias = {"Cùng kỳ": "cung_ky", "Thực hiện kỳ này": "ky_nay", "So sánh cùng kỳ (%)": "so_sanh"}
    vals = unit_values(rng, schema)
    vals["lanh_manh"]["ky_nay"] = False
    emit("08911", "HopChau-bao-cao-quy-3.xlsx", F.Variant(numbers="text"), vals, [],
         "accepted", ["value-coerced"], two_rows, by_alias, group="Số liệu",
         empty_marker="Không phát sinh")
    # 08914: xlwt .xls; no propaganda last year, so no comparison; "Đạt"
    # typed without diacritics, places typed by an alias ("KTV", "Quán bia").
    vals = unit_values(rng, schema)
    vals["so_buoi"] = {"ky_nay": 6, "cung_ky": 0, "so_sanh": None}
    vals["lanh_manh"]["ky_nay"] = True
    recs = records(rng, NAMES[3:6])
    emit("08914", "DaoTru_2024_Q3.xls",
         F.Variant(writer="xlwt", choice_typed={"Karaoke": "KTV"}), vals, recs,
         "accepted", ["value-coerced"], words=("dat", "chua dat"))
    # 08917: "So sánh (%)" of the offenders is wrong: derived-mismatch there.
    vals = unit_values(rng, schema)
    d = vals["so_doi_tuong"]
    d["ky_nay"], d["cung_ky"] = d["ky_nay"] + 10, max(d["cung_ky"], 8)
    d["so_sanh"] = round(comparison(d["ky_nay"], d["cung_ky"]) - 20, 1)
    emit("08917", "YenDuong_Q3.xlsx", F.Variant(), vals, records(rng, NAMES[6:8]),
         "rejected", ["derived-mismatch"], mismatch="so_doi_tuong.so_sanh")
    # 08920: the "Cùng kỳ năm trước" column left out: column-missing.
    emit("08920", "BoLy_Q3_2024.xlsx", F.Variant(), unit_values(rng, schema), [],
         "rejected", ["column-missing"],
         ["STT", "Nội dung", "ĐVT", "Kỳ này", "So sánh (%)", "Ghi chú"], BY_LABEL,
         empty_marker="Không có")
    # 08923 sends nothing: a missing unit.


def expanded_fields(schema: dict) -> list[dict]:
    """Every value as tonghop names it: (`row.column`, type, derived?)."""
    out = []
    cols = {c["id"]: c for c in value_columns(schema)}
    for f in F.sheet_def(schema, "bieu_01")["fields"]:
        for c in row_columns(schema, f):
            out.append({"id": f"{f['id']}.{c}", "row": f["id"], "column": c,
                        "type": cols[c].get("type", f["type"]),
                        "derived": "derived" in cols[c]})
    return out


def finish(exp: F.Expected, fields: list[dict], cells_of: dict,
           form: str = FORM, ratio: tuple[str, str] = ("ky_nay", "cung_ky")) -> None:
    """Adds what Expected.dump does not know: the totals of derived columns
    (the total of `ratio[0]` / the total of `ratio[1]` × 100: kỳ này / cùng
    kỳ here, lũy kế / kế hoạch for btxh) and the mismatch cells."""
    path = os.path.join(F.FORMS, form, "expected.json")
    with open(path, encoding="utf-8") as f:
        out = json.load(f)
    totals = out["totals"]
    for fd in (f for f in fields if f["derived"]):
        top, bottom = (totals[f"{fd['row']}.{c}"] for c in ratio)
        totals[fd["id"]] = top / bottom * 100 if bottom else None
    out["value_fields"] = [{k: fd[k] for k in ("id", "type", "derived")} for fd in fields]
    for name, extra in cells_of.items():
        out["files"][name].update(extra)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, ensure_ascii=False, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
