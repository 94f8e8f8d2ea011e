//! stdio framing guard between the editor and tower-lsp-server.
//!
//! tower-lsp-server stops reading its input after the first message it cannot decode (tokio-util's
//! `FramedRead` ends the stream after a decoder error), so one malformed message from a client
//! would end the writer's session. Here every incoming frame is checked first: well-formed JSON
//! goes on to the server, anything else is answered with a JSON-RPC parse error (id null, as the
//! specification asks) and dropped. Outgoing frames from the server and our error replies are
//! written to stdout whole, one at a time, so they never interleave.

use serde_json::json;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::sync::mpsc;

/// Largest message accepted (a 5 MB draft makes a message of about that size). A longer
/// Content-Length is answered with a parse error instead of being read.
const MAX_MESSAGE_BYTES: usize = 256 << 20;

/// Reads one frame: `Ok(Some(Ok(body)))`, `Ok(Some(Err(reason)))` for a frame whose headers are
/// unusable, `Ok(None)` at end of input.
async fn read_frame<R: AsyncBufRead + Unpin>(
    reader: &mut R,
) -> std::io::Result<Option<Result<Vec<u8>, String>>> {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    loop {
        let mut line = Vec::new();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(None);
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if saw_header {
                break;
            }
            continue; // stray blank line between frames
        }
        saw_header = true;
        // After a frame without a usable Content-Length, its body runs into the next frame's
        // header line (`{…}Content-Length: 52`): resynchronise on the last header name found.
        let line = match line.to_ascii_lowercase().rfind("content-length:") {
            Some(at) => &line[at..],
            None => line,
        };
        if let Some((name, value)) = line.split_once(':') {
            if name.trim().eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
        }
    }
    let Some(length) = length else {
        return Ok(Some(Err(
            "missing or invalid Content-Length header".to_owned()
        )));
    };
    if length > MAX_MESSAGE_BYTES {
        // Not read: allocating it would abort the process, and waiting for it would hang.
        return Ok(Some(Err(format!(
            "Content-Length {length} exceeds the limit of {MAX_MESSAGE_BYTES} bytes"
        ))));
    }
    // Grows with the bytes that actually arrive, not with what the header claims.
    let mut body = Vec::with_capacity(length.min(1 << 20));
    (&mut *reader)
        .take(length as u64)
        .read_to_end(&mut body)
        .await?;
    if body.len() < length {
        return Ok(None); // input ended inside the body
    }
    Ok(Some(Ok(body)))
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn parse_error(reason: &str) -> Vec<u8> {
    error_reply(-32700, &format!("Parse error: {reason}"))
}

/// An error response with id null, as JSON-RPC 2.0 asks when the id cannot be told.
fn error_reply(code: i32, message: &str) -> Vec<u8> {
    let body = json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": code, "message": message},
    });
    eprintln!("essay-lsp: ignored a malformed message: {message}");
    frame(body.to_string().as_bytes())
}

/// What tower-lsp-server decodes (its own `Message` type is private). Valid JSON of any other
/// shape — `"jsonrpc": "1.0"`, a method that is not a string, `[]` — would make it answer
/// once and then stop reading its input, ending the session.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum Incoming {
    Response(#[allow(dead_code)] tower_lsp_server::jsonrpc::Response),
    Request(#[allow(dead_code)] tower_lsp_server::jsonrpc::Request),
}

/// Copies valid frames from `input` to `to_server`; reports invalid ones on `errors`.
pub async fn guard_input(
    input: impl AsyncRead + Unpin,
    mut to_server: impl tokio::io::AsyncWrite + Unpin,
    errors: mpsc::Sender<Vec<u8>>,
) {
    let mut reader = BufReader::new(input);
    loop {
        match read_frame(&mut reader).await {
            Ok(Some(Ok(body))) => match serde_json::from_slice::<Incoming>(&body) {
                Ok(_) => {
                    if to_server.write_all(&frame(&body)).await.is_err() {
                        return;
                    }
                }
                Err(e) if e.is_data() => {
                    let reply = error_reply(-32600, "Invalid request: not a JSON-RPC 2.0 message");
                    let _ = errors.send(reply).await;
                }
                Err(_) => {
                    let _ = errors.send(parse_error("invalid JSON")).await;
                }
            },
            Ok(Some(Err(reason))) => {
                let _ = errors.send(parse_error(&reason)).await;
            }
            Ok(None) | Err(_) => return, // end of input: dropping `to_server` ends the server
        }
    }
}

/// Writes the server's frames and our error replies to `output`, each frame whole.
pub async fn merge_output(
    from_server: impl AsyncRead + Unpin,
    mut errors: mpsc::Receiver<Vec<u8>>,
    mut output: impl tokio::io::AsyncWrite + Unpin,
) {
    let mut reader = BufReader::new(from_server);
    let mut errors_open = true;
    loop {
        let bytes = tokio::select! {
            frame = read_frame(&mut reader) => match frame {
                Ok(Some(Ok(body))) => frame_bytes(body),
                _ => break,
            },
            error = errors.recv(), if errors_open => match error {
                Some(bytes) => bytes,
                None => { errors_open = false; continue; }
            },
        };
        if output.write_all(&bytes).await.is_err() || output.flush().await.is_err() {
            break;
        }
    }
    let _ = output.flush().await;
}

fn frame_bytes(body: Vec<u8>) -> Vec<u8> {
    frame(&body)
}
