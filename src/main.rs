//! The `tonghop` binary: parse arguments, run, map the outcome to an exit
//! code (0 clean, 1 findings with errors, 2 the tool failed). Its allocator
//! is the system's but for large page-aligned zeroed blocks (`pages`).

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

/// The system allocator, except that a large block aligned to more than
/// malloc guarantees (up to a page) is mapped from the kernel: already
/// zero, and not touched until used. polars makes one at its first column
/// of nulls (8 MiB of shared zeroes, 4 KiB-aligned); the system allocator
/// gives an aligned block zeroed by hand, 2,048 pages written: a fifth of
/// the time of a one-file `check`.
#[cfg(unix)]
mod pages {
    use std::alloc::{GlobalAlloc, Layout, System};

    pub(crate) struct Allocator;

    /// What malloc aligns to by itself (64-bit Linux), and the smallest
    /// page: a mapping is aligned to it.
    const MALLOC_ALIGN: usize = 16;
    const PAGE: usize = 4096;

    fn mapped(layout: Layout) -> bool {
        layout.size() >= 1 << 20 && layout.align() > MALLOC_ALIGN && layout.align() <= PAGE
    }

    fn map(size: usize) -> *mut u8 {
        // SAFETY: an anonymous private mapping of `size` bytes, no address
        // asked for; the kernel returns a page-aligned block or MAP_FAILED.
        let p = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if p == libc::MAP_FAILED {
            std::ptr::null_mut()
        } else {
            p.cast()
        }
    }

    // SAFETY: a mapped block is given for a layout `mapped` accepts and
    // returned by `dealloc` for the same layout (the decision depends on the
    // layout alone); every other layout goes to `System`, unchanged.
    unsafe impl GlobalAlloc for Allocator {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            if mapped(layout) {
                map(layout.size())
            } else {
                // SAFETY: the caller's contract, passed on.
                unsafe { System.alloc(layout) }
            }
        }

        unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
            if mapped(layout) {
                map(layout.size())
            } else {
                // SAFETY: the caller's contract, passed on.
                unsafe { System.alloc_zeroed(layout) }
            }
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            if mapped(layout) {
                // SAFETY: `ptr` was mapped by `map` with this size.
                unsafe { libc::munmap(ptr.cast(), layout.size()) };
            } else {
                // SAFETY: the caller's contract, passed on.
                unsafe { System.dealloc(ptr, layout) }
            }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // SAFETY: the caller guarantees a valid size for this alignment.
            let new = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
            if !mapped(layout) && !mapped(new) {
                // SAFETY: the caller's contract, passed on.
                return unsafe { System.realloc(ptr, layout, new_size) };
            }
            // SAFETY: a new block of the new layout, the old one's bytes
            // copied (as many as both hold), then the old one returned.
            unsafe {
                let to = self.alloc(new);
                if !to.is_null() {
                    std::ptr::copy_nonoverlapping(ptr, to, layout.size().min(new_size));
                    self.dealloc(ptr, layout);
                }
                to
            }
        }
    }
}

#[cfg(unix)]
#[global_allocator]
static ALLOCATOR: pages::Allocator = pages::Allocator;
