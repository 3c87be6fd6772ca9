//! Stage 1, read: open each file safely (format by content, zip and BIFF
//! guards, size limits), in process or in an isolated child process, decode
//! legacy Vietnamese fonts, and hand the rest a `model::book::Book`. Also
//! reads the inbox's index of emailed files.

pub mod biff;
pub mod index;
pub mod ingest;
pub mod isolate;
pub mod legacy;
pub mod readers;
pub mod sniff;
pub mod validations;
pub mod xls_fonts;
