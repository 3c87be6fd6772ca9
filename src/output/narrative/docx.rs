//! The report as .docx (docx-rs), in the format of Nghị định 30/2020/NĐ-CP:
//! A4, Times New Roman 14 pt (13 pt in the heading block), margins 20 mm
//! top and bottom, 30 mm left, 15 mm right; a borderless two-column table
//! for the issuing body and number (left) and the national motto and the
//! place and date (right); "BÁO CÁO" and the subject centred; the body
//! justified with a first-line indent; a borderless table for "Nơi nhận:"
//! (left) and the signature block (right). The bytes are the same for the
//! same document: the package dates are fixed, and docx-rs numbers the
//! paragraphs afresh for each document (tested below).

use docx_rs::{
    AlignmentType, BorderType, Docx, LineSpacing, PageMargin, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType, Table, TableCell,
    TableRow, WidthType,
};

use super::{Block, Document, Span};
use crate::output::OutputError;

/// Twentieths of a point per millimetre (1440 per inch).
const TWIPS_PER_MM: f64 = 1440.0 / 25.4;
const PAGE_WIDTH_MM: f64 = 210.0;
const PAGE_HEIGHT_MM: f64 = 297.0;
const MARGIN_TOP_MM: f64 = 20.0;
const MARGIN_BOTTOM_MM: f64 = 20.0;
const MARGIN_LEFT_MM: f64 = 30.0;
const MARGIN_RIGHT_MM: f64 = 15.0;
const FONT: &str = "Times New Roman";
/// Sizes in half-points.
const BODY_SIZE: usize = 28;
const HEADING_SIZE: usize = 26;
/// The national title's size: 12 pt, so that it holds on one line.
const MOTTO_SIZE: usize = 24;
const SMALL_SIZE: usize = 24;
const RECIPIENT_SIZE: usize = 22;
/// The first-line indent of the body: 1 cm.
const FIRST_LINE: i32 = 567;
/// A fixed date for the package's core properties.
const FIXED_DATE: &str = "2000-01-01T00:00:00Z";

fn twips(mm: f64) -> i32 {
    (mm * TWIPS_PER_MM).round() as i32
}

/// The text width between the margins, in twips.
fn text_width() -> usize {
    twips(PAGE_WIDTH_MM - MARGIN_LEFT_MM - MARGIN_RIGHT_MM) as usize
}

/// The .docx bytes of the document.
pub(crate) fn bytes(doc: &Document) -> Result<Vec<u8>, OutputError> {
    let mut docx = Docx::new()
        .page_size(twips(PAGE_WIDTH_MM) as u32, twips(PAGE_HEIGHT_MM) as u32)
        .page_margin(
            PageMargin::new()
                .top(twips(MARGIN_TOP_MM))
                .bottom(twips(MARGIN_BOTTOM_MM))
                .left(twips(MARGIN_LEFT_MM))
                .right(twips(MARGIN_RIGHT_MM))
                .header(twips(10.0))
                .footer(twips(10.0)),
        )
        .default_fonts(fonts())
        .default_size(BODY_SIZE)
        .created_at(FIXED_DATE)
        .updated_at(FIXED_DATE)
        .add_table(heading_block(doc))
        .add_paragraph(Paragraph::new());
    docx = docx
        .add_paragraph(centred(&doc.kind, BODY_SIZE, true, false))
        .add_paragraph(centred(&doc.subject, BODY_SIZE, true, false))
        .add_paragraph(short_rule(text_width(), 2400))
        .add_paragraph(Paragraph::new());
    for block in &doc.body {
        docx = docx.add_paragraph(body_block(block));
    }
    docx = docx
        .add_paragraph(Paragraph::new().line_spacing(tight()))
        .add_table(closing_block(doc));
    let mut out = std::io::Cursor::new(Vec::new());
    docx.build().pack(&mut out).map_err(|e| {
        OutputError::Report(crate::model::finding::Msg::new(
            format!("không ghi được tệp .docx của báo cáo: {e}"),
            format!("cannot write the report's .docx: {e}"),
        ))
    })?;
    Ok(out.into_inner())
}

fn fonts() -> RunFonts {
    RunFonts::new()
        .ascii(FONT)
        .hi_ansi(FONT)
        .east_asia(FONT)
        .cs(FONT)
}

fn run(text: &str, size: usize, bold: bool, italic: bool) -> Run {
    let mut r = Run::new().add_text(text).size(size).fonts(fonts());
    if bold {
        r = r.bold();
    }
    if italic {
        r = r.italic();
    }
    r
}

fn tight() -> LineSpacing {
    LineSpacing::new().before(0).after(0)
}

fn centred(text: &str, size: usize, bold: bool, italic: bool) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, size, bold, italic))
        .align(AlignmentType::Center)
        .line_spacing(tight())
}

/// A horizontal line as wide as the paragraph (see `short_rule`).
fn rule() -> Paragraph {
    let mut p = Paragraph::new()
        .align(AlignmentType::Center)
        .line_spacing(LineSpacing::new().before(80).after(0).line(120));
    // Only the top side: docx-rs's default borders would box the paragraph.
    p.property = p.property.set_borders(
        ParagraphBorders::with_empty().set(
            ParagraphBorder::new(ParagraphBorderPosition::Top)
                .val(BorderType::Single)
                .size(6)
                .space(1)
                .color("000000"),
        ),
    );
    p
}

