#!/usr/bin/env python3
"""Generate the commune files of the btxh form under tests/forms/btxh/.

    python3 scripts/make_form_btxh.py

btxh (issue 14, the acceptance's second form) is a quarterly form of social
assistance whose rows carry "Kế hoạch năm | Thực hiện kỳ | Lũy kế từ đầu
năm | % so với kế hoạch" — the last computed by the commune as lũy kế / kế
hoạch × 100 — rows of emergency aid with only "Thực hiện kỳ | Lũy kế", and a
yes/no row answered "Hoàn thành"/"Chưa hoàn thành". When the schema declares
the registry's population (`[[unit_attributes]]` dan_so) it also has a rule
that cards issued cannot exceed it and a rate per 10,000 inhabitants; this
script reads the schema and writes the expectations either way.
schema.toml, units.csv and tonghop.toml are written by hand from
docs/schema.md; inbox/ and expected.json are written here.

The files vary as communes' do: a one-row header; a two-row header ("Năm
2025" merged over the value columns, spelt by the schema's aliases, "Thực
hiện quý II"); figures typed as text ("1.234,5"); an .xls by xlwt with a
column-numbering row ("A | B | C | 1 | 2 | 3 | 4=3/1") and a "% so với kế
hoạch" left blank where the plan is 0; one file whose percentage on one row
is wrong (derived-mismatch at that cell); one whose year-to-date spending is
less than this quarter's (rule-violation); one that reports more health
insurance cards than the commune has inhabitants (rule-violation when the
schema knows the population, else accepted).

expected.json holds, computed here from the values written (independently of
tonghop): each file's unit, status, finding codes and the cell of its
derived-mismatch; every accepted value as `row.column`; the total of every
value column over the accepted units — sums, and for "% so với kế hoạch" the
sum of lũy kế over the sum of kế hoạch × 100 — and the indicators, among them
the rate per 10,000 inhabitants of the reporting units.

Deterministic: fixed seed, fixed timestamps. Needs python3 with openpyxl 3.1
and xlwt 1.3 (as scripts/make_forms.py, whose writers it uses).
"""

from __future__ import annotations

import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import make_forms as F  # noqa: E402  (writers, heading, expectations)
import make_form_tnxh as T  # noqa: E402  (the one- or two-row header, a cell)
import pcmd_layout as L  # noqa: E402

FORM = "btxh"
PERIOD = "Quý II năm 2025"
WORDS = ("Hoàn thành", "Chưa hoàn thành")


def value_columns(schema: dict) -> list[dict]:
    return F.sheet_def(schema, "bieu_01")["value_columns"]


def row_columns(schema: dict, field: dict) -> list[str]:
    return field.get("value_columns") or [c["id"] for c in value_columns(schema)]


def percent(done: float, plan: float) -> float | None:
    """% so với kế hoạch as the commune writes it: one decimal, none over 0."""
    return round(done / plan * 100, 1) if plan else None


