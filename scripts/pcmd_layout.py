"""Shared layout code for the PCMD commune report (pcmd-form.md).

Both `make_samples.py` and `make_fixtures.py` import this module. It knows the
form (sections, field rows, labels, units of measure, the Biểu 02 columns), the
2023 sample data of the 22 units of huyện Văn Bàn, and how to lay a report out
on two sheets with a set of layout variations that real commune files show.

A report is first rendered into a small, backend-neutral model (`SheetModel`:
cells, merges, column widths) and then written by one of the backends:
openpyxl (.xlsx) or xlwt (.xls). `.ods` and LibreOffice-made `.xls` files are
produced by converting an openpyxl .xlsx with `soffice` (see `soffice_convert`).

Rendering also returns where every value landed (sheet name and A1 cell), so
that generators can write expected-findings tables that point at exact cells.
"""

from __future__ import annotations

import atexit
import datetime as dt
import os
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field, replace
from typing import Any

# ---------------------------------------------------------------------------
# The form
# ---------------------------------------------------------------------------

TITLE_01 = "BÁO CÁO KẾT QUẢ CÔNG TÁC PHÒNG, CHỐNG TỆ NẠN MẠI DÂM"
TITLE_02 = "DANH SÁCH CƠ SỞ KINH DOANH DỊCH VỤ DỄ PHÁT SINH TỆ NẠN MẠI DÂM"
MOTTO_1 = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"
HEADER_01 = {"stt": "STT", "label": "Chỉ tiêu", "unit": "Đơn vị tính",
             "value": "Số liệu", "note": "Ghi chú"}

# (STT, label, unit of measure, field id); field id None marks a section row.
FORM_ROWS: list[tuple[str, str, str, str | None]] = [
    ("I", "Công tác chỉ đạo, tuyên truyền", "", None),
    ("1", "Số văn bản chỉ đạo, hướng dẫn về phòng, chống mại dâm được ban hành", "Văn bản", "so_van_ban"),
    ("2", "Số cuộc truyền thông, tuyên truyền về phòng, chống mại dâm", "Cuộc", "so_cuoc_truyen_thong"),
    ("3", "Số lượt người tham gia truyền thông", "Lượt người", "so_luot_nguoi"),
    ("4", "Số băng rôn, khẩu hiệu, pa-nô, áp phích tuyên truyền", "Cái", "so_bang_ron"),
    ("II", "Quản lý cơ sở kinh doanh dịch vụ dễ phát sinh tệ nạn mại dâm", "", None),
    ("5", "Tổng số cơ sở kinh doanh dịch vụ dễ phát sinh tệ nạn mại dâm", "Cơ sở", "co_so_tong"),
    ("5.1", "Cơ sở kinh doanh dịch vụ lưu trú", "Cơ sở", "co_so_luu_tru"),
    ("5.2", "Cơ sở kinh doanh dịch vụ karaoke", "Cơ sở", "co_so_karaoke"),
    ("5.3", "Cơ sở kinh doanh dịch vụ xoa bóp (massage)", "Cơ sở", "co_so_massage"),
    ("5.4", "Cơ sở kinh doanh dịch vụ khác", "Cơ sở", "co_so_khac"),
    ("6", "Số cơ sở đã ký cam kết không để xảy ra tệ nạn mại dâm", "Cơ sở", "co_so_cam_ket"),
    ("7", "Số lượt kiểm tra cơ sở kinh doanh dịch vụ", "Lượt", "so_luot_kiem_tra"),
    ("8", "Số cơ sở vi phạm bị xử lý", "Cơ sở", "co_so_vi_pham"),
    ("III", "Tình hình tệ nạn mại dâm", "", None),
    ("9", "Trên địa bàn có tệ nạn mại dâm (Có/Không)", "", "co_te_nan"),
    ("10", "Số vụ vi phạm pháp luật về mại dâm được phát hiện, xử lý", "Vụ", "so_vu_vi_pham"),
    ("11", "Số đối tượng vi phạm bị xử lý", "Người", "so_doi_tuong"),
    ("12", "Số người bán dâm được hỗ trợ hòa nhập cộng đồng", "Người", "so_nguoi_ho_tro"),
    ("13", "Số nạn nhân bị mua bán trở về được tiếp nhận, hỗ trợ", "Người", "so_nan_nhan"),
    ("IV", "Xây dựng xã, thị trấn lành mạnh", "", None),
    ("14", "Đăng ký xây dựng xã, thị trấn lành mạnh không có ma túy, mại dâm (Có/Không)", "", "dang_ky_lanh_manh"),
    ("15", "Có kế hoạch phòng, chống mại dâm lồng ghép phòng, chống ma túy, HIV/AIDS, mua bán người (Có/Không)", "", "co_ke_hoach"),
]

FIELD_IDS = [f for (_, _, _, f) in FORM_ROWS if f]
YESNO_FIELDS = {"co_te_nan", "dang_ky_lanh_manh", "co_ke_hoach"}
TYPE_FIELDS = ["co_so_luu_tru", "co_so_karaoke", "co_so_massage", "co_so_khac"]

# Biểu 02 columns: field id -> header label, in canonical order.
B02_COLUMNS: dict[str, str] = {
    "stt": "STT",
    "ten_co_so": "Tên cơ sở",
    "loai_hinh": "Loại hình",
    "dia_chi": "Địa chỉ",
    "chu_co_so": "Chủ cơ sở",
    "ky_cam_ket": "Ký cam kết",
    "ngay_ky": "Ngày ký cam kết",
}
B02_CANONICAL = list(B02_COLUMNS)
B02_WIDTHS = {"stt": 6, "ten_co_so": 30, "loai_hinh": 12, "dia_chi": 24,
              "chu_co_so": 22, "ky_cam_ket": 11, "ngay_ky": 16}

# Canonical Loại hình for each type field.
TYPE_LABEL = {"co_so_luu_tru": "Lưu trú", "co_so_karaoke": "Karaoke",
              "co_so_massage": "Massage", "co_so_khac": "Khác"}

