//! The byte stream between the client and tower-lsp-server, made robust to broken clients.
//!
//! tower-lsp-server stops reading at the first message it cannot decode (malformed JSON, invalid
//! UTF-8, a bad header: its framed reader ends the stream after an error), and the server then
//! exits. So a thread reads stdin first: it frames messages itself, answers the ones
//! tower-lsp-server would choke on with a JSON-RPC error (`-32700` parse error, `-32600` invalid
//! request, id `null` unless one can be read), skips header garbage, and passes only well-formed
//! messages on. Every frame is written whole under one lock, so those error responses never
//! split a message of the server's.
//!
//! Before anything goes to tower-lsp-server, the reader thread offers each message to a lane
//! (`reader_lane`): document changes are applied there, in arrival order, and requests that can
//! be answered at once are answered there, written to stdout directly when no other frame is
//! being written and stdout has room (else the writer thread writes them). A hover then costs
//! one read and one write, with no wake-up of another thread on the way (three otherwise: the
//! executor, the handler's task, the writer thread).

use std::io::{BufRead, BufReader, Read, Write};
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError, TryLockError, mpsc};
use std::task::{Context, Poll};

use serde_json::{Value, json};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::mpsc as tokio_mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};

use super::direct_answers::FrameSink;

/// Largest message body accepted (a 50 MB file in a `didOpen` fits, JSON escaping included).
/// Bigger messages are read and discarded, and answered with an invalid-request error.
pub const MAX_MESSAGE_BYTES: usize = 256 << 20;
/// Longest header line; longer lines are garbage.
const MAX_HEADER_LINE: usize = 8 << 10;

/// What the reader thread's lane did with a message.
pub enum Lane {
    /// Not for the lane: on to tower-lsp-server.
    Pass,
    /// On to tower-lsp-server, then run this before reading on (`initialize`: wait for the
    /// answer, after which the lane handles what follows).
    PassThen(Box<dyn FnOnce()>),
    /// Handled; nothing to send.
    Done,
    /// Answered: a whole frame to send, in the bytes from the offset on.
    Answer(Vec<u8>, usize),
}

/// The frames going to the client: written whole under the lock, by the writer thread from its
/// queue, or by the reader thread directly.
struct Output<W> {
    direct: Mutex<W>,
    queue: mpsc::Sender<(Vec<u8>, usize)>,
}

/// A stream that can tell whether a write of `len` bytes would complete without waiting for
/// the reader.
trait Room {
    fn has_room_for(&self, len: usize) -> bool;
}

/// Frames the reader thread may write itself into a pipe: a pipe that polls writable has a free
/// page, so it takes this much (`PIPE_BUF`) without waiting.
const DIRECT_FRAME_MAX: usize = 4096;

impl<W: Write + Room> Output<W> {
    /// Writes a small frame now if stdout is free and has room for it, else queues it for the
    /// writer thread: the reader must never wait on the client, which may itself be waiting to
    /// write to us (a client that sends many requests before reading any answer).
    fn send(&self, frame: Vec<u8>, start: usize) -> Result<(), ()> {
        let len = frame.len() - start;
        let out = match self.direct.try_lock() {
            Ok(out) => Some(out),
            Err(TryLockError::Poisoned(poisoned)) => Some(poisoned.into_inner()),
            Err(TryLockError::WouldBlock) => None,
        };
        match out {
            Some(mut out) if out.has_room_for(len) => write_frame(&mut *out, &frame[start..]),
            _ => self.queue.send((frame, start)).map_err(|_| ()),
        }
    }
}

fn write_frame(out: &mut impl Write, frame: &[u8]) -> Result<(), ()> {
    out.write_all(frame)
        .and_then(|()| out.flush())
        .map_err(|_| ())
}

