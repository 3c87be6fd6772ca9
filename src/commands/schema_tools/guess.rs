//! The guesses `schema infer` makes from what a form shows: a field's type
//! from the values filled in, else from its unit of measure (Đơn vị tính) or
//! its label; identifiers from labels; the column-numbering row under a
//! header ("A | B | 1 | 2 | 3=1/2"). Every guess carries the reason the
//! draft prints beside it, so that a person can review it.

use std::collections::HashSet;

use crate::check::locate::without_parentheses;
use crate::model::book::Cell;
use crate::model::schema::FieldType;
use crate::model::text::{clean, label_key, loose_key, strip_diacritics};
use crate::model::values::{self, Parsed};
use crate::read::validations::Allowed;

/// Units of measure that count things: whole numbers.
const COUNT_UNITS: [&str; 52] = [
    "nguoi",
    "ho",
    "ho gia dinh",
    "gia dinh",
    "co so",
    "vu",
    "vu viec",
    "luot",
    "luot nguoi",
    "cuoc",
    "cai",
    "chiec",
    "con",
    "van ban",
    "xa",
    "thon",
    "to",
    "ban",
    "truong",
    "lop",
    "buoi",
    "doi tuong",
    "doanh nghiep",
    "ho so",
    "truong hop",
    "doi",
    "cau lac bo",
    "clb",
    "diem",
    "lan",
    "hoc sinh",
    "benh nhan",
    "tre",
    "phong",
    "nha",
    "can",
    "du an",
    "mo hinh",
    "chuong trinh",
    "ke hoach",
    "bai",
    "tin",
    "don vi",
    "to chuc",
    "lao dong",
    "hoi vien",
    "dang vien",
    "giuong",
    "xe",
    "ngay",
    "thang",
    "nam",
];

/// Words of units whose figures have decimals: money, weights, areas,
/// volumes, rates.
const DECIMAL_WORDS: [&str; 17] = [
    "dong", "kg", "tan", "ta", "yen", "ha", "m2", "m²", "km", "km2", "lit", "m3", "usd", "ty le",
    "gio", "met", "sao",
];

/// A type and why it was chosen ("theo đơn vị tính “Người”").
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Guess {
    pub ty: FieldType,
    /// Vietnamese: printed after "# đoán:" in the draft.
    pub why: String,
    /// The distinct values seen, for a choice.
    pub choices: Vec<String>,
    /// A count, which cannot be negative (`min = 0`).
    pub count: bool,
    /// A yes/no's own words, when a drop-down offers others than Có/Không
    /// ("Đạt", "Chưa đạt"; a tick "x" alone, with a blank meaning no).
    pub words: Option<YesNoWords>,
}

/// The words of a yes/no drop-down: `yes = [..]`, `no = [..]` or, for a
/// tick, `blank = "no"`.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct YesNoWords {
    pub yes: String,
    pub no: Option<String>,
}

impl Guess {
    fn new(ty: FieldType, why: String) -> Guess {
        Guess {
            ty,
            why,
            choices: Vec::new(),
            count: false,
            words: None,
        }
    }
}

/// A drop-down that answers yes or no in the form's own words: one tick
/// word ("x"), or a word and its negation ("Đạt" / "Chưa đạt", "Có" /
/// "Chưa"). Có/Không is the usual yes/no and needs no words.
fn yes_no_words(items: &[String]) -> Option<YesNoWords> {
    const NEGATIONS: [&str; 3] = ["chua", "khong", "ko"];
    let keys: Vec<String> = items.iter().map(|i| loose_key(i)).collect();
    match keys.as_slice() {
        [tick] if tick.chars().count() <= 2 => Some(YesNoWords {
            yes: items[0].clone(),
            no: None,
        }),
        [yes, no] if !NEGATIONS.iter().any(|n| yes.starts_with(n)) => {
            let negates = NEGATIONS
                .iter()
                .any(|n| no == n || no.starts_with(&format!("{n} ")));
            negates.then(|| YesNoWords {
                yes: items[0].clone(),
                no: Some(items[1].clone()),
            })
        }
        _ => None,
    }
}

