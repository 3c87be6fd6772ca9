#!/usr/bin/env python3
"""Writes tests/fixtures/mail/: emails shaped like what Gmail, Outlook and
Thunderbird write, carrying the sample reports of samples/van-ban-2023/ (and
one broken report of samples/van-ban-2023-loi/), plus every hostile or broken
case `tonghop mail` must survive. Deterministic: the same files every run.

    python3 scripts/make_mail_fixtures.py

The messages are assembled part by part so that each has the exact shape of
the program it imitates (encodings, header styles, line endings); Python's
email package supplies the encodings (base64, quoted-printable, RFC 2047
encoded words, RFC 2231 parameters, dates). See tests/fixtures/mail/README.md.
"""

import base64
import io
import quopri
import struct
import urllib.parse
import zipfile
import zlib
from email.utils import format_datetime
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOOD = ROOT / "samples/van-ban-2023/inbox"
BROKEN = ROOT / "samples/van-ban-2023-loi/inbox"
OUT = ROOT / "tests/fixtures/mail"
DISTRICT = "phonglaodong@vanban.laocai.gov.vn"
ICT = timezone(timedelta(hours=7))

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def date(day, hour, minute):
    return format_datetime(datetime(2023, 12, day, hour, minute, 0, tzinfo=ICT))


def b64_lines(data):
    text = base64.b64encode(data).decode()
    return [text[i : i + 76] for i in range(0, len(text), 76)]


def qp_binary_lines(data):
    """Quoted-printable for binary content: every byte that is not printable
    ASCII (line breaks included) escaped, soft line breaks every 76 columns."""
    lines, line = [], ""
    for b in data:
        token = chr(b) if 33 <= b <= 126 and b != ord("=") else f"={b:02X}"
        if len(line) + len(token) > 75:
            lines.append(line + "=")
            line = ""
        line += token
    lines.append(line)
    return lines


def rfc2047(text):
    """One RFC 2047 encoded word, the way Outlook writes file names."""
    return "=?utf-8?B?" + base64.b64encode(text.encode()).decode() + "?="


def rfc2231(text):
    return "UTF-8''" + urllib.parse.quote(text, safe="")


def render(headers, body_lines, nl):
    lines = [f"{k}: {v}" for k, v in headers] + [""] + list(body_lines)
    return nl.join(lines)


def multipart(boundary, parts, nl, preamble=None):
    lines = []
    if preamble:
        lines += [preamble, ""]
    for p in parts:
        lines += ["--" + boundary, p]
    lines += ["--" + boundary + "--", ""]
    return lines


def text_part(text, nl, html=False):
    kind = "html" if html else "plain"
    body = text if not html else f'<div dir="ltr">{text}</div>'
    encoded = quopri.encodestring(body.encode()).decode().replace("\n", nl)
    return render(
        [
            ("Content-Type", f'text/{kind}; charset="UTF-8"'),
            ("Content-Transfer-Encoding", "quoted-printable"),
        ],
        encoded.split(nl),
        nl,
    )


def attachment(data, nl, ctype=XLSX, name_params=None, disposition=None, cte="base64"):
    headers = [("Content-Type", ctype + (f"; {name_params[0]}" if name_params else ""))]
    if disposition is not None:
        headers.append(("Content-Disposition", disposition))
    headers.append(("Content-Transfer-Encoding", cte))
    if cte == "base64":
        body = b64_lines(data)
    else:
        body = qp_binary_lines(data)
    return render(headers, body, nl)


def gmail_attachment(data, name, nl="\r\n"):
    """Gmail: RFC 2231 filename*, a Content-ID and an X-Attachment-Id."""
    return render(
        [
            ("Content-Type", f'{XLSX}; name="{name.encode("ascii", "replace").decode()}"'),
            ("Content-Disposition", f"attachment; filename*={rfc2231(name)}"),
            ("Content-Transfer-Encoding", "base64"),
            ("Content-ID", "<f_lq5k2x0a0>"),
            ("X-Attachment-Id", "f_lq5k2x0a0"),
        ],
        b64_lines(data),
        nl,
    )


