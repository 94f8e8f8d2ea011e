//! End-to-end tests: the real `essay-lsp` binary, driven over stdio and from the command line.

mod cli;
mod client;
mod hostile;
mod proofreading;
mod protocol;
mod workspace;