# ---------------------------------------------------------------------------
# Unit registry (van-ban-units-2023.csv) and 2023 sample data
# ---------------------------------------------------------------------------

UNITS: dict[str, str] = {
    "03055": "Thị trấn Khánh Yên", "03061": "Xã Võ Lao", "03064": "Xã Sơn Thuỷ",
    "03067": "Xã Nậm Mả", "03070": "Xã Tân Thượng", "03073": "Xã Nậm Rạng",
    "03076": "Xã Nậm Chầy", "03079": "Xã Tân An", "03082": "Xã Khánh Yên Thượng",
    "03085": "Xã Nậm Xé", "03088": "Xã Dần Thàng", "03091": "Xã Chiềng Ken",
    "03094": "Xã Làng Giàng", "03097": "Xã Hoà Mạc", "03100": "Xã Khánh Yên Trung",
    "03103": "Xã Khánh Yên Hạ", "03106": "Xã Dương Quỳ", "03109": "Xã Nậm Tha",
    "03112": "Xã Minh Lương", "03115": "Xã Thẩm Dương", "03118": "Xã Liêm Phú",
    "03121": "Xã Nậm Xây",
}

# Per unit: (luu_tru, karaoke, massage, so_van_ban, so_cuoc, so_luot_nguoi,
#            so_bang_ron, so_luot_kiem_tra). co_so_tong = cam_ket = sum of types.
# Totals: tong 44, luu_tru 24, karaoke 14, massage 6, cuoc 13, luot 937, bang 24.
DATA_2023: dict[str, tuple[int, ...]] = {
    "03055": (7, 5, 2, 4, 2, 150, 4, 4),
    "03061": (3, 2, 1, 3, 1, 85, 2, 3),
    "03064": (1, 0, 1, 2, 1, 70, 1, 2),
    "03067": (0, 0, 0, 1, 0, 0, 1, 0),
    "03070": (1, 0, 0, 2, 0, 0, 1, 1),
    "03073": (0, 0, 0, 1, 0, 0, 0, 0),
    "03076": (0, 0, 0, 1, 0, 0, 0, 0),
    "03079": (2, 1, 1, 3, 1, 68, 2, 3),
    "03082": (3, 2, 0, 3, 1, 80, 2, 3),
    "03085": (0, 0, 0, 1, 0, 0, 1, 0),
    "03088": (0, 0, 0, 2, 0, 0, 1, 0),
    "03091": (0, 0, 0, 2, 1, 95, 1, 0),
    "03094": (0, 0, 0, 1, 0, 0, 1, 0),
    "03097": (1, 1, 0, 2, 1, 65, 1, 2),
    "03100": (2, 1, 0, 2, 1, 60, 1, 2),
    "03103": (2, 1, 1, 3, 1, 72, 2, 3),
    "03106": (2, 1, 0, 2, 1, 75, 1, 2),
    "03109": (0, 0, 0, 1, 0, 0, 0, 0),
    "03112": (0, 0, 0, 2, 1, 55, 1, 0),
    "03115": (0, 0, 0, 1, 0, 0, 0, 0),
    "03118": (0, 0, 0, 2, 1, 62, 1, 0),
    "03121": (0, 0, 0, 1, 0, 0, 0, 0),
}

# Villages / residential groups used as addresses (plausible, not a gazetteer).
PLACES: dict[str, list[str]] = {
    "03055": [f"Tổ dân phố số {i}" for i in (1, 2, 3, 4, 5, 6, 7, 8)],
    "03061": ["Thôn Phú Hải", "Thôn Bắc Sơn", "Thôn Mai Đào", "Thôn Tân Tiến"],
    "03064": ["Thôn Mạ", "Thôn Sơn Đông"],
    "03070": ["Thôn Bản Nà"],
    "03079": ["Thôn Hải Ninh", "Thôn Tân Thành", "Thôn Đồng Bằng"],
    "03082": ["Thôn Nà Hin", "Thôn Bản Chiềng", "Thôn Cuông"],
    "03097": ["Thôn Hòa Lạc", "Thôn Tân Phong"],
    "03100": ["Thôn Chiềng 1", "Thôn Ken"],
    "03103": ["Thôn Phiêng 1", "Thôn Khuổi Phù", "Thôn Tịp"],
    "03106": ["Thôn Bản Bó", "Thôn Pom Hán"],
    "BAOHA": ["Thôn Bảo Vinh", "Thôn Liên Hà 1"],
}

