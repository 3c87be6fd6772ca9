//! The report's Markdown: the small subset a report template writes —
//! paragraphs separated by blank lines (a paragraph's lines are joined),
//! "# " / "## " headings, "- " list items, `**bold**` and `*italic*` — read
//! into blocks, and the whole document written back as a .md file.

use super::{Block, Document, Span};

/// The rendered template's text as blocks.
pub(crate) fn parse(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    let flush = |lines: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if !lines.is_empty() {
            blocks.push(Block::Paragraph(spans(&lines.join(" "))));
            lines.clear();
        }
    };
    for raw in text.lines() {
        let line = raw.trim();
        if line.is_empty() {
            flush(&mut lines, &mut blocks);
        } else if let Some(heading) = heading(line) {
            flush(&mut lines, &mut blocks);
            blocks.push(Block::Heading(spans(heading)));
        } else if let Some(item) = line.strip_prefix("- ") {
            flush(&mut lines, &mut blocks);
            blocks.push(Block::Item(spans(item.trim())));
        } else {
            lines.push(line);
        }
    }
    flush(&mut lines, &mut blocks);
    blocks
}

fn heading(line: &str) -> Option<&str> {
    let text = line.trim_start_matches('#');
    (text.len() < line.len() && text.starts_with(' ')).then(|| text.trim())
}

/// `**bold**` and `*italic*` runs; an unmatched marker stays as typed.
pub(crate) fn spans(text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let (mut bold, mut italic) = (false, false);
    let mut current = String::new();
    let mut rest = text;
    while !rest.is_empty() {
        let (marker, toggles_bold) = if rest.starts_with("**") {
            ("**", true)
        } else if rest.starts_with('*') {
            ("*", false)
        } else {
            let c = rest.chars().next().expect("not empty");
            current.push(c);
            rest = &rest[c.len_utf8()..];
            continue;
        };
        let after = &rest[marker.len()..];
        let open = if toggles_bold { bold } else { italic };
        if !open && !after.contains(marker) {
            current.push_str(marker);
            rest = after;
            continue;
        }
        push(&mut out, &mut current, bold, italic);
        if toggles_bold {
            bold = !bold;
        } else {
            italic = !italic;
        }
        rest = after;
    }
    push(&mut out, &mut current, bold, italic);
    out
}

fn push(out: &mut Vec<Span>, text: &mut String, bold: bool, italic: bool) {
    if !text.is_empty() {
        out.push(Span {
            text: std::mem::take(text),
            bold,
            italic,
        });
    }
}

/// Spans back to Markdown.
fn inline(spans: &[Span]) -> String {
    spans
        .iter()
        .map(|s| match (s.bold, s.italic) {
            (true, true) => format!("***{}***", s.text),
            (true, false) => format!("**{}**", s.text),
            (false, true) => format!("*{}*", s.text),
            (false, false) => s.text.clone(),
        })
        .collect()
}

/// The whole document as Markdown, in the layout's order.
pub(crate) fn write(doc: &Document) -> String {
    let mut out = String::new();
    out.push_str(&format!("**{}**  \n{}\n\n", doc.issuing_body, doc.number));
    out.push_str(&format!("**{}**  \n**{}**\n\n", doc.motto[0], doc.motto[1]));
    out.push_str(&format!("*{}*\n\n", doc.place_date));
    out.push_str(&format!("# {}\n\n**{}**\n\n", doc.kind, doc.subject));
    for block in &doc.body {
        match block {
            Block::Heading(s) => out.push_str(&format!("## {}\n\n", inline(s))),
            Block::Paragraph(s) => out.push_str(&format!("{}\n\n", inline(s))),
            Block::Item(s) => out.push_str(&format!("- {}\n", inline(s))),
        }
    }
    if matches!(doc.body.last(), Some(Block::Item(_))) {
        out.push('\n');
    }
    out.push_str(&format!("***{}***\n\n", doc.recipients_label));
    for r in &doc.recipients {
        out.push_str(&format!("- {r}\n"));
    }
    out.push('\n');
    for line in &doc.signature {
        out.push_str(&format!("**{line}**  \n"));
    }
    out.push_str(&format!("\n{}\n", doc.signer));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(text: &str) -> Span {
        Span {
            text: text.to_string(),
            bold: false,
            italic: false,
        }
    }

    #[test]
    fn paragraphs_headings_and_items() {
        let blocks = parse("# I. KẾT QUẢ\n\nDòng một\ndòng hai.\n\n- a\n- b\n\n\nCuối.");
        assert_eq!(
            blocks,
            vec![
                Block::Heading(vec![plain("I. KẾT QUẢ")]),
                Block::Paragraph(vec![plain("Dòng một dòng hai.")]),
                Block::Item(vec![plain("a")]),
                Block::Item(vec![plain("b")]),
                Block::Paragraph(vec![plain("Cuối.")]),
            ]
        );
    }

    #[test]
    fn bold_and_italic_runs() {
        let s = spans("Có **44/44** cơ sở *đã ký* 5 * 3");
        let texts: Vec<(&str, bool, bool)> = s
            .iter()
            .map(|s| (s.text.as_str(), s.bold, s.italic))
            .collect();
        assert_eq!(
            texts,
            vec![
                ("Có ", false, false),
                ("44/44", true, false),
                (" cơ sở ", false, false),
                ("đã ký", false, true),
                (" 5 * 3", false, false),
            ]
        );
    }
}