/// The type a unit of measure implies: counts are whole numbers, money,
/// weights, areas and percentages have decimals.
pub(super) fn unit_type(unit: &str) -> Option<FieldType> {
    let key = loose_key(unit);
    if unit.contains('%') || unit.contains('/') || unit.contains('‰') {
        return Some(FieldType::Number);
    }
    if key.is_empty() {
        return None;
    }
    if COUNT_UNITS.contains(&key.as_str()) {
        return Some(FieldType::Integer);
    }
    let words: Vec<&str> = key.split(' ').collect();
    let decimal = DECIMAL_WORDS.iter().any(|w| {
        let parts: Vec<&str> = w.split(' ').collect();
        words
            .windows(parts.len())
            .any(|win| win == parts.as_slice())
    });
    decimal.then_some(FieldType::Number)
}

/// What one filled cell looks like as a value.
fn cell_type(cell: &Cell) -> Option<FieldType> {
    let number = |n: f64| {
        if n.fract() == 0.0 {
            FieldType::Integer
        } else {
            FieldType::Number
        }
    };
    match cell {
        Cell::Empty | Cell::Error(_) | Cell::Uncached(_) => None,
        Cell::Number(n) => Some(number(*n)),
        Cell::Bool(_) => Some(FieldType::YesNo),
        Cell::Date(_) => Some(FieldType::Date),
        Cell::Text(t) if clean(t).is_empty() => None,
        Cell::Text(t) => Some(text_type(t)),
    }
}

fn text_type(text: &str) -> FieldType {
    let readable = |ty| {
        matches!(
            values::parse(&Cell::Text(text.to_string()), ty, &[]),
            Parsed::Ok(_) | Parsed::Coerced(..)
        )
    };
    if let Some((n, _)) = values::parse_vn_number(text) {
        return if n.fract() == 0.0 {
            FieldType::Integer
        } else {
            FieldType::Number
        };
    }
    if readable(FieldType::YesNo) {
        FieldType::YesNo
    } else if readable(FieldType::Date) {
        FieldType::Date
    } else {
        FieldType::Text
    }
}

/// The type the filled values say, when every value says the same (whole
/// numbers and decimals together are numbers).
pub(super) fn values_type(cells: &[&Cell]) -> Option<(FieldType, usize)> {
    let types: Vec<FieldType> = cells.iter().filter_map(|c| cell_type(c)).collect();
    let first = *types.first()?;
    let all = |ty: FieldType| types.iter().all(|t| *t == ty);
    let ty = if types.iter().all(|t| t.is_numeric()) {
        if all(FieldType::Integer) {
            FieldType::Integer
        } else {
            FieldType::Number
        }
    } else if all(first) {
        first
    } else {
        FieldType::Text
    };
    Some((ty, types.len()))
}

/// The type a label implies: "(Có/Không)" asks yes or no, "Ngày …" a date,
/// "Năm sinh" a year.
pub(super) fn label_type(label: &str) -> Option<FieldType> {
    let key = loose_key(label);
    if key.ends_with("co khong") || key.ends_with("dat chua dat") {
        Some(FieldType::YesNo)
    } else if key.starts_with("ngay ") || key == "ngay" || key.starts_with("thoi diem ") {
        Some(FieldType::Date)
    } else if key.starts_with("nam sinh") || key == "tuoi" {
        Some(FieldType::Integer)
    } else {
        None
    }
}

/// The type a cell's data validation allows: a drop-down of Có/Không is a
/// yes/no, any other drop-down a choice; whole numbers, decimals, dates.
fn validated_type(allowed: &Allowed) -> Guess {
    let why = "theo Data Validation của ô trong biểu".to_string();
    match allowed {
        Allowed::Whole { min } => {
            let mut guess = Guess::new(FieldType::Integer, why);
            guess.count = *min == Some(0.0);
            guess
        }
        Allowed::Decimal { .. } => Guess::new(FieldType::Number, why),
        Allowed::Date => Guess::new(FieldType::Date, why),
        Allowed::Any | Allowed::ListIn(..) => Guess::new(FieldType::Text, why),
        Allowed::List(items) => {
            let keys: Vec<String> = items.iter().map(|i| loose_key(i)).collect();
            if keys.len() == 2 && keys.contains(&"co".into()) && keys.contains(&"khong".into()) {
                Guess::new(FieldType::YesNo, why)
            } else if let Some(words) = yes_no_words(items) {
                let mut guess = Guess::new(FieldType::YesNo, why);
                guess.words = Some(words);
                guess
            } else {
                let mut guess = Guess::new(FieldType::Choice, why);
                guess.choices = items.clone();
                guess
            }
        }
    }
}

