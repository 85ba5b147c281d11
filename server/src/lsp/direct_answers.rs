//! Large answers written straight to JSON, around tower-lsp-server's `serde_json::Value` detour.
//!
//! tower-lsp-server turns every answer into a `Value` tree before writing it: a map with owned
//! keys per object, built, written and freed. For a whole-file inlay hint answer on a 9 MB
//! bundle (~50k hints, 10 MB of JSON) that detour took ~470 ms where writing the same hints
//! straight to bytes took ~35 ms. So a handler can serialize its answer itself, [`stash`] the
//! bytes, and answer with the marker it gets back; [`SplicingWriter`], on the way out, puts the
//! stashed bytes in place of the `result` that carries the marker.
//!
//! An answer is written into an [`AnswerBuffer`], which leaves room in front of it for the frame
//! header and the response around the result: the splice writes those in place and the buffer
//! goes out as the frame, by value to the writer thread ([`FrameSink`]), so megabytes of answer
//! are not copied again on the way.
//!
//! Markers hold a per-process random part and a counter, and only stashed markers are replaced
//! (in answers under [`MAX_MARKER_MESSAGE`] bytes), so no text from a document can trigger a
//! splice.
//!
//! [`stash`]: DirectAnswers::stash

use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use serde_json::Value;
use tokio::io::AsyncWrite;

use super::stash::{Stash, Taken};

/// A response whose result is a marker is small; larger messages are passed on unread.
const MAX_MARKER_MESSAGE: usize = 1024;
/// Answers stashed but never written (a request cancelled after its handler finished) are
/// dropped beyond this many, oldest first.
const MAX_STASHED: usize = 16;
/// Room in front of an answer for `Content-Length: N\r\n\r\n{"jsonrpc":"2.0","id":ID,"result":`;
/// a response whose id does not fit (a long string id) is copied instead.
const HEAD_ROOM: usize = 128;

/// One JSON value being written for [`DirectAnswers::stash`], after room for what goes around it.
pub struct AnswerBuffer {
    /// `HEAD_ROOM` bytes of room, then the answer.
    bytes: Vec<u8>,
}

impl AnswerBuffer {
    /// A buffer for an answer of about `capacity` bytes.
    pub fn with_capacity(capacity: usize) -> Self {
        // One more for the `}` that closes the response.
        let mut bytes = Vec::with_capacity(HEAD_ROOM + capacity + 1);
        bytes.resize(HEAD_ROOM, b' ');
        Self { bytes }
    }

    /// The answer written so far, to append to (only): it starts after the room.
    pub fn json(&mut self) -> &mut Vec<u8> {
        &mut self.bytes
    }

    /// Bytes of answer written so far.
    pub fn written(&self) -> usize {
        self.bytes.len() - HEAD_ROOM
    }

    /// The response to the request `id` (as JSON) with this answer as its result, framed: the
    /// bytes, and where the frame starts in them.
    pub fn into_frame(self, id: &str) -> (Vec<u8>, usize) {
        let head = format!("{{\"jsonrpc\":\"2.0\",\"id\":{id},\"result\":");
        let length = head.len() + self.written() + 1;
        let head = format!("Content-Length: {length}\r\n\r\n{head}");
        let mut bytes = self.bytes;
        bytes.push(b'}');
        // Answers are megabytes: the head goes into the room in front, the buffer out as it is.
        if let Some(start) = HEAD_ROOM.checked_sub(head.len()) {
            bytes[start..HEAD_ROOM].copy_from_slice(head.as_bytes());
            return (bytes, start);
        }
        let mut framed = Vec::with_capacity(head.len() + bytes.len() - HEAD_ROOM);
        framed.extend_from_slice(head.as_bytes());
        framed.extend_from_slice(&bytes[HEAD_ROOM..]);
        (framed, 0)
    }

    /// The answer, without the room.
    #[cfg(test)]
    pub fn answer(&self) -> &[u8] {
        &self.bytes[HEAD_ROOM..]
    }
}

/// Answers serialized by handlers, waiting for their response to be written.
pub struct DirectAnswers {
    stash: Stash<AnswerBuffer>,
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
    pub fn stash(&self, json: AnswerBuffer) -> String {
        self.stash.put(json)
    }

    /// Serializes `answer` and stashes it: the marker to answer with, as a JSON string.
    pub fn answer<T: serde::Serialize>(&self, answer: &T) -> serde_json::Result<Value> {
        let mut json = AnswerBuffer::with_capacity(0);
        serde_json::to_writer(json.json(), answer)?;
        Ok(Value::String(self.stash(json)))
    }

