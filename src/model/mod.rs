//! The shared model: the types every stage reads and writes, importing no
//! stage. A workbook as read (`book`), the schema with its rules (`schema`,
//! `frame`), what a check makes of a file (`submission`), findings and their
//! messages in both languages (`finding`, `messages`, `i18n`), periods,
//! the unit registry and the level of a run (`level`), Vietnamese-style
//! values and text normalisation.

pub mod book;
pub mod crosswalk;
pub mod finding;
pub mod frame;
pub mod i18n;
pub mod level;
pub mod messages;
pub mod national;
pub mod period;
pub mod registry;
pub mod registry_check;
pub mod schema;
pub mod submission;
pub mod text;
pub mod values;
