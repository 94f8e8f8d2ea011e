//! essay-lsp's analysis core: corpus, normalisation, matching, glossary, phrases and checks.
//!
//! Nothing here knows about LSP or async runtimes: functions take text and return findings with
//! char ranges. The language server (`src/lsp/`) and the command line (`src/cli/`) are thin
//! layers over this crate. See ARCHITECTURE.md for the map.

pub mod analysis;
pub mod atomic;
mod automaton;
pub mod batch;
pub mod builtin;
pub mod cache;
pub mod checks;
pub mod config;
pub mod context;
pub mod corpus;
pub mod decode;
pub mod dictionary;
pub mod document;
pub mod docx;
pub mod fingerprint;
pub mod fix;
pub mod glossary;
pub mod html_report;
pub mod mining;
pub mod normalize;
pub mod outline;
pub mod parallel;
pub mod phrases;
pub mod prebuilt;
pub mod project;
pub mod project_edit;
mod ragged;
pub mod report;
pub mod schema;
pub mod segment;
pub mod text;
