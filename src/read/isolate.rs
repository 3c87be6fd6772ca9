//! Reads one file in a child process, so that what calamine cannot guard
//! against — a dense allocation for a sheet that claims billions of cells, an
//! abort, a hang — costs that file and not the run. The child is the same
//! executable started with the hidden `__read` command; it limits its own
//! address space (Unix), parses the file and writes the `Book` as JSON on
//! stdout. The parent enforces the time limit and turns a dead child into a
//! finding.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use crate::model::book::{Book, FileInfo};
use crate::model::finding::{Code, Finding, Msg};
use crate::model::messages;
use crate::read::ingest::{
    Limits, in_process_budget, parse_bytes, parse_in_process, read_bytes, read_info,
};

/// The hidden command the child runs.
pub(crate) const READ_COMMAND: &str = "__read";
const LIMITS_ENV: &str = "TONGHOP_READ_LIMITS";

#[derive(Serialize, Deserialize)]
enum Reply {
    Book(Book),
    Problem { code: String, message: Msg },
}

/// The parent side: hash the file here, parse it in a child — unless it is
/// a streamed workbook (.xlsx, .xlsm) whose parts read whole fit the
/// in-process budget, the common case, which is parsed here.
pub fn read_file(
    exe: &Path,
    path: &Path,
    limits: &Limits,
) -> (Option<FileInfo>, Result<Book, Finding>) {
    let small = std::fs::metadata(path).is_ok_and(|m| m.len() <= limits.in_process_max_bytes);
    if small {
        let (info, bytes) = match read_bytes(path, limits) {
            Ok(read) => read,
            Err(early) => return early,
        };
        let parsed = in_process_budget(&bytes, limits)
            .and_then(|budget| parse_in_process(bytes, limits, budget));
        // Not for this process, or over its budget once started: the child.
        let parsed = parsed.unwrap_or_else(|| parse_in_child(exe, path, limits));
        return (Some(info), parsed);
    }
    let info = match read_info(path, limits) {
        Ok(info) => info,
        Err(early) => return early,
    };
    (Some(info), parse_in_child(exe, path, limits))
}

/// The child's exit status, or `None` when it ran past `time` (it is then
/// killed) or cannot be waited for.
fn wait_within(
    child: &mut std::process::Child,
    time: Duration,
) -> Option<std::process::ExitStatus> {
    let deadline = Instant::now() + time;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return Some(status),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(2)),
            Err(_) => return None,
        }
    }
}

fn parse_in_child(exe: &Path, path: &Path, limits: &Limits) -> Result<Book, Finding> {
    let limits_json = serde_json::to_string(limits).expect("limits serialise");
    let spawned = Command::new(exe)
        .arg(READ_COMMAND)
        .arg(path)
        .env(LIMITS_ENV, limits_json)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn();
    let mut child = match spawned {
        Ok(child) => child,
        // Cannot start a child (exotic platform, no permission): read here.
        Err(_) => return read_here(path, limits),
    };
    let mut stdout = child.stdout.take().expect("piped stdout");
    // Drain stdout while waiting, or a large reply would block the child.
    let drain = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let status = wait_within(&mut child, Duration::from_secs(limits.max_seconds));
    let output = drain.join().unwrap_or_default();
    let Some(status) = status else {
        return Err(Finding::new(
            Code::FileTooLarge,
            messages::file_too_slow(limits.max_seconds),
        ));
    };
    match serde_json::from_slice::<Reply>(&output) {
        Ok(Reply::Book(book)) if status.success() => Ok(book),
        Ok(Reply::Problem { code, message }) => Err(Finding::new(
            Code::parse(&code).unwrap_or(Code::FileUnreadable),
            message,
        )),
        // The child finished but its answer does not parse: our bug, not the
        // file's size.
        Err(e) if status.success() => Err(Finding::new(
            Code::FileUnreadable,
            messages::file_unreadable(&e.to_string()),
        )),
        // The child died: out of memory (abort) or worse.
        _ => Err(Finding::new(
            Code::FileTooLarge,
            messages::file_too_large_memory(limits.max_memory_bytes),
        )),
    }
}

fn read_here(path: &Path, limits: &Limits) -> Result<Book, Finding> {
    let bytes = std::fs::read(path).map_err(|e| {
        Finding::new(
            Code::FileUnreadable,
            messages::file_unreadable(&e.to_string()),
        )
    })?;
    parse_bytes(bytes, limits)
}

/// The child side: limit memory, parse, answer on stdout.
pub(crate) fn serve(path: &Path) -> std::io::Result<()> {
    let limits: Limits = std::env::var(LIMITS_ENV)
        .ok()
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    limit_memory(limits.max_memory_bytes);
    let reply = match read_here(path, &limits) {
        Ok(book) => Reply::Book(book),
        Err(finding) => Reply::Problem {
            code: finding.code.as_str().to_string(),
            message: finding.message,
        },
    };
    let mut out = std::io::stdout().lock();
    serde_json::to_writer(&mut out, &reply).map_err(std::io::Error::other)?;
    out.flush()
}

#[cfg(unix)]
fn limit_memory(bytes: u64) {
    let limit = libc::rlimit {
        rlim_cur: bytes as libc::rlim_t,
        rlim_max: bytes as libc::rlim_t,
    };
    // SAFETY: setrlimit only reads the struct we pass; lowering our own
    // limit cannot break memory safety. A failure leaves the process unlimited.
    unsafe {
        libc::setrlimit(libc::RLIMIT_AS, &limit);
    }
}

#[cfg(not(unix))]
fn limit_memory(_bytes: u64) {}
