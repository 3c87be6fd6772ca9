#!/usr/bin/env python3
"""Generate the PCMD 2023 sample inboxes of huyện Văn Bàn.

    python3 scripts/make_samples.py

Writes (relative to the repository root):

  samples/van-ban-2023/inbox/        22 correct files, one per unit, varied layouts
  samples/van-ban-2023/expected.tsv  every value a reader must find in them
  samples/van-ban-2023/tonghop.toml
  samples/van-ban-2023-loi/inbox/    the same files with several broken, one unit
                                     missing, one foreign unit, one duplicate
  samples/van-ban-2023-loi/expected.tsv   the findings each broken file must produce
  samples/van-ban-2023-loi/tonghop.toml

The data are deterministic (see pcmd_layout.DATA_2023) and consolidate to the
figures of the seed report: 44 establishments (24 lodging, 20 karaoke and
massage), 44/44 commitments, 22/22 communes without prostitution, 13
communication sessions with 937 participants, 24 banners. Three files carry
their text the way old commune computers store it: Võ Lao in TCVN3 (.VnTime
fonts), Tân An in VNI-Windows (VNI-Times), Nậm Tha in NFD Unicode; the
figures are the same. openpyxl-written
.xlsx files are byte-stable; files made by LibreOffice (.xls, .ods, and the
round-tripped formula-error .xlsx) are equal in content but not in bytes.
"""

from __future__ import annotations

import copy
import os
import shutil
import sys
from dataclasses import replace

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import pcmd_layout as L  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OK_DIR = os.path.join(ROOT, "samples", "van-ban-2023")
LOI_DIR = os.path.join(ROOT, "samples", "van-ban-2023-loi")

TOML = """schema = "../../schemas/pcmd.toml"
units = "../../schemas/units/van-ban-2023.csv"
period = "2023"
inbox = "inbox"
output = "out"

[consolidating_unit]
code = "089"
name = "Huyện Văn Bàn"
"""

SUM_TYPES = "SUM({co_so_luu_tru}:{co_so_khac})"


# .xlsx files saved by LibreOffice (shared strings, LibreOffice styles) rather
# than by openpyxl (inline strings): an openpyxl file round-tripped by soffice.
SAVED_BY_LIBREOFFICE = {"03064", "03070", "03097", "03115"}


