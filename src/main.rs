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
            let label = match tonghop::i18n::lang() {
                tonghop::finding::Lang::Vi => "lỗi",
                tonghop::finding::Lang::En => "error",
            };
            eprintln!("tonghop: {label}: {error}");
            for cause in error.chain().skip(1) {
                eprintln!("  {cause}");
            }
            ExitCode::from(2)
        }
    }
}
