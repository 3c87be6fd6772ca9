//! Machine tables: CSV (UTF-8 with a BOM so that Excel shows Vietnamese
//! correctly) and Parquet, both straight from the polars frames.

use polars::prelude::DataFrame;
use polars_io::prelude::ParquetWriter;

use crate::frame::{Out, get};
use crate::values::format_number;

use super::OutputError;

pub fn csv_bytes(df: &DataFrame) -> Result<Vec<u8>, OutputError> {
    let mut buf = vec![0xEF, 0xBB, 0xBF];
    {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut buf);
        let names: Vec<String> = df
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect();
        writer.write_record(&names)?;
        for row in 0..df.height() {
            let record: Vec<String> = names
                .iter()
                .map(|name| match get(df, name, row) {
                    Out::Null => String::new(),
                    Out::Num(n) => format_number(n),
                    Out::Text(t) => t,
                    Out::Bool(b) => b.to_string(),
                })
                .collect();
            writer.write_record(&record)?;
        }
        writer.flush().map_err(|e| OutputError::Csv(e.into()))?;
    }
    Ok(buf)
}

pub fn parquet_bytes(df: &mut DataFrame) -> Result<Vec<u8>, OutputError> {
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf).finish(df)?;
    Ok(buf)
}
