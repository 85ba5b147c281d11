//! The byte stream between the client and tower-lsp-server, made robust to broken clients.
//!
//! tower-lsp-server stops reading at the first message it cannot decode (malformed JSON, invalid
//! UTF-8, a bad header: its framed reader ends the stream after an error), and the server then
//! exits. So a thread reads stdin first: it frames messages itself, answers the ones
//! tower-lsp-server would choke on with a JSON-RPC error (`-32700` parse error, `-32600` invalid
//! request, id `null` unless one can be read), skips header garbage, and passes only well-formed
//! messages on. Output goes through one writer thread, so those error responses never split a
//! message of the server's.
//!
//! Large document texts bypass tower-lsp-server's decoding: its framed reader keeps a buffer as
//! large as the largest message for the life of the process (16 MiB after a 9 MB `didOpen`), and
//! it decodes through a `serde_json::Value` and copies the text out of it again. The reader
//! thread parses a large `didOpen`/`didChange` itself, keeps each large text in
//! [`IncomingTexts`], and passes on the message with a marker in its place, which
//! [`super::documents::Documents`] swaps back for the text.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read, Write};
use std::pin::Pin;
use std::sync::{Arc, mpsc};
use std::task::{Context, Poll};

use serde::de::IgnoredAny;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::mpsc as tokio_mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};

use super::stash::{Stash, Taken};

/// Largest message body accepted (a 50 MB file in a `didOpen` fits, JSON escaping included).
/// Bigger messages are read and discarded, and answered with an invalid-request error.
pub const MAX_MESSAGE_BYTES: usize = 256 << 20;
/// Longest header line; longer lines are garbage.
const MAX_HEADER_LINE: usize = 8 << 10;
/// Texts at least this long are taken out of `didOpen`/`didChange` messages on the reader thread.
const LARGE_TEXT: usize = 64 << 10;
/// Texts taken out but never claimed (tower-lsp-server drops notifications before `initialize`)
/// are dropped beyond this many, oldest first.
const MAX_UNCLAIMED: usize = 64;

/// Large texts taken out of incoming messages, until the document handlers claim them.
pub struct IncomingTexts {
    stash: Stash<String>,
}

impl Default for IncomingTexts {
    fn default() -> Self {
        Self {
            stash: Stash::new("scopelens-incoming-text", MAX_UNCLAIMED),
        }
    }
}

impl IncomingTexts {
    /// Keeps `text` and returns the marker to send in its place.
    fn stash(&self, text: String) -> String {
        self.stash.put(text)
    }

    /// The text a marker stands for; any other text is returned as it is.
    pub fn claim(&self, text: String) -> String {
        match self.stash.take(&text) {
            Taken::Value(text) => text,
            Taken::NotOurs => text,
            Taken::Dropped => {
                tracing::error!("a large incoming text was dropped before it was claimed");
                String::new()
            }
        }
    }

    /// `body` with its large texts replaced by markers, if it is a `didOpen` or `didChange` that
    /// has any; `None` leaves the message as it is.
    fn divert(&self, body: &[u8]) -> Option<Vec<u8>> {
        // One pass over the body: the fields' order is free, so the method is not known before
        // the params are read, and the params are kept as a `Value` whose strings are unescaped
        // once, into the `String`s that are stashed.
        #[derive(Deserialize, Serialize)]
        struct Notification<'a> {
            #[serde(borrow)]
            jsonrpc: Cow<'a, str>,
            #[serde(borrow)]
            method: Cow<'a, str>,
            #[serde(default, skip_serializing)]
            id: Option<IgnoredAny>,
            params: Value,
        }
        if body.len() < LARGE_TEXT {
            return None;
        }
        let mut message: Notification<'_> = serde_json::from_slice(body).ok()?;
        if message.id.is_some() {
            return None;
        }
        let large = |text: Option<&mut Value>| {
            if let Some(Value::String(text)) = text
                && text.len() >= LARGE_TEXT
            {
                *text = self.stash(std::mem::take(text));
            }
        };
        match &*message.method {
            "textDocument/didOpen" => large(message.params.pointer_mut("/textDocument/text")),
            "textDocument/didChange" => {
                let changes = message.params.get_mut("contentChanges")?.as_array_mut()?;
                changes
                    .iter_mut()
                    .for_each(|change| large(change.get_mut("text")));
            }
            _ => return None,
        }
        serde_json::to_vec(&message).ok()
    }
}