/// The type of a form row or list column: from the values filled in when
/// there are any, else from the cell's data validation, else from the unit
/// of measure, else from the label, else `fallback`.
pub(super) fn guess_type(
    label: &str,
    unit: &str,
    cells: &[&Cell],
    validated: Option<&Allowed>,
    fallback: FieldType,
) -> Guess {
    let by_unit = unit_type(unit);
    if let Some((ty, n)) = values_type(cells) {
        let ty = match (ty, by_unit) {
            (FieldType::Integer, Some(FieldType::Number)) => FieldType::Number,
            _ => ty,
        };
        let mut guess = Guess::new(ty, format!("theo {n} giá trị đã điền"));
        guess.count = ty == FieldType::Integer && by_unit == Some(FieldType::Integer);
        if let Some(words) = (ty == FieldType::Text)
            .then(|| pair_of_words(cells))
            .flatten()
        {
            guess.ty = FieldType::YesNo;
            guess.words = Some(words);
            guess.why = format!("{n} giá trị đã điền là lời đáp có/không của biểu");
            return guess;
        }
        if ty == FieldType::Text {
            guess.choices = choices(cells);
            if !guess.choices.is_empty() {
                guess.ty = FieldType::Choice;
                guess.why = format!("chỉ {} giá trị khác nhau đã điền", guess.choices.len());
            }
        }
        return guess;
    }
    // A cell open to any value says nothing of its type.
    if let Some(allowed) = validated.filter(|a| **a != Allowed::Any) {
        return validated_type(allowed);
    }
    if let Some(ty) = by_unit {
        let mut guess = Guess::new(ty, format!("theo đơn vị tính “{unit}”"));
        guess.count = ty == FieldType::Integer;
        return guess;
    }
    if let Some(ty) = label_type(label) {
        return Guess::new(ty, "theo nhãn".into());
    }
    let why = if fallback == FieldType::Text {
        "chưa có dữ liệu, nhãn không nói kiểu: coi là chữ; đổi nếu là số, ngày, Có/Không hay danh mục".to_string()
    } else if unit.is_empty() {
        "không có số liệu, không có đơn vị tính: hãy chọn kiểu".to_string()
    } else {
        format!("không biết đơn vị tính “{unit}”: hãy chọn kiểu")
    };
    Guess::new(fallback, why)
}

/// Yes/no answers in a form's own words, as filled ("Đạt", "Chưa đạt"):
/// every value one of a known pair.
fn pair_of_words(cells: &[&Cell]) -> Option<YesNoWords> {
    const PAIRS: [(&str, &str); 3] = [
        ("Đạt", "Chưa đạt"),
        ("Hoàn thành", "Chưa hoàn thành"),
        ("Có", "Chưa"),
    ];
    let keys: Vec<String> = cells
        .iter()
        .map(|c| loose_key(&c.as_text()))
        .filter(|k| !k.is_empty())
        .collect();
    let (yes, no) = PAIRS.iter().find(|(yes, no)| {
        keys.iter()
            .all(|k| *k == loose_key(yes) || *k == loose_key(no))
    })?;
    Some(YesNoWords {
        yes: yes.to_string(),
        no: Some(no.to_string()),
    })
}