def row_values(rng: random.Random, field: dict) -> dict:
    """One row's figures: a plan, this quarter, the year so far (≥ this
    quarter), and the percentage of the plan done."""
    if field["type"] == "yes_no":
        return {"thuc_hien": rng.random() < 0.7}
    if field["type"] == "number":
        plan = round(rng.uniform(200, 900), 1)
        now = round(rng.uniform(20, plan / 3), 1)
        so_far = round(now + rng.uniform(0, plan / 3), 1)
    else:
        plan = rng.randint(40, 400)
        now = rng.randint(0, plan // 3)
        so_far = now + rng.randint(0, plan // 3)
    return {"ke_hoach": plan, "thuc_hien": now, "luy_ke": so_far,
            "so_ke_hoach": percent(so_far, plan)}


def unit_values(rng: random.Random, schema: dict) -> dict[str, dict]:
    """field id -> column id -> value, only the columns each row has."""
    out = {}
    for f in F.sheet_def(schema, "bieu_01")["fields"]:
        values = row_values(rng, f)
        keep = row_columns(schema, f)
        out[f["id"]] = {c: x for c, x in values.items() if c in keep}
    return out


def flat(values: dict[str, dict]) -> dict[str, object]:
    """The values by the ids tonghop gives them: `row.column`."""
    return {f"{fid}.{c}": x for fid, cols in values.items() for c, x in cols.items()}


def numbering(sm: L.SheetModel, row: int, c0: int, headers: list[str],
              by_header: dict[str, str]) -> int:
    """The column-numbering row under the header: "A | B | C | 1 | 2 | 3 |
    4=3/1 | D" (the computed column says how)."""
    ids = [by_header[h] for h in headers if h in by_header]
    number = {c: str(i + 1) for i, c in enumerate(ids)}
    letters = iter("ABCDEFG")
    for j, h in enumerate(headers):
        c = by_header.get(h)
        if c is None:
            text = next(letters)
        elif c == "so_ke_hoach":
            text = f"{number[c]}={number['luy_ke']}/{number['ke_hoach']}"
        else:
            text = number[c]
        sm.put(row, c0 + j, text, "italic", "center", "border")
    return row + 1


def render_form(schema: dict, values: dict[str, dict], unit_name: str, v: F.Variant,
                layout: dict) -> tuple[L.SheetModel, int, dict]:
    """Biểu 01: STT, label, unit, the value columns in the order the layout's
    headers give, a note. Returns the sheet, the next free row and where each
    value landed (`row.column` -> A1)."""
    d = F.sheet_def(schema, "bieu_01")
    headers, by_header = layout["headers"], layout["by_header"]
    sm = L.SheetModel(d["name"])
    r0, c0 = 1 + v.top, 1 + v.left
    row = F.heading_block(sm, r0, c0, len(headers), unit_name, d["title"], PERIOD, v)
    col_of = {by_header[h]: c0 + j for j, h in enumerate(headers) if h in by_header}
    row = T.header(sm, row, c0, headers, layout.get("group"), list(col_of.values()))
    if v.numbering_row:
        row = numbering(sm, row, c0, headers, by_header)
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
            key = f"{f['id']}.{c}"
            ftype = "number" if c == "so_ke_hoach" else f["type"]
            words = layout.get("words", WORDS)
            raw, fmt = (v.overrides[key], "@") if key in v.overrides else T.cell(x, ftype, v, words)
            sm.put(row, col_of[c], raw, "border", "right", fmt=fmt)
            cells[key] = L.a1(row, col_of[c])
        row += 1
    for j, w in enumerate([6, 48, 10] + [13] * (len(headers) - 3)):
        sm.widths[c0 + j] = w
    return sm, row, cells


ONE_ROW = ["STT", "Nội dung", "Đơn vị tính", "Kế hoạch năm", "Thực hiện kỳ",
           "Lũy kế từ đầu năm", "% so với kế hoạch", "Ghi chú"]
BY_LABEL = {"Kế hoạch năm": "ke_hoach", "Thực hiện kỳ": "thuc_hien",
            "Lũy kế từ đầu năm": "luy_ke", "% so với kế hoạch": "so_ke_hoach"}


def has_population(schema: dict) -> bool:
    return any(a["id"] == "dan_so" for a in schema.get("unit_attributes", []))


def indicators(schema: dict, units: list[dict]):
    population = {u["code"]: float(u["dan_so"].replace(".", "")) for u in units}

    def compute(accepted: list[dict]) -> dict:
        s = lambda k: float(sum(x["form"][k] for x in accepted))  # noqa: E731
        out = {
            "kinh_phi_so_ke_hoach": F.indicator(s("kinh_phi.luy_ke"), s("kinh_phi.ke_hoach"),
                                                100, True),
            "xa_chi_tra_dung_han": F.indicator(
                float(sum(1 for x in accepted if x["form"]["chi_tra_dung_han.thuc_hien"]))),
        }
        if has_population(schema):
            people = float(sum(population[x["unit"]] for x in accepted))
            out["tiep_nhan_tren_10000_dan"] = F.indicator(s("tiep_nhan_moi.luy_ke"), people,
                                                          10000, True)
        return out
    return compute


def main() -> None:
    schema, units = F.load_form(FORM)
    rng = random.Random(20250630)
    inbox = F.fresh_inbox(FORM)
    exp = F.Expected(FORM, "2025-Q2")
    u = {x["code"]: x for x in units}
    cells_of: dict[str, dict] = {}

    def emit(code: str, name: str, v: F.Variant, values: dict, status: str,
             codes: list[str], layout: dict | None = None, mismatch: str | None = None) -> None:
        layout = layout or {"headers": ONE_ROW, "by_header": BY_LABEL}
        unit = u[code]
        form, end, cells = render_form(schema, values, unit["name"], v, layout)
        F.signature(form, end, 1 + v.left, len(layout["headers"]),
                    unit["name"].split(" ", 1)[1], "ngày 28 tháng 6 năm 2025")
        F.write([form], os.path.join(inbox, name), v)
        exp.file(name, code, status, codes, flat(values), {})
        if mismatch:
            cells_of[name] = {"derived_mismatch": f"Biểu 01!{cells[mismatch]}", "field": mismatch}

    emit_all(schema, rng, emit)
    fields = expanded_fields(schema)
    exp.dump(units, [f for f in fields if not f["derived"]], indicators(schema, units))
    T.finish(exp, fields, cells_of, form=FORM, ratio=("luy_ke", "ke_hoach"))


def emit_all(schema: dict, rng: random.Random, emit) -> None:
    # 08290: a one-row header, figures as number cells.
    emit("08290", "YenLap_QII_2025.xlsx", F.Variant(), unit_values(rng, schema), "accepted", [])
    # 08293: "Năm 2025" merged over the value columns, spelt by their
    # aliases ("Thực hiện quý II" starts with "Thực hiện quý"); figures as text.
    two_rows = ["STT", "Nội dung", "ĐVT", "Kế hoạch", "Thực hiện quý II", "Lũy kế",
                "So với KH (%)", "Ghi chú"]
    by_alias = dict(zip(two_rows[3:7], ["ke_hoach", "thuc_hien", "luy_ke", "so_ke_hoach"]))
    emit("08293", "MyLung-bao-cao-quy-2.xlsx", F.Variant(numbers="text"),
         unit_values(rng, schema), "accepted", ["value-coerced"],
         {"headers": two_rows, "by_header": by_alias, "group": "Năm 2025"})
    # 08296: xlwt .xls under a column-numbering row; no plan for new
    # beneficiaries, so no percentage; the answer typed without diacritics.
    vals = unit_values(rng, schema)
    t = vals["tiep_nhan_moi"]
    t["ke_hoach"], t["so_ke_hoach"] = 0, None
    vals["chi_tra_dung_han"]["thuc_hien"] = True
    emit("08296", "MyLuong_Q2_2025.xls", F.Variant(writer="xlwt", numbering_row=True), vals,
         "accepted", ["value-coerced"],
         {"headers": ONE_ROW, "by_header": BY_LABEL, "words": ("hoan thanh", "chua hoan thanh")})
    # 08299: the cards' percentage of the plan is wrong: derived-mismatch there.
    vals = unit_values(rng, schema)
    c = vals["the_bhyt"]
    c["so_ke_hoach"] = round(percent(c["luy_ke"], c["ke_hoach"]) + 15, 1)
    emit("08299", "LuongSon_Q2.xlsx", F.Variant(), vals, "rejected", ["derived-mismatch"],
         mismatch="the_bhyt.so_ke_hoach")
    # 08302: year-to-date spending below this quarter's: the rule fails.
    vals = unit_values(rng, schema)
    k = vals["kinh_phi"]
    k["luy_ke"] = round(k["thuc_hien"] - 5.5, 1)
    k["so_ke_hoach"] = percent(k["luy_ke"], k["ke_hoach"])
    emit("08302", "XuanAn_Q2_2025.xlsx", F.Variant(), vals, "rejected", ["rule-violation"])
    emit_over_population(schema, rng, emit)
    # 08308 sends nothing: a missing unit.


def emit_over_population(schema: dict, rng: random.Random, emit) -> None:
    """08305 reports more cards issued this year than its 3.175 inhabitants:
    refused when the schema knows the population, else accepted."""
    vals = unit_values(rng, schema)
    c = vals["the_bhyt"]
    c["ke_hoach"], c["thuc_hien"], c["luy_ke"] = 3000, 1400, 3240
    c["so_ke_hoach"] = percent(c["luy_ke"], c["ke_hoach"])
    if has_population(schema):
        emit("08305", "XuanVien_Q2.xlsx", F.Variant(), vals, "rejected", ["rule-violation"])
    else:
        emit("08305", "XuanVien_Q2.xlsx", F.Variant(), vals, "accepted", [])


def expanded_fields(schema: dict) -> list[dict]:
    """Every value as tonghop names it: (`row.column`, type, derived?)."""
    out = []
    cols = {c["id"]: c for c in value_columns(schema)}
    for f in F.sheet_def(schema, "bieu_01")["fields"]:
        for c in row_columns(schema, f):
            ctype = cols[c].get("type", f["type"])
            out.append({"id": f"{f['id']}.{c}", "row": f["id"], "column": c,
                        "type": "number" if ctype == "decimal" else ctype,
                        "derived": "derived" in cols[c]})
    return out


if __name__ == "__main__":
    main()