fn cell(width: usize, paragraphs: Vec<Paragraph>) -> TableCell {
    paragraphs
        .into_iter()
        .fold(TableCell::new().width(width, WidthType::Dxa), |c, p| {
            c.add_paragraph(p)
        })
}

/// Issuing body and number on the left, motto, place and date on the right.
fn heading_block(doc: &Document) -> Table {
    let left_w = text_width() * 3 / 8;
    let right_w = text_width() - left_w;
    let motto = Paragraph::new()
        .add_run(run(&doc.motto[1], BODY_SIZE, true, false).underline("single"))
        .align(AlignmentType::Center)
        .line_spacing(tight());
    let left = vec![
        centred(&doc.issuing_body, HEADING_SIZE, true, false),
        short_rule(left_w, 1200),
        centred(&doc.number, HEADING_SIZE, false, false),
    ];
    let right = vec![
        centred(&doc.motto[0], MOTTO_SIZE, true, false),
        motto,
        Paragraph::new().line_spacing(tight()),
        centred(&doc.place_date, BODY_SIZE, false, true),
    ];
    Table::without_borders(vec![TableRow::new(vec![
        cell(left_w, left),
        cell(right_w, right),
    ])])
    .set_grid(vec![left_w, right_w])
    .width(text_width(), WidthType::Dxa)
}

/// A rule `length` twips long, centred in a cell `cell_width` wide.
fn short_rule(cell_width: usize, length: usize) -> Paragraph {
    let side = (cell_width.saturating_sub(length) / 2) as i32;
    rule().indent(Some(side), None, Some(side), None)
}

fn body_block(block: &Block) -> Paragraph {
    let (spans, bold_all, prefix) = match block {
        Block::Heading(s) => (s, true, ""),
        Block::Paragraph(s) => (s, false, ""),
        Block::Item(s) => (s, false, "- "),
    };
    let mut p = Paragraph::new()
        .align(AlignmentType::Both)
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(FIRST_LINE)),
            None,
            None,
        )
        .line_spacing(
            LineSpacing::new()
                .before(0)
                .after(120)
                .line(240)
                .line_rule(docx_rs::LineSpacingType::Auto),
        );
    if !prefix.is_empty() {
        p = p.add_run(run(prefix, BODY_SIZE, bold_all, false));
    }
    for Span { text, bold, italic } in spans {
        p = p.add_run(run(text, BODY_SIZE, *bold || bold_all, *italic));
    }
    p
}

/// "Nơi nhận:" and its lines on the left, the signature block on the right.
fn closing_block(doc: &Document) -> Table {
    let (left_w, right_w) = (text_width() / 2, text_width() - text_width() / 2);
    let mut left = vec![
        Paragraph::new()
            .add_run(run(&doc.recipients_label, SMALL_SIZE, true, true))
            .line_spacing(tight()),
    ];
    for r in &doc.recipients {
        left.push(
            Paragraph::new()
                .add_run(run(&format!("- {r}"), RECIPIENT_SIZE, false, false))
                .line_spacing(tight()),
        );
    }
    let mut right: Vec<Paragraph> = doc
        .signature
        .iter()
        .map(|line| centred(line, BODY_SIZE, true, false))
        .collect();
    for _ in 0..4 {
        right.push(Paragraph::new().line_spacing(tight()));
    }
    right.push(centred(&doc.signer, BODY_SIZE, true, false));
    // The signature never stands on a page apart from its recipients.
    Table::without_borders(vec![
        TableRow::new(vec![cell(left_w, left), cell(right_w, right)]).cant_split(),
    ])
    .set_grid(vec![left_w, right_w])
    .width(text_width(), WidthType::Dxa)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::finding::Lang;

    fn document() -> Document {
        let span = |text: &str| Span {
            text: text.to_string(),
            bold: false,
            italic: false,
        };
        Document {
            lang: Lang::Vi,
            issuing_body: "UBND HUYỆN VĂN BÀN".to_string(),
            motto: ["CỘNG HÒA".to_string(), "Độc lập".to_string()],
            number: "Số: ……/BC-UBND".to_string(),
            place_date: "Văn Bàn, ngày …… tháng …… năm 2024".to_string(),
            kind: "BÁO CÁO".to_string(),
            subject: "Chủ đề".to_string(),
            body: vec![
                Block::Heading(vec![span("I. KẾT QUẢ")]),
                Block::Paragraph(vec![span("Có 44 cơ sở & 1 <nhà> \"nghỉ\".")]),
                Block::Item(vec![span("một")]),
            ],
            recipients_label: "Nơi nhận:".to_string(),
            recipients: vec!["Lưu: VT.".to_string()],
            signature: vec!["CHỦ TỊCH".to_string()],
            signer: "……".to_string(),
        }
    }

    #[test]
    fn the_same_document_gives_the_same_bytes_in_one_process() {
        // docx-rs numbers paragraphs with a per-thread counter that it
        // resets for each document: a second build on the thread is the same.
        let first = bytes(&document()).unwrap();
        let second = bytes(&document()).unwrap();
        assert!(first == second, "two builds of one document differ");
    }

    #[test]
    fn text_is_escaped_in_the_xml() {
        let raw = bytes(&document()).unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(raw)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml)
            .unwrap();
        assert!(xml.contains("Có 44 cơ sở &amp; 1 &lt;nhà&gt;"), "{xml}");
    }
}