def gmail(msg_id, sender, sender_name, day, hour, minute, subject, body, attachments):
    nl = "\r\n"
    alt = render(
        [("Content-Type", 'multipart/alternative; boundary="000000000000a1b2c3d4e5f6a7b8"')],
        multipart(
            "000000000000a1b2c3d4e5f6a7b8",
            [text_part(body, nl), text_part(body, nl, html=True)],
            nl,
        ),
        nl,
    )
    headers = [
        ("MIME-Version", "1.0"),
        ("Date", date(day, hour, minute)),
        ("Message-ID", f"<{msg_id}@mail.gmail.com>"),
        ("Subject", rfc2047(subject)),
        ("From", f"{rfc2047(sender_name)} <{sender}>"),
        ("To", DISTRICT),
        ("Content-Type", 'multipart/mixed; boundary="000000000000f6e5d4c3b2a1f0e9"'),
    ]
    return render(
        headers,
        multipart("000000000000f6e5d4c3b2a1f0e9", [alt] + attachments, nl),
        nl,
    ).encode()


def outlook(msg_id, sender, day, hour, minute, subject, body, parts):
    nl = "\r\n"
    headers = [
        ("From", f"<{sender}>"),
        ("To", f'"Phòng LĐTBXH" <{DISTRICT}>'.encode().decode()),
        ("Subject", rfc2047(subject)),
        ("Thread-Topic", rfc2047(subject)),
        ("Date", date(day, hour, minute)),
        ("Message-ID", f"<{msg_id}@APC01-PSA-obe.outlook.com>"),
        ("Content-Language", "vi-VN"),
        ("X-MS-Has-Attach", "yes"),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'multipart/mixed; boundary="_004_outlook_boundary_"'),
    ]
    # The display name of To is sent as an encoded word too.
    headers[1] = ("To", f"{rfc2047('Phòng LĐTBXH')} <{DISTRICT}>")
    return render(
        headers,
        multipart("_004_outlook_boundary_", [text_part(body, nl)] + parts, nl),
        nl,
    ).encode()


def outlook_attachment(data, name, ctype="application/octet-stream", nl="\r\n"):
    """Outlook: RFC 2047 encoded words inside quoted parameters."""
    encoded = rfc2047(name)
    return render(
        [
            ("Content-Type", f'{ctype}; name="{encoded}"'),
            ("Content-Description", encoded),
            ("Content-Disposition", f'attachment; filename="{encoded}"; size={len(data)}'),
            ("Content-Transfer-Encoding", "base64"),
        ],
        b64_lines(data),
        nl,
    )


def thunderbird(msg_id, sender, sender_name, day, hour, minute, subject, body, parts):
    """Thunderbird: LF line endings in its mbox, RFC 2231 continuations."""
    nl = "\n"
    headers = [
        ("X-Mozilla-Status", "0001"),
        ("X-Mozilla-Status2", "00000000"),
        ("Message-ID", f"<{msg_id}@laocai.gov.vn>"),
        ("Date", date(day, hour, minute)),
        ("MIME-Version", "1.0"),
        ("User-Agent", "Mozilla Thunderbird"),
        ("Content-Language", "vi"),
        ("To", DISTRICT),
        ("From", f"{rfc2047(sender_name)} <{sender}>"),
        ("Subject", rfc2047(subject)),
        ("Content-Type", 'multipart/mixed; boundary="------------tb0123456789abcdef"'),
    ]
    return render(
        headers,
        multipart(
            "------------tb0123456789abcdef",
            [text_part(body, nl)] + parts,
            nl,
            preamble="This is a multi-part message in MIME format.",
        ),
        nl,
    ).encode()


def tb_attachment(data, name, cte="base64"):
    """RFC 2231 with continuations, as Thunderbird folds long names."""
    encoded = rfc2231(name)
    cut = len(encoded) // 2
    # Never split inside a %XX escape.
    while "%" in encoded[cut - 2 : cut]:
        cut += 1
    params = f"filename*0*={encoded[:cut]};\n filename*1*={encoded[cut:]}"
    return attachment(
        data,
        "\n",
        ctype=XLSX,
        name_params=None,
        disposition=f"attachment;\n {params}",
        cte=cte,
    )


def mbox(messages):
    out = []
    for day_line, raw in messages:
        text = raw.decode()
        # mboxrd: body lines starting with "From " are escaped.
        lines = [(">" + l if l.startswith("From ") or l.startswith(">From ") else l) for l in text.split("\n")]
        out.append(f"From - {day_line}\n" + "\n".join(lines).rstrip("\n") + "\n\n")
    return "".join(out).encode()


