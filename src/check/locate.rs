//! Locate: find where the schema's sheets, header rows, form rows and list
//! columns are in a workbook, by their labels and never by fixed cells.
//! Communes insert rows, delete or swap columns, rename sheets and retype
//! labels; everything here compares normalised text (see `text.rs`).

use std::borrow::Cow;
use std::collections::HashMap;
use std::rc::Rc;

use crate::check::value_columns::{self, ColumnHit};
use crate::model::book::{Book, Cell, Sheet};
use crate::model::finding::{Code, Finding, Location};
use crate::model::messages;
use crate::model::schema::{FieldDef, FieldType, Schema, SheetDef, SheetKind};
pub(crate) use crate::model::text::without_parentheses;
use crate::model::text::{TextKeys, clean, clean_cow, keys, label_key, loose_key};

/// Header rows are looked for this far down a sheet.
const HEADER_SEARCH_ROWS: u32 = 40;

#[derive(Clone, Debug)]
pub(crate) struct FormPlace {
    pub def: usize,
    pub sheet: usize,
    pub header_row: u32,
    pub value_col: u32,
    /// A sheet with several value columns: where each of them is (in the
    /// order of the schema's `value_columns`; `None` when not found).
    pub value_cols: Vec<Option<u32>>,
    /// Field id → row of that field.
    pub rows: HashMap<String, u32>,
}

