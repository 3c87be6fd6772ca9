//! The whole per-file path, bytes → findings: sniffing, the zip checks,
//! calamine, locating, identifying, value parsing and the polars rules, with
//! the pcmd schema and the Văn Bàn registry. Panics inside calamine are
//! caught by the reader and become `file-unreadable`; any other panic is a
//! bug in tonghop and a crash here.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use tonghop::check_bytes;
use tonghop::Config;
use tonghop::Period;
use tonghop::Registry;
use tonghop::Schema;

fn config() -> &'static Config {
    static CONFIG: OnceLock<Config> = OnceLock::new();
    CONFIG.get_or_init(|| {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let schema = Schema::load(&root.join("schemas/pcmd.toml")).expect("schema");
        let registry = Registry::load(&root.join("schemas/units/van-ban-2023.csv")).expect("registry");
        let period = Period::parse("2023", schema.period).expect("period");
        // libfuzzer-sys turns every panic into a crash through its hook;
        // put the default back so that the reader's catch_unwind works as
        // in the product (a panic that escapes still aborts the run).
        let _ = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        Config::new(schema, registry, period)
    })
}

fuzz_target!(|data: &[u8]| {
    let submission = check_bytes(data.to_vec(), "fuzz.xlsx", config());
    assert!(!submission.findings.is_empty() || submission.data.is_some());
});
