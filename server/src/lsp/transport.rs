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
    let mut body = vec![0; length];
    reader.read_exact(&mut body).await?;
    Ok(Some(Ok(body)))
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

fn parse_error(reason: &str) -> Vec<u8> {
    let body = json!({
        "jsonrpc": "2.0",
        "id": null,
        "error": {"code": -32700, "message": format!("Parse error: {reason}")},
    });
    eprintln!("essay-lsp: ignored a malformed message: {reason}");
    frame(body.to_string().as_bytes())
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
            Ok(Some(Ok(body))) => {
                let valid = matches!(
                    serde_json::from_slice::<serde_json::Value>(&body),
                    Ok(serde_json::Value::Object(_))
                );
                if valid {
                    if to_server.write_all(&frame(&body)).await.is_err() {
                        return;
                    }
                } else {
                    let _ = errors.send(parse_error("invalid JSON")).await;
                }
            }
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
