//! The language server: a thin layer that owns documents, converts positions and schedules the
//! analysis core off the async executor.

mod backend;
mod commands;
mod convert;
mod handlers;
mod symbols;
mod transport;
mod workspace;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tower_lsp_server::{LspService, Server};

/// Serves LSP on stdin/stdout until `exit` or the end of input. Returns the process exit code:
/// 0 after `shutdown` then `exit`, 1 otherwise, as the specification asks.
pub fn run() -> i32 {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    let shutdown = Arc::new(AtomicBool::new(false));
    let flag = shutdown.clone();
    runtime.block_on(async move {
        let (service, socket) = LspService::new(|client| backend::Backend::new(client, flag));
        let (server_input, guarded_input) = tokio::io::duplex(1 << 16);
        let (server_output, merged_output) = tokio::io::duplex(1 << 16);
        let (errors_tx, errors_rx) = tokio::sync::mpsc::channel(16);
        tokio::spawn(transport::guard_input(
            tokio::io::stdin(),
            guarded_input,
            errors_tx,
        ));
        let writer = tokio::spawn(transport::merge_output(
            merged_output,
            errors_rx,
            tokio::io::stdout(),
        ));
        Server::new(server_input, server_output, socket)
            .serve(service)
            .await;
        // The server's end of the output pipe is closed now; let the last frames reach stdout.
        let _ = tokio::time::timeout(std::time::Duration::from_secs(2), writer).await;
    });
    // Blocking analysis tasks may still run; do not wait for them, except for an index being
    // written to the cache, which would otherwise leave a temporary file behind. None starts
    // after this.
    essay_core::cache::close_writes(std::time::Duration::from_secs(5));
    runtime.shutdown_background();
    if shutdown.load(Ordering::SeqCst) {
        0
    } else {
        1
    }
}