def variants(reports: dict[str, L.Report]) -> dict[str, tuple[str, L.Variant, str]]:
    """Per unit: (file name, layout variant, description of the variations)."""
    d = {c: L.default_variant(r) for c, r in reports.items()}
    V = {}

    def add(code, fname, desc, **kw):
        V[code] = (fname, replace(d[code], **kw), desc)

    add("03055", "BC PCMD TT Khanh Yen 2023.xlsx",
        "canonical layout; C6 'TT Khánh Yên'; Ghi chú notes; real Excel dates",
        unit_label="TT Khánh Yên", place="Khánh Yên", so_hieu="Số: 52/BC-UBND",
        notes={"so_cuoc_truyen_thong": "Lồng ghép họp tổ dân phố",
               "co_so_tong": "Theo danh sách Biểu 02",
               "so_luot_kiem_tra": "Phối hợp Công an thị trấn",
               "co_te_nan": "Không phát hiện"})
    add("03061", "bao cao mai dam nam 2023 - Vo Lao.xls",
        ".xls (LibreOffice); all text typed in TCVN3 (ABC) with .VnTime fonts "
        "(.VnTimeH for cells in capitals); numbers typed as text, some padded (' 7 '); "
        "Loại hình typed 'Nhà nghỉ'/'Khách sạn'/'Xoa bóp'",
        numbers="text_padded",
        loai_alias={"Lưu trú": "*", "Massage": "Xoa bóp"},
        encoding="tcvn3", font=".VnTime")
    add("03064", "BC_PCMD_2023_SonThuy.xlsx",
        "'Xã Sơn Thủy' (old tone placement); 'Số liệu' before 'Đơn vị tính'",
        heading="UBND XÃ SƠN THỦY", unit_label="Xã Sơn Thủy", place="Sơn Thủy",
        swap_value_unit=True)
    add("03067", "03067_pcmd_2023.ods",
        ".ods (LibreOffice); '-' typed for every zero", zero="dash")
    add("03070", "PCMD 2023 Tan Thuong.xlsx",
        "header row 10 (subtitle and 'Kính gửi' rows); period with date range; "
        "Ngày ký typed as text",
        post_title=["(Theo Công văn số 324/UBND-VX của UBND huyện Văn Bàn)"],
        post_unit=["Kính gửi: Ủy ban nhân dân huyện Văn Bàn"],
        period="Năm 2023 (từ 01/01/2023 đến 15/12/2023)", dates="text")
    add("03073", "BC PCMD Nam Dang 2023.xls",
        ".xls (LibreOffice); 'Xã Nậm Dạng' (alias of Nậm Rạng); no 'Ghi chú' column",
        heading="UBND XÃ NẬM DẠNG", unit_label="Xã Nậm Dạng", place="Nậm Dạng",
        drop_note=True)
    add("03076", "Báo cáo mại dâm Nậm Chày 2023.xlsx",
        "'Xã Nậm Chày' (alias of Nậm Chầy); no 'Ghi chú' column; yes/no in lower case",
        heading="UBND XÃ NẬM CHÀY", unit_label="Xã Nậm Chày", place="Nậm Chày",
        drop_note=True, yes="có", no="không")
    add("03079", "Báo cáo PCMD xã Tân An.xlsx",
        "all text typed in VNI-Windows with VNI-Times fonts ('UBND XAÕ TAÂN AN'); "
        "yes typed 'x' (Biểu 01 and Ký cam kết); Ngày ký typed as text dd/mm/yyyy",
        yes="x", b02_yes="x", dates="text", encoding="vni", font="VNI-Times")
    add("03082", "BC_PCMD_2023_KhanhYenThuong.xlsx",
        "STT typed with a trailing dot ('5.1.'); C6 'Xã Khánh Yên Thượng'",
        stt_dotted=True)
    add("03085", "03085_pcmd_2023.ods",
        ".ods (LibreOffice); blank row between sections; zeros as 0 in an accounting "
        "format (shown '-')",
        blank_between_sections=True, zero="accounting")
    add("03088", "bc tnxh dan thang 2023.xls",
        ".xls (LibreOffice); C6 'Xa Dan Thang' without diacritics; numbers as text",
        unit_label="Xa Dan Thang", numbers="text")
    add("03091", "Chieng Ken - bao cao PCMD 2023.xlsx",
        "header row 12 (number line, subtitle, 'Kính gửi' lines)",
        pre_title=["Số: 38/BC-UBND"],
        post_title=["(Kèm theo Kế hoạch số 100/KH-UBND của UBND huyện Văn Bàn)"],
        post_unit=["Kính gửi: Ủy ban nhân dân huyện Văn Bàn",
                   "(Qua phòng Lao động - Thương binh và Xã hội)"])
    add("03094", "LangGiang_BaoCao_MaiDam_2023.xlsx",
        "numbers as padded text (' 0 '); yes/no 'có'/'không'; C6 'xã Làng Giàng'",
        unit_label="xã Làng Giàng", numbers="text_padded", yes="có", no="không")
    add("03097", "BC PCMD Hoa Mac.xlsx",
        "'Xã Hòa Mạc' (registry 'Hoà Mạc'); Biểu 02 columns in another order",
        heading="UBND XÃ HÒA MẠC", unit_label="Xã Hòa Mạc", place="Hòa Mạc",
        b02_order=["stt", "ten_co_so", "chu_co_so", "dia_chi", "loai_hinh",
                   "ngay_ky", "ky_cam_ket"])
    add("03100", "KYTrung_PCMD_2023.ods",
        ".ods (LibreOffice); co_so_tong is a =SUM() formula (result cached by "
        "LibreOffice); real dates (ODS date values)",
        formulas={"co_so_tong": SUM_TYPES})
    add("03103", "bao cao PCMD KY Ha nam 2023.xls",
        ".xls (LibreOffice); 'Số liệu' before 'Đơn vị tính'; co_so_tong a cached "
        "=SUM() formula; real dates",
        swap_value_unit=True, formulas={"co_so_tong": SUM_TYPES})
    add("03106", "Báo cáo PCMD Dương Quỳ 2023.xlsx",
        "sheets named 'Sheet1'/'Sheet2'; blank row between sections",
        sheet_names=("Sheet1", "Sheet2"), blank_between_sections=True)
    add("03109", "BC_PCMD_2023_NamTha.xlsx",
        "'-' typed for zeros; every text cell (labels, headers, unit name, list) in "
        "NFD (decomposed) Unicode",
        heading=L.nfd("UBND XÃ NẬM THA"), unit_label=L.nfd("Xã Nậm Tha"), zero="dash",
        encoding="nfd")
    add("03112", "Minh Luong PCMD 2023 (final).xlsx",
        "all numbers typed as text", numbers="text")
    add("03115", "bao cao pcmd Tham Duong.xlsx",
        "'Xã Thẳm Dương' (alias of Thẩm Dương); header row 10",
        heading="UBND XÃ THẲM DƯƠNG", unit_label="Xã Thẳm Dương", place="Thẳm Dương",
        post_title=["(Theo Kế hoạch số 100/KH-UBND của UBND huyện Văn Bàn)"],
        post_unit=["Kính gửi: UBND huyện Văn Bàn"])
    add("03118", "BC-PCMD-LiemPhu-2023.xlsx", "canonical layout")
    add("03121", "NamXay_2023.xlsx", "C6 'X. Nậm Xây'", unit_label="X. Nậm Xây")
    assert set(V) == set(reports)
    for code in SAVED_BY_LIBREOFFICE:
        fname, v, desc = V[code]
        V[code] = (fname, v, "xlsx saved by LibreOffice (shared strings); " + desc)
    return V