/// A few values repeated over many records: the choices of a list column.
fn choices(cells: &[&Cell]) -> Vec<String> {
    let texts: Vec<String> = cells
        .iter()
        .map(|c| clean(&c.as_text()))
        .filter(|t| !t.is_empty())
        .collect();
    let mut seen = HashSet::new();
    let distinct: Vec<String> = texts
        .iter()
        .filter(|t| seen.insert(loose_key(t)))
        .cloned()
        .collect();
    let repeated = texts.len() >= 4 && texts.len() >= 2 * distinct.len();
    if repeated && distinct.len() <= 6 {
        distinct
    } else {
        Vec::new()
    }
}

/// Words left out of identifiers: they make them long and say little.
const ID_STOP_WORDS: [&str; 12] = [
    "cua", "cac", "nhung", "duoc", "ve", "voi", "cho", "la", "va", "tai", "theo", "trong",
];

/// The most words an identifier is made of.
const ID_WORDS: usize = 4;

/// The words of a label an identifier is made of: ASCII, lower case, no
/// diacritics, no parenthesised part, no filler words.
fn id_words(label: &str) -> Vec<String> {
    let key = strip_diacritics(&label_key(&without_parentheses(label)));
    key.split(' ')
        .filter(|w| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric()))
        .filter(|w| !ID_STOP_WORDS.contains(w))
        .map(str::to_string)
        .collect()
}

/// Identifiers stay well under the schema's 64 characters, leaving room
/// for the "_2" that makes them unique.
const ID_MAX: usize = 48;

fn join_id(words: &[String], fallback: &str) -> String {
    let mut id = words.join("_");
    // ASCII only (`id_words`), so cutting at a byte is cutting at a char.
    id.truncate(ID_MAX);
    let id = id.trim_end_matches('_').to_string();
    match id.chars().next() {
        None => fallback.to_string(),
        Some(c) if c.is_ascii_digit() => format!("{fallback}_{id}"),
        Some(_) => id,
    }
}

/// "Số văn bản chỉ đạo, hướng dẫn" → "so_van_ban_chi": ASCII, lower case,
/// no diacritics, at most four words, starting with a letter.
pub(super) fn id_from_label(label: &str, fallback: &str) -> String {
    let words = id_words(label);
    join_id(&words[..words.len().min(ID_WORDS)], fallback)
}

/// Ids for labels that are read together (the rows of a sheet): where two
/// labels start with the same four words, each adds its last two words
/// ("co_so_kinh_doanh_luu_tru", "co_so_kinh_doanh_vu_karaoke"), which is
/// where such labels differ; `ids` makes the rest unique.
pub(super) fn ids_for_labels(labels: &[&str], fallback: &str, ids: &mut Ids) -> Vec<String> {
    let bases: Vec<String> = labels.iter().map(|l| id_from_label(l, fallback)).collect();
    let mut seen: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for b in &bases {
        *seen.entry(b.as_str()).or_default() += 1;
    }
    labels
        .iter()
        .zip(&bases)
        .map(|(label, base)| {
            let words = id_words(label);
            let id = if seen[base.as_str()] > 1 && words.len() > ID_WORDS {
                let tail = words.len().saturating_sub(2).max(ID_WORDS);
                let mut chosen = words[..ID_WORDS].to_vec();
                chosen.extend_from_slice(&words[tail..]);
                join_id(&chosen, fallback)
            } else {
                base.clone()
            };
            ids.unique(&id)
        })
        .collect()
}

/// Identifiers already given, so that each new one is unique ("so_nguoi",
/// "so_nguoi_2").
#[derive(Default)]
pub(super) struct Ids {
    taken: HashSet<String>,
}

impl Ids {
    pub(super) fn with(taken: impl IntoIterator<Item = String>) -> Ids {
        Ids {
            taken: taken.into_iter().collect(),
        }
    }

    pub(super) fn unique(&mut self, base: &str) -> String {
        let mut id = base.to_string();
        let mut n = 2;
        while self.taken.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(id.clone());
        id
    }
}