/// Starts the reader and writer threads over stdin/stdout; returns the streams to give
/// tower-lsp-server.
/// `arriving` hears the size of each message as soon as its header is read, before its body.
pub fn stdio(
    texts: Arc<IncomingTexts>,
    arriving: impl Fn(usize) + Send + 'static,
) -> std::io::Result<(ChannelReader, ChannelWriter)> {
    let (in_tx, in_rx) = tokio_mpsc::unbounded_channel::<Vec<u8>>();
    let (out_tx, out_rx) = mpsc::channel::<Vec<u8>>();
    std::thread::Builder::new()
        .name("scopelens-stdout".into())
        .spawn(move || {
            widen_stdout_pipe();
            let mut stdout = std::io::stdout().lock();
            for chunk in out_rx {
                if stdout
                    .write_all(&chunk)
                    .and_then(|()| stdout.flush())
                    .is_err()
                {
                    break;
                }
            }
        })?;
    let errors = out_tx.clone();
    std::thread::Builder::new()
        .name("scopelens-stdin".into())
        .spawn(move || {
            widen_stdin_pipe();
            let mut stdin = BufReader::new(std::io::stdin().lock());
            pump(&mut stdin, &in_tx, &errors, &texts, &arriving);
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

/// Asks for a 1 MiB pipe buffer on stdout (Linux's default is 64 KiB, and its default ceiling for
/// unprivileged processes is 1 MiB): a multi-megabyte answer then crosses in a few wake-ups of the
/// client instead of a hundred. Nothing changes where stdout is not a pipe or the call fails.
fn widen_stdout_pipe() {
    widen_pipe(1);
}

/// The same for stdin: a 9 MB `didOpen` arrives in a few reads instead of a hundred and forty.
fn widen_stdin_pipe() {
    widen_pipe(0);
}

#[cfg_attr(not(target_os = "linux"), allow(unused_variables))]
fn widen_pipe(fd: libc::c_int) {
    #[cfg(target_os = "linux")]
    // SAFETY: `fcntl` on one of the process's own standard streams with an integer argument; no
    // memory is shared.
    unsafe {
        libc::fcntl(fd, libc::F_SETPIPE_SZ, 1 << 20);
    }
}

/// Reads framed messages from `input` until EOF: well-formed ones go to `server`, answers to
/// broken ones to `output`.
fn pump(
    input: &mut impl BufRead,
    server: &tokio_mpsc::UnboundedSender<Vec<u8>>,
    output: &mpsc::Sender<Vec<u8>>,
    texts: &IncomingTexts,
    arriving: &dyn Fn(usize),
) {
    loop {
        let reply = match read_frame(input, arriving) {
            Ok(Frame::Eof) => return,
            Ok(Frame::Body(body)) => {
                let body = texts.divert(&body).unwrap_or(body);
                match check(&body) {
                    Ok(()) => {
                        let mut framed =
                            format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
                        framed.extend_from_slice(&body);
                        if server.send(framed).is_err() {
                            return; // the server has stopped (after `exit`)
                        }
                        continue;
                    }
                    Err(reply) => reply,
                }
            }
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
        if output.send(frame(&reply)).is_err() {
            return;
        }
    }
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

fn frame(message: &Value) -> Vec<u8> {
    let body = message.to_string();
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
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

/// The server's output. Every write is accepted whole, so each buffer tower-lsp-server flushes
/// (whole encoded messages) reaches stdout in one piece, never split by an error response.
pub struct ChannelWriter {
    tx: mpsc::Sender<Vec<u8>>,
}

impl AsyncWrite for ChannelWriter {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        match self.tx.send(buf.to_vec()) {
            Ok(()) => Poll::Ready(Ok(buf.len())),
            Err(_) => Poll::Ready(Err(std::io::ErrorKind::BrokenPipe.into())),
        }
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

    fn run(input: &[u8]) -> (Vec<String>, Vec<Value>) {
        let (server_tx, mut server_rx) = tokio_mpsc::unbounded_channel();
        let (out_tx, out_rx) = mpsc::channel();
        pump(
            &mut std::io::Cursor::new(input.to_vec()),
            &server_tx,
            &out_tx,
            &IncomingTexts::default(),
            &|_| {},
        );
        drop(out_tx);
        let mut passed = Vec::new();
        while let Ok(m) = server_rx.try_recv() {
            passed.push(String::from_utf8(m).unwrap());
        }
        let replies = out_rx
            .iter()
            .map(|m| {
                let text = String::from_utf8(m).unwrap();
                serde_json::from_str(text.split_once("\r\n\r\n").unwrap().1).unwrap()
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

    #[test]
    fn large_texts_bypass_the_framed_reader_and_are_claimed_by_marker() {
        let texts = IncomingTexts::default();
        let big = "let a = \"\\u00e9\";\n".repeat(LARGE_TEXT / 8);
        let open = json!({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
            "textDocument": {"uri": "file:///a.js", "languageId": "javascript", "version": 1, "text": big}}});
        let diverted = texts.divert(open.to_string().as_bytes()).expect("diverted");
        assert!(diverted.len() < 512 && check(&diverted).is_ok());
        let diverted: Value = serde_json::from_slice(&diverted).unwrap();
        assert_eq!(diverted["params"]["textDocument"]["version"], 1);
        let marker = diverted["params"]["textDocument"]["text"].as_str().unwrap();
        assert_eq!(texts.claim(marker.to_string()), big);
        // Claimed once; other texts, and markers of another process, are left as they are.
        assert_eq!(texts.claim(marker.to_string()), "");
        assert_eq!(texts.claim("let a;".into()), "let a;");
        let foreign = IncomingTexts::default().stash("x".into());
        assert_eq!(texts.claim(foreign.clone()), foreign);

        let change = json!({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": "file:///a.js", "version": 2},
            "contentChanges": [{"text": big}, {"range": {"start": {"line": 0, "character": 0},
                "end": {"line": 0, "character": 1}}, "text": "x"}]}});
        let diverted: Value =
            serde_json::from_slice(&texts.divert(change.to_string().as_bytes()).unwrap()).unwrap();
        let changes = &diverted["params"]["contentChanges"];
        assert_eq!(changes[1]["text"], "x");
        assert_eq!(changes[1]["range"]["end"]["character"], 1);
        assert_eq!(
            texts.claim(changes[0]["text"].as_str().unwrap().into()),
            big
        );

        // Requests, other methods and small messages pass unchanged.
        let request = json!({"jsonrpc": "2.0", "id": 1, "method": "textDocument/didOpen", "params": {"text": big}});
        assert!(texts.divert(request.to_string().as_bytes()).is_none());
        let other = json!({"jsonrpc": "2.0", "method": "x/y", "params": {"text": big}});
        assert!(texts.divert(other.to_string().as_bytes()).is_none());
    }
}
