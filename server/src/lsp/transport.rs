//! The byte stream between the client and tower-lsp-server, made robust to broken clients.
//!
//! tower-lsp-server stops reading at the first message it cannot decode (malformed JSON, invalid
//! UTF-8, a bad header: its framed reader ends the stream after an error), and the server then
//! exits. So a thread reads stdin first: it frames messages itself, answers the ones
//! tower-lsp-server would choke on with a JSON-RPC error (`-32700` parse error, `-32600` invalid
//! request, id `null` unless one can be read), skips header garbage, and passes only well-formed
//! messages on. A writer thread owns stdout: tower-lsp-server's frames and those error responses
//! reach it as whole chunks, so one never splits the other.

use std::io::{BufRead, BufReader, Read, Write};
use std::pin::Pin;
use std::sync::mpsc;
use std::task::{Context, Poll};

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc as tokio_mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};

/// Largest message body accepted (a 50 MB file in a `didOpen` fits, JSON escaping included).
/// Bigger messages are read and discarded, and answered with an invalid-request error.
pub const MAX_MESSAGE_BYTES: usize = 256 << 20;
/// Longest header line; longer lines are garbage.
const MAX_HEADER_LINE: usize = 8 << 10;

/// Starts the reader and writer threads over stdin/stdout; returns the streams to give
/// tower-lsp-server. `arriving` hears the size of each message as soon as its header is read,
/// before its body.
pub fn stdio(
    arriving: impl Fn(usize) + Send + 'static,
) -> std::io::Result<(ChannelReader, ChannelWriter)> {
    let (in_tx, in_rx) = tokio_mpsc::unbounded_channel::<Vec<u8>>();
    let (out_tx, out_rx) = mpsc::channel::<Vec<u8>>();
    widen_pipe(1);
    std::thread::Builder::new()
        .name("scopelens-stdout".into())
        .spawn(move || {
            let mut out = raw_stdout();
            for chunk in out_rx {
                if out.write_all(&chunk).and_then(|()| out.flush()).is_err() {
                    break;
                }
            }
        })?;
    let replies = out_tx.clone();
    std::thread::Builder::new()
        .name("scopelens-stdin".into())
        .spawn(move || {
            widen_pipe(0);
            let mut stdin = BufReader::new(std::io::stdin().lock());
            pump(&mut stdin, &in_tx, &replies, &arriving);
        })?;
    Ok((
        ChannelReader {
            rx: in_rx,
            chunk: Vec::new(),
            pos: 0,
        },
        ChannelWriter { tx: out_tx },
    ))
}

/// File descriptor 1 without std's line buffering, which would split each frame in two writes
/// (the header ends in a newline), and so wake the client twice.
#[cfg(unix)]
fn raw_stdout() -> impl Write {
    use std::os::fd::{AsRawFd, FromRawFd};
    struct Fd1(std::mem::ManuallyDrop<std::fs::File>);
    impl Write for Fd1 {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            (&*self.0).write(buf)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    // SAFETY: fd 1 stays open for the life of the process; `ManuallyDrop` never closes it, and
    // nothing else in the process writes to it (std's `Stdout` is not used).
    Fd1(std::mem::ManuallyDrop::new(unsafe {
        std::fs::File::from_raw_fd(std::io::stdout().as_raw_fd())
    }))
}

#[cfg(not(unix))]
fn raw_stdout() -> impl Write {
    std::io::stdout()
}

/// Asks for a 1 MiB pipe buffer on stdin or stdout (Linux's default is 64 KiB): a 9 MB `didOpen`
/// or a multi-megabyte answer crosses in a few wake-ups instead of a hundred. Nothing changes
/// where the stream is not a pipe or the call fails.
#[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
fn widen_pipe(fd: libc::c_int) {
    #[cfg(target_os = "linux")]
    // SAFETY: `fcntl` on one of the process's own standard streams with an integer argument; no
    // memory is shared.
    unsafe {
        libc::fcntl(fd, libc::F_SETPIPE_SZ, 1 << 20);
    }
}

/// Reads framed messages from `input` until EOF: each well-formed one goes on to `server`;
/// answers to broken ones go to `replies`.
fn pump(
    input: &mut impl BufRead,
    server: &tokio_mpsc::UnboundedSender<Vec<u8>>,
    replies: &mpsc::Sender<Vec<u8>>,
    arriving: &dyn Fn(usize),
) {
    loop {
        let reply = match read_frame(input, arriving) {
            Ok(Frame::Eof) => return,
            Ok(Frame::Body(body)) => match check(&body) {
                Ok(()) => {
                    if server.send(frame_bytes(&body)).is_err() {
                        return; // the server has stopped, after `exit`
                    }
                    continue;
                }
                Err(reply) => reply,
            },
            Ok(Frame::TooLarge(len)) => {
                tracing::warn!(
                    len,
                    "message larger than {MAX_MESSAGE_BYTES} bytes; discarded"
                );
                error_response(
                    Value::Null,
                    -32600,
                    &format!(
                        "message of {len} bytes is larger than the {MAX_MESSAGE_BYTES} scopelens accepts"
                    ),
                )
            }
            Ok(Frame::NoLength) => {
                tracing::warn!("message header without a valid Content-Length; skipped");
                continue;
            }
            Err(err) => {
                tracing::error!(%err, "cannot read stdin");
                return;
            }
        };
        if replies
            .send(frame_bytes(reply.to_string().as_bytes()))
            .is_err()
        {
            return;
        }
    }
}

fn frame_bytes(body: &[u8]) -> Vec<u8> {
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body);
    framed
}