NAMES_LUU_TRU = [
    "Nhà nghỉ Hoàng Long", "Khách sạn Văn Bàn", "Nhà nghỉ Minh Anh", "Nhà nghỉ Thanh Hương",
    "Nhà nghỉ Hải Yến", "Nhà nghỉ Bình Minh", "Nhà nghỉ Sơn Hà", "Khách sạn Hoàng Gia",
    "Nhà nghỉ Phương Nam", "Nhà nghỉ Ngọc Lan", "Homestay Bản Mường", "Nhà nghỉ Thành Đạt",
    "Nhà nghỉ Hồng Nhung", "Nhà nghỉ Hưng Thịnh", "Nhà nghỉ Tuấn Linh", "Nhà nghỉ Hà Phương",
    "Nhà nghỉ Kim Ngân", "Nhà nghỉ Quang Vinh", "Nhà nghỉ An Bình", "Nhà nghỉ Phúc Lộc",
    "Nhà nghỉ Thu Trang", "Nhà nghỉ Đức Thắng", "Nhà nghỉ Mai Anh", "Nhà nghỉ Hoa Ban",
    "Nhà nghỉ Việt Hà", "Nhà nghỉ Suối Mơ",
]
NAMES_KARAOKE = [
    "Karaoke Thanh Bình", "Karaoke Hoa Sen", "Karaoke Kim Cương", "Karaoke Sao Mai",
    "Karaoke Ánh Dương", "Karaoke Nắng Vàng", "Karaoke Hồng Ngọc", "Karaoke Phố Núi",
    "Karaoke Tuổi Hồng", "Karaoke Bảo Ngọc", "Karaoke Tình Ca", "Karaoke Ngọc Anh",
    "Karaoke Thế Giới Mới", "Karaoke Hát Cho Nhau Nghe", "Karaoke Hương Quê", "Karaoke Sông Hồng",
]
NAMES_MASSAGE = [
    "Massage Thảo Mộc", "Cơ sở xoa bóp Hương Sen", "Massage Mai Linh", "Massage Thanh Tâm",
    "Massage Bình An", "Cơ sở xoa bóp Phục Hồi", "Massage Ngọc Trâm", "Massage Sen Vàng",
]
PERSONS = [
    "Nguyễn Văn Hùng", "Trần Thị Lan", "Lê Văn Thắng", "Phạm Thị Hoa", "Hoàng Văn Nam",
    "Vũ Thị Hằng", "Đặng Văn Long", "Bùi Thị Thu", "Đỗ Văn Tuấn", "Ngô Thị Mai",
    "Dương Văn Hải", "Lý Thị Ngọc", "Phan Văn Đức", "Trịnh Thị Yến", "Đinh Văn Sơn",
    "Lương Thị Hương", "Hà Văn Bình", "Vương Thị Liên", "Tạ Văn Quang", "Mai Thị Nga",
    "Nông Văn Chiến", "Lò Thị Xuân", "Hoàng Thị Phương", "Nguyễn Thị Thủy", "Trần Văn Khánh",
    "Lê Thị Duyên", "Phạm Văn Toàn", "Nguyễn Đức Mạnh", "Vi Văn Thành", "Đặng Thị Kim",
    "Bàn Văn Lâm", "Triệu Thị Hồng", "Nguyễn Văn Cường", "Trần Thị Nhung", "Lê Minh Tuấn",
    "Phạm Thị Thanh", "Hoàng Văn Dũng", "Vũ Văn Hòa", "Đỗ Thị Lệ", "Ngô Văn Thịnh",
    "Lò Văn Pâng", "Sầm Thị Loan", "Nguyễn Thị Bích", "Chu Văn Hiếu", "Đào Thị Vân",
    "Lục Văn Sinh", "Nguyễn Văn Tiến", "Trương Thị Hiền", "Hoàng Văn Kiên", "Phùng Thị Dung",
]


@dataclass
class Establishment:
    ten: str
    loai: str            # canonical: Lưu trú / Karaoke / Massage / Khác
    dia_chi: str
    chu: str
    ky: bool
    ngay: dt.date | None


@dataclass
class Report:
    code: str            # registry code ("03055"), or a made-up key for non-registry units
    name: str            # registry spelling
    year: int
    values: dict[str, Any]              # field id -> int or bool
    establishments: list[Establishment]
    preparer: str
    chairman: str


def build_reports(year: int = 2023) -> dict[str, Report]:
    """The 22 unit reports of the sample, deterministic, checked against the seed."""
    reports: dict[str, Report] = {}
    cursor = {"luu": 0, "kar": 0, "mas": 0, "person": 0}
    day_counter = 0

    def person() -> str:
        p = PERSONS[cursor["person"] % len(PERSONS)]
        cursor["person"] += 1
        return p

    for code, name in UNITS.items():
        luu, kar, mas, vb, cuoc, luot, bang, kt = DATA_2023[code]
        tong = luu + kar + mas
        values: dict[str, Any] = {
            "so_van_ban": vb, "so_cuoc_truyen_thong": cuoc, "so_luot_nguoi": luot,
            "so_bang_ron": bang, "co_so_tong": tong, "co_so_luu_tru": luu,
            "co_so_karaoke": kar, "co_so_massage": mas, "co_so_khac": 0,
            "co_so_cam_ket": tong, "so_luot_kiem_tra": kt, "co_so_vi_pham": 0,
            "co_te_nan": False, "so_vu_vi_pham": 0, "so_doi_tuong": 0,
            "so_nguoi_ho_tro": 0, "so_nan_nhan": 0,
            "dang_ky_lanh_manh": True, "co_ke_hoach": True,
        }
        ests: list[Establishment] = []
        places = PLACES.get(code, [])
        # Interleave types the way lists are usually typed: lodging first.
        kinds = ["Lưu trú"] * luu + ["Karaoke"] * kar + ["Massage"] * mas
        for i, kind in enumerate(kinds):
            if kind == "Lưu trú":
                ten = NAMES_LUU_TRU[cursor["luu"]]; cursor["luu"] += 1
            elif kind == "Karaoke":
                ten = NAMES_KARAOKE[cursor["kar"]]; cursor["kar"] += 1
            else:
                ten = NAMES_MASSAGE[cursor["mas"]]; cursor["mas"] += 1
            # Commitments were signed between February and October.
            day_counter += 1
            ngay = dt.date(year, 2 + (day_counter * 5) % 9, 1 + (day_counter * 7) % 27)
            ests.append(Establishment(ten, kind, places[i % len(places)], person(), True, ngay))
        reports[code] = Report(code, name, year, values, ests, person(), person())
    check_seed_totals(reports)
    return reports


def check_report(r: Report) -> None:
    """Assert that one report satisfies every rule of pcmd-form.md."""
    v = r.values
    assert sum(v[f] for f in TYPE_FIELDS) == v["co_so_tong"], r.code
    assert v["co_so_cam_ket"] <= v["co_so_tong"], r.code
    assert v["co_so_vi_pham"] <= v["co_so_tong"], r.code
    assert v["so_luot_nguoi"] >= v["so_cuoc_truyen_thong"], r.code
    assert v["co_te_nan"] or v["so_vu_vi_pham"] == 0, r.code
    assert len(r.establishments) == v["co_so_tong"], r.code
    for f in TYPE_FIELDS:
        assert sum(1 for e in r.establishments if e.loai == TYPE_LABEL[f]) == v[f], (r.code, f)
    assert sum(1 for e in r.establishments if e.ky) == v["co_so_cam_ket"], r.code
    names = [e.ten for e in r.establishments]
    assert len(names) == len(set(names)), r.code
    for e in r.establishments:
        assert e.ten and e.dia_chi and e.chu
        assert not e.ky or (e.ngay and e.ngay.year == r.year), (r.code, e)


