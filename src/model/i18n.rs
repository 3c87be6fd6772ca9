//! Fatal errors in two languages. An error that stops a run (a bad config,
//! an unreadable registry, an output that cannot be written) carries what it
//! needs to say as data and says it in the language asked for; the edge
//! (`crate::error_lines`, called by the binary) renders it in the run's
//! language. Nothing here is global: the language travels with the
//! `Config` and is passed to whoever renders. An error's `Display` is its
//! Vietnamese text, the default language, for the few places (tests, logs
//! of a library user) that have no language to give.

use crate::model::finding::Lang;

/// An error that can say what went wrong in Vietnamese and in English.
pub(crate) trait Bilingual: std::error::Error {
    fn message(&self, lang: Lang) -> String;
}