def zip_bytes(entries, level=6):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=(2023, 12, 15, 9, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.flag_bits |= 0x800  # UTF-8 names
            z.writestr(info, data, compresslevel=level)
    return buf.getvalue()


def crc_update(crc, byte):
    return zlib.crc32(bytes([byte]), crc ^ 0xFFFFFFFF) ^ 0xFFFFFFFF


def zipcrypto_zip(name, data, password):
    """A stored entry encrypted with traditional PKWARE encryption (what
    `zip -P` and Windows' "compressed folder" password write)."""
    keys = [0x12345678, 0x23456789, 0x34567890]

    def update(c):
        keys[0] = crc_update(keys[0], c)
        keys[1] = (keys[1] + (keys[0] & 0xFF)) & 0xFFFFFFFF
        keys[1] = (keys[1] * 134775813 + 1) & 0xFFFFFFFF
        keys[2] = crc_update(keys[2], keys[1] >> 24)

    def encrypt(plain):
        out = bytearray()
        for p in plain:
            temp = (keys[2] | 2) & 0xFFFF
            out.append(p ^ (((temp * (temp ^ 1)) >> 8) & 0xFF))
            update(p)
        return bytes(out)

    for c in password:
        update(c)
    crc = zlib.crc32(data)
    header = bytes(range(1, 12)) + bytes([crc >> 24])
    payload = encrypt(header) + encrypt(data)
    fname = name.encode()
    flags = 0x1 | 0x800
    dos_time, dos_date = (9 << 11), ((2023 - 1980) << 9) | (12 << 5) | 15
    local = struct.pack(
        "<IHHHHHIIIHH", 0x04034B50, 20, flags, 0, dos_time, dos_date, crc,
        len(payload), len(data), len(fname), 0,
    ) + fname
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, 0, dos_time, dos_date, crc,
        len(payload), len(data), len(fname), 0, 0, 0, 0, 0, 0,
    ) + fname
    offset = len(local) + len(payload)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), offset, 0)
    return local + payload + central + end


def with_zip_comment(data, comment):
    """The same workbook with a different zip comment: other bytes, same content."""
    assert data[-22:-18] == b"PK\x05\x06" and data[-2:] == b"\x00\x00"
    return data[:-2] + struct.pack("<H", len(comment)) + comment


