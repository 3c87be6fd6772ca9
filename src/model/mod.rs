//! The shared model: the types every stage reads and writes, importing no
//! stage. A workbook as read (`book`), the schema with its rules (`schema`,
//! `frame`), what a check makes of a file (`submission`), findings and their
//! messages in both languages (`finding`, `messages`, `i18n`), periods,
//! the unit registry and the level of a run (`level`), Vietnamese-style
//! values and text normalisation.

pub(crate) mod book;
pub(crate) mod crosswalk;
pub(crate) mod finding;
pub(crate) mod frame;
pub(crate) mod i18n;
pub(crate) mod level;
pub(crate) mod messages;
pub(crate) mod name_index;
pub(crate) mod national;
pub(crate) mod period;
pub(crate) mod registry;
pub(crate) mod registry_check;
pub(crate) mod schema;
pub(crate) mod submission;
pub(crate) mod text;
pub(crate) mod unit_name;
pub(crate) mod values;
