//! Framing on stdin/stdout, robust to broken clients.
//!
//! A reader thread frames messages from stdin and decodes each one once, into the JSON-RPC
//! request or response tower-lsp-server's service takes; a message it cannot decode (malformed
//! JSON, invalid UTF-8, not JSON-RPC) is answered with an error (`-32700` parse error, `-32600`
//! invalid request, id `null` unless one can be read) and reading goes on; header garbage is
//! skipped. (tower-lsp-server's own framed reader ends the session at the first such message.)
//! A writer thread owns stdout: it encodes each outgoing message and writes it whole, so the
//! async tasks never wait on the client, and encoding a large answer does not hold them up.

use std::io::{BufRead, BufReader, Read, Write};
use std::sync::mpsc;

use serde_json::{Value, json};
use tokio::sync::mpsc as tokio_mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};

/// Largest message body accepted (a 50 MB file in a `didOpen` fits, JSON escaping included).
/// Bigger messages are read and discarded, and answered with an invalid-request error.
pub const MAX_MESSAGE_BYTES: usize = 256 << 20;
/// Longest header line; longer lines are garbage.
const MAX_HEADER_LINE: usize = 8 << 10;

/// A message from the client, decoded.
pub enum Incoming {
    Request(Request),
    Response(Response),
}

/// A message to the client, encoded and written by the writer thread.
pub enum Outgoing {
    Response(Response),
    Request(Request),
    /// Not a message: acknowledged once everything queued before it is written.
    Flushed(mpsc::Sender<()>),
}

/// Where messages to the client go.
#[derive(Clone)]
pub struct Output {
    tx: mpsc::Sender<Outgoing>,
}

impl Output {
    /// Queues a message for the writer thread; `false` once stdout is gone.
    pub fn send(&self, message: Outgoing) -> bool {
        self.tx.send(message).is_ok()
    }

    /// Waits, at most `timeout`, until every message queued so far is written: the process
    /// must not exit with answers still in the queue (a client that sends `initialize` and
    /// closes stdin still gets its answer).
    pub fn flush(&self, timeout: std::time::Duration) {
        let (ack, written) = mpsc::channel();
        if self.send(Outgoing::Flushed(ack)) {
            let _ = written.recv_timeout(timeout);
        }
    }
}

/// Starts the reader and writer threads over stdin/stdout: the client's messages in arrival
/// order, and where to send ours. `arriving` hears the size of each message as soon as its
/// header is read, before its body.
pub fn stdio(
    arriving: impl Fn(usize) + Send + 'static,
) -> std::io::Result<(tokio_mpsc::UnboundedReceiver<Incoming>, Output)> {
    let (in_tx, in_rx) = tokio_mpsc::unbounded_channel();
    let (out_tx, out_rx) = mpsc::channel::<Outgoing>();
    widen_pipe(1);
    std::thread::Builder::new()
        .name("scopelens-stdout".into())
        .spawn(move || {
            let mut out = raw_stdout();
            for message in out_rx {
                let body = match &message {
                    Outgoing::Response(response) => serde_json::to_vec(response),
                    Outgoing::Request(request) => serde_json::to_vec(request),
                    Outgoing::Flushed(ack) => {
                        let _ = ack.send(());
                        continue;
                    }
                };
                // Dropped here, on this thread: a large answer's `Value` tree too.
                drop(message);
                let Ok(body) = body else {
                    tracing::error!("cannot encode a message to the client");
                    continue;
                };
                if out.write_all(&frame_bytes(&body)).is_err() {
                    break;
                }
            }
        })?;
    let output = Output { tx: out_tx };
    let replies = output.clone();
    std::thread::Builder::new()
        .name("scopelens-stdin".into())
        .spawn(move || {
            widen_pipe(0);
            let mut stdin = BufReader::new(std::io::stdin().lock());
            pump(&mut stdin, &in_tx, &replies, &arriving);
        })?;
    Ok((in_rx, output))
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
    server: &tokio_mpsc::UnboundedSender<Incoming>,
    replies: &Output,
    arriving: &dyn Fn(usize),
) {
    loop {
        let reply = match read_frame(input, arriving) {
            Ok(Frame::Eof) => return,
            Ok(Frame::Body(body)) => match decode(&body) {
                Ok(message) => {
                    if server.send(message).is_err() {
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
        if !replies.send(Outgoing::Response(*reply)) {
            return;
        }
    }
}

/// The frame around `body`, written with one `write`: std's line-buffered stdout would split it
/// after the header.
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

/// Messages at least this large are tried with [`super::large_strings`] first.
const LARGE_MESSAGE: usize = 1 << 20;

/// The message in `body`; otherwise the error response to send.
fn decode(body: &[u8]) -> Result<Incoming, Box<Response>> {
    let Ok(text) = std::str::from_utf8(body) else {
        tracing::warn!("message body is not UTF-8");
        return Err(error_response(
            Value::Null,
            -32700,
            "message body is not valid UTF-8",
        ));
    };
    // A large message's large strings (a `didOpen`'s text) are decoded apart, faster.
    if text.len() >= LARGE_MESSAGE
        && let Some(request) = super::large_strings::request(text)
    {
        return Ok(Incoming::Request(request));
    }
    // One pass for a request, the common and the large case (a `didOpen`). tower-lsp-server's
    // `Request` defaults a missing `method` to "", so an answer to one of our requests
    // (`{"id":0,"result":null}`) decodes as a request without a method: that is a response.
    if let Ok(request) = serde_json::from_str::<Request>(text)
        && !request.method().is_empty()
    {
        return Ok(Incoming::Request(request));
    }
    if let Ok(response) = serde_json::from_str::<Response>(text) {
        return Ok(Incoming::Response(response));
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

fn error_response(id: Value, code: i64, message: &str) -> Box<Response> {
    let response =
        json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } });
    Box::new(serde_json::from_value(response).expect("a JSON-RPC error response"))
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
            &Output { tx: out_tx },
            &|_| {},
        );
        let mut passed = Vec::new();
        while let Ok(message) = server_rx.try_recv() {
            let Incoming::Request(request) = message else {
                panic!("a response passed on");
            };
            passed.push(format!("{} {:?}", request.method(), request.id()));
        }
        let replies = out_rx
            .iter()
            .map(|message| match message {
                Outgoing::Response(response) => serde_json::to_value(response).unwrap(),
                Outgoing::Request(_) | Outgoing::Flushed(_) => panic!("a request written"),
            })
            .collect();
        (passed, replies)
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
        let shutdown = "shutdown Some(Number(1))".to_string();
        assert_eq!(passed, vec![shutdown.clone(), shutdown]);
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
    fn answers_to_our_requests_are_responses() {
        for body in [
            r#"{"jsonrpc":"2.0","id":0,"result":null}"#,
            r#"{"jsonrpc":"2.0","id":"a","error":{"code":-32601,"message":"no"}}"#,
        ] {
            assert!(
                matches!(decode(body.as_bytes()), Ok(Incoming::Response(_))),
                "{body}"
            );
        }
        let request = r#"{"jsonrpc":"2.0","id":0,"method":"shutdown"}"#;
        assert!(matches!(
            decode(request.as_bytes()),
            Ok(Incoming::Request(_))
        ));
        let notification = r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#;
        assert!(matches!(
            decode(notification.as_bytes()),
            Ok(Incoming::Request(_))
        ));
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