    /// The response `body` framed with its result replaced by a stashed answer, as bytes and
    /// where the frame starts in them; `None` unless its result carries a marker of ours.
    fn splice(&self, body: &[u8]) -> Option<(Vec<u8>, usize)> {
        if body.len() > MAX_MARKER_MESSAGE
            || memchr::memmem::find(body, &self.prefix_json).is_none()
        {
            return None;
        }
        let response = serde_json::from_slice::<Value>(body).ok()?;
        let marker = response
            .get("result")
            .and_then(|r| find_marker(r, self.stash.prefix()))?;
        let id = response.get("id")?;
        let Taken::Value(answer) = self.stash.take(marker) else {
            return None;
        };
        Some(answer.into_frame(&id.to_string()))
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

/// Where [`SplicingWriter`] hands whole frames: by value, so megabytes of answer are not copied
/// again on their way to stdout.
pub trait FrameSink {
    /// Takes `bytes[start..]`: one or more whole frames (or bytes that are not framing we know).
    fn send(&mut self, bytes: Vec<u8>, start: usize) -> io::Result<()>;
}

impl FrameSink for Vec<u8> {
    fn send(&mut self, bytes: Vec<u8>, start: usize) -> io::Result<()> {
        self.extend_from_slice(&bytes[start..]);
        Ok(())
    }
}

/// Passes LSP frames (`Content-Length` header, body) on to `inner`, splicing stashed answers
/// into the responses that carry their markers.
pub struct SplicingWriter<W> {
    inner: W,
    answers: Arc<DirectAnswers>,
    /// Bytes written to us that do not yet make a whole frame.
    incoming: Vec<u8>,
}

impl<W: FrameSink> SplicingWriter<W> {
    pub fn new(inner: W, answers: Arc<DirectAnswers>) -> Self {
        Self {
            inner,
            answers,
            incoming: Vec::new(),
        }
    }

    /// Sends every whole frame of `incoming` on, spliced where it carries a marker; runs of
    /// frames without one go as they are (the buffer itself when it holds nothing else).
    fn send_frames(&mut self) -> io::Result<()> {
        let (mut start, mut plain) = (0, 0);
        while let Some((body_start, body_end)) = next_frame(&self.incoming[start..]) {
            let (body_start, body_end) = (start + body_start, start + body_end);
            if let Some((spliced, at)) = self.answers.splice(&self.incoming[body_start..body_end]) {
                if plain < start {
                    self.inner.send(self.incoming[plain..start].to_vec(), 0)?;
                }
                self.inner.send(spliced, at)?;
                plain = body_end;
            }
            start = body_end;
        }
        if plain == 0 && start == self.incoming.len() && start > 0 {
            return self.inner.send(std::mem::take(&mut self.incoming), 0);
        }
        if plain < start {
            self.inner.send(self.incoming[plain..start].to_vec(), 0)?;
        }
        self.incoming.drain(..start);
        // A header without a length is not framing we understand: pass it on rather than hold
        // it forever.
        if header_end(&self.incoming).is_some() && content_length(&self.incoming).is_none() {
            return self.inner.send(std::mem::take(&mut self.incoming), 0);
        }
        Ok(())
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

impl<W: FrameSink + Unpin> AsyncWrite for SplicingWriter<W> {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        this.incoming.extend_from_slice(buf);
        this.send_frames()?;
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buffer(json: &[u8]) -> AnswerBuffer {
        let mut buffer = AnswerBuffer::with_capacity(json.len());
        buffer.json().extend_from_slice(json);
        buffer
    }

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
        let marker = answers.stash(buffer(br#"[{"label":"big"}]"#));
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
        let marker = answers.stash(buffer(b"42"));
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
    fn frames_around_an_answer_keep_their_order_and_a_long_id_is_spliced_too() {
        let answers = Arc::new(DirectAnswers::default());
        let small = buffer(b"null");
        let mut large = AnswerBuffer::with_capacity(300_000);
        large.json().push(b'[');
        large.json().extend(std::iter::repeat_n(b'7', 300_000));
        large.json().push(b']');
        let expected_large = String::from_utf8(large.answer().to_vec()).unwrap();
        let id = "x".repeat(HEAD_ROOM);
        let (first, second) = (answers.stash(large), answers.stash(small));
        let with_id = |id: &Value, result: &str| {
            let body = serde_json::json!({ "jsonrpc": "2.0", "result": result, "id": id });
            frame(&body.to_string())
        };
        let note = frame(r#"{"jsonrpc":"2.0","method":"x"}"#);
        // All in one write, then one more.
        let one = [
            note.clone(),
            with_id(&Value::from(3), &first),
            note.clone(),
            with_id(&Value::from(id.clone()), &second),
        ]
        .concat();
        let out = write_through(&answers, &[one, note.clone()]);
        let note = String::from_utf8(note).unwrap();
        let expected = [
            note.clone(),
            String::from_utf8(frame(&format!(
                r#"{{"jsonrpc":"2.0","id":3,"result":{expected_large}}}"#
            )))
            .unwrap(),
            note.clone(),
            String::from_utf8(frame(&format!(
                r#"{{"jsonrpc":"2.0","id":"{id}","result":null}}"#
            )))
            .unwrap(),
            note,
        ]
        .concat();
        assert!(
            out == expected,
            "{} bytes, expected {}",
            out.len(),
            expected.len()
        );
    }

    #[test]
    fn text_that_only_looks_like_a_marker_is_not_touched() {
        let answers = Arc::new(DirectAnswers::default());
        answers.stash(buffer(b"1"));
        // The right name, another process's nonce: as if a document contained it.
        let forged = DirectAnswers::default().stash(buffer(b"2"));
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
