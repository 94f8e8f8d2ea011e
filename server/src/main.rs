//! The `essay-lsp` binary: the language server (default, or `--stdio`), `essay-lsp check` and
//! `essay-lsp fix`.

mod allocator;
mod cli;
mod lsp;
mod progress_bar;

use std::process::ExitCode;

fn main() -> ExitCode {
    let code = run();
    // Cache files written beside the answer (`IndexCache::store_list_later`) or in the
    // background are finished, not left half-written, and none starts now.
    essay_core::cache::close_writes(std::time::Duration::from_secs(5));
    code
}

/// The checks' tables that `build.rs` made: read in place instead of made on every start.
fn embed_tables() -> bool {
    static TABLES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/tables.bin"));
    essay_core::prebuilt::embed(TABLES)
}

fn run() -> ExitCode {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    embed_tables();
    match args.first().map(String::as_str) {
        // The server takes no argument but `--stdio` (what editors pass); anything else is a
        // mistake to report, not to ignore.
        None | Some("--stdio") => match args.iter().find(|a| *a != "--stdio") {
            None => {
                allocator::for_server();
                ExitCode::from(lsp::run() as u8)
            }
            Some(other) => {
                eprintln!(
                    "essay-lsp: 未知的参数 “{other}”\n{}",
                    cli::help_hint("essay-lsp --help")
                );
                ExitCode::from(2)
            }
        },
        Some("check") => {
            allocator::for_one_run();
            args.remove(0);
            cli::check(args)
        }
        Some("fix") => {
            allocator::for_one_run();
            args.remove(0);
            cli::fix::run(args)
        }
        Some("-h" | "--help" | "help") => {
            print!("{}", cli::usage());
            ExitCode::SUCCESS
        }
        Some("-V" | "--version") => {
            println!("essay-lsp {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some(other) => {
            eprintln!(
                "essay-lsp: 未知的参数 “{other}”\n{}",
                cli::help_hint("essay-lsp --help")
            );
            ExitCode::from(2)
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_binary_carries_this_builds_tables() {
        assert!(super::embed_tables());
    }
}