impl FormPlace {
    /// The column a field's value is in: its own value column when the row
    /// has several, else the sheet's value column.
    pub(crate) fn col_of(&self, field: &FieldDef) -> Option<u32> {
        match &field.column {
            Some(c) => self.value_cols.get(c.index).copied().flatten(),
            None => Some(self.value_col),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct ListPlace {
    pub def: usize,
    pub sheet: usize,
    pub header_row: u32,
    /// Field id → column.
    pub cols: HashMap<String, u32>,
    /// Rows holding one record each.
    pub rows: Vec<u32>,
    /// Fields split over sub-columns (`split_by`): field id → each
    /// sub-column with the choice its header names ("Nam", "Nữ").
    pub splits: HashMap<String, Vec<(u32, String)>>,
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Layout {
    pub forms: Vec<FormPlace>,
    pub lists: Vec<ListPlace>,
}

impl Layout {
    /// Book sheets that were recognised, with the row their table starts at.
    pub(crate) fn found_sheets(&self) -> Vec<(usize, u32)> {
        let mut v: Vec<(usize, u32)> = self
            .forms
            .iter()
            .map(|f| (f.sheet, f.header_row))
            .chain(self.lists.iter().map(|l| (l.sheet, l.header_row)))
            .collect();
        v.sort();
        v
    }
}

/// A header label's keys, with the trailing space that `starts_with` needs
/// ("Số liệu năm 2023" says "Số liệu").
#[derive(Debug)]
pub(super) struct HeaderKey {
    exact: String,
    loose: String,
}

impl HeaderKey {
    fn of(label: &str) -> Self {
        HeaderKey {
            exact: label_key(label),
            loose: loose_key(label),
        }
    }

    fn said_by(&self, key: &str, loose: &str) -> bool {
        let says = |k: &str, c: &str| {
            k == c || (k.len() > c.len() && k.starts_with(c) && k.as_bytes()[c.len()] == b' ')
        };
        says(key, &self.exact) || says(loose, &self.loose)
    }
}

/// Whether a header cell says one of `labels` as the locator reads headers:
/// equal to it or starting with it, ignoring case and punctuation, with a
/// diacritics-free fallback ("Số liệu năm 2023" says "Số liệu").
pub(crate) fn header_says(cell: &str, labels: &[String]) -> bool {
    let (key, loose) = (label_key(cell), loose_key(cell));
    !key.is_empty() && header_keys(labels).iter().any(|k| k.said_by(&key, &loose))
}

fn header_keys(labels: &[String]) -> Vec<HeaderKey> {
    labels.iter().map(|l| HeaderKey::of(l)).collect()
}

/// The four keys a form label is compared by.
#[derive(Debug)]
struct LabelKeys {
    exact: String,
    exact_np: String,
    loose: String,
    loose_np: String,
    /// Characters in `loose_np`, to skip similarities that cannot reach a
    /// threshold.
    loose_np_chars: usize,
}

impl LabelKeys {
    fn of(label: &str) -> Self {
        let keys = keys(label);
        let bare = keys.bare();
        LabelKeys {
            exact: keys.exact().to_string(),
            exact_np: bare.exact().to_string(),
            loose: keys.loose().to_string(),
            loose_np_chars: bare.loose().chars().count(),
            loose_np: bare.loose().to_string(),
        }
    }
}

/// A row's label as the form rows are matched by: its keys (the text's
/// own and, in `bare`, without parentheses).
struct RowLabel {
    keys: Rc<TextKeys>,
    /// Characters in `loose_np`, counted when a similarity needs them.
    loose_np_chars: std::cell::OnceCell<usize>,
}

impl RowLabel {
    fn of(label: &str) -> Self {
        RowLabel {
            keys: keys(label),
            loose_np_chars: std::cell::OnceCell::new(),
        }
    }

    fn loose_np_chars(&self) -> usize {
        *self
            .loose_np_chars
            .get_or_init(|| self.loose_np().chars().count())
    }

    fn exact(&self) -> &str {
        self.keys.exact()
    }

    fn loose(&self) -> &str {
        self.keys.loose()
    }

    fn exact_np(&self) -> &str {
        self.keys.bare().exact()
    }

    fn loose_np(&self) -> &str {
        self.keys.bare().loose()
    }
}

/// Every key the locator compares the schema's labels by, computed once per
/// schema: a province's run locates the same labels in thousands of files.
#[derive(Debug)]
pub(crate) struct SchemaKeys {
    sheets: Vec<SheetKeys>,
}

#[derive(Debug)]
struct SheetKeys {
    label_col: Vec<HeaderKey>,
    value_col: Vec<HeaderKey>,
    /// Per declared value column: its label and aliases.
    value_columns: Vec<Vec<HeaderKey>>,
    code_col: Vec<HeaderKey>,
    /// Per field: its label and aliases, as form rows and as list headers.
    fields: Vec<Vec<LabelKeys>>,
    field_headers: Vec<Vec<HeaderKey>>,
    field_codes: Vec<Option<String>>,
    title: Option<String>,
    names: Vec<String>,
}

impl SchemaKeys {
    pub(crate) fn of(schema: &Schema) -> std::sync::Arc<SchemaKeys> {
        let keys = schema
            .label_keys
            .get_or_init(|| std::sync::Arc::new(SchemaKeys::build(schema)))
            .clone();
        // Only this function fills the slot, so the type always matches.
        keys.downcast::<SchemaKeys>()
            .expect("Schema::label_keys holds SchemaKeys")
    }

    fn build(schema: &Schema) -> SchemaKeys {
        let sheets = schema
            .sheets
            .iter()
            .map(|def| SheetKeys {
                label_col: header_keys(&def.columns.label),
                value_col: header_keys(&def.columns.value),
                value_columns: def
                    .value_columns
                    .iter()
                    .map(|c| {
                        header_keys(
                            &std::iter::once(&c.label)
                                .chain(&c.aliases)
                                .cloned()
                                .collect::<Vec<_>>(),
                        )
                    })
                    .collect(),
                code_col: header_keys(&def.columns.code),
                fields: def
                    .fields
                    .iter()
                    .map(|f| label_variants(f).map(|v| LabelKeys::of(v)).collect())
                    .collect(),
                field_headers: def
                    .fields
                    .iter()
                    .map(|f| label_variants(f).map(|v| HeaderKey::of(v)).collect())
                    .collect(),
                field_codes: def
                    .fields
                    .iter()
                    .map(|f| f.code.as_deref().map(normalize_code))
                    .collect(),
                title: def.title.as_deref().map(loose_key),
                names: std::iter::once(&def.name)
                    .chain(&def.aliases)
                    .map(|n| loose_key(n))
                    .collect(),
            })
            .collect();
        SchemaKeys { sheets }
    }
}

/// "5.1." → "5.1", "5,1" → "5.1", " ii " → "II".
pub(crate) fn normalize_code(text: &str) -> String {
    let s: String = clean(text).chars().filter(|c| !c.is_whitespace()).collect();
    s.replace(',', ".").trim_end_matches('.').to_uppercase()
}

fn label_variants(field: &FieldDef) -> impl Iterator<Item = &String> {
    std::iter::once(&field.label).chain(field.aliases.iter())
}

/// The field's label or an alias is the row's label, with or without
/// diacritics (the first two tiers of `match_form_row`).
fn label_is(keys: &SheetKeys, i: usize, row: &RowLabel, loose: bool) -> bool {
    keys.fields[i].iter().any(|v| {
        if loose {
            !row.loose().is_empty() && (v.loose == row.loose() || v.loose_np == row.loose_np())
        } else {
            !v.exact.is_empty() && (v.exact == row.exact() || v.exact_np == row.exact_np())
        }
    })
}

/// Which of the schema's form fields a row's label and STT code name.
/// `free` says which fields this row may still take.
fn match_form_row(
    label: &str,
    code: &str,
    keys: &SheetKeys,
    free: impl Fn(usize) -> bool,
) -> Option<usize> {
    let n = keys.fields.len();
    let free = |i: &usize| free(*i);
    let row = RowLabel::of(label);
    if row.exact().is_empty() && code.is_empty() {
        return None;
    }
    let tier1 = (0..n)
        .filter(free)
        .find(|&i| label_is(keys, i, &row, false));
    if tier1.is_some() {
        return tier1;
    }
    let tier2 = (0..n).filter(free).find(|&i| label_is(keys, i, &row, true));
    if tier2.is_some() {
        return tier2;
    }
    if !code.is_empty() {
        let by_code = (0..n)
            .filter(free)
            .find(|&i| keys.field_codes[i].as_deref() == Some(code));
        // The STT code alone names the field only when the label does not
        // say otherwise.
        if let Some(i) = by_code
            && (row.loose().is_empty() || similarity_above(keys, i, &row, 0.0) >= 0.75)
        {
            return Some(i);
        }
    }
    if row.loose().is_empty() {
        return None;
    }
    typo_match(keys, &row, (0..n).filter(free))
}

/// Similarity at or above which a retyped label with a typo or two is
/// taken for the field's.
const TYPO: f64 = 0.93;

/// Whether a label variant can reach `floor` against the row's label at all.
/// Jaro-Winkler ≤ 0.6 · (2 + shorter/longer) / 3 + 0.4, so labels whose
/// lengths differ by more than this cannot reach it; skipping them saves
/// the comparison.
fn reachable(v: &LabelKeys, row: &RowLabel, floor: f64) -> bool {
    let (a, b) = (v.loose_np_chars.max(1), row.loose_np_chars().max(1));
    let ratio = a.min(b) as f64 / a.max(b) as f64;
    0.6 * (2.0 + ratio) / 3.0 + 0.4 >= floor
}

/// The best similarity of field `i`'s label variants to the row's label,
/// among those that can reach `floor` (0 when none can).
fn similarity_above(keys: &SheetKeys, i: usize, row: &RowLabel, floor: f64) -> f64 {
    keys.fields[i]
        .iter()
        .filter(|v| reachable(v, row, floor))
        .map(|v| strsim::jaro_winkler(&v.loose_np, row.loose_np()))
        .fold(0.0, f64::max)
}

/// A retyped label with a typo or two: the one free field at or above the
/// typo threshold, and strictly best; a tie is no match rather than a guess.
fn typo_match(
    keys: &SheetKeys,
    row: &RowLabel,
    free: impl Iterator<Item = usize>,
) -> Option<usize> {
    let mut scored: Vec<(f64, usize)> = free
        .map(|i| (similarity_above(keys, i, row, TYPO), i))
        .collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    match scored.as_slice() {
        [(best, i), rest @ ..] if *best >= TYPO && rest.first().is_none_or(|(s, _)| s < best) => {
            Some(*i)
        }
        _ => None,
    }
}

struct FormHeader {
    row: u32,
    code_col: Option<u32>,
    label_col: u32,
    value_col: u32,
    /// Other columns whose header says "Số liệu" just as well.
    rival_value_cols: Vec<u32>,
    /// A sheet with several value columns: where each is.
    columns: Vec<ColumnHit>,
}

/// Rows whose labels are looked at to recognise a sheet.
const LABEL_SCAN_ROWS: u32 = 200;

/// One text cell of a sheet's top rows with its keys.
pub(super) struct TextCell {
    pub(super) row: u32,
    pub(super) col: u32,
    keys: Rc<TextKeys>,
    /// Whether the text has a "(": its label is then compared without the
    /// parenthesised part.
    parenthesised: bool,
}

impl TextCell {
    /// `label_key` of the text.
    pub(super) fn exact(&self) -> &str {
        self.keys.exact()
    }

    /// `loose_key` of the text.
    pub(super) fn loose(&self) -> &str {
        self.keys.loose()
    }

    /// `loose_key` of the text without its parenthesised part.
    fn loose_np(&self) -> &str {
        if self.parenthesised {
            self.keys.bare().loose()
        } else {
            self.keys.loose()
        }
    }
}

/// The keys of the text in a sheet's top rows, computed once per sheet and
/// shared by every test of every schema sheet against it.
pub(super) struct SheetText {
    cells: Vec<TextCell>,
}

impl SheetText {
    fn of(sheet: &Sheet) -> SheetText {
        let cells = sheet
            .text_cells()
            .take_while(|((row, _), _)| *row < LABEL_SCAN_ROWS)
            .map(|((row, col), t)| TextCell {
                row,
                col,
                keys: keys(t),
                parenthesised: t.contains('('),
            })
            .collect();
        SheetText { cells }
    }

    pub(super) fn row(&self, row: u32) -> &[TextCell] {
        let start = self.cells.partition_point(|c| c.row < row);
        let end = self.cells.partition_point(|c| c.row <= row);
        &self.cells[start..end]
    }
}

fn first_col_hit(
    text: &SheetText,
    row: u32,
    candidates: &[HeaderKey],
    except: &[u32],
) -> Option<u32> {
    text.row(row)
        .iter()
        .find(|c| {
            !except.contains(&c.col)
                && !c.exact().is_empty()
                && candidates.iter().any(|k| k.said_by(c.exact(), c.loose()))
        })
        .map(|c| c.col)
}

/// The columns of a row whose header says one of `candidates` best: exact
/// labels before labels that merely start the cell.
pub(super) fn best_cols(
    text: &SheetText,
    row: u32,
    candidates: &[HeaderKey],
    except: &[u32],
) -> Vec<u32> {
    let strength = |c: &TextCell| {
        candidates
            .iter()
            .map(|k| k.strength(c.exact(), c.loose()))
            .max()
            .unwrap_or(0)
    };
    let cells: Vec<(u32, u32)> = text
        .row(row)
        .iter()
        .filter(|c| !except.contains(&c.col) && !c.exact().is_empty())
        .map(|c| (c.col, strength(c)))
        .filter(|(_, s)| *s > 0)
        .collect();
    let best = cells.iter().map(|(_, s)| *s).max().unwrap_or(0);
    cells
        .into_iter()
        .filter(|(_, s)| *s == best)
        .map(|(c, _)| c)
        .collect()
}

fn find_form_header(sheet: &Sheet, text: &SheetText, keys: &SheetKeys) -> Option<FormHeader> {
    for row in 0..HEADER_SEARCH_ROWS.min(sheet.row_end()) {
        let Some(label_col) = first_col_hit(text, row, &keys.label_col, &[]) else {
            continue;
        };
        if !keys.value_columns.is_empty() {
            match several_value_columns(text, row, label_col, keys) {
                Some(header) => return Some(header),
                None => continue,
            }
        }
        // A two-row header keeps "Số liệu" under a merged cell in the next row.
        for value_row in [row, row + 1] {
            let value_cols = best_cols(text, value_row, &keys.value_col, &[label_col]);
            if let [value_col, rivals @ ..] = value_cols.as_slice() {
                let value_col = *value_col;
                let code_col = first_col_hit(text, row, &keys.code_col, &[label_col, value_col]);
                return Some(FormHeader {
                    row: value_row,
                    code_col,
                    label_col,
                    value_col,
                    rival_value_cols: rivals.to_vec(),
                    columns: Vec::new(),
                });
            }
        }
    }
    None
}

/// The header of a sheet with several value columns: the label column's
/// row, or the row under it (a merged "Số liệu" over "Kỳ này | Cùng kỳ"),
/// whichever names more of the columns.
fn several_value_columns(
    text: &SheetText,
    row: u32,
    label_col: u32,
    keys: &SheetKeys,
) -> Option<FormHeader> {
    let (value_row, columns) = [row, row + 1]
        .into_iter()
        .map(|r| {
            (
                r,
                value_columns::column_hits(text, r, &keys.value_columns, label_col),
            )
        })
        .max_by_key(|(r, hits)| (value_columns::named(hits), std::cmp::Reverse(*r)))?;
    let found: Vec<u32> = columns.iter().filter_map(ColumnHit::col).collect();
    if value_columns::named(&columns) == 0 {
        return None;
    }
    let mut except = found.clone();
    except.push(label_col);
    Some(FormHeader {
        row: value_row,
        code_col: first_col_hit(text, row, &keys.code_col, &except),
        label_col,
        value_col: found.first().copied().unwrap_or(label_col),
        rival_value_cols: Vec::new(),
        columns,
    })
}

/// "Số lượng | Giá trị": two columns that could each be the values. The
/// first is read, and the file is refused until one is left.
fn rival_value_columns(sheet: &Sheet, header: &FormHeader) -> Option<Finding> {
    if header.rival_value_cols.is_empty() {
        return None;
    }
    let a1 = |c: u32| {
        Location::cell(&sheet.name, header.row, c)
            .a1()
            .unwrap_or_default()
    };
    let read = a1(header.value_col);
    let cells: Vec<String> = std::iter::once(header.value_col)
        .chain(header.rival_value_cols.iter().copied())
        .map(a1)
        .collect();
    Some(
        Finding::new(
            Code::HeaderAmbiguous,
            messages::value_column_ambiguous(&sheet.name, &cells, &read),
        )
        .at(Location::cell(&sheet.name, header.row, header.value_col))
        .value(cells.join(", ")),
    )
}

pub(crate) fn cell_text(sheet: &Sheet, row: u32, col: u32) -> String {
    cell_text_cow(sheet, row, col).into_owned()
}

/// `cell_text`, borrowing a text cell that is clean already.
fn cell_text_cow(sheet: &Sheet, row: u32, col: u32) -> Cow<'_, str> {
    match sheet.get(row, col) {
        Cell::Empty => Cow::Borrowed(""),
        Cell::Text(t) => clean_cow(t),
        other => Cow::Owned(clean(&other.as_text())),
    }
}

/// Counts how many field labels appear anywhere in the sheet's first rows,
/// to recognise a sheet whose header was mangled.
fn label_hits(text: &SheetText, keys: &SheetKeys) -> usize {
    let keys: Vec<&str> = keys.fields.iter().map(|v| v[0].loose_np.as_str()).collect();
    let mut found = vec![false; keys.len()];
    for cell in &text.cells {
        if let Some(i) = keys.iter().position(|x| *x == cell.loose_np()) {
            found[i] = true;
        }
    }
    found.iter().filter(|f| **f).count()
}

fn title_hit(text: &SheetText, keys: &SheetKeys) -> bool {
    let Some(want) = &keys.title else {
        return false;
    };
    text.cells
        .iter()
        .take_while(|c| c.row < HEADER_SEARCH_ROWS)
        .any(|c| c.loose().contains(want.as_str()))
}

fn name_hit(sheet: &Sheet, keys: &SheetKeys) -> bool {
    let name = loose_key(&sheet.name);
    keys.names.contains(&name)
}

struct ListHeader {
    row: u32,
    cols: HashMap<String, u32>,
    /// Fields whose header two or more cells say equally well: (field
    /// index, the cells as (row, col)). They are not read.
    ambiguous: Vec<(usize, Vec<(u32, u32)>)>,
    /// Another row that would serve as the header just as well.
    tied_row: Option<u32>,
}

/// The strength of a header cell that is exactly a label.
pub(super) const EXACT: u32 = u32::MAX;

impl HeaderKey {
    /// How well a header cell says this label: `EXACT` when it is the
    /// label; when it only starts with it ("Số liệu năm 2023" says "Số
    /// liệu"), the label's length, so that the more specific of two labels
    /// wins ("Thực hiện tháng 8" says "Thực hiện tháng" better than "Thực
    /// hiện cùng kỳ năm trước" says "Thực hiện"); 0 otherwise.
    pub(super) fn strength(&self, key: &str, loose: &str) -> u32 {
        if key == self.exact || loose == self.loose {
            EXACT
        } else if self.said_by(key, loose) {
            1 + self.loose.len().min(EXACT as usize - 2) as u32
        } else {
            0
        }
    }
}

/// How one candidate header row (with the row below it for sub-headers
/// under a merged group header) names the list's fields.
#[derive(Default)]
struct RowMatch {
    /// Field index → (row, col).
    cells: HashMap<usize, (u32, u32)>,
    ambiguous: Vec<(usize, Vec<(u32, u32)>)>,
    /// Fields named in the row itself, not the one below.
    own: usize,
}

impl RowMatch {
    fn named(&self) -> usize {
        self.cells.len() + self.ambiguous.len()
    }
}

/// Assigns the fields still unnamed to the cells of one row: exact labels
/// first, then cells that start with a label; a field two free cells name
/// equally well is ambiguous, never guessed.
fn name_fields(text: &SheetText, row: u32, keys: &SheetKeys, found: &mut RowMatch) {
    let cells = text.row(row);
    let mut taken: Vec<u32> = found
        .cells
        .values()
        .filter(|(r, _)| *r == row)
        .map(|(_, c)| *c)
        .collect();
    for exact_pass in [true, false] {
        let mut claims: Vec<(usize, Vec<u32>)> = Vec::new();
        for (field, labels) in keys.field_headers.iter().enumerate() {
            if found.cells.contains_key(&field) || found.ambiguous.iter().any(|(f, _)| *f == field)
            {
                continue;
            }
            let strength_of = |c: &TextCell| {
                let s = labels
                    .iter()
                    .map(|k| k.strength(c.exact(), c.loose()))
                    .max()
                    .unwrap_or(0);
                if (s == EXACT) == exact_pass { s } else { 0 }
            };
            let scored: Vec<(u32, u32)> = cells
                .iter()
                .filter(|c| !c.exact().is_empty() && !taken.contains(&c.col))
                .map(|c| (c.col, strength_of(c)))
                .filter(|(_, s)| *s > 0)
                .collect();
            let best = scored.iter().map(|(_, s)| *s).max().unwrap_or(0);
            let cols: Vec<u32> = scored
                .into_iter()
                .filter(|(_, s)| *s == best)
                .map(|(c, _)| c)
                .collect();
            if !cols.is_empty() {
                claims.push((field, cols));
            }
        }
        for (field, cols) in claims {
            let free: Vec<u32> = cols.into_iter().filter(|c| !taken.contains(c)).collect();
            match free.as_slice() {
                [] => {}
                [col] => {
                    found.cells.insert(field, (row, *col));
                    taken.push(*col);
                }
                several => found
                    .ambiguous
                    .push((field, several.iter().map(|&c| (row, c)).collect())),
            }
        }
    }
}

fn match_header_row(text: &SheetText, row: u32, keys: &SheetKeys) -> RowMatch {
    let mut found = RowMatch::default();
    name_fields(text, row, keys, &mut found);
    found.own = found.named();
    if found.own > 0 && found.named() < keys.field_headers.len() {
        // Sub-headers under a merged group header.
        name_fields(text, row + 1, keys, &mut found);
    }
    found
}

/// The list's header: the row that names the most fields, then the one
/// that names most of them itself (a title above the header that starts
/// with a field's label names one field; the header below names them all).
/// Two rows equally good are reported, not chosen between silently.
fn find_list_header(
    sheet: &Sheet,
    text: &SheetText,
    def: &SheetDef,
    keys: &SheetKeys,
) -> Option<ListHeader> {
    let mut best: Option<(u32, RowMatch)> = None;
    let mut tied_row = None;
    for row in 0..HEADER_SEARCH_ROWS.min(sheet.row_end()) {
        let found = match_header_row(text, row, keys);
        if found.named() == 0 {
            continue;
        }
        let score = |m: &RowMatch| (m.named(), m.own);
        match &best {
            Some((_, b)) if score(&found) < score(b) => {}
            Some((_, b)) if score(&found) == score(b) => {
                tied_row.get_or_insert(row);
            }
            _ => {
                best = Some((row, found));
                tied_row = None;
            }
        }
    }
    let (row, found) = best?;
    let named = found.named();
    if named * 2 < def.fields.len() || named < 2.min(def.fields.len()) {
        return None;
    }
    let last_row = found.cells.values().map(|(r, _)| *r).max().unwrap_or(row);
    let cols = found
        .cells
        .iter()
        .map(|(&field, &(_, col))| (def.fields[field].id().to_string(), col))
        .collect();
    Some(ListHeader {
        row: last_row.max(row),
        cols,
        ambiguous: found.ambiguous,
        tied_row,
    })
}

/// Rows that end a list: the signature block, the place-and-date line, totals.
fn ends_list(sheet: &Sheet, row: u32) -> bool {
    is_totals_row(sheet, row) || is_signature_row(sheet, row)
}

/// A totals row sums several columns, so it is not limited to a few
/// cells: a cell reading just "Tổng cộng", "Cộng" or "Tổng số" ends it.
/// Compared with diacritics: "Công" is a given name, "Cộng" a total.
pub(crate) fn is_totals_row(sheet: &Sheet, row: u32) -> bool {
    const TOTALS: [&str; 3] = ["tổng cộng", "cộng", "tổng số"];
    sheet
        .row(row)
        .any(|(_, cell)| matches!(cell, Cell::Text(t) if TOTALS.contains(&keys(t).exact())))
}

/// The signature block or the place-and-date line. Signature lines stand
/// nearly alone in their row; a record that merely holds a date written
/// "ngày … tháng … năm …" is not one.
pub(crate) fn is_signature_row(sheet: &Sheet, row: u32) -> bool {
    let filled = sheet.row(row).filter(|(_, c)| !c.is_blank()).count();
    filled <= 3
        && sheet.row(row).any(|(_, cell)| {
            let Cell::Text(t) = cell else { return false };
            let keys = keys(t);
            let k = keys.loose();
            // Totals are told apart with diacritics ("Công" is a name).
            const MARKERS: [&str; 7] = [
                "nguoi lap",
                "thu truong",
                "chu tich",
                "tm uy ban",
                "tm ubnd",
                "xac nhan",
                "ky ten",
            ];
            MARKERS.iter().any(|m| k == *m || starts_with_word(k, m))
                || (k.contains("ngay") && k.contains("thang") && k.contains("nam"))
        })
}

/// Whether a key starts with `word` followed by a space ("nguoi lap
/// bieu" starts with "nguoi lap").
fn starts_with_word(key: &str, word: &str) -> bool {
    key.strip_prefix(word)
        .is_some_and(|rest| rest.starts_with(' '))
}

/// "(1) (2) (3)" or "1 2 3" under a header: a column-numbering row.
fn is_numbering_row(sheet: &Sheet, row: u32) -> bool {
    let cells: Vec<String> = sheet
        .row(row)
        .map(|(_, c)| clean(&c.as_text()))
        .filter(|t| !t.is_empty())
        .collect();
    cells.len() >= 3
        && cells.iter().all(|t| {
            let inner = t.trim_start_matches('(').trim_end_matches(')');
            !inner.is_empty()
                && inner.len() <= 2
                && inner.chars().all(|c| c.is_ascii_alphanumeric())
        })
        && cells.iter().any(|t| t.starts_with('('))
}

/// The record rows under a list's header: up to the row that ends the list.
/// Blank rows are skipped when records follow them (a row left empty by
/// mistake must not drop the records below it); the list ends at a blank
/// row followed by anything else (notes, the signature block) or nothing.
pub(crate) fn list_rows(sheet: &Sheet, header_row: u32, cols: &HashMap<String, u32>) -> Vec<u32> {
    let mut rows = Vec::new();
    let mut row = header_row + 1;
    if is_numbering_row(sheet, row) {
        row += 1;
    }
    let end = sheet.row_end();
    while row < end {
        if sheet.row_is_blank(row) {
            let next = (row + 1..end).find(|&r| !sheet.row_is_blank(r));
            match next {
                Some(r) if !ends_list(sheet, r) && looks_like_record(sheet, r, cols) => {
                    row = r;
                    continue;
                }
                _ => break,
            }
        }
        if ends_list(sheet, row) {
            break;
        }
        rows.push(row);
        row += 1;
    }
    rows
}

/// "Không có" ("none") alone in a list's only row (beside its row number): the list is empty, not
/// one record with every value missing. A "Không" under a yes/no or choice
/// column is an answer, not this.
fn without_none_row(
    sheet: &Sheet,
    rows: Vec<u32>,
    def: &SheetDef,
    cols: &HashMap<String, u32>,
) -> Vec<u32> {
    let [row] = rows.as_slice() else {
        return rows;
    };
    let answer_cols: Vec<u32> = def
        .fields
        .iter()
        .filter(|f| matches!(f.ty, FieldType::YesNo | FieldType::Choice))
        .filter_map(|f| cols.get(f.id()).copied())
        .collect();
    let markers = empty_markers(def);
    let says_none = |col: u32, cell: &Cell| {
        let Cell::Text(t) = cell else { return false };
        let k = loose_key(t);
        !answer_cols.contains(&col)
            && markers.iter().any(|m| {
                k == *m
                    || (m.contains(' ')
                        && k.starts_with(&format!("{m} "))
                        && k.split(' ').count() <= 6)
            })
    };
    // The row number ("1") in a column that is no field does not count.
    let numbering = |col: u32, cell: &Cell| {
        !cols.values().any(|&c| c == col)
            && clean(&cell.as_text())
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-'))
    };
    let mut said_none = false;
    for (col, cell) in sheet.row(*row).filter(|(_, c)| !c.is_blank()) {
        if says_none(col, cell) {
            said_none = true;
        } else if !numbering(col, cell) {
            return rows;
        }
    }
    if said_none { Vec::new() } else { rows }
}

/// What a list's only row says when the list is empty on purpose: the
/// schema's `empty_markers`, else "Không" and "Không có …" (loose keys; a
/// marker of several words may be followed by a few more: "Không có cơ sở
/// nào").
fn empty_markers(def: &SheetDef) -> Vec<String> {
    match &def.empty_markers {
        Some(markers) => markers.iter().map(|m| loose_key(m)).collect(),
        None => vec!["khong".to_string(), "khong co".to_string()],
    }
}

/// A row with values in at least two of the list's field columns (a note
/// or a heading under the list fills one cell, or none of them).
fn looks_like_record(sheet: &Sheet, row: u32, cols: &HashMap<String, u32>) -> bool {
    cols.values()
        .filter(|&&c| !sheet.get(row, c).is_blank())
        .count()
        >= 2
}

/// A schema sheet's header found in a book's sheet.
enum Header {
    Form(FormHeader),
    List(ListHeader),
}

/// How well a book's sheet matches a schema sheet (0: not at all), with the
/// header found, which placing the sheet then uses rather than look again.
fn score(
    sheet: &Sheet,
    text: &SheetText,
    def: &SheetDef,
    keys: &SheetKeys,
) -> (usize, Option<Header>) {
    let header = match def.kind {
        SheetKind::Form => find_form_header(sheet, text, keys).map(Header::Form),
        SheetKind::List => find_list_header(sheet, text, def, keys).map(Header::List),
    };
    let hits = label_hits(text, keys);
    let title = title_hit(text, keys);
    if header.is_none() && hits == 0 && !title {
        return (0, header);
    }
    let score = 10 * usize::from(header.is_some())
        + 5 * usize::from(title)
        + 3 * usize::from(name_hit(sheet, keys))
        + hits;
    (score, header)
}

/// Finds the schema's sheets in the book. Returns their places and the
/// findings about what could not be found.
pub(crate) fn locate(book: &Book, schema: &Schema) -> (Layout, Vec<Finding>) {
    let mut layout = Layout::default();
    let mut findings = Vec::new();
    let mut taken = vec![false; book.sheets.len()];
    let mut any_found = false;
    let schema_keys = SchemaKeys::of(schema);
    let texts: Vec<SheetText> = book.sheets.iter().map(SheetText::of).collect();
    for (def_index, def) in schema.sheets.iter().enumerate() {
        let keys = &schema_keys.sheets[def_index];
        let Some((sheet_index, header)) = best_sheet(book, &texts, &taken, def, keys) else {
            if def.required {
                findings.push(Finding::new(
                    Code::SheetMissing,
                    messages::sheet_missing(&def.name),
                ));
            }
            continue;
        };
        any_found = true;
        taken[sheet_index] = true;
        let found = SheetFound {
            sheet_index,
            def_index,
        };
        place_sheet(book, found, (def, keys), header, &mut layout, &mut findings);
    }
    continue_lists(
        book,
        schema,
        &schema_keys,
        &texts,
        &mut taken,
        &mut layout,
        &mut findings,
    );
    if !any_found || !holds_enough_of_the_form(schema, &schema_keys, &layout, &texts) {
        return (
            Layout::default(),
            vec![Finding::new(
                Code::TemplateUnrecognized,
                messages::template_unrecognized(&schema.title, first_title_line(book).as_deref()),
            )],
        );
    }
    (layout, findings)
}

/// The untaken sheet that scores best for a schema sheet, if any scores.
/// Visible sheets first; a hidden one only when it is the only match. On a
/// tie the earlier sheet wins.
fn best_sheet(
    book: &Book,
    texts: &[SheetText],
    taken: &[bool],
    def: &SheetDef,
    keys: &SheetKeys,
) -> Option<(usize, Option<Header>)> {
    (0..book.sheets.len())
        .filter(|&i| !taken[i])
        .map(|i| {
            let (score, header) = score(&book.sheets[i], &texts[i], def, keys);
            (
                (!book.sheets[i].hidden, score, std::cmp::Reverse(i)),
                header,
            )
        })
        .filter(|((_, s, _), _)| *s > 0)
        .max_by_key(|(rank, _)| *rank)
        .map(|((_, _, std::cmp::Reverse(i)), header)| (i, header))
}

/// The book's sheet chosen for a schema sheet.
#[derive(Clone, Copy)]
struct SheetFound {
    sheet_index: usize,
    def_index: usize,
}

/// Places a found sheet by its header: a form's rows or a list's columns,
/// with the findings about them; a missing header is a finding.
fn place_sheet(
    book: &Book,
    found: SheetFound,
    (def, keys): (&SheetDef, &SheetKeys),
    header: Option<Header>,
    layout: &mut Layout,
    findings: &mut Vec<Finding>,
) {
    let SheetFound {
        sheet_index,
        def_index,
    } = found;
    let sheet = &book.sheets[sheet_index];
    match def.kind {
        SheetKind::Form => match header {
            Some(Header::Form(header)) => {
                findings.extend(rival_value_columns(sheet, &header));
                findings.extend(value_columns::findings(
                    sheet,
                    def,
                    header.row,
                    &header.columns,
                ));
                layout.forms.push(place_form(
                    sheet,
                    sheet_index,
                    def_index,
                    def,
                    keys,
                    &header,
                    findings,
                ))
            }
            _ => findings.push(header_missing(sheet, def)),
        },
        SheetKind::List => match header {
            Some(Header::List(header)) => {
                let (place, list_findings) = place_list(sheet, sheet_index, def_index, def, header);
                findings.extend(list_findings);
                layout.lists.push(place);
            }
            _ => findings.push(header_missing(sheet, def)),
        },
    }
}

/// Whether the book is the schema's form at all: a list header was found,
/// or at least a third of the form rows' labels are there. A spreadsheet
/// that merely shares a sheet name, a title word or a couple of labels with
/// the form is some other report, and gets one finding instead of a
/// finding per missing row.
fn holds_enough_of_the_form(
    schema: &Schema,
    keys: &SchemaKeys,
    layout: &Layout,
    texts: &[SheetText],
) -> bool {
    if !layout.lists.is_empty() {
        return true;
    }
    let form_fields: usize = schema
        .sheets
        .iter()
        .filter(|d| d.kind == SheetKind::Form)
        .map(|d| d.fields.len())
        .sum();
    let found: usize = layout
        .forms
        .iter()
        .map(|f| {
            f.rows
                .len()
                .max(label_hits(&texts[f.sheet], &keys.sheets[f.def]))
        })
        .sum();
    form_fields > 0 && found * 3 >= form_fields
}

/// Lines that head every administrative document and name no report: the
/// national motto, the issuing body ("UBND HUYỆN …", "SỞ Y TẾ", "THÀNH PHỐ
/// HỒ CHÍ MINH"), its number ("Số: 38/BC-UBND").
const NOT_TITLES: [&str; 12] = [
    "cong hoa xa hoi chu nghia",
    "doc lap tu do hanh phuc",
    "ubnd",
    "uy ban nhan dan",
    "thanh pho",
    "tinh",
    "huyen",
    "xa",
    "bo",
    "so",
    "phong",
    "cong an",
];

/// Words a report's title starts with.
const TITLE_WORDS: [&str; 6] = [
    "bao cao",
    "danh sach",
    "danh muc",
    "tong hop",
    "thong ke",
    "ke hoach",
];

/// Words that start a form's number ("Biểu 5", "Biểu A01") or a table's
/// caption as often as its title: taken only when no line starts like a
/// title.
const CAPTION_WORDS: [&str; 3] = ["bang", "bieu", "so lieu"];

/// The title of a spreadsheet, to say what it is when it is not the form:
/// the first line that starts like a title ("BÁO CÁO …", "DANH SÁCH …"),
/// else one in capitals that is no heading of the issuing body, else a
/// caption ("Biểu 5", "Bảng …"), else the first line that is not the
/// national motto or the issuing body.
pub(crate) fn first_title_line(book: &Book) -> Option<String> {
    const ROWS: u32 = 30;
    let mut sheets: Vec<&Sheet> = book.sheets.iter().filter(|s| !s.hidden).collect();
    sheets.extend(book.sheets.iter().filter(|s| s.hidden));
    let lines: Vec<(String, String)> = sheets
        .iter()
        .flat_map(|s| s.text_cells().take_while(|((r, _), _)| *r < ROWS))
        .map(|(_, t)| (clean(t), loose_key(t)))
        .filter(|(_, k)| !k.is_empty())
        .collect();
    let starts = |k: &str, words: &[&str]| {
        words
            .iter()
            .any(|w| k == *w || k.starts_with(&format!("{w} ")))
    };
    let shorten = |t: &String| {
        let mut cut: String = t.chars().take(100).collect();
        if cut.len() < t.len() {
            cut.push('…');
        }
        cut
    };
    // Words of letters: "T2-2005/ T1-2005" is a column header, no title.
    let words = |k: &str| {
        k.split(' ')
            .filter(|w| w.chars().filter(|c| c.is_alphabetic()).count() >= 2)
            .count()
    };
    // Titles are written in capitals; so are the issuing bodies.
    let capitals =
        |t: &str| t.chars().any(char::is_alphabetic) && !t.chars().any(char::is_lowercase);
    lines
        .iter()
        .find(|(_, k)| starts(k, &TITLE_WORDS) && words(k) >= 3)
        .or_else(|| {
            lines
                .iter()
                .find(|(t, k)| capitals(t) && words(k) >= 3 && !starts(k, &NOT_TITLES))
        })
        .or_else(|| lines.iter().find(|(_, k)| starts(k, &CAPTION_WORDS)))
        .or_else(|| lines.iter().find(|(_, k)| !starts(k, &NOT_TITLES)))
        .or(lines.first())
        .map(|(t, _)| shorten(t))
}

/// A list sheet's place once its header is found: the split sub-columns,
/// the columns missing, the record rows.
fn place_list(
    sheet: &Sheet,
    sheet_index: usize,
    def_index: usize,
    def: &SheetDef,
    mut header: ListHeader,
) -> (ListPlace, Vec<Finding>) {
    let splits = crate::check::list_shape::find_splits(sheet, def, &header.cols, header.row);
    // The sub-headers ("Nam" | "Nữ") are part of the header.
    header.row = header.row.max(splits.sub_row.unwrap_or(0));
    // The fields whose value is the choice heading a split sub-column.
    let split_by: Vec<&str> = def
        .fields
        .iter()
        .filter(|f| splits.cols.contains_key(f.id()))
        .filter_map(|f| f.split_by.as_ref().map(|b| b.get_ref().as_str()))
        .collect();
    let mut findings = ambiguity_findings(sheet, def, &header);
    for (index, field) in def.fields.iter().enumerate() {
        let ambiguous = header.ambiguous.iter().any(|(f, _)| *f == index);
        if !header.cols.contains_key(field.id()) && !ambiguous && !split_by.contains(&field.id()) {
            findings.push(column_missing(sheet, &header, field));
        }
    }
    let all_cols = with_sub_columns(&header.cols, &splits.cols);
    let rows = without_none_row(
        sheet,
        list_rows(sheet, header.row, &all_cols),
        def,
        &all_cols,
    );
    let place = ListPlace {
        def: def_index,
        sheet: sheet_index,
        header_row: header.row,
        rows,
        cols: header.cols,
        splits: splits.cols,
    };
    (place, findings)
}

/// The list's columns with every split sub-column ("Nữ" beside "Nam"), to
/// tell a record row from a note: a year under "Nữ" fills a column too.
fn with_sub_columns(
    cols: &HashMap<String, u32>,
    splits: &HashMap<String, Vec<(u32, String)>>,
) -> HashMap<String, u32> {
    let mut all = cols.clone();
    for (field, subs) in splits {
        for (col, choice) in subs {
            all.insert(format!("{field}/{choice}"), *col);
        }
    }
    all
}

fn column_missing(sheet: &Sheet, header: &ListHeader, field: &FieldDef) -> Finding {
    let severity = if field.required {
        crate::model::finding::Severity::Error
    } else {
        crate::model::finding::Severity::Warning
    };
    Finding::new(Code::ColumnMissing, messages::column_missing(&field.label))
        .at(Location {
            sheet: sheet.name.clone(),
            row: Some(header.row),
            col: None,
        })
        .field(field.id())
        .severity(severity)
}

/// A `continued` list goes on over further sheets: each sheet not taken by
/// the schema's own sheets, after the list's first sheet in the workbook,
/// where the list's header is found is read as more of its records, and
/// said so (`list-continued`, info). A list not declared `continued` whose
/// header and records are also on another sheet is not read there, and
/// that is said too (`list-sheet-unread`, warning): records are never
/// dropped silently.
fn continue_lists(
    book: &Book,
    schema: &Schema,
    keys: &SchemaKeys,
    texts: &[SheetText],
    taken: &mut [bool],
    layout: &mut Layout,
    findings: &mut Vec<Finding>,
) {
    let firsts: Vec<(usize, usize, Vec<String>)> = layout
        .lists
        .iter()
        .map(|p| (p.def, p.sheet, p.cols.keys().cloned().collect()))
        .collect();
    for (def_index, first, first_fields) in firsts {
        let def = &schema.sheets[def_index];
        let first_name = &book.sheets[first].name;
        for index in 0..book.sheets.len() {
            if index == first || taken[index] {
                continue;
            }
            let sheet = &book.sheets[index];
            let found = (!sheet.hidden)
                .then(|| find_list_header(sheet, &texts[index], def, &keys.sheets[def_index]))
                .flatten();
            let Some(header) = found.filter(|h| same_columns(&first_fields, &h.cols)) else {
                continue;
            };
            let (place, list_findings) = place_list(sheet, index, def_index, def, header);
            let rows = place.rows.len();
            let all_cols = with_sub_columns(&place.cols, &place.splits);
            let records = place
                .rows
                .iter()
                .any(|&r| looks_like_record(sheet, r, &all_cols));
            let at = Location::sheet(&sheet.name);
            if def.continued && index > first {
                taken[index] = true;
                let message = messages::list_continued(first_name, &sheet.name, rows);
                findings.push(Finding::new(Code::ListContinued, message).at(at));
                findings.extend(list_findings);
                layout.lists.push(place);
            } else if records {
                let message = messages::list_sheet_unread(first_name, &sheet.name, rows);
                findings.push(Finding::new(Code::ListSheetUnread, message).at(at));
            }
        }
    }
}

/// Whether a further sheet's header heads the list's table: the fields the
/// list's own sheet has, each in a column of its own (a sheet of
/// instructions listing the labels one under another is no such table).
fn same_columns(fields: &[String], cols: &HashMap<String, u32>) -> bool {
    let mut used: Vec<u32> = cols.values().copied().collect();
    used.sort_unstable();
    used.dedup();
    used.len() == cols.len()
        && cols.len() == fields.len()
        && fields.iter().all(|f| cols.contains_key(f))
}

/// A field whose header two cells say equally well, and a header row that
/// another row matches just as well: each is said, not guessed.
fn ambiguity_findings(sheet: &Sheet, def: &SheetDef, header: &ListHeader) -> Vec<Finding> {
    let a1 = |r: u32, c: u32| Location::cell(&sheet.name, r, c).a1().unwrap_or_default();
    let mut out: Vec<Finding> = header
        .ambiguous
        .iter()
        .map(|(field, cells)| {
            let field = &def.fields[*field];
            let names: Vec<String> = cells.iter().map(|&(r, c)| a1(r, c)).collect();
            let (r, c) = cells[0];
            Finding::new(
                Code::HeaderAmbiguous,
                messages::column_ambiguous(&sheet.name, &field.label, &names),
            )
            .at(Location::cell(&sheet.name, r, c))
            .field(field.id())
            .value(names.join(", "))
        })
        .collect();
    if let Some(other) = header.tied_row {
        out.push(
            Finding::new(
                Code::HeaderAmbiguous,
                messages::header_row_ambiguous(&sheet.name, header.row + 1, other + 1),
            )
            .at(Location {
                sheet: sheet.name.clone(),
                row: Some(header.row),
                col: None,
            }),
        );
    }
    out
}

fn header_missing(sheet: &Sheet, def: &SheetDef) -> Finding {
    let expected: Vec<String> = match def.kind {
        SheetKind::Form => vec![def.columns.label[0].clone(), def.columns.value[0].clone()],
        SheetKind::List => def.fields.iter().map(|f| f.label.clone()).collect(),
    };
    Finding::new(
        Code::HeaderMissing,
        messages::header_missing(&sheet.name, &expected),
    )
    .at(Location::sheet(&sheet.name))
}

/// A form row's STT code and label (the label column, or the first text
/// cell of the row when the form was retyped with the label elsewhere).
fn form_row_text<'s>(sheet: &'s Sheet, header: &FormHeader, row: u32) -> (String, Cow<'s, str>) {
    let code = header
        .code_col
        .map(|c| normalize_code(&cell_text_cow(sheet, row, c)))
        .unwrap_or_default();
    let mut label = cell_text_cow(sheet, row, header.label_col);
    if label.is_empty() {
        label = sheet
            .row(row)
            .filter(|(c, _)| {
                *c != header.value_col
                    && Some(*c) != header.code_col
                    && !header.columns.contains(&ColumnHit::Found(*c))
            })
            .find_map(|(_, cell)| match cell {
                Cell::Text(t) => Some(clean_cow(t)).filter(|t| !t.is_empty()),
                _ => None,
            })
            .unwrap_or_default();
    }
    (code, label)
}

fn place_form(
    sheet: &Sheet,
    sheet_index: usize,
    def_index: usize,
    def: &SheetDef,
    keys: &SheetKeys,
    header: &FormHeader,
    findings: &mut Vec<Finding>,
) -> FormPlace {
    let lines: Vec<(u32, String, Cow<str>)> = (header.row + 1..sheet.row_end())
        .map(|row| {
            let (code, label) = form_row_text(sheet, header, row);
            (row, code, label)
        })
        .collect();
    let confirmed = rows_confirmed_by_code(&lines, def, keys);
    // The second and later values of a row with several columns are not
    // rows of their own: they take the row of the row's first value.
    let mut taken: Vec<bool> = def.fields.iter().map(|f| !f.is_row()).collect();
    let mut rows = HashMap::new();
    for (row, code, label) in &lines {
        let free = |i: usize| !taken[i] && confirmed[i].is_none_or(|r| r == *row);
        if let Some(i) = match_form_row(label, code, keys, free) {
            taken[i] = true;
            for field in same_row(def, i) {
                rows.insert(field.id().to_string(), *row);
            }
        }
    }
    findings.extend(missing_rows(sheet, def, &taken));
    FormPlace {
        def: def_index,
        sheet: sheet_index,
        header_row: header.row,
        value_col: header.value_col,
        value_cols: header.columns.iter().map(ColumnHit::col).collect(),
        rows,
    }
}

/// For each field, the row that has both its STT code and its label, if
/// one does. A label can repeat under several sections ("Trong đó: nữ"
/// under I and under II): the row that also has the field's STT code is
/// the field's, and the other rows with that label may not take it.
fn rows_confirmed_by_code(
    lines: &[(u32, String, Cow<str>)],
    def: &SheetDef,
    keys: &SheetKeys,
) -> Vec<Option<u32>> {
    let mut by_code: HashMap<&str, Vec<(u32, RowLabel)>> = HashMap::new();
    for (row, code, label) in lines {
        if !code.is_empty() {
            by_code
                .entry(code.as_str())
                .or_default()
                .push((*row, RowLabel::of(label)));
        }
    }
    (0..def.fields.len())
        .map(|i| {
            let field_code = keys.field_codes[i].as_deref()?;
            by_code.get(field_code)?.iter().find_map(|(row, label)| {
                (label_is(keys, i, label, false) || label_is(keys, i, label, true)).then_some(*row)
            })
        })
        .collect()
}

/// A finding for each row field no row of the sheet was matched to.
fn missing_rows(sheet: &Sheet, def: &SheetDef, taken: &[bool]) -> Vec<Finding> {
    def.fields
        .iter()
        .enumerate()
        .filter(|(i, field)| field.is_row() && !taken[*i])
        .map(|(_, field)| {
            Finding::new(Code::FieldMissing, messages::field_missing(field))
                .at(Location::sheet(&sheet.name))
                .field(field.id())
        })
        .collect()
}

/// The field at `i` and, when it is the first value of a row with several
/// columns, the row's other values.
fn same_row(def: &SheetDef, i: usize) -> impl Iterator<Item = &FieldDef> {
    let first = &def.fields[i];
    let row = first.column.as_ref().map(|c| c.row.as_str());
    std::iter::once(first).chain(
        def.fields[i + 1..]
            .iter()
            .take_while(move |f| row.is_some() && f.column.as_ref().map(|c| c.row.as_str()) == row)
            .filter(|f| !f.is_row()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert_eq!(normalize_code("5.1."), "5.1");
        assert_eq!(normalize_code("5,1"), "5.1");
        assert_eq!(normalize_code(" ii "), "II");
    }

    #[test]
    fn header_labels() {
        let c = header_keys(&["Số liệu".to_string(), "Kết quả".to_string()]);
        let header_hit = |text: &str| {
            let (key, loose) = (label_key(text), loose_key(text));
            !key.is_empty() && c.iter().any(|k| k.said_by(&key, &loose))
        };
        assert!(header_hit("SỐ LIỆU"));
        assert!(header_hit("Số liệu năm 2023"));
        assert!(header_hit("So lieu"));
        assert!(!header_hit("Số lượng"));
        assert!(!header_hit(""));
    }

    #[test]
    fn the_preferred_value_column_wins_over_the_leftmost() {
        let mut sheet = Sheet::new("Biểu 01", false);
        for (col, h) in [
            "STT",
            "Chỉ tiêu",
            "Thực hiện cùng kỳ năm trước",
            "Thực hiện tháng 8",
            "Thực hiện",
        ]
        .iter()
        .enumerate()
        {
            sheet.set(0, col as u32, Cell::Text(h.to_string()));
        }
        let text = SheetText::of(&sheet);
        let keys = |c: &[&str]| header_keys(&c.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        let col = |c: &[&str]| best_cols(&text, 0, &keys(c), &[1]);
        assert_eq!(
            col(&["Thực hiện tháng", "Thực hiện"]),
            vec![4],
            "exactly a candidate"
        );
        assert_eq!(col(&["Thực hiện"]), vec![4], "exactly the candidate");
        assert_eq!(col(&["Số liệu", "Thực hiện cùng kỳ"]), vec![2]);
        assert!(col(&["Số liệu"]).is_empty());
        let text = SheetText::of(&{
            let mut s = sheet.clone();
            s.set(0, 4, Cell::Text("Ghi chú".into()));
            s
        });
        let col = |c: &[&str]| best_cols(&text, 0, &keys(c), &[1]);
        assert_eq!(
            col(&["Thực hiện tháng", "Thực hiện"]),
            vec![3],
            "the more specific candidate beats the leftmost column"
        );
        assert_eq!(
            col(&["Thực hiện"]),
            vec![2, 3],
            "two columns say it equally"
        );
    }

    fn sheet_of(rows: &[&[&str]]) -> Sheet {
        let mut sheet = Sheet::new("Danh sách", false);
        for (r, cells) in rows.iter().enumerate() {
            for (c, t) in cells.iter().enumerate() {
                if !t.is_empty() {
                    sheet.set(r as u32, c as u32, Cell::Text(t.to_string()));
                }
            }
        }
        sheet
    }

    fn cols(n: u32) -> HashMap<String, u32> {
        (1..=n).map(|c| (format!("f{c}"), c)).collect()
    }

    #[test]
    fn a_blank_row_inside_a_list_does_not_drop_the_records_below() {
        let sheet = sheet_of(&[
            &["STT", "Tên cơ sở", "Loại hình", "Số lao động"],
            &["1", "Quán phở Hùng", "Quán ăn", "3"],
            &[],
            &["2", "Nhà hàng Gà Đồi", "Nhà hàng", "12"],
            &[],
            &["", "Ghi chú: số liệu đến 31/12"],
            &["", "", "", "Người lập biểu"],
        ]);
        assert_eq!(list_rows(&sheet, 0, &cols(3)), vec![1, 3]);
    }

    #[test]
    fn a_totals_row_ends_a_list_whatever_it_sums() {
        let sheet = sheet_of(&[
            &["STT", "Tên cơ sở", "Loại hình", "Số lao động", "Diện tích"],
            &["1", "Quán phở Hùng", "Quán ăn", "3", "40"],
            &["2", "Quán cơm Công", "Quán ăn", "5", "60"],
            &["Tổng cộng", "2 cơ sở", "", "8", "100"],
        ]);
        assert_eq!(list_rows(&sheet, 0, &cols(4)), vec![1, 2]);
        let named = sheet_of(&[
            &["STT", "Họ và tên", "Tên gọi khác", "Năm sinh", "Thôn"],
            &["1", "Lò Văn Công", "Công", "1980", "Bản Mường"],
        ]);
        assert_eq!(list_rows(&named, 0, &cols(4)), vec![1], "“Công” is a name");
    }

    #[test]
    fn a_label_repeated_under_another_section_takes_the_row_with_its_code() {
        let schema = Schema::parse(
            r#"
id = "lap"
title = "Nhãn lặp"
version = "1"
period = "year"
[[sheets]]
id = "b1"
kind = "form"
name = "Biểu 01"
[[sheets.fields]]
id = "nghien"
code = "1"
label = "Số người nghiện"
type = "integer"
[[sheets.fields]]
id = "sau_cai"
code = "3"
label = "Số người sau cai"
type = "integer"
[[sheets.fields]]
id = "sau_cai_nu"
code = "3.1"
label = "Trong đó: nữ"
type = "integer"
"#,
            std::path::Path::new("lap.toml"),
        )
        .unwrap();
        let sheet = sheet_of(&[
            &["STT", "Chỉ tiêu", "Số liệu"],
            &["1", "Số người nghiện", "14"],
            &["1.1", "Trong đó: nữ", "5"],
            &["3", "Số người sau cai", "9"],
            &["3.1", "Trong đó: nữ", "2"],
        ]);
        let book = Book {
            format: crate::model::book::Format::Xlsx,
            sheets: vec![sheet],
        };
        let (layout, findings) = locate(&book, &schema);
        assert!(findings.is_empty(), "{findings:?}");
        assert_eq!(layout.forms[0].rows["sau_cai_nu"], 4, "the row coded 3.1");
    }

    #[test]
    fn parentheses() {
        assert_eq!(
            without_parentheses("Có tệ nạn (Có/Không)").trim(),
            "Có tệ nạn"
        );
    }
}
