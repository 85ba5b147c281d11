//! A small JSON-RPC client that speaks LSP over the server's stdio, for whole-server tests.
//! Every wait has a timeout, so a test fails instead of hanging.
//!
//! Shared by the whole-server tests (`tests/lsp`) and the reliability tests
//! (`tests/reliability`), each of which uses a part of it.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

pub const TIMEOUT: Duration = Duration::from_secs(30);

pub struct Server {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    next_id: i64,
    /// Notifications received from the server, in order.
    pub notifications: Vec<Value>,
    /// Requests the server sent to us (answered with `null`).
    pub server_requests: Vec<Value>,
    /// Responses that arrived while waiting for something else, by id.
    responses: std::collections::HashMap<i64, Value>,
    stderr: Arc<Mutex<String>>,
    /// Error responses with a `null` id (answers to messages the server could not parse).
    pub null_id_errors: Vec<Value>,
    /// Messages written to the server.
    pub sent: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

/// The server under test; SCOPELENS_TEST_BIN runs the tests against another build (e.g. an
/// older release).
pub fn binary() -> String {
    std::env::var("SCOPELENS_TEST_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_scopelens-under-test").to_owned())
}

impl Server {
    pub fn spawn() -> Server {
        Self::spawn_with_env(&[])
    }

    /// Spawns with these environment variables set too (e.g. `SCOPELENS_TEST_PANIC`).
    pub fn spawn_with_env(env: &[(&str, &str)]) -> Server {
        let mut child = Command::new(binary())
            .envs(env.iter().copied())
            // Warnings only: the chaos and soak tests send tens of thousands of messages.
            .env(
                "RUST_LOG",
                std::env::var("SCOPELENS_TEST_LOG").unwrap_or_else(|_| "scopelens=warn".into()),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn scopelens");
        let stdout = child.stdout.take().unwrap();
        let (tx, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut child_stderr = child.stderr.take().unwrap();
        let sink = stderr.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = child_stderr.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let stdin = child.stdin.take();
        Server {
            child,
            stdin,
            messages,
            next_id: 1,
            notifications: Vec::new(),
            server_requests: Vec::new(),
            responses: Default::default(),
            stderr,
            null_id_errors: Vec::new(),
            sent: 0,
        }
    }

    /// Spawns and initializes, offering `encodings` (none: the client says nothing).
    pub fn start(encodings: &[&str], options: Value) -> (Server, Value) {
        Self::start_with_env(encodings, options, &[])
    }

    /// [`Self::start`] with environment variables (see [`Self::spawn_with_env`]).
    pub fn start_with_env(
        encodings: &[&str],
        options: Value,
        env: &[(&str, &str)],
    ) -> (Server, Value) {
        let mut server = Server::spawn_with_env(env);
        let mut general = json!({});
        if !encodings.is_empty() {
            general = json!({ "positionEncodings": encodings });
        }
        let result = server
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "rootUri": null,
                    "capabilities": {
                        "general": general,
                        "workspace": { "inlayHint": { "refreshSupport": true } },
                        "textDocument": { "hover": { "contentFormat": ["markdown", "plaintext"] } }
                    },
                    "initializationOptions": options,
                }),
            )
            .expect("initialize succeeds");
        server.notify("initialized", json!({}));
        (server, result)
    }

    pub fn send(&mut self, message: Value) {
        let body = serde_json::to_string(&message).unwrap();
        self.send_body(body.as_bytes());
    }

    /// Sends `body` framed with its Content-Length, whatever it contains.
    pub fn send_body(&mut self, body: &[u8]) {
        let mut framed = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        framed.extend_from_slice(body);
        self.send_raw(&framed);
    }

    /// Writes bytes as they are (no framing).
    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.sent += 1;
        let stdin = self.stdin.as_mut().expect("stdin open");
        if let Err(err) = stdin.write_all(bytes).and_then(|()| stdin.flush()) {
            panic!("cannot write to the server: {err}\n{}", self.stderr());
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Resident set size of the server in KiB, from /proc (Linux).
    pub fn rss_kib(&self) -> Option<u64> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).ok()?;
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// Whether the server process is still running.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// The next error response with a `null` id.
    pub fn null_id_error(&mut self) -> Value {
        if !self.null_id_errors.is_empty() {
            return self.null_id_errors.remove(0);
        }
        self.wait_for(|m| m.get("id") == Some(&Value::Null) && m.get("error").is_some())
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request without waiting; returns its id.
    pub fn send_request(&mut self, method: &str, params: Value) -> i64 {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        id
    }

    /// Sends a request and waits for its response: `Ok(result)` or `Err(error)`.
    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, Value> {
        let id = self.send_request(method, params);
        self.response(id)
    }

    pub fn response(&mut self, id: i64) -> Result<Value, Value> {
        let message = match self.responses.remove(&id) {
            Some(message) => message,
            None => self.wait_for(|m| m.get("id") == Some(&json!(id)) && m.get("method").is_none()),
        };
        match message.get("error") {
            Some(error) => Err(error.clone()),
            None => Ok(message.get("result").cloned().unwrap_or(Value::Null)),
        }
    }

    /// Waits for a message matching `pred`, answering server requests and recording
    /// notifications meanwhile.
    pub fn wait_for(&mut self, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = match self.messages.recv_timeout(left) {
                Ok(message) => message,
                Err(RecvTimeoutError::Timeout) => {
                    panic!("timed out waiting for the server\n{}", self.stderr())
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server closed stdout\n{}", self.stderr())
                }
            };
            if pred(&message) {
                return message;
            }
            match (message.get("id"), message.get("method")) {
                (Some(id), Some(_)) => {
                    let id = id.clone();
                    self.server_requests.push(message);
                    self.send(json!({ "jsonrpc": "2.0", "id": id, "result": null }));
                }
                (None, Some(_)) => self.notifications.push(message),
                (Some(id), None) if id.is_i64() => {
                    self.responses.insert(id.as_i64().unwrap(), message);
                }
                (Some(Value::Null), None) if message.get("error").is_some() => {
                    self.null_id_errors.push(message);
                }
                _ => panic!("unexpected message {message}"),
            }
        }
    }

    /// The next `textDocument/publishDiagnostics` for `uri` (already received or to come).
    pub fn diagnostics(&mut self, uri: &str) -> Value {
        let is_for = |m: &Value| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        };
        if let Some(i) = self.notifications.iter().position(is_for) {
            return self.notifications.remove(i)["params"].clone();
        }
        self.wait_for(is_for)["params"].clone()
    }

    pub fn open(&mut self, uri: &str, language_id: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": language_id, "version": 1, "text": text } }),
        );
    }

    pub fn change(&mut self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
        );
    }

    pub fn at(&mut self, method: &str, uri: &str, pos: (u32, u32)) -> Result<Value, Value> {
        self.request(
            method,
            json!({ "textDocument": { "uri": uri }, "position": { "line": pos.0, "character": pos.1 } }),
        )
    }

    pub fn hover(&mut self, uri: &str, pos: (u32, u32)) -> Value {
        self.at("textDocument/hover", uri, pos)
            .expect("hover succeeds")
    }

    /// The Markdown of a hover, or "" when there is none.
    pub fn hover_text(&mut self, uri: &str, pos: (u32, u32)) -> String {
        let hover = self.hover(uri, pos);
        hover["contents"]["value"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Sends `shutdown` and `exit`; returns the exit status.
    pub fn shutdown(mut self) -> ExitStatus {
        self.request("shutdown", Value::Null)
            .expect("shutdown succeeds");
        self.exit()
    }

    pub fn exit(mut self) -> ExitStatus {
        self.notify("exit", Value::Null);
        self.wait_exit()
    }

    fn wait_exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit\n{}",
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!("--- server stderr ---\n{}", self.stderr());
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

pub fn position_of(text: &str, offset: usize, encoding: Encoding) -> (u32, u32) {
    let before = &text[..offset];
    let mut line = 0;
    let mut line_start = 0;
    let bytes = before.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\n' || (bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n')) {
            line += 1;
            line_start = i + 1;
        }
        i += 1;
    }
    let column = &before[line_start..];
    let col = match encoding {
        Encoding::Utf8 => column.len(),
        Encoding::Utf16 => column.encode_utf16().count(),
    };
    (line, col as u32)
}

/// The LSP position of the `nth` (0-based) occurrence of `needle` in `text`, plus `delta`
/// characters, computed independently of the server: lines end at `\n`, `\r\n` or `\r`.
pub fn pos(text: &str, needle: &str, nth: usize, encoding: Encoding) -> (u32, u32) {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("no {needle:?} #{nth}"))
        .0;
    position_of(text, offset, encoding)
}

/// `{line, character}` as JSON.
pub fn lsp_pos(pos: (u32, u32)) -> Value {
    json!({ "line": pos.0, "character": pos.1 })
}

pub fn range_start(value: &Value) -> (u32, u32) {
    let start = &value["start"];
    (
        start["line"].as_u64().unwrap() as u32,
        start["character"].as_u64().unwrap() as u32,
    )
}
