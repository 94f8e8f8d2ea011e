//! The binary's heap: mimalloc, without transparent huge pages, tuned per front end.
//!
//! A `check` against a corpus it has not seen is short and allocates tens of megabytes once.
//! mimalloc serves that about 10 % faster than glibc's malloc (BENCHMARKS.md, eighth session).
//!
//! Huge pages are off for every front end. mimalloc asks for them, and back-to-back runs of a
//! benchmark get them cheaply from memory the previous run just freed; but a `check` run on its
//! own, as a writer runs it, made the kernel compact memory first: 0.12–0.19 s of system time
//! for a check that takes 0.05 s without them.
//!
//! The server lives for hours beside an editor, where a small resident set matters more than a
//! few milliseconds: [`for_server`] also returns freed memory sooner. A command that checks and
//! exits never returns it ([`for_one_run`]): the kernel takes it all back at exit.

use std::ffi::c_int;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc.h (the same in mimalloc 2 and 3; `libmimalloc-sys` does
/// not export it): how many milliseconds freed memory is kept before it goes back to the OS.
const MI_OPTION_PURGE_DELAY: c_int = 15;

/// Turns transparent huge pages off for this process as the binary is loaded, before `main`:
/// the Rust runtime allocates before `main`, which makes mimalloc reserve its first arena and
/// touch it, and when that happened with huge pages allowed, every `check` got two 2 MB pages
/// (`thp_fault_alloc` in /proc/vmstat).
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static WITHOUT_HUGE_PAGES: extern "C" fn() = {
    extern "C" fn without_huge_pages() {
        // SAFETY: prctl with PR_SET_THP_DISABLE takes plain integers and changes only a flag of
        // this process, which overrides the `madvise` of mappings made before it as well as
        // after. A failure (an old kernel) leaves huge pages on: slower when memory is
        // fragmented, nothing worse.
        unsafe {
            libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0);
        }
    }
    without_huge_pages
};

/// Keeps the server's resident set small: freed memory goes back to the OS after 10 ms
/// (mimalloc 2's default) instead of a second. `cargo bench --bench e2e -- startup` measured the
/// delays against each other: at 1000 ms peak RSS p50 46 MB; at 10 ms 41 MB and the first hover
/// as fast as under glibc (39 MB); at 0 ms 35 MB, but the first hover 3–5 ms later.
pub fn for_server() {
    // SAFETY: mimalloc's options may be set at any time; they are read when memory is freed.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10) };
}

/// For a command that runs once and exits: freed memory stays with mimalloc until the process
/// ends. Otherwise mimalloc's exit handler hands every freed page back with `madvise` first,
/// ≈1.5 ms of CPU at the end of a 0.5 MB corpus check, just before the kernel frees the
/// whole address space anyway. Peak RSS is unchanged: a run's purges (after the default
/// second) come too late to lower it (BENCHMARKS.md, eleventh session).
pub fn for_one_run() {
    // SAFETY: as in `for_server`. A negative delay means "never purge" (mimalloc.h).
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_purge_delay_option_is_the_one_mimalloc_documents() {
        // mimalloc 3 purges after 1000 ms by default (options.c), and the options numbered
        // around it default to other values: a renumbered enum most likely fails here instead
        // of tuning some other option.
        // SAFETY: reading an option has no preconditions.
        assert_eq!(
            unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) },
            1000
        );
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn huge_pages_are_off_from_the_start() {
        // Nothing here asks: the flag was set as this test binary was loaded. The kernel
        // reports it (Linux 3.15 and later).
        let status = std::fs::read_to_string("/proc/self/status").unwrap();
        assert!(
            status
                .lines()
                .any(|l| l.split_whitespace().eq(["THP_enabled:", "0"])),
            "{status}"
        );
    }
}