enum Frame {
    Body(Vec<u8>),
    /// A header block without a usable `Content-Length` (garbage between messages).
    NoLength,
    TooLarge(usize),
    Eof,
}

fn read_frame(input: &mut impl BufRead, arriving: &dyn Fn(usize)) -> std::io::Result<Frame> {
    let mut length: Option<usize> = None;
    let mut saw_header = false;
    let mut invalid_length = false;
    loop {
        let mut line = Vec::new();
        let n = input
            .by_ref()
            .take(MAX_HEADER_LINE as u64)
            .read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(Frame::Eof);
        }
        if line.last() != Some(&b'\n') && n == MAX_HEADER_LINE {
            // An overlong line: skip the rest of it.
            let mut rest = Vec::new();
            input.read_until(b'\n', &mut rest)?;
            invalid_length |= saw_header;
            continue;
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if !saw_header {
                continue; // blank lines between messages
            }
            break;
        }
        saw_header = true;
        if let Some((name, value)) = line.split_once(':')
            && name.trim().eq_ignore_ascii_case("content-length")
        {
            match value.trim().parse::<usize>() {
                Ok(len) => length = Some(len),
                Err(_) => invalid_length = true,
            }
        }
    }
    let Some(length) = length.filter(|_| !invalid_length) else {
        return Ok(Frame::NoLength);
    };
    if length > MAX_MESSAGE_BYTES {
        let skipped = std::io::copy(
            &mut input.by_ref().take(length as u64),
            &mut std::io::sink(),
        )?;
        return Ok(if skipped < length as u64 {
            Frame::Eof
        } else {
            Frame::TooLarge(length)
        });
    }
    arriving(length);
    // Sized up front: growing by doubling would copy a large text several times.
    let mut body = Vec::with_capacity(length);
    input.by_ref().take(length as u64).read_to_end(&mut body)?;
    if body.len() < length {
        return Ok(Frame::Eof);
    }
    Ok(Frame::Body(body))
}

/// `Ok` when tower-lsp-server can decode the body; otherwise the error response to send.
fn check(body: &[u8]) -> Result<(), Value> {
    let Ok(text) = std::str::from_utf8(body) else {
        tracing::warn!("message body is not UTF-8");
        return Err(error_response(
            Value::Null,
            -32700,
            "message body is not valid UTF-8",
        ));
    };
    if serde_json::from_str::<Request>(text).is_ok()
        || serde_json::from_str::<Response>(text).is_ok()
    {
        return Ok(());
    }
    match serde_json::from_str::<Value>(text) {
        Err(err) => {
            tracing::warn!(%err, "malformed JSON");
            Err(error_response(
                Value::Null,
                -32700,
                &format!("parse error: {err}"),
            ))
        }
        Ok(value) => {
            tracing::warn!("not a JSON-RPC message");
            let id = match value.get("id") {
                Some(id @ (Value::Number(_) | Value::String(_))) => id.clone(),
                _ => Value::Null,
            };
            Err(error_response(
                id,
                -32600,
                "invalid request: not a JSON-RPC 2.0 message",
            ))
        }
    }
}

