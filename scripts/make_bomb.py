#!/usr/bin/env python3
"""Writes tests/fixtures/hostile/bomb-3gib.xlsx: a real zip bomb shaped like an
xlsx. Its worksheet part inflates to 3 GiB of XML whitespace (about 3 MB on
disk). tonghop must refuse it from the zip central directory, before inflating
anything. Deterministic: fixed timestamps, fixed compression level."""
import pathlib
import zipfile

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests/fixtures/hostile/bomb-3gib.xlsx"
SIZE = 3 * 1024 ** 3
CHUNK = 64 * 1024 * 1024
STAMP = (2024, 1, 1, 0, 0, 0)

PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Biểu 01" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}

def main():
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(OUT, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in PARTS.items():
            z.writestr(zipfile.ZipInfo(name, STAMP), text)
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", STAMP)
        info.compress_type = zipfile.ZIP_DEFLATED
        head = b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        with z.open(info, "w", force_zip64=True) as f:
            f.write(head)
            chunk = b" " * CHUNK
            written = len(head)
            while written < SIZE:
                n = min(CHUNK, SIZE - written)
                f.write(chunk[:n])
                written += n
    print(OUT, OUT.stat().st_size)

if __name__ == "__main__":
    main()