/// One cell of a column-numbering row: "A", "(1)", "4", "4=2/3".
fn numbering_token(text: &str) -> bool {
    let t = text.trim_start_matches('(').trim_end_matches(')').trim();
    let short_code = !t.is_empty() && t.len() <= 2 && t.chars().all(|c| c.is_ascii_alphanumeric());
    let formula = t.split_once('=').is_some_and(|(n, f)| {
        n.trim().chars().all(|c| c.is_ascii_digit())
            && !n.trim().is_empty()
            && f.chars()
                .all(|c| c.is_ascii_digit() || " +-*/x×().,".contains(c))
    });
    short_code || formula
}

/// Whether the cells of a row are a column-numbering row ("A | B | C | 1 |
/// 2 | 3 | 4=2/3", "(1) (2) (3)"): three or more short codes, of which at
/// least one is a letter, a bracketed number or a formula — a record of
/// plain small numbers is not mistaken for one.
pub(super) fn is_numbering(cells: &[String]) -> bool {
    let marked = |t: &String| {
        t.starts_with('(') || t.contains('=') || t.chars().all(|c| c.is_ascii_alphabetic())
    };
    cells.len() >= 3 && cells.iter().all(|t| numbering_token(t)) && cells.iter().any(marked)
}

/// "4=2/3" → ("4", Some("2/3")); "2" → ("2", None).
pub(super) fn numbering_formula(token: &str) -> (String, Option<String>) {
    let t = token.trim_start_matches('(').trim_end_matches(')').trim();
    match t.split_once('=') {
        Some((n, f)) => (n.trim().to_string(), Some(f.replace(' ', ""))),
        None => (t.to_string(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_say_whole_numbers_or_decimals() {
        for unit in ["Người", "Hộ", "Cơ sở", "Vụ", "Lượt người", "Văn bản"] {
            assert_eq!(unit_type(unit), Some(FieldType::Integer), "{unit}");
        }
        for unit in ["Triệu đồng", "%", "Kg", "Ha", "tạ/ha", "Tấn", "m²"] {
            assert_eq!(unit_type(unit), Some(FieldType::Number), "{unit}");
        }
        assert_eq!(unit_type(""), None);
        assert_eq!(unit_type("Suất"), None);
    }

    #[test]
    fn filled_values_beat_the_unit() {
        let cells = [Cell::Number(3.0), Cell::Text("1.234".into())];
        let refs: Vec<&Cell> = cells.iter().collect();
        let g = guess_type("Số hộ", "Hộ", &refs, None, FieldType::Number);
        assert_eq!(g.ty, FieldType::Integer);
        assert!(g.count);
        let cells = [Cell::Number(3.0), Cell::Text("2,5".into())];
        let refs: Vec<&Cell> = cells.iter().collect();
        assert_eq!(
            guess_type("Diện tích", "", &refs, None, FieldType::Number).ty,
            FieldType::Number
        );
        let cells = [Cell::Text("Có".into()), Cell::Text("Không".into())];
        let refs: Vec<&Cell> = cells.iter().collect();
        assert_eq!(
            guess_type("Có kế hoạch", "", &refs, None, FieldType::Number).ty,
            FieldType::YesNo
        );
    }

    #[test]
    fn a_blank_row_is_typed_by_its_unit_then_its_label() {
        let g = guess_type("Số người", "Người", &[], None, FieldType::Number);
        assert_eq!(g.ty, FieldType::Integer);
        assert!(g.why.contains("Người"));
        let g = guess_type(
            "Trên địa bàn có tệ nạn (Có/Không)",
            "",
            &[],
            None,
            FieldType::Number,
        );
        assert_eq!(g.ty, FieldType::YesNo);
        let g = guess_type("Ngày ký cam kết", "", &[], None, FieldType::Text);
        assert_eq!(g.ty, FieldType::Date);
        let g = guess_type("Điều gì đó", "Suất", &[], None, FieldType::Number);
        assert_eq!(g.ty, FieldType::Number);
        assert!(g.why.contains("hãy chọn kiểu"));
        let yes_no = Allowed::List(vec!["Có".into(), "Không".into()]);
        let g = guess_type("Ký cam kết", "", &[], Some(&yes_no), FieldType::Text);
        assert_eq!(g.ty, FieldType::YesNo);
        let kinds = Allowed::List(vec!["Lưu trú".into(), "Karaoke".into()]);
        let g = guess_type("Loại hình", "", &[], Some(&kinds), FieldType::Text);
        assert_eq!((g.ty, g.choices.len()), (FieldType::Choice, 2));
        let dat = Allowed::List(vec!["Đạt".into(), "Chưa đạt".into()]);
        let g = guess_type("Xã đạt chuẩn", "", &[], Some(&dat), FieldType::Number);
        let words = g.words.expect("words");
        assert_eq!((g.ty, words.yes.as_str()), (FieldType::YesNo, "Đạt"));
        assert_eq!(words.no.as_deref(), Some("Chưa đạt"));
        let tick = Allowed::List(vec!["x".into()]);
        let g = guess_type("Đã kiểm tra", "", &[], Some(&tick), FieldType::Text);
        assert_eq!((g.ty, g.words.unwrap().no), (FieldType::YesNo, None));
        let dat = Cell::Text("Đạt".into());
        let g = guess_type("Xã đạt chuẩn", "", &[&dat], None, FieldType::Number);
        assert_eq!(
            (g.ty, g.words.unwrap().yes.as_str()),
            (FieldType::YesNo, "Đạt")
        );
        let any = Allowed::Any;
        let g = guess_type("Số suất", "Suất", &[], Some(&any), FieldType::Text);
        assert_eq!(g.ty, FieldType::Text);
        let whole = Allowed::Whole { min: Some(0.0) };
        let g = guess_type("Số suất", "Suất", &[], Some(&whole), FieldType::Number);
        assert_eq!((g.ty, g.count), (FieldType::Integer, true));
    }

    #[test]
    fn repeated_text_is_a_choice() {
        let cells: Vec<Cell> = ["Nam", "Nữ", "nam", "Nữ", "Nam"]
            .iter()
            .map(|t| Cell::Text(t.to_string()))
            .collect();
        let refs: Vec<&Cell> = cells.iter().collect();
        let g = guess_type("Giới tính", "", &refs, None, FieldType::Text);
        assert_eq!(g.ty, FieldType::Choice);
        assert_eq!(g.choices, vec!["Nam", "Nữ"]);
    }

    #[test]
    fn ids_are_short_ascii_and_unique() {
        assert_eq!(
            id_from_label("Số văn bản chỉ đạo, hướng dẫn về phòng, chống mại dâm", "f"),
            "so_van_ban_chi"
        );
        assert_eq!(
            id_from_label("Trên địa bàn có tệ nạn (Có/Không)", "f"),
            "tren_dia_ban_co"
        );
        assert_eq!(id_from_label("2. Đối tượng", "f"), "f_2_doi_tuong");
        assert_eq!(id_from_label("—", "f"), "f");
        let long = id_from_label(
            "Khaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
            "f",
        );
        assert!(long.len() <= ID_MAX, "{long}");
        let mut ids = Ids::default();
        assert_eq!(ids.unique("so_nguoi"), "so_nguoi");
        assert_eq!(ids.unique("so_nguoi"), "so_nguoi_2");
        let labels = [
            "Cơ sở kinh doanh dịch vụ lưu trú",
            "Cơ sở kinh doanh dịch vụ karaoke",
            "Số người",
        ];
        assert_eq!(
            ids_for_labels(&labels, "f", &mut ids),
            [
                "co_so_kinh_doanh_luu_tru",
                "co_so_kinh_doanh_vu_karaoke",
                "so_nguoi_3"
            ]
        );
    }

    #[test]
    fn numbering_rows() {
        let row = |xs: &[&str]| xs.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(is_numbering(&row(&["A", "B", "C", "1", "2", "3", "4=2/3"])));
        assert!(is_numbering(&row(&["(1)", "(2)", "(3)"])));
        assert!(is_numbering(&row(&["A", "B", "1", "2"])));
        assert!(!is_numbering(&row(&["1", "2", "3"])));
        assert!(!is_numbering(&row(&["A", "Nguyễn Văn A", "1990"])));
        assert_eq!(
            numbering_formula("4=2/3"),
            ("4".to_string(), Some("2/3".to_string()))
        );
    }
}