def check_seed_totals(reports: dict[str, Report]) -> None:
    for r in reports.values():
        check_report(r)
    tot = lambda f: sum(r.values[f] for r in reports.values())
    assert len(reports) == 22
    assert tot("co_so_tong") == 44 and tot("co_so_luu_tru") == 24
    assert tot("co_so_karaoke") + tot("co_so_massage") == 20
    assert tot("co_so_khac") == 0 and tot("co_so_cam_ket") == 44 and tot("co_so_vi_pham") == 0
    assert tot("so_cuoc_truyen_thong") == 13 and tot("so_luot_nguoi") == 937
    assert tot("so_bang_ron") == 24 and tot("so_vu_vi_pham") == 0
    for f in ("so_doi_tuong", "so_nguoi_ho_tro", "so_nan_nhan"):
        assert tot(f) == 0
    assert all(not r.values["co_te_nan"] for r in reports.values())
    assert all(r.values["dang_ky_lanh_manh"] and r.values["co_ke_hoach"] for r in reports.values())
    assert sum(len(r.establishments) for r in reports.values()) == 44


# ---------------------------------------------------------------------------
# Layout variations
# ---------------------------------------------------------------------------

class Formula(str):
    """A formula cell, text without the leading '='. May reference {field} cells."""


class Blank:
    """An explicitly empty value cell (still styled/bordered)."""


@dataclass
class Variant:
    heading: str                     # text of A1:B1, e.g. "UBND XÃ KHÁNH YÊN THƯỢNG"
    unit_label: str                  # text of C6, e.g. "Xã Khánh Yên Thượng"
    place: str                       # place in "…, ngày 15 tháng 12 năm 2023"
    period: str = "Năm 2023"         # text after "Kỳ báo cáo: "
    sign_year: int = 2023
    so_hieu: str | None = None       # "Số: 45/BC-UBND" under the heading (row 2, no shift)
    pre_title: list[str] = field(default_factory=list)   # extra rows above the title
    post_title: list[str] = field(default_factory=list)  # extra rows under the title
    post_unit: list[str] = field(default_factory=list)   # extra rows under "Đơn vị báo cáo"
    blank_between_sections: bool = False
    drop_note: bool = False          # delete the "Ghi chú" column
    swap_value_unit: bool = False    # "Số liệu" before "Đơn vị tính"
    stt_dotted: bool = False         # "5.1." instead of "5.1"
    sheet_names: tuple[str, str] = ("Biểu 01", "Biểu 02")
    b02_order: list[str] = field(default_factory=lambda: list(B02_CANONICAL))
    numbers: str = "int"             # int | text | text_padded
    zero: str = "int"                # int | dash (text "-") | accounting (0 shown as "-")
    yes: str = "Có"
    no: str = "Không"
    b02_yes: str = "Có"
    dates: str = "excel"             # excel (real date, dd/mm/yyyy) | text ("05/07/2023")
    loai_alias: dict[str, str] = field(default_factory=dict)  # canonical -> typed text ("*": from name)
    notes: dict[str, str] = field(default_factory=dict)       # field id -> Ghi chú text
    formulas: dict[str, str] = field(default_factory=dict)    # field id -> Formula template
    overrides: dict[str, Any] = field(default_factory=dict)   # field id -> raw cell value
    b02_overrides: dict[tuple[int, str], Any] = field(default_factory=dict)  # (row idx, col) -> raw
    b02_extra: list[Establishment] = field(default_factory=list)  # rows appended to Biểu 02
    font: str = "Times New Roman"
    # How the text is stored: "unicode" (NFC, as typed today), "nfd" (decomposed
    # Unicode), "tcvn3" (TCVN3/ABC bytes read as Windows-1252; with a ".Vn…" font,
    # all-capital cells get the ".Vn…H" capitals font) or "vni" (VNI-Windows bytes
    # read as Windows-1252). Sheet names and formulas stay Unicode. See
    # `encode_sheets`.
    encoding: str = "unicode"


def default_variant(r: Report) -> Variant:
    """The canonical layout for a registry unit."""
    bare = r.name.split(" ", 1)[1] if r.name.startswith("Xã ") else r.name.replace("Thị trấn ", "")
    kind = "XÃ" if r.name.startswith("Xã ") else "THỊ TRẤN"
    return Variant(heading=f"UBND {kind} {bare.upper()}", unit_label=r.name, place=bare)


# ---------------------------------------------------------------------------
# Backend-neutral sheet model
# ---------------------------------------------------------------------------

@dataclass
class Cell:
    value: Any
    style: frozenset = frozenset()   # names: bold italic center right wrap border title small
    number_format: str | None = None
    font: str | None = None          # overrides the workbook font (e.g. ".VnTimeH")


@dataclass
class SheetModel:
    name: str
    cells: dict[tuple[int, int], Cell] = field(default_factory=dict)   # (row, col), 1-based
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)  # row -> points

    def put(self, row: int, col: int, value: Any, *style: str, fmt: str | None = None) -> None:
        self.cells[(row, col)] = Cell(value, frozenset(style), fmt)

    def merge(self, r1: int, c1: int, r2: int, c2: int, value: Any, *style: str) -> None:
        self.put(r1, c1, value, *style)
        self.merges.append((r1, c1, r2, c2))


def col_letter(col: int) -> str:
    s = ""
    while col:
        col, rem = divmod(col - 1, 26)
        s = chr(65 + rem) + s
    return s


def a1(row: int, col: int) -> str:
    return f"{col_letter(col)}{row}"


@dataclass
class Positions:
    """Where things landed: field id -> A1 cell on sheet 1; Biểu 02 rows."""
    sheet1: str
    sheet2: str
    fields: dict[str, str]
    header_row: int
    b02_header_row: int
    b02_rows: list[dict[str, str]]   # per data row: column id -> A1


ACCOUNTING = '_(* #,##0_);_(* (#,##0);_(* "-"_);_(@_)'


