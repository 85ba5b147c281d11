//! Large answers written straight to JSON, around tower-lsp-server's `serde_json::Value` detour.
//!
//! tower-lsp-server turns every answer into a `Value` tree before writing it: a map with owned
//! keys per object, built, written and freed. For a whole-file inlay hint answer on a 9 MB
//! bundle (~50k hints, 10 MB of JSON) that detour took ~470 ms where writing the same hints
//! straight to bytes took ~35 ms. So a handler can serialize its answer itself, [`stash`] the
//! bytes, and answer with the marker it gets back; [`SplicingWriter`], on the way out, puts the
//! stashed bytes in place of the `result` that carries the marker.
//!
//! Markers hold a per-process random part and a counter, and only stashed markers are replaced
//! (in answers under [`MAX_MARKER_MESSAGE`] bytes), so no text from a document can trigger a
//! splice.
//!
//! [`stash`]: DirectAnswers::stash

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use serde_json::Value;
use tokio::io::AsyncWrite;

use super::stash::{Stash, Taken};

/// A response whose result is a marker is small; larger messages are passed on unread.
const MAX_MARKER_MESSAGE: usize = 1024;
/// Answers stashed but never written (a request cancelled after its handler finished) are
/// dropped beyond this many, oldest first.
const MAX_STASHED: usize = 16;

/// Answers serialized by handlers, waiting for their response to be written.
pub struct DirectAnswers {
    stash: Stash<Vec<u8>>,
    /// The markers' prefix as serde_json writes it (`\u0001…`), to search responses for.
    prefix_json: Vec<u8>,
}

impl Default for DirectAnswers {
    fn default() -> Self {
        let stash = Stash::new("scopelens-direct-answer", MAX_STASHED);
        let prefix_json = serde_json::to_vec(stash.prefix()).expect("a string serializes");
        // Without the quotes.
        let prefix_json = prefix_json[1..prefix_json.len() - 1].to_vec();
        Self { stash, prefix_json }
    }
}

impl DirectAnswers {
    /// Keeps `json` (one complete JSON value) and returns the marker to answer with instead.
    pub fn stash(&self, json: Vec<u8>) -> String {
        self.stash.put(json)
    }

    /// Serializes `answer` and stashes it: the marker to answer with, as a JSON string.
    pub fn answer<T: serde::Serialize>(&self, answer: &T) -> serde_json::Result<Value> {
        Ok(Value::String(self.stash(serde_json::to_vec(answer)?)))
    }

    /// Appends the response `body` to `out` with its result replaced by a stashed answer, framed;
    /// false (and nothing appended) unless its result carries a marker of ours.
    fn splice_into(&self, body: &[u8], out: &mut Vec<u8>) -> bool {
        if body.len() > MAX_MARKER_MESSAGE
            || memchr::memmem::find(body, &self.prefix_json).is_none()
        {
            return false;
        }
        let Ok(response) = serde_json::from_slice::<Value>(body) else {
            return false;
        };
        let (Some(marker), Some(id)) = (
            response
                .get("result")
                .and_then(|r| find_marker(r, self.stash.prefix())),
            response.get("id"),
        ) else {
            return false;
        };
        let Taken::Value(answer) = self.stash.take(marker) else {
            return false;
        };
        let id = id.to_string();
        let head = format!("{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":");
        let length = head.len() + answer.len() + 1;
        // Written once, straight into the outgoing buffer: answers are megabytes.
        out.reserve(length + 32);
        out.extend_from_slice(format!("Content-Length: {length}\r\n\r\n").as_bytes());
        out.extend_from_slice(head.as_bytes());
        out.extend_from_slice(&answer);
        out.push(b'}');
        true
    }
}

/// The first string in `value` that starts with `prefix`.
fn find_marker<'v>(value: &'v Value, prefix: &str) -> Option<&'v str> {
    match value {
        Value::String(s) if s.starts_with(prefix) => Some(s),
        Value::Array(items) => items.iter().find_map(|v| find_marker(v, prefix)),
        Value::Object(map) => map.values().find_map(|v| find_marker(v, prefix)),
        _ => None,
    }
}

/// Passes LSP frames (`Content-Length` header, body) on to `inner`, splicing stashed answers
/// into the responses that carry their markers.
pub struct SplicingWriter<W> {
    inner: W,
    answers: Arc<DirectAnswers>,
    /// Bytes written to us that do not yet make a whole frame.
    incoming: Vec<u8>,
    /// Whole frames, spliced, not yet accepted by `inner`.
    outgoing: Vec<u8>,
    sent: usize,
}

impl<W> SplicingWriter<W> {
    pub fn new(inner: W, answers: Arc<DirectAnswers>) -> Self {
        Self {
            inner,
            answers,
            incoming: Vec::new(),
            outgoing: Vec::new(),
            sent: 0,
        }
    }

    /// Moves every whole frame from `incoming` to `outgoing`, spliced where it carries a marker.
    fn frame(&mut self) {
        let mut start = 0;
        while let Some((body_start, body_end)) = next_frame(&self.incoming[start..]) {
            let (body_start, body_end) = (start + body_start, start + body_end);
            let body = &self.incoming[body_start..body_end];
            if !self.answers.splice_into(body, &mut self.outgoing) {
                self.outgoing
                    .extend_from_slice(&self.incoming[start..body_end]);
            }
            start = body_end;
        }
        self.incoming.drain(..start);
        // A header without a length is not framing we understand: pass it on rather than hold
        // it forever.
        if header_end(&self.incoming).is_some() && content_length(&self.incoming).is_none() {
            self.outgoing.append(&mut self.incoming);
        }
    }

