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
            let lang = tonghop::error_lang(&cli);
            let shown = tonghop::error_lines(&error, lang);
            eprintln!(
                "tonghop: {}: {}",
                lang.pick("lỗi", "error"),
                shown.first().map(String::as_str).unwrap_or_default()
            );
            for line in shown.iter().skip(1) {
                eprintln!("  {line}");
            }
            ExitCode::from(2)
        }
    }
}