fn error_response(id: Value, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

/// The server's input: the messages the reader thread passed on.
pub struct ChannelReader {
    rx: tokio_mpsc::UnboundedReceiver<Vec<u8>>,
    chunk: Vec<u8>,
    pos: usize,
}

impl AsyncRead for ChannelReader {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let this = self.get_mut();
        while this.pos == this.chunk.len() {
            match this.rx.poll_recv(cx) {
                Poll::Ready(Some(chunk)) => {
                    this.chunk = chunk;
                    this.pos = 0;
                }
                Poll::Ready(None) => return Poll::Ready(Ok(())), // EOF
                Poll::Pending => return Poll::Pending,
            }
        }
        let n = buf.remaining().min(this.chunk.len() - this.pos);
        buf.put_slice(&this.chunk[this.pos..this.pos + n]);
        this.pos += n;
        Poll::Ready(Ok(()))
    }
}

/// The server's output: each write is handed whole to the writer thread. tower-lsp-server writes
/// whole frames (its encoder's buffer), so frames reach stdout in one piece.
pub struct ChannelWriter {
    tx: mpsc::Sender<Vec<u8>>,
}

impl AsyncWrite for ChannelWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Poll::Ready(match self.tx.send(buf.to_vec()) {
            Ok(()) => Ok(buf.len()),
            Err(_) => Err(std::io::ErrorKind::BrokenPipe.into()),
        })
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Pumps `input`: the messages passed on to the server, and the replies written to the
    /// client, as JSON.
    fn run(input: &[u8]) -> (Vec<String>, Vec<Value>) {
        let (server_tx, mut server_rx) = tokio_mpsc::unbounded_channel();
        let (out_tx, out_rx) = mpsc::channel();
        pump(
            &mut std::io::Cursor::new(input.to_vec()),
            &server_tx,
            &out_tx,
            &|_| {},
        );
        drop(out_tx);
        let mut passed = Vec::new();
        while let Ok(m) = server_rx.try_recv() {
            passed.push(String::from_utf8(m).unwrap());
        }
        let written: Vec<u8> = out_rx.iter().flatten().collect();
        (passed, frames(&written))
    }
    fn frames(mut bytes: &[u8]) -> Vec<Value> {
        let mut frames = Vec::new();
        while !bytes.is_empty() {
            let text = std::str::from_utf8(bytes).unwrap();
            let (header, rest) = text.split_once("\r\n\r\n").unwrap();
            let length: usize = header
                .strip_prefix("Content-Length: ")
                .unwrap()
                .parse()
                .unwrap();
            frames.push(serde_json::from_str(&rest[..length]).unwrap());
            bytes = &rest.as_bytes()[length..];
        }
        frames
    }

    fn msg(body: &str) -> String {
        format!("Content-Length: {}\r\n\r\n{body}", body.len())
    }

    #[test]
    fn broken_messages_are_answered_and_good_ones_pass() {
        let good = r#"{"jsonrpc":"2.0","id":1,"method":"shutdown"}"#;
        let input = [
            msg("{not json"),
            "garbage line\r\n\r\n".into(),
            msg(r#"{"id":7,"foo":1}"#),
            "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n".to_string() + &msg(good),
            msg("[1,2]"),
            "content-length: x\r\n\r\n".into(),
            msg(good),
        ]
        .concat();
        let (passed, replies) = run(input.as_bytes());
        assert_eq!(passed, vec![msg(good), msg(good)]);
        let codes: Vec<_> = replies
            .iter()
            .map(|r| (r["id"].clone(), r["error"]["code"].as_i64().unwrap()))
            .collect();
        assert_eq!(
            codes,
            vec![
                (Value::Null, -32700),
                (json!(7), -32600),
                (Value::Null, -32600)
            ]
        );
    }

    #[test]
    fn invalid_utf8_and_truncated_input() {
        let mut input = b"Content-Length: 3\r\n\r\n\xff\xfe{".to_vec();
        input.extend_from_slice(b"Content-Length: 100\r\n\r\n{}");
        let (passed, replies) = run(&input);
        assert!(passed.is_empty());
        assert_eq!(replies.len(), 1);
        assert_eq!(replies[0]["error"]["code"], -32700);
    }

    #[test]
    fn oversized_messages_are_discarded() {
        let input = format!("Content-Length: {}\r\n\r\n", MAX_MESSAGE_BYTES + 1);
        let (passed, replies) = run(input.as_bytes());
        // Truncated: the stream ended inside the message, nothing to answer.
        assert!(passed.is_empty() && replies.is_empty());
    }
}