def write_set(outdir: str, files: list[tuple[str, L.Report, L.Variant, str | None]]) -> dict:
    inbox = os.path.join(outdir, "inbox")
    if os.path.isdir(inbox):
        shutil.rmtree(inbox)
    os.makedirs(inbox)
    positions = {}
    for fname, r, v, via in files:
        positions[fname] = L.write_report(r, v, os.path.join(inbox, fname), via=via)
    with open(os.path.join(outdir, "tonghop.toml"), "w", encoding="utf-8") as f:
        f.write(TOML)
    return positions


def main() -> None:
    reports = L.build_reports(2023)
    V = variants(reports)

    # ----- the correct set -------------------------------------------------
    files = [(fname, reports[code], v, "soffice" if code in SAVED_BY_LIBREOFFICE else None)
             for code, (fname, v, _) in V.items()]
    write_set(OK_DIR, files)
    with open(os.path.join(OK_DIR, "expected.tsv"), "w", encoding="utf-8") as f:
        f.write("\t".join(["file", "unit_code", *L.FIELD_IDS, "b02_rows"]) + "\n")
        for code, (fname, _, _) in sorted(V.items(), key=lambda kv: kv[1][0]):
            r = reports[code]
            f.write("\t".join([fname, code, *L.expected_row(r), str(len(r.establishments))]) + "\n")

    # ----- the broken set --------------------------------------------------
    # Start from copies of the correct files; replace the broken ones below.
    loi_inbox = os.path.join(LOI_DIR, "inbox")
    if os.path.isdir(loi_inbox):
        shutil.rmtree(loi_inbox)
    os.makedirs(loi_inbox)
    with open(os.path.join(LOI_DIR, "tonghop.toml"), "w", encoding="utf-8") as f:
        f.write(TOML)
    missing = "03121"                              # Nậm Xây sends nothing
    for code, (fname, _, _) in V.items():
        if code != missing:
            shutil.copy2(os.path.join(OK_DIR, "inbox", fname), os.path.join(loi_inbox, fname))

    expected: list[tuple[str, str, str, str, str, str]] = []
    loi_desc: list[tuple[str, str]] = []

    def broken(code, desc, report=None, via=None, fname=None, **kw):
        fname = fname or V[code][0]
        v = replace(copy.deepcopy(V[code][1]), **kw)
        r = report or reports[code]
        via = via or ("soffice" if code in SAVED_BY_LIBREOFFICE else None)
        pos = L.write_report(r, v, os.path.join(loi_inbox, fname), via=via)
        loi_desc.append((fname, desc))
        return fname, pos

    def expect(fname, code, sheet="", cell="", fld="", rule=""):
        expected.append((fname, code, sheet, cell, fld, rule))

    # 1. type-error: so_bang_ron written in words.
    fn, pos = broken("03112", "so_bang_ron typed 'ba' (type-error)", overrides={"so_bang_ron": "ba"})
    expect(fn, "type-error", pos.sheet1, pos.fields["so_bang_ron"], "so_bang_ron")

    # 2. tong_co_so: total typed 4 while the types sum to 3; Biểu 02 still has 3
    #    rows, so danh_sach_khop_tong fails as well (it cannot be avoided).
    r = L.with_values(reports["03106"], co_so_tong=4)
    fn, pos = broken("03106", "co_so_tong typed 4, types sum to 3, Biểu 02 has 3 rows "
                     "(rule tong_co_so and danh_sach_khop_tong)", report=r)
    expect(fn, "rule-violation", pos.sheet1, pos.fields["co_so_tong"], "co_so_tong", "tong_co_so")
    expect(fn, "rule-violation", pos.sheet1, pos.fields["co_so_tong"], "co_so_tong",
           "danh_sach_khop_tong")

    # 3. value-required: a blank required number.
    fn, pos = broken("03118", "so_luot_kiem_tra left blank (value-required)",
                     overrides={"so_luot_kiem_tra": L.Blank})
    expect(fn, "value-required", pos.sheet1, pos.fields["so_luot_kiem_tra"], "so_luot_kiem_tra")

    # 4. period-mismatch: last year's report sent again.
    fn, pos = broken("03094", "states 'Kỳ báo cáo: Năm 2022', signed 2022 (period-mismatch)",
                     period="Năm 2022", sign_year=2022)
    expect(fn, "period-mismatch")

    # 5. value-not-allowed: a Biểu 02 row typed "Quán bar" (was a karaoke). The
    #    karaoke count then no longer matches either; see the report notes.
    r = reports["03061"]
    kar = next(i for i, e in enumerate(r.establishments) if e.loai == "Karaoke")
    fn, pos = broken("03061", f"Biểu 02 row {kar + 1} Loại hình 'Quán bar' (value-not-allowed)",
                     b02_overrides={(kar, "loai_hinh"): "Quán bar"})
    expect(fn, "value-not-allowed", pos.sheet2, pos.b02_rows[kar]["loai_hinh"], "loai_hinh")

    # 6. value-not-unique: two lodging rows with the same name.
    r = copy.deepcopy(reports["03055"])
    lodging = [i for i, e in enumerate(r.establishments) if e.loai == "Lưu trú"]
    first, dup = lodging[1], lodging[4]
    r.establishments[dup].ten = r.establishments[first].ten
    fn, pos = broken("03055", f"Biểu 02 rows {first + 1} and {dup + 1} both "
                     f"'{r.establishments[first].ten}' (value-not-unique)", report=r)
    expect(fn, "value-not-unique", pos.sheet2, pos.b02_rows[dup]["ten_co_so"], "ten_co_so")

    # 7. unit-unknown: a commune of another district (Bảo Yên) mailed its report here.
    baoha = L.Report("BAOHA", "Xã Bảo Hà", 2023, dict(reports["03097"].values), [
        L.Establishment("Nhà nghỉ Bảo Hà Xanh", "Lưu trú", "Thôn Bảo Vinh", "Hoàng Văn Tâm", True,
                        L.dt.date(2023, 4, 12)),
        L.Establishment("Karaoke Đền Bảo Hà", "Karaoke", "Thôn Liên Hà 1", "Lê Thị Quyên", True,
                        L.dt.date(2023, 5, 3)),
    ], "Phạm Văn Lợi", "Nguyễn Thị Hạnh")
    L.check_report(baoha)
    fname = "BC PCMD Bao Ha 2023.xlsx"
    pos = L.write_report(baoha, L.Variant(heading="UBND XÃ BẢO HÀ", unit_label="Xã Bảo Hà",
                                          place="Bảo Hà"), os.path.join(loi_inbox, fname))
    loi_desc.append((fname, "report of Xã Bảo Hà (huyện Bảo Yên), not in the registry (unit-unknown)"))
    expect(fname, "unit-unknown")

    # 8. formula-uncached: openpyxl writes a formula without a result. A
    # product is used, since tonghop evaluates plain sums itself.
    fn, pos = broken("03091", "so_bang_ron is '=<so_cuoc cell>*1' with no cached value "
                     "(formula-uncached)",
                     overrides={"so_bang_ron": L.Formula("{so_cuoc_truyen_thong}*1")})
    expect(fn, "formula-uncached", pos.sheet1, pos.fields["so_bang_ron"], "so_bang_ron")

    # 9. formula-error: 0/0 cached as #DIV/0! by a LibreOffice round trip.
    fn, pos = broken("03076", "so_luot_kiem_tra is '=so_luot_nguoi/so_cuoc' = 0/0, cached "
                     "#DIV/0! (formula-error; round-tripped through LibreOffice)",
                     via="soffice",
                     overrides={"so_luot_kiem_tra":
                                L.Formula("{so_luot_nguoi}/{so_cuoc_truyen_thong}")})
    expect(fn, "formula-error", pos.sheet1, pos.fields["so_luot_kiem_tra"], "so_luot_kiem_tra")

    # 10. danh_sach_khop_tong: Biểu 02 lists a 5th, unsigned karaoke not counted
    #     in Biểu 01 (signed rows still number co_so_cam_ket, so only this rule).
    extra = L.Establishment("Karaoke Sông Hồng", "Karaoke", "Thôn Tân Thành", "Nguyễn Văn Tiến",
                            False, None)
    fn, pos = broken("03079", "Biểu 02 has 5 rows (extra unsigned karaoke), co_so_tong 4 "
                     "(rule danh_sach_khop_tong)", b02_extra=[extra])
    expect(fn, "rule-violation", pos.sheet1, pos.fields["co_so_tong"], "co_so_tong",
           "danh_sach_khop_tong")

    # 11. duplicate submission: a broken first file, corrected a week later. Only
    #     the name orders them ("…KhanhYenThuong.xlsx" < "…KhanhYenThuong_lan2.xlsx").
    old_name = V["03082"][0]
    new_name = old_name.replace(".xlsx", "_lan2.xlsx")
    assert old_name < new_name
    r = L.with_values(reports["03082"], co_so_cam_ket=6)
    broken("03082", "first submission: co_so_cam_ket 6 > co_so_tong 5 "
           "(superseded by the _lan2 file)", report=r)
    expect(old_name, "duplicate-submission")
    shutil.copy2(os.path.join(OK_DIR, "inbox", old_name), os.path.join(loi_inbox, new_name))
    loi_desc.append((new_name, "corrected resubmission of Khánh Yên Thượng (accepted)"))

    loi_desc.append(("(none)", f"{reports[missing].name} ({missing}) sent no file (missing unit)"))

    with open(os.path.join(LOI_DIR, "expected.tsv"), "w", encoding="utf-8") as f:
        f.write("file\tcode\tsheet\tcell\tfield\trule\n")
        for row in sorted(expected):
            f.write("\t".join(row) + "\n")

    # Summary for the person running the script.
    print("van-ban-2023:")
    for code, (fname, _, desc) in V.items():
        print(f"  {code}  {fname}\n         {desc}")
    print("van-ban-2023-loi:")
    for fname, desc in loi_desc:
        print(f"  {fname}: {desc}")


if __name__ == "__main__":
    main()