def _number_cell(n: int, v: Variant) -> tuple[Any, str | None]:
    """How a variant types an integer: a number, text, '-' for zero…"""
    if n == 0 and v.zero == "dash":
        return "-", "@"
    if n == 0 and v.zero == "accounting":
        return 0, ACCOUNTING
    if v.numbers == "text":
        return str(n), "@"
    if v.numbers == "text_padded":
        return f" {n} ", "@"
    return n, "0"


def render(r: Report, v: Variant) -> tuple[list[SheetModel], Positions]:
    s1 = _render_b01(r, v)
    s2, b02_header, b02_rows = _render_b02(r, v)
    sheet1, fields, header_row = s1
    return [sheet1, s2], Positions(v.sheet_names[0], v.sheet_names[1], fields, header_row,
                                    b02_header, b02_rows)


def _render_b01(r: Report, v: Variant):
    sh = SheetModel(v.sheet_names[0])
    ncol = 4 if v.drop_note else 5
    c_stt, c_label = 1, 2
    c_unit, c_value = (4, 3) if v.swap_value_unit else (3, 4)
    c_note = None if v.drop_note else 5
    last = ncol

    # Heading (left) and national motto (right), both merged.
    sh.merge(1, 1, 1, 2, v.heading, "bold", "center")
    sh.merge(1, last - 1, 1, last, MOTTO_1, "bold", "center", "small")
    if v.so_hieu:
        sh.merge(2, 1, 2, 2, v.so_hieu, "center")
    sh.merge(2, last - 1, 2, last, MOTTO_2, "bold", "italic", "center", "small")
    row = 3
    for text in v.pre_title:
        sh.merge(row, 1, row, 2, text, "center")
        row += 1
    row += 1                                             # blank row before the title
    sh.merge(row, 1, row, last, TITLE_01, "bold", "center", "title"); row += 1
    for text in v.post_title:
        sh.merge(row, 1, row, last, text, "italic", "center"); row += 1
    sh.merge(row, 1, row, last, f"Kỳ báo cáo: {v.period}", "bold", "center"); row += 1
    sh.put(row, 1, "Đơn vị báo cáo:", "bold")
    sh.put(row, 3, v.unit_label, "bold"); row += 1
    for text in v.post_unit:
        sh.put(row, 1, text); row += 1
    row += 1                                             # blank row before the table

    header_row = row
    hdr = {c_stt: HEADER_01["stt"], c_label: HEADER_01["label"],
           c_unit: HEADER_01["unit"], c_value: HEADER_01["value"]}
    if c_note:
        hdr[c_note] = HEADER_01["note"]
    for c, text in hdr.items():
        sh.put(row, c, text, "bold", "center", "border", "wrap")
    sh.heights[row] = 32
    row += 1

    fields: dict[str, str] = {}
    first_section = True
    for stt, label, unit, fid in FORM_ROWS:
        if fid is None:
            if v.blank_between_sections and not first_section:
                row += 1
            first_section = False
            sh.put(row, c_stt, stt, "bold", "center", "border")
            sh.put(row, c_label, label, "bold", "border", "wrap")
            _fit_height(sh, row, label, LABEL_WIDTH)
            sh.put(row, c_unit, None, "border")
            sh.put(row, c_value, None, "border")
            if c_note:
                sh.put(row, c_note, None, "border")
            row += 1
            continue
        fields[fid] = a1(row, c_value)
        row += 1
    # Second pass now that every field cell is known (formulas may reference them).
    row = header_row + 1
    first_section = True
    for stt, label, unit, fid in FORM_ROWS:
        if fid is None:
            if v.blank_between_sections and not first_section:
                row += 1
            first_section = False
            row += 1
            continue
        stt_text = stt + "." if v.stt_dotted and "." in stt else stt
        sh.put(row, c_stt, stt_text, "center", "border")
        sh.put(row, c_label, label, "border", "wrap")
        _fit_height(sh, row, label, LABEL_WIDTH)
        sh.put(row, c_unit, unit or None, "center", "border")
        value, fmt = _field_cell(r, v, fid, fields)
        sh.put(row, c_value, value, "center", "border", fmt=fmt)
        if c_note:
            sh.put(row, c_note, v.notes.get(fid), "border", "wrap")
        row += 1

    _signature(sh, row + 1, r, v, left_col=c_label, right=(last - 1, last))
    # The right-hand block (motto, signature) spans the last two columns.
    if c_note:
        sh.widths = {1: 5, 2: LABEL_WIDTH, c_unit: 11, c_value: 11, c_note: 29}
    else:
        sh.widths = {1: 5, 2: LABEL_WIDTH, c_unit: 17, c_value: 24}
    return sh, fields, header_row


LABEL_WIDTH = 46


