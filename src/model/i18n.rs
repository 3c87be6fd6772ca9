//! The language of fatal messages. Findings and schema errors carry both
//! languages as data (`Msg`) and renderers choose with `Lang::pick`; only the
//! error types' `Display` (bad config, unreadable registry, output errors)
//! still read the language chosen once at start-up, here.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::model::finding::Lang;

static ENGLISH: AtomicBool = AtomicBool::new(false);

pub fn set_lang(lang: Lang) {
    ENGLISH.store(lang == Lang::En, Ordering::Relaxed);
}

pub fn lang() -> Lang {
    if ENGLISH.load(Ordering::Relaxed) {
        Lang::En
    } else {
        Lang::Vi
    }
}

/// Picks the Vietnamese or English text according to the chosen language.
pub fn tr(vi: &str, en: &str) -> String {
    match lang() {
        Lang::Vi => vi.to_string(),
        Lang::En => en.to_string(),
    }
}
