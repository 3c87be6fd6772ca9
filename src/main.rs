//! The `tonghop` binary: parse arguments, run, map the outcome to an exit
//! code (0 clean, 1 findings with errors, 2 the tool failed).

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = tonghop::cli::Cli::parse();
    match tonghop::run(&cli) {
        Ok(tonghop::Outcome::Clean) => ExitCode::from(0),
        Ok(tonghop::Outcome::Findings) => ExitCode::from(1),
        Err(error) => {
            let label = match tonghop::lang() {
                tonghop::Lang::Vi => "lỗi",
                tonghop::Lang::En => "error",
            };
            // Library errors (polars in particular) can be long and repeat
            // their causes: show each distinct cause's first line.
            let mut shown: Vec<String> = Vec::new();
            for cause in error.chain() {
                let line = cause
                    .to_string()
                    .lines()
                    .next()
                    .unwrap_or_default()
                    .trim()
                    .to_string();
                if !line.is_empty() && !shown.contains(&line) {
                    shown.push(line);
                }
            }
            eprintln!(
                "tonghop: {label}: {}",
                shown.first().map(String::as_str).unwrap_or_default()
            );
            for line in shown.iter().skip(1) {
                eprintln!("  {line}");
            }
            ExitCode::from(2)
        }
    }
}