def _fit_height(sh: SheetModel, row: int, text: str, width: float) -> None:
    """Row height for wrapped text (about one character per width unit)."""
    lines = -(-len(text) // int(width))
    if lines > 1:
        sh.heights[row] = 16 * lines


def _field_cell(r: Report, v: Variant, fid: str, fields: dict[str, str]):
    if fid in v.overrides:
        raw = v.overrides[fid]
        if raw is Blank or raw is None:
            return None, None
        if isinstance(raw, Formula):
            return Formula(raw.format(**fields)), "0"
        return raw, ("@" if isinstance(raw, str) else None)
    if fid in v.formulas:
        return Formula(v.formulas[fid].format(**fields)), "0"
    val = r.values[fid]
    if fid in YESNO_FIELDS:
        return (v.yes if val else v.no), None
    return _number_cell(val, v)


def _signature(sh: SheetModel, row: int, r: Report, v: Variant, left_col: int,
               right: tuple[int, int]) -> None:
    rc1, rc2 = right
    sh.merge(row, rc1, row, rc2, f"{v.place}, ngày 15 tháng 12 năm {v.sign_year}", "italic", "center", "small")
    row += 1
    sh.put(row, left_col, "NGƯỜI LẬP BIỂU", "bold", "center")
    sh.merge(row, rc1, row, rc2, "CHỦ TỊCH", "bold", "center")
    row += 1
    sh.put(row, left_col, "(Ký, ghi rõ họ tên)", "italic", "center")
    sh.merge(row, rc1, row, rc2, "(Ký tên, đóng dấu)", "italic", "center")
    row += 4
    sh.put(row, left_col, r.preparer, "bold", "center")
    sh.merge(row, rc1, row, rc2, r.chairman, "bold", "center")


def _render_b02(r: Report, v: Variant):
    sh = SheetModel(v.sheet_names[1])
    order = v.b02_order
    ncol = len(order)
    sh.merge(1, 1, 1, ncol, TITLE_02, "bold", "center", "title")
    sh.merge(2, 1, 2, ncol, f"(Kèm theo báo cáo kết quả công tác phòng, chống tệ nạn mại dâm "
                            f"của {v.unit_label})", "italic", "center")
    header_row = 4
    for i, cid in enumerate(order, start=1):
        sh.put(header_row, i, B02_COLUMNS[cid], "bold", "center", "border", "wrap")
        sh.widths[i] = B02_WIDTHS[cid]
    sh.heights[header_row] = 32
    rows: list[dict[str, str]] = []
    row = header_row + 1
    for idx, e in enumerate(list(r.establishments) + list(v.b02_extra)):
        cells: dict[str, str] = {}
        for i, cid in enumerate(order, start=1):
            value, fmt, style = _b02_value(idx, e, cid, v)
            if (idx, cid) in v.b02_overrides:
                value, fmt = v.b02_overrides[(idx, cid)], None
            sh.put(row, i, value, "border", *style, fmt=fmt)
            cells[cid] = a1(row, i)
        rows.append(cells)
        row += 1
    # A blank row, then the signature block.
    _signature(sh, row + 1, r, v, left_col=2, right=(ncol - 2, ncol))
    return sh, header_row, rows


def _b02_value(idx: int, e: Establishment, cid: str, v: Variant):
    if cid == "stt":
        return idx + 1, None, ("center",)
    if cid == "ten_co_so":
        return e.ten, None, ()
    if cid == "loai_hinh":
        typed = v.loai_alias.get(e.loai, e.loai)
        if typed == "*":
            # Lodging typed as what it is: "Nhà nghỉ" or "Khách sạn" (spec aliases).
            typed = next((w for w in ("Nhà nghỉ", "Khách sạn") if e.ten.startswith(w)), e.loai)
        return typed, None, ("center",)
    if cid == "dia_chi":
        return e.dia_chi, None, ()
    if cid == "chu_co_so":
        return e.chu, None, ()
    if cid == "ky_cam_ket":
        return (v.b02_yes if e.ky else "Không"), None, ("center",)
    if cid == "ngay_ky":
        if e.ngay is None:
            return None, None, ()
        if v.dates == "text":
            return e.ngay.strftime("%d/%m/%Y"), "@", ("center",)
        return e.ngay, "dd/mm/yyyy", ("center",)
    raise KeyError(cid)


# ---------------------------------------------------------------------------
# Backends
# ---------------------------------------------------------------------------

FIXED_TIME = dt.datetime(2023, 12, 15, 8, 0, 0)


def write_openpyxl(sheets: list[SheetModel], path: str, font: str = "Times New Roman") -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, Side

    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for sm in sheets:
        ws = wb.create_sheet(sm.name)
        for (row, col), c in sorted(sm.cells.items()):
            cell = ws.cell(row=row, column=col)
            if isinstance(c.value, Formula):
                cell.value = "=" + str(c.value)
            elif c.value is not None:
                cell.value = c.value
            size = 13 if "title" in c.style else (11 if "small" in c.style else 12)
            cell.font = Font(name=c.font or font, size=size, bold="bold" in c.style,
                             italic="italic" in c.style)
            horiz = "center" if "center" in c.style else ("right" if "right" in c.style else None)
            cell.alignment = Alignment(horizontal=horiz, vertical="center",
                                       wrap_text="wrap" in c.style)
            if "border" in c.style:
                cell.border = border
            if c.number_format:
                cell.number_format = c.number_format
        for r1, c1, r2, c2 in sm.merges:
            ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)
        for col, w in sm.widths.items():
            ws.column_dimensions[col_letter(col)].width = w
        for row, h in sm.heights.items():
            ws.row_dimensions[row].height = h
        # A4, fitted to one page wide, as district staff print them.
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "portrait" if len(sm.widths) <= 5 else "landscape"
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
    wb.properties.creator = "UBND"
    wb.properties.created = FIXED_TIME
    wb.save(path)
    normalize_zip(path)


def write_xlwt(sheets: list[SheetModel], path: str, font: str = "Times New Roman") -> None:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    cache: dict[tuple, xlwt.XFStyle] = {}

    def style(c: Cell) -> xlwt.XFStyle:
        key = (c.style, c.number_format, c.font)
        if key not in cache:
            st = xlwt.XFStyle()
            f = xlwt.Font()
            f.name = c.font or font
            f.bold = "bold" in c.style
            f.italic = "italic" in c.style
            f.height = 20 * (13 if "title" in c.style else (11 if "small" in c.style else 12))
            st.font = f
            al = xlwt.Alignment()
            al.horz = xlwt.Alignment.HORZ_CENTER if "center" in c.style else xlwt.Alignment.HORZ_GENERAL
            al.vert = xlwt.Alignment.VERT_CENTER
            al.wrap = 1 if "wrap" in c.style else 0
            st.alignment = al
            if "border" in c.style:
                b = xlwt.Borders()
                b.left = b.right = b.top = b.bottom = xlwt.Borders.THIN
                st.borders = b
            if c.number_format:
                st.num_format_str = c.number_format
            cache[key] = st
        return cache[key]

    for sm in sheets:
        ws = wb.add_sheet(sm.name, cell_overwrite_ok=True)
        merged_at = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in sm.merges}
        for (row, col), c in sorted(sm.cells.items()):
            value = c.value
            if isinstance(value, Formula):
                raise ValueError("xlwt cannot cache formula results; do not use formulas here")
            if (row, col) in merged_at:
                r2, c2 = merged_at[(row, col)]
                ws.write_merge(row - 1, r2 - 1, col - 1, c2 - 1, value, style(c))
            elif value is None:
                ws.write(row - 1, col - 1, None, style(c))
            else:
                ws.write(row - 1, col - 1, value, style(c))
        for col, w in sm.widths.items():
            ws.col(col - 1).width = int(w * 256)
        for row, h in sm.heights.items():
            ws.row(row - 1).height_mismatch = True
            ws.row(row - 1).height = int(h * 20)
        ws.paper_size_code = 9          # A4
        ws.portrait = len(sm.widths) <= 5
        ws.fit_width_to_pages = 1
        ws.fit_height_to_pages = 0
    wb.save(path)