/// Starts the reader and writer threads over stdin/stdout; returns the streams to give
/// tower-lsp-server.
/// `lane` sees each well-formed message first; `arriving` hears the size of each message as soon
/// as its header is read, before its body.
pub fn stdio(
    lane: impl Fn(&[u8]) -> Lane + Send + 'static,
    arriving: impl Fn(usize) + Send + 'static,
) -> std::io::Result<(ChannelReader, ChannelWriter)> {
    let (in_tx, in_rx) = tokio_mpsc::unbounded_channel::<Vec<u8>>();
    let (out_tx, out_rx) = mpsc::channel::<(Vec<u8>, usize)>();
    widen_stdout_pipe();
    let output = Arc::new(Output {
        direct: Mutex::new(raw_stdout()),
        queue: out_tx.clone(),
    });
    let writer = output.clone();
    std::thread::Builder::new()
        .name("scopelens-stdout".into())
        .spawn(move || {
            for (frames, start) in out_rx {
                let mut out = writer.direct.lock().unwrap_or_else(PoisonError::into_inner);
                if write_frame(&mut *out, &frames[start..]).is_err() {
                    break;
                }
            }
        })?;
    std::thread::Builder::new()
        .name("scopelens-stdin".into())
        .spawn(move || {
            widen_stdin_pipe();
            let mut stdin = BufReader::new(std::io::stdin().lock());
            pump(&mut stdin, &in_tx, &output, &lane, &arriving);
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
fn raw_stdout() -> impl Write + Room + Send {
    use std::os::fd::{AsRawFd, FromRawFd};
    struct Fd1 {
        file: std::mem::ManuallyDrop<std::fs::File>,
        /// The largest write that cannot wait once the stream polls writable.
        direct_max: usize,
    }
    impl Write for Fd1 {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            (&*self.file).write(buf)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    impl Room for Fd1 {
        fn has_room_for(&self, len: usize) -> bool {
            let mut fd = libc::pollfd {
                fd: self.file.as_raw_fd(),
                events: libc::POLLOUT,
                revents: 0,
            };
            // SAFETY: one valid `pollfd` for the duration of the call; a zero timeout never
            // waits.
            let ready = unsafe { libc::poll(&mut fd, 1, 0) };
            len <= self.direct_max && ready == 1 && fd.revents & libc::POLLOUT != 0
        }
    }
    // SAFETY: fd 1 stays open for the life of the process; `ManuallyDrop` never closes it, and
    // nothing else in the process writes to it (std's `Stdout` is not used).
    let file = std::mem::ManuallyDrop::new(unsafe {
        std::fs::File::from_raw_fd(std::io::stdout().as_raw_fd())
    });
    let direct_max = socket_direct_max(file.as_raw_fd()).unwrap_or(DIRECT_FRAME_MAX);
    Fd1 { file, direct_max }
}

/// For a socket (what Node, and so VS Code, and Neovim's libuv give a child for its stdio): it
/// polls writable only while at most a quarter of its send buffer is in use, so a frame of a
/// quarter of the buffer always fits. `None` for anything else.
#[cfg(unix)]
fn socket_direct_max(fd: libc::c_int) -> Option<usize> {
    // SAFETY: `fstat` and `getsockopt` write into locals of the right types and sizes.
    unsafe {
        let mut stat: libc::stat = std::mem::zeroed();
        if libc::fstat(fd, &mut stat) != 0 || stat.st_mode & libc::S_IFMT != libc::S_IFSOCK {
            return None;
        }
        let mut size: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        let got = libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_SNDBUF,
            (&mut size as *mut libc::c_int).cast(),
            &mut len,
        );
        (got == 0 && size > 0).then_some(size as usize / 4)
    }
}

/// Elsewhere every frame goes through the writer thread.
#[cfg(not(unix))]
fn raw_stdout() -> impl Write + Room + Send {
    struct Stdout(std::io::Stdout);
    impl Write for Stdout {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.write(buf)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            self.0.flush()
        }
    }
    impl Room for Stdout {
        fn has_room_for(&self, _: usize) -> bool {
            false
        }
    }
    Stdout(std::io::stdout())
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

/// Reads framed messages from `input` until EOF: each well-formed one goes to `lane`, and on to
/// `server` unless the lane took it; answers to broken ones go to `output`.
fn pump<W: Write + Room>(
    input: &mut impl BufRead,
    server: &tokio_mpsc::UnboundedSender<Vec<u8>>,
    output: &Output<W>,
    lane: &dyn Fn(&[u8]) -> Lane,
    arriving: &dyn Fn(usize),
) {
    loop {
        let reply = match read_frame(input, arriving) {
            Ok(Frame::Eof) => return,
            Ok(Frame::Body(body)) => match lane(&body) {
                Lane::Done => continue,
                Lane::Answer(frame, start) => {
                    if output.send(frame, start).is_err() {
                        return;
                    }
                    continue;
                }
                Lane::Pass => match pass(&body, server) {
                    Ok(()) => continue,
                    Err(Some(reply)) => reply,
                    Err(None) => return,
                },
                Lane::PassThen(then) => match pass(&body, server) {
                    Ok(()) => {
                        then();
                        continue;
                    }
                    Err(Some(reply)) => reply,
                    Err(None) => return,
                },
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
        if output.send(frame(&reply), 0).is_err() {
            return;
        }
    }
}

/// Passes a message on to tower-lsp-server if it can decode it; else the error response to send
/// (`Err(None)`: the server has stopped, after `exit`).
fn pass(body: &[u8], server: &tokio_mpsc::UnboundedSender<Vec<u8>>) -> Result<(), Option<Value>> {
    check(body).map_err(Some)?;
    let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    framed.extend_from_slice(body);
    server.send(framed).map_err(|_| None)
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

/// The server's output: whole frames, handed by value to the writer thread, so each reaches
/// stdout in one piece, never split by an error response.
pub struct ChannelWriter {
    tx: mpsc::Sender<(Vec<u8>, usize)>,
}

impl FrameSink for ChannelWriter {
    fn send(&mut self, bytes: Vec<u8>, start: usize) -> std::io::Result<()> {
        self.tx
            .send((bytes, start))
            .map_err(|_| std::io::ErrorKind::BrokenPipe.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Like a pipe that is being read.
    impl Room for Vec<u8> {
        fn has_room_for(&self, len: usize) -> bool {
            len <= DIRECT_FRAME_MAX
        }
    }

    /// A stream whose reader is not reading.
    struct Full;
    impl Write for Full {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            unreachable!("written to while full")
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    impl Room for Full {
        fn has_room_for(&self, _: usize) -> bool {
            false
        }
    }

    fn run(input: &[u8]) -> (Vec<String>, Vec<Value>) {
        run_with_lane(input, &|_| Lane::Pass)
    }

    /// Pumps `input` through `lane`: the messages passed on to the server, and the frames
    /// written to the client (directly or queued), as JSON.
    fn run_with_lane(input: &[u8], lane: &dyn Fn(&[u8]) -> Lane) -> (Vec<String>, Vec<Value>) {
        let (server_tx, mut server_rx) = tokio_mpsc::unbounded_channel();
        let (out_tx, out_rx) = mpsc::channel();
        let output = Output {
            direct: Mutex::new(Vec::new()),
            queue: out_tx,
        };
        pump(
            &mut std::io::Cursor::new(input.to_vec()),
            &server_tx,
            &output,
            lane,
            &|_| {},
        );
        let mut passed = Vec::new();
        while let Ok(m) = server_rx.try_recv() {
            passed.push(String::from_utf8(m).unwrap());
        }
        drop(output.queue);
        let mut written = output.direct.into_inner().unwrap();
        for (frames, start) in out_rx.iter() {
            written.extend_from_slice(&frames[start..]);
        }
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

    #[test]
    fn the_lane_sees_messages_first() {
        let hover = r#"{"jsonrpc":"2.0","id":1,"method":"textDocument/hover"}"#;
        let change = r#"{"jsonrpc":"2.0","method":"textDocument/didChange"}"#;
        let other = r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#;
        let input = [msg(change), msg(hover), msg("{not json"), msg(other)].concat();
        let lane = |body: &[u8]| match body {
            b if b == hover.as_bytes() => {
                let answer = r#"{"jsonrpc":"2.0","id":1,"result":null}"#;
                // Room in front of the frame, as answers written in place have.
                Lane::Answer(format!("xyz{}", msg(answer)).into_bytes(), 3)
            }
            b if b == change.as_bytes() => Lane::Done,
            _ => Lane::Pass,
        };
        let (passed, replies) = run_with_lane(input.as_bytes(), &lane);
        assert_eq!(passed, vec![msg(other)]);
        assert_eq!(
            replies,
            vec![
                json!({"jsonrpc": "2.0", "id": 1, "result": null}),
                json!({"jsonrpc": "2.0", "id": null, "error": {"code": -32700,
                    "message": "parse error: key must be a string at line 1 column 2"}}),
            ]
        );
    }

    #[test]
    fn a_frame_being_written_or_a_large_one_is_queued() {
        let (tx, rx) = mpsc::channel();
        let output = Output {
            direct: Mutex::new(Vec::new()),
            queue: tx,
        };
        let held = output.direct.lock().unwrap();
        output.send(b"..queued".to_vec(), 2).unwrap();
        drop(held);
        output.send(b"direct".to_vec(), 0).unwrap();
        let large = vec![b'x'; DIRECT_FRAME_MAX + 1];
        output.send(large.clone(), 0).unwrap();
        assert_eq!(rx.try_recv().unwrap(), (b"..queued".to_vec(), 2));
        assert_eq!(rx.try_recv().unwrap(), (large, 0));
        assert_eq!(output.direct.into_inner().unwrap(), b"direct");
    }

    #[test]
    fn a_stream_without_room_is_not_written_to_by_the_reader() {
        let (tx, rx) = mpsc::channel();
        let output = Output {
            direct: Mutex::new(Full),
            queue: tx,
        };
        output.send(b"small".to_vec(), 0).unwrap();
        assert_eq!(rx.try_recv().unwrap(), (b"small".to_vec(), 0));
    }
}