def with_cell_value(data, sheet, cell, old, new):
    """The same workbook with one number changed in a sheet's XML, rewritten
    entry by entry with fixed times: what a stranger's edited copy holds."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == f"xl/worksheets/{sheet}.xml":
                before = f'<c r="{cell}" '.encode()
                start = body.index(before)
                end = body.index(b"</c>", start)
                old_v, new_v = f"<v>{old}</v>".encode(), f"<v>{new}</v>".encode()
                assert body[start:end].count(old_v) == 1, body[start:end]
                body = body[:start] + body[start:end].replace(old_v, new_v) + body[end:]
            info = zipfile.ZipInfo(item.filename, date_time=(2023, 12, 19, 15, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, body)
    return out.getvalue()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        if old.suffix in (".eml", ".mbox"):
            old.unlink()
    good = lambda n: (GOOD / n).read_bytes()

    # Gmail: Khánh Yên Thượng, RFC 2231 Vietnamese file name.
    kyt = gmail(
        "CAKyt2023PCMDa1", "ubndxa.khanhyenthuong@laocai.gov.vn", "UBND xã Khánh Yên Thượng",
        15, 9, 30, "Báo cáo PCMD năm 2023 - xã Khánh Yên Thượng",
        "Kính gửi Phòng LĐTBXH,\nXã Khánh Yên Thượng gửi báo cáo năm 2023.\nTrân trọng.",
        [gmail_attachment(good("BC_PCMD_2023_KhanhYenThuong.xlsx"), "Báo cáo PCMD 2023 - Khánh Yên Thượng.xlsx")],
    )
    (OUT / "gmail-khanh-yen-thuong.eml").write_bytes(kyt)

    # A look-alike Gmail address (no dot, not the commune's domain) sends
    # Khánh Yên Thượng's report four days after the commune did, with the
    # participants (D12) inflated from 80 to 800. Held: it must never replace
    # the report from the registered address.
    (OUT / "lookalike-khanh-yen-thuong.eml").write_bytes(gmail(
        "CAKyt2023PCMDfake", "ubndxakhanhyenthuong@gmail.com", "UBND xã Khánh Yên Thượng",
        19, 16, 0, "Báo cáo PCMD năm 2023 - xã Khánh Yên Thượng (bản cập nhật)",
        "Kính gửi Phòng LĐTBXH,\nXã gửi bản cập nhật báo cáo năm 2023.\nTrân trọng.",
        [gmail_attachment(
            with_cell_value(good("BC_PCMD_2023_KhanhYenThuong.xlsx"), "sheet1", "D12", 80, 800),
            "Báo cáo PCMD 2023 - Khánh Yên Thượng.xlsx",
        )],
    ))

    # Outlook: Võ Lao, RFC 2047 name, application/octet-stream, an .xls.
    (OUT / "outlook-vo-lao.eml").write_bytes(outlook(
        "SG2PR01MB0001VoLao", "ubndxa.volao@laocai.gov.vn", 16, 14, 5,
        "Báo cáo mại dâm năm 2023 xã Võ Lao", "Xã Võ Lao gửi báo cáo.",
        [outlook_attachment(good("bao cao mai dam nam 2023 - Vo Lao.xls"), "Báo cáo mại dâm 2023 - Võ Lao.xls")],
    ))

    # Outlook in RTF mode: the report is inside winmail.dat (TNEF).
    tnef = bytes([0x78, 0x9F, 0x3E, 0x22]) + b"\x01\x00\x01\x06\x90\x08\x00" + bytes(200)
    (OUT / "outlook-winmail-nam-ma.eml").write_bytes(outlook(
        "SG2PR01MB0002NamMa", "ubndxa.namma@laocai.gov.vn", 16, 15, 0,
        "Báo cáo PCMD 2023 xã Nậm Mả", "Xã Nậm Mả gửi báo cáo.",
        [render([
            ("Content-Type", 'application/ms-tnef; name="winmail.dat"'),
            ("Content-Disposition", 'attachment; filename="winmail.dat"'),
            ("Content-Transfer-Encoding", "base64"),
        ], b64_lines(tnef), "\r\n")],
    ))

    # Thunderbird mbox: several communes, a ">From " escaped body line, a
    # quoted-printable attachment, Liêm Phú's broken file then its correction,
    # Dần Thàng from an address in no unit's entry, and the Gmail message
    # again (the same Message-ID: saved once).
    tb = [
        ("Sat Dec 16 08:12:40 2023", thunderbird(
            "tt-khanhyen-1", "ubndtt.khanhyen@laocai.gov.vn", "UBND thị trấn Khánh Yên", 16, 8, 12,
            "BC PCMD 2023 TT Khánh Yên",
            "From the commune office: the 2023 report is attached.\nKính gửi phòng.",
            [tb_attachment(good("BC PCMD TT Khanh Yen 2023.xlsx"), "Báo cáo PCMD năm 2023 thị trấn Khánh Yên.xlsx")],
        )),
        ("Thu Dec 14 10:00:00 2023", thunderbird(
            "liemphu-1", "ubndxa.liemphu@laocai.gov.vn", "UBND xã Liêm Phú", 14, 10, 0,
            "Báo cáo PCMD 2023 xã Liêm Phú",
            "Xã Liêm Phú gửi báo cáo.",
            [tb_attachment((BROKEN / "BC-PCMD-LiemPhu-2023.xlsx").read_bytes(), "BC-PCMD-LiemPhu-2023.xlsx")],
        )),
        ("Wed Dec 20 16:45:00 2023", thunderbird(
            "liemphu-2", "ubndxa.liemphu@laocai.gov.vn", "UBND xã Liêm Phú", 20, 16, 45,
            "Gửi lại: Báo cáo PCMD 2023 xã Liêm Phú (đã sửa)",
            "Xã Liêm Phú gửi lại báo cáo đã bổ sung số liệu.",
            [tb_attachment(good("BC-PCMD-LiemPhu-2023.xlsx"), "BC-PCMD-LiemPhu-2023 (da sua).xlsx")],
        )),
        ("Sun Dec 17 07:30:00 2023", thunderbird(
            "sonthuy-1", "ubndxa.sonthuy@laocai.gov.vn", "UBND xã Sơn Thuỷ", 17, 7, 30,
            "BC PCMD 2023 Sơn Thuỷ", "Xã Sơn Thuỷ gửi báo cáo.",
            [tb_attachment(good("BC_PCMD_2023_SonThuy.xlsx"), "BC_PCMD_2023_SonThuy.xlsx", cte="quoted-printable")],
        )),
        ("Mon Dec 18 11:20:00 2023", thunderbird(
            "danthang-1", "danthang.vhxh2023@gmail.com", "Cán bộ VHXH xã Dần Thàng", 18, 11, 20,
            "bc tnxh dan thang 2023", "Em gửi báo cáo của xã Dần Thàng.",
            [tb_attachment(good("bc tnxh dan thang 2023.xls"), "bc tnxh dần thàng 2023.xls")],
        )),
        ("Fri Dec 15 09:30:00 2023", kyt.replace(b"\r\n", b"\n")),
    ]
    (OUT / "thunderbird-bao-cao.mbox").write_bytes(mbox(tb))

    # A truncated mbox export: Tân An's message is whole, Tân Thượng's is cut
    # in the middle of its attachment.
    whole = thunderbird(
        "tanan-1", "ubndxa.tanan@laocai.gov.vn", "UBND xã Tân An", 18, 9, 0,
        "Báo cáo PCMD xã Tân An", "Gửi báo cáo.",
        [tb_attachment(good("Báo cáo PCMD xã Tân An.xlsx"), "Báo cáo PCMD xã Tân An.xlsx")],
    )
    cut = thunderbird(
        "tanthuong-1", "ubndxa.tanthuong@laocai.gov.vn", "UBND xã Tân Thượng", 18, 9, 5,
        "PCMD 2023 Tân Thượng", "Gửi báo cáo.",
        [tb_attachment(good("PCMD 2023 Tan Thuong.xlsx"), "PCMD 2023 Tan Thuong.xlsx")],
    )
    truncated = mbox([("Mon Dec 18 09:00:00 2023", whole), ("Mon Dec 18 09:05:00 2023", cut)])
    (OUT / "truncated-export.mbox").write_bytes(truncated[: len(truncated) - len(cut) // 2])

    # Forwarded by the district office: the commune's own message inside.
    inner = gmail(
        "CAchiengken2023", "ubndxa.chiengken@laocai.gov.vn", "UBND xã Chiềng Ken", 15, 7, 50,
        "Báo cáo PCMD 2023 Chiềng Ken", "Xã Chiềng Ken gửi báo cáo.",
        [gmail_attachment(good("Chieng Ken - bao cao PCMD 2023.xlsx"), "Chiềng Ken - báo cáo PCMD 2023.xlsx")],
    )
    (OUT / "forwarded-chieng-ken.eml").write_bytes(outlook(
        "SG2PR01MB0003Fwd", DISTRICT, 15, 8, 10,
        "FW: Báo cáo PCMD 2023 Chiềng Ken", "Chuyển tiếp báo cáo của xã Chiềng Ken.",
        [render([
            ("Content-Type", "message/rfc822"),
            ("Content-Disposition", "attachment"),
        ], inner.decode().split("\r\n"), "\r\n")],
    ))

    # Hoà Mạc sends a zip with its report and, on Dương Quỳ's behalf, Dương
    # Quỳ's: the second is sent from another unit's address.
    archive = zip_bytes([
        ("Bao cao/BC PCMD Hoà Mạc.xlsx", good("BC PCMD Hoa Mac.xlsx")),
        ("Bao cao/Báo cáo PCMD Dương Quỳ 2023.xlsx", good("Báo cáo PCMD Dương Quỳ 2023.xlsx")),
        ("Bao cao/ghi chu.txt", "Gửi hộ xã Dương Quỳ.".encode()),
    ])
    (OUT / "zip-hoa-mac-duong-quy.eml").write_bytes(outlook(
        "SG2PR01MB0004Zip", "ubndxa.hoamac@laocai.gov.vn", 17, 10, 0,
        "Báo cáo PCMD 2023 (Hoà Mạc, gửi hộ Dương Quỳ)", "Xã Hoà Mạc gửi hai báo cáo trong tệp nén.",
        [outlook_attachment(archive, "Bao cao PCMD.zip", ctype="application/x-zip-compressed")],
    ))

    # An attachment with no name at all, and one whose name and content type
    # say PDF although it is a workbook.
    nl = "\r\n"
    (OUT / "no-name-lang-giang.eml").write_bytes(outlook(
        "SG2PR01MB0005NoName", "ubndxa.langgiang@laocai.gov.vn", 18, 8, 0,
        "Báo cáo", "Gửi báo cáo.",
        [attachment(good("LangGiang_BaoCao_MaiDam_2023.xlsx"), nl, ctype="application/octet-stream",
                    disposition="attachment")],
    ))
    (OUT / "misleading-type-tham-duong.eml").write_bytes(outlook(
        "SG2PR01MB0006Pdf", "ubndxa.thamduong@laocai.gov.vn", 18, 8, 30,
        "Báo cáo PCMD Thẩm Dương", "Gửi báo cáo.",
        [outlook_attachment(good("bao cao pcmd Tham Duong.xlsx"), "Báo cáo Thẩm Dương.pdf", ctype="application/pdf")],
    ))

    # A zip bomb: 20 MB of zeros in a few KB, named like a report.
    bomb = zip_bytes([("bao-cao-nam-chay.xlsx", bytes(20 * 1024 * 1024))], level=9)
    assert len(bomb) < 40_000, len(bomb)
    (OUT / "zip-bomb-nam-chay.eml").write_bytes(outlook(
        "SG2PR01MB0007Bomb", "ubndxa.namchay@laocai.gov.vn", 18, 9, 0,
        "Báo cáo PCMD Nậm Chầy", "Gửi báo cáo.",
        [outlook_attachment(bomb, "bao cao nam chay.zip", ctype="application/zip")],
    ))

    # A password-protected zip.
    locked = zipcrypto_zip("BC_PCMD_2023_NamTha.xlsx", good("BC_PCMD_2023_NamTha.xlsx"), b"namtha2023")
    (OUT / "zip-password-nam-tha.eml").write_bytes(outlook(
        "SG2PR01MB0008Pwd", "ubndxa.namtha@laocai.gov.vn", 18, 9, 30,
        "Báo cáo PCMD Nậm Tha (mật khẩu gửi sau)", "Mật khẩu em gửi qua Zalo.",
        [outlook_attachment(locked, "BC_PCMD_2023_NamTha.zip", ctype="application/zip")],
    ))

    # A "spreadsheet" in name only: text saved as .xlsx.
    (OUT / "name-only-nam-rang.eml").write_bytes(outlook(
        "SG2PR01MB0009Txt", "ubndxa.namrang@laocai.gov.vn", 18, 10, 0,
        "Báo cáo PCMD Nậm Rạng", "Gửi báo cáo.",
        [outlook_attachment("Số cơ sở: 2\nSố buổi tuyên truyền: 1\n".encode(), "Báo cáo PCMD Nậm Rạng.xlsx",
                            ctype=XLSX)],
    ))

    # Hostile attachment names: each a distinct copy of Minh Lương's report
    # (different zip comments), so that every one goes through the saving path.
    minh_luong = good("Minh Luong PCMD 2023 (final).xlsx")
    hostile = [
        "../../evil.xlsx",
        "/etc/passwd.xlsx",
        "C:\\Windows\\System32\\x.xlsx",
        "CON.xlsx",
        "nul",
        "bad\x01name\x7f\x1b[31m.xlsx",
        "M" * 300 + ".xlsx",
    ]
    parts = []
    for i, name in enumerate(hostile):
        data = with_zip_comment(minh_luong, f"copy {i}".encode())
        quoted = name.replace("\\", "\\\\").replace('"', '\\"')
        parts.append(render([
            ("Content-Type", f"{XLSX}"),
            ("Content-Disposition", f'attachment; filename="{quoted}"' if name.isprintable()
             else f"attachment; filename*={rfc2231(name)}"),
            ("Content-Transfer-Encoding", "base64"),
        ], b64_lines(data), nl))
    (OUT / "hostile-names-minh-luong.eml").write_bytes(outlook(
        "SG2PR01MB0010Evil", "ubndxa.minhluong@laocai.gov.vn", 18, 11, 0,
        "Báo cáo PCMD Minh Lương", "Gửi báo cáo.", parts,
    ))

    # Not a message at all.
    (OUT / "malformed.eml").write_bytes(bytes(range(256)) * 4)

    print(f"wrote {len(list(OUT.glob('*.e*')) + list(OUT.glob('*.mbox')))} files to {OUT}")


if __name__ == "__main__":
    main()