def normalize_zip(path: str) -> None:
    """Make an openpyxl/soffice zip byte-stable: fixed entry times and core dates.

    Entry order and compression are kept (an .ods needs its stored "mimetype"
    entry first)."""
    stamp = FIXED_TIME.strftime("%Y-%m-%dT%H:%M:%SZ")
    with zipfile.ZipFile(path) as zin:
        entries = [(i, zin.read(i.filename)) for i in zin.infolist()]
    tmp = path + ".norm"
    with zipfile.ZipFile(tmp, "w") as zout:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                import re
                text = data.decode("utf-8")
                text = re.sub(r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms)", rf"\g<1>{stamp}\2", text)
                data = text.encode("utf-8")
            ni = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            ni.compress_type = info.compress_type
            ni.external_attr = info.external_attr
            zout.writestr(ni, data)
    os.replace(tmp, path)


_PROFILE = None


def soffice_convert(src: str, fmt: str, outdir: str) -> str:
    """Convert `src` with LibreOffice into `outdir`; returns the output path.

    fmt: "xls", "ods" or "xlsx". A private user profile keeps this from
    interfering with any other LibreOffice instance on the machine.
    """
    global _PROFILE
    if _PROFILE is None:
        _PROFILE = tempfile.mkdtemp(prefix="pcmd-lo-profile-")
        atexit.register(shutil.rmtree, _PROFILE, True)
    filters = {"xls": "xls:MS Excel 97", "ods": "ods", "xlsx": "xlsx:Calc MS Excel 2007 XML"}
    os.makedirs(outdir, exist_ok=True)
    subprocess.run(
        ["soffice", f"-env:UserInstallation=file://{_PROFILE}", "--headless",
         "--convert-to", filters[fmt], "--outdir", outdir, src],
        check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=180,
    )
    out = os.path.join(outdir, os.path.splitext(os.path.basename(src))[0] + "." + fmt)
    if not os.path.exists(out):
        raise RuntimeError(f"soffice did not produce {out}")
    return out


def write_report(r: Report, v: Variant, path: str, via: str | None = None) -> Positions:
    """Render and write one report. The extension of `path` picks the backend:

    .xlsx -> openpyxl; .xls/.ods -> openpyxl then soffice (or xlwt when
    via == "xlwt"); via == "soffice" with .xlsx round-trips through LibreOffice
    (caches formula results, including errors).
    """
    sheets, pos = render(r, v)
    encode_sheets(sheets, v)
    ext = os.path.splitext(path)[1].lower().lstrip(".")
    os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    if via == "xlwt":
        write_xlwt(sheets, path, v.font)
        return pos
    if ext == "xlsx" and via is None:
        write_openpyxl(sheets, path, v.font)
        return pos
    with tempfile.TemporaryDirectory(prefix="pcmd-gen-") as tmp:
        stem = os.path.splitext(os.path.basename(path))[0]
        src_dir = os.path.join(tmp, "src")
        os.makedirs(src_dir)
        src = os.path.join(src_dir, stem + ".xlsx")
        write_openpyxl(sheets, src, v.font)
        out = soffice_convert(src, ext, os.path.join(tmp, "out"))
        shutil.move(out, path)
    if ext in ("xlsx", "ods"):
        normalize_zip(path)     # LibreOffice's content is stable; only zip times vary
    return pos


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


# ---------------------------------------------------------------------------
# Legacy Vietnamese encodings (TCVN3 / ABC and VNI-Windows)
# ---------------------------------------------------------------------------

