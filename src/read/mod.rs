//! Stage 1, read: open each file safely (format by content, zip and BIFF
//! guards, size limits), in process or in an isolated child process, decode
//! legacy Vietnamese fonts, and hand the rest a `model::book::Book`. Also
//! reads the inbox's index of emailed files.

pub(crate) mod biff;
pub(crate) mod guard;
pub(crate) mod index;
pub(crate) mod ingest;
pub(crate) mod isolate;
pub(crate) mod legacy;
pub(crate) mod readers;
pub(crate) mod sniff;
pub(crate) mod validations;
pub(crate) mod xls_fonts;