    fn poll_drain(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>>
    where
        W: AsyncWrite + Unpin,
    {
        while self.sent < self.outgoing.len() {
            let n = ready!(Pin::new(&mut self.inner).poll_write(cx, &self.outgoing[self.sent..]))?;
            if n == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            self.sent += n;
        }
        self.outgoing.clear();
        self.sent = 0;
        Poll::Ready(Ok(()))
    }
}

/// The body of the first whole frame of `bytes`, as a range.
fn next_frame(bytes: &[u8]) -> Option<(usize, usize)> {
    let body_start = header_end(bytes)?;
    let body_end = body_start.checked_add(content_length(bytes)?)?;
    (body_end <= bytes.len()).then_some((body_start, body_end))
}

fn header_end(bytes: &[u8]) -> Option<usize> {
    memchr::memmem::find(bytes, b"\r\n\r\n").map(|at| at + 4)
}

fn content_length(bytes: &[u8]) -> Option<usize> {
    let header = std::str::from_utf8(&bytes[..header_end(bytes)?]).ok()?;
    header.split("\r\n").find_map(|line| {
        let (name, value) = line.split_once(':')?;
        name.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| value.trim().parse().ok())?
    })
}

impl<W: AsyncWrite + Unpin> AsyncWrite for SplicingWriter<W> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        this.incoming.extend_from_slice(buf);
        this.frame();
        // Accepted; what `inner` does not take now goes out on the next write or flush.
        if let Poll::Ready(Err(err)) = this.poll_drain(cx) {
            return Poll::Ready(Err(err));
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        ready!(this.poll_drain(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(body: &str) -> Vec<u8> {
        format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    /// Writes `chunks` through a splicing writer into a `Vec` (always ready), then flushes.
    fn write_through(answers: &Arc<DirectAnswers>, chunks: &[Vec<u8>]) -> String {
        let mut writer = SplicingWriter::new(Vec::new(), answers.clone());
        let mut cx = Context::from_waker(std::task::Waker::noop());
        for chunk in chunks {
            let mut rest = &chunk[..];
            while !rest.is_empty() {
                match Pin::new(&mut writer).poll_write(&mut cx, rest) {
                    Poll::Ready(Ok(n)) => rest = &rest[n..],
                    other => panic!("write: {other:?}"),
                }
            }
        }
        let flushed = Pin::new(&mut writer).poll_flush(&mut cx);
        assert!(matches!(flushed, Poll::Ready(Ok(()))), "{flushed:?}");
        String::from_utf8(writer.inner).unwrap()
    }

    fn response(result: &Value) -> String {
        serde_json::json!({ "jsonrpc": "2.0", "result": result, "id": 7 }).to_string()
    }

    #[test]
    fn a_marked_result_is_replaced_by_the_stashed_answer() {
        let answers = Arc::new(DirectAnswers::default());
        let marker = answers.stash(br#"[{"label":"big"}]"#.to_vec());
        let marked = response(&serde_json::json!([{ "label": marker, "position": {} }]));
        let before = frame(r#"{"jsonrpc":"2.0","method":"x"}"#);
        let out = write_through(&answers, &[before.clone(), frame(&marked)]);
        let expected = format!(
            "{}{}",
            String::from_utf8(before).unwrap(),
            String::from_utf8(frame(
                r#"{"jsonrpc":"2.0","id":7,"result":[{"label":"big"}]}"#
            ))
            .unwrap()
        );
        assert_eq!(out, expected);
        // Taken once: a second answer with the same marker is left alone.
        let again = write_through(&answers, &[frame(&marked)]);
        assert_eq!(again, String::from_utf8(frame(&marked)).unwrap());
    }

    #[test]
    fn frames_split_across_writes_are_spliced_whole() {
        let answers = Arc::new(DirectAnswers::default());
        let marker = answers.stash(b"42".to_vec());
        let bytes = frame(&response(&Value::String(marker)));
        let (a, b) = bytes.split_at(10);
        let (b, c) = b.split_at(30);
        let out = write_through(&answers, &[a.to_vec(), b.to_vec(), c.to_vec()]);
        assert_eq!(
            out,
            String::from_utf8(frame(r#"{"jsonrpc":"2.0","id":7,"result":42}"#)).unwrap()
        );
    }

    #[test]
    fn text_that_only_looks_like_a_marker_is_not_touched() {
        let answers = Arc::new(DirectAnswers::default());
        answers.stash(b"1".to_vec());
        // The right name, another process's nonce: as if a document contained it.
        let forged = DirectAnswers::default().stash(b"2".to_vec());
        let messages = [
            frame(&response(&Value::String(forged))),
            frame(&response(
                &serde_json::json!({ "contents": "\u{1}scopelens" }),
            )),
            b"garbage without framing\r\n\r\n".to_vec(),
        ];
        let out = write_through(&answers, &messages);
        assert_eq!(out.as_bytes(), messages.concat());
    }
}