# The 134 letters with diacritics: letter, TCVN3 byte, VNI-Windows byte(s), in
# hex. A copy of vn-legacy-charsets.tsv of the domain notes (from Unikey's
# VnConv tables). TCVN3 has bytes of its own only for Ă Â Ê Ô Ơ Ư Đ; a capital
# with a tone mark shares the lower-case letter's byte (a ".VnTimeH" font draws
# it as a capital).
_LEGACY = """
    Á B8 41D9  á B8 61F9  À B5 41D8  à B5 61F8  Ả B6 41DB  ả B6 61FB
    Ã B7 41D5  ã B7 61F5  Ạ B9 41CF  ạ B9 61EF  Â A2 41C2  â A9 61E2
    Ấ CA 41C1  ấ CA 61E1  Ầ C7 41C0  ầ C7 61E0  Ẩ C8 41C5  ẩ C8 61E5
    Ẫ C9 41C3  ẫ C9 61E3  Ậ CB 41C4  ậ CB 61E4  Ă A1 41CA  ă A8 61EA
    Ắ BE 41C9  ắ BE 61E9  Ằ BB 41C8  ằ BB 61E8  Ẳ BC 41DA  ẳ BC 61FA
    Ẵ BD 41DC  ẵ BD 61FC  Ặ C6 41CB  ặ C6 61EB  Đ A7 D1  đ AE F1
    É D0 45D9  é D0 65F9  È CC 45D8  è CC 65F8  Ẻ CE 45DB  ẻ CE 65FB
    Ẽ CF 45D5  ẽ CF 65F5  Ẹ D1 45CF  ẹ D1 65EF  Ê A3 45C2  ê AA 65E2
    Ế D5 45C1  ế D5 65E1  Ề D2 45C0  ề D2 65E0  Ể D3 45C5  ể D3 65E5
    Ễ D4 45C3  ễ D4 65E3  Ệ D6 45C4  ệ D6 65E4  Í DD CD  í DD ED
    Ì D7 CC  ì D7 EC  Ỉ D8 C6  ỉ D8 E6  Ĩ DC D3  ĩ DC F3
    Ị DE D2  ị DE F2  Ó E3 4FD9  ó E3 6FF9  Ò DF 4FD8  ò DF 6FF8
    Ỏ E1 4FDB  ỏ E1 6FFB  Õ E2 4FD5  õ E2 6FF5  Ọ E4 4FCF  ọ E4 6FEF
    Ô A4 4FC2  ô AB 6FE2  Ố E8 4FC1  ố E8 6FE1  Ồ E5 4FC0  ồ E5 6FE0
    Ổ E6 4FC5  ổ E6 6FE5  Ỗ E7 4FC3  ỗ E7 6FE3  Ộ E9 4FC4  ộ E9 6FE4
    Ơ A5 D4  ơ AC F4  Ớ ED D4D9  ớ ED F4F9  Ờ EA D4D8  ờ EA F4F8
    Ở EB D4DB  ở EB F4FB  Ỡ EC D4D5  ỡ EC F4F5  Ợ EE D4CF  ợ EE F4EF
    Ú F3 55D9  ú F3 75F9  Ù EF 55D8  ù EF 75F8  Ủ F1 55DB  ủ F1 75FB
    Ũ F2 55D5  ũ F2 75F5  Ụ F4 55CF  ụ F4 75EF  Ư A6 D6  ư AD F6
    Ứ F8 D6D9  ứ F8 F6F9  Ừ F5 D6D8  ừ F5 F6F8  Ử F6 D6DB  ử F6 F6FB
    Ữ F7 D6D5  ữ F7 F6F5  Ự F9 D6CF  ự F9 F6EF  Ý FD 59D9  ý FD 79F9
    Ỳ FA 59D8  ỳ FA 79F8  Ỷ FB 59DB  ỷ FB 79FB  Ỹ FC 59D5  ỹ FC 79F5
    Ỵ FE CE  ỵ FE EE
"""
TCVN3: dict[str, int] = {}          # letter -> TCVN3 byte
VNI: dict[str, bytes] = {}          # letter -> VNI-Windows byte(s)
for _triple in zip(*[iter(_LEGACY.split())] * 3):
    TCVN3[_triple[0]] = int(_triple[1], 16)
    VNI[_triple[0]] = bytes.fromhex(_triple[2])
assert len(TCVN3) == len(VNI) == 134


def to_tcvn3(text: str) -> str:
    """Unicode -> the text Excel shows for it typed in TCVN3 (ABC).

    NFC first; each letter with a diacritic becomes its TCVN3 byte (a capital
    with a tone mark takes the lower-case letter's byte), ASCII stays; the bytes
    are then read as Windows-1252, which is what openpyxl writes and what a
    reader gets back ("Văn Bàn" -> "V¨n Bµn", "ư" -> U+00AD soft hyphen)."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 0x80:
            out.append(ord(ch))
        elif ch in TCVN3:
            out.append(TCVN3[ch])
        else:
            raise ValueError(f"{ch!r} (in {text!r}) has no TCVN3 byte")
    return out.decode("cp1252")


def to_vni(text: str) -> str:
    """Unicode -> the text Excel shows for it typed in VNI-Windows: each letter
    with a diacritic becomes 1-2 bytes (base letter + tone/shape byte), read as
    Windows-1252 ("Văn Bàn" -> "Vaên Baøn")."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        if ord(ch) < 0x80:
            out.append(ord(ch))
        elif ch in VNI:
            out += VNI[ch]
        else:
            raise ValueError(f"{ch!r} (in {text!r}) has no VNI-Windows bytes")
    return out.decode("cp1252")


_TCVN3_BACK: dict[int, str] = {}
for _ch, _b in TCVN3.items():          # a shared byte decodes to the small letter
    if _b not in _TCVN3_BACK or _ch.islower():
        _TCVN3_BACK[_b] = _ch
_VNI_BACK: dict[bytes, str] = {b: ch for ch, b in VNI.items()}
assert len(_VNI_BACK) == 134


def from_tcvn3(text: str, capitals: bool = False) -> str:
    """The inverse of `to_tcvn3` (for checks). `capitals`: the cell's font is a
    ".Vn…H" capitals font. Without it, capitals with tone marks come back small."""
    s = "".join(_TCVN3_BACK.get(b, chr(b)) for b in text.encode("cp1252"))
    return s.upper() if capitals else s


def from_vni(text: str) -> str:
    """The inverse of `to_vni` (for checks): longest match, two bytes then one."""
    data = text.encode("cp1252")
    out, i = [], 0
    while i < len(data):
        if data[i:i + 2] in _VNI_BACK:
            out.append(_VNI_BACK[data[i:i + 2]]); i += 2
        elif data[i:i + 1] in _VNI_BACK:
            out.append(_VNI_BACK[data[i:i + 1]]); i += 1
        else:
            out.append(chr(data[i])); i += 1
    return "".join(out)


def is_capitals(text: str) -> bool:
    """A cell typed all in capitals (shown with a ".Vn…H" font in TCVN3 files)."""
    return any(ch.isalpha() for ch in text) and text == text.upper()


def encode_sheets(sheets: list[SheetModel], v: Variant) -> None:
    """Store every text cell (not formulas, not sheet names) in `v.encoding`."""
    if v.encoding == "unicode":
        return
    conv = {"nfd": nfd, "tcvn3": to_tcvn3, "vni": to_vni}[v.encoding]
    for sm in sheets:
        for c in sm.cells.values():
            if isinstance(c.value, str) and not isinstance(c.value, Formula):
                if (v.encoding == "tcvn3" and v.font.startswith(".Vn")
                        and is_capitals(c.value)):
                    c.font = v.font + "H"
                c.value = conv(c.value)


def expected_row(r: Report) -> list[str]:
    """Values of the 19 fields as a reader should return them (yes/no as Có/Không)."""
    out = []
    for fid in FIELD_IDS:
        val = r.values[fid]
        out.append(("Có" if val else "Không") if fid in YESNO_FIELDS else str(val))
    return out


def with_values(r: Report, **changes: Any) -> Report:
    vals = dict(r.values)
    vals.update(changes)
    return replace(r, values=vals)
