//! A streaming reader for V8's `.heapsnapshot` JSON: the flat integer arrays go straight into
//! compact columns ([`Graph`]), never into a JSON tree, and the `strings` array is only skimmed
//! (counted, and the few names the reader itself needs noted); [`StringTable::fetch`] reads the
//! strings a report needs in a second pass over that section.
//!
//! Two passes over the arrays, so that the biggest columns are never in memory together with
//! the dominator computation's arrays: [`read`] keeps what the dominators need (self sizes, edge
//! offsets and targets, node names for one check), [`read_rest`] the rest once they are done
//! (node types and ids, edge names, locations). Reading the file twice costs a second or two a
//! GB; holding everything at once cost more memory than the file's size (docs/performance.md).
//!
//! Hand-written because the format is fixed and nearly all of it is unsigned integers: a byte
//! loop over a buffer does the integers, and serde_json decodes the JSON strings and the small
//! `snapshot.meta` header. A generic streaming JSON reader would hand out one token at a time
//! through its own types for hundreds of millions of numbers.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use rustc_hash::{FxHashMap, FxHashSet};
use serde::Deserialize;

use super::HeapError;
use super::graph::{Graph, Location};

const BUFFER: usize = 1 << 20;
/// The header object is a few KiB in every V8 version; anything larger is not a heap snapshot.
const MAX_META: usize = 1 << 20;

/// Byte source with a position, for error messages and progress.
struct Lexer<R> {
    input: R,
    buf: Box<[u8]>,
    pos: usize,
    len: usize,
    /// File offset of `buf[0]`.
    base: u64,
    progress: Option<Progress>,
    /// Added to the offset reported to `progress`, which is then halved: the two passes report
    /// one count from 0 to the file's size.
    progress_base: u64,
}

/// Called with the bytes read so far.
pub struct Progress {
    pub callback: Box<dyn FnMut(u64) + Send>,
    pub every: u64,
    pub next: u64,
}

impl<R: Read> Lexer<R> {
    fn new(input: R, base: u64, progress: Option<Progress>) -> Self {
        Self {
            input,
            buf: vec![0; BUFFER].into_boxed_slice(),
            pos: 0,
            len: 0,
            base,
            progress,
            progress_base: 0,
        }
    }

    fn offset(&self) -> u64 {
        self.base + self.pos as u64
    }

    /// Refills the buffer; false at the end of the input.
    fn fill(&mut self) -> Result<bool, HeapError> {
        self.base += self.len as u64;
        self.pos = 0;
        self.len = 0;
        loop {
            match self.input.read(&mut self.buf) {
                Ok(n) => {
                    self.len = n;
                    break;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(HeapError::Io(e.to_string())),
            }
        }
        if let Some(p) = &mut self.progress
            && self.base >= p.next
        {
            (p.callback)((self.progress_base + self.base) / 2);
            p.next = self.base + p.every;
        }
        Ok(self.len > 0)
    }

    fn peek(&mut self) -> Result<Option<u8>, HeapError> {
        if self.pos == self.len && !self.fill()? {
            return Ok(None);
        }
        Ok(Some(self.buf[self.pos]))
    }

    /// The next byte that is not JSON whitespace, not consumed.
    fn peek_token(&mut self) -> Result<Option<u8>, HeapError> {
        loop {
            match self.peek()? {
                Some(b' ' | b'\n' | b'\r' | b'\t') => self.pos += 1,
                other => return Ok(other),
            }
        }
    }

    fn truncated(&self, what: &str) -> HeapError {
        HeapError::Corrupt(format!(
            "the file ends at byte {} inside {what}: truncated?",
            self.offset()
        ))
    }

    fn unexpected(&mut self, expected: &str) -> HeapError {
        let found = match self.peek() {
            Ok(Some(b)) if b.is_ascii_graphic() => format!("`{}`", b as char),
            Ok(Some(b)) => format!("byte 0x{b:02x}"),
            _ => "the end of the file".to_string(),
        };
        HeapError::Corrupt(format!(
            "expected {expected} at byte {}, found {found}",
            self.offset()
        ))
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), HeapError> {
        match self.peek_token()? {
            Some(b) if b == byte => {
                self.pos += 1;
                Ok(())
            }
            None => Err(self.truncated(what)),
            Some(_) => Err(self.unexpected(&format!("`{}`", byte as char))),
        }
    }

    /// A JSON string's raw bytes between the quotes (escapes left as written) into `out`.
    fn raw_string(&mut self, out: &mut Vec<u8>, keep: bool) -> Result<(), HeapError> {
        self.expect(b'"', "a string")?;
        loop {
            if self.pos == self.len && !self.fill()? {
                return Err(self.truncated("a string"));
            }
            let chunk = &self.buf[self.pos..self.len];
            match memchr::memchr2(b'"', b'\\', chunk) {
                Some(i) => {
                    if keep {
                        out.extend_from_slice(&chunk[..i]);
                    }
                    self.pos += i + 1;
                    if chunk[i] == b'"' {
                        return Ok(());
                    }
                    if keep {
                        out.push(b'\\');
                    }
                    if self.pos == self.len && !self.fill()? {
                        return Err(self.truncated("a string"));
                    }
                    if keep {
                        out.push(self.buf[self.pos]);
                    }
                    self.pos += 1;
                }
                None => {
                    if keep {
                        out.extend_from_slice(chunk);
                    }
                    self.pos = self.len;
                }
            }
        }
    }

    /// An unsigned integer (all the arrays hold); a value over `u64::MAX` or with a fraction or
    /// sign is corrupt for our purposes.
    fn number(&mut self) -> Result<u64, HeapError> {
        let mut value: u64 = 0;
        let mut digits = 0;
        loop {
            if self.pos == self.len && !self.fill()? {
                break;
            }
            let b = self.buf[self.pos];
            if b.is_ascii_digit() {
                value = value
                    .checked_mul(10)
                    .and_then(|v| v.checked_add(u64::from(b - b'0')))
                    .ok_or_else(|| {
                        HeapError::Corrupt(format!("a number too large at byte {}", self.offset()))
                    })?;
                digits += 1;
                self.pos += 1;
            } else {
                break;
            }
        }
        if digits == 0 {
            return Err(if self.peek()?.is_none() {
                self.truncated("an array of numbers")
            } else {
                self.unexpected("an unsigned integer")
            });
        }
        Ok(value)
    }

    /// Calls `each` with every number of an array of unsigned integers.
    fn numbers(
        &mut self,
        mut each: impl FnMut(u64) -> Result<(), HeapError>,
    ) -> Result<(), HeapError> {
        self.expect(b'[', "an array")?;
        if self.peek_token()? == Some(b']') {
            self.pos += 1;
            return Ok(());
        }
        loop {
            // The fast path, for nearly all of a snapshot's bytes: while a window of 64 bytes is
            // buffered, no check for the buffer's end; what does not fit the window's bounds (a
            // number of 19 digits or more, long whitespace, anything unexpected) is left, not
            // consumed, to the general path below, which reads it or says what is wrong.
            while self.len - self.pos >= 64 {
                let buf = &self.buf[self.pos..self.pos + 64];
                let mut i = 0;
                while i < 16 && matches!(buf[i], b' ' | b'\n' | b'\r' | b'\t') {
                    i += 1;
                }
                let start = i;
                let mut value: u64 = 0;
                while i < start + 18 && buf[i].is_ascii_digit() {
                    value = value * 10 + u64::from(buf[i] - b'0');
                    i += 1;
                }
                if i == start || buf[i].is_ascii_digit() {
                    break;
                }
                while i < 40 && matches!(buf[i], b' ' | b'\n' | b'\r' | b'\t') {
                    i += 1;
                }
                match buf[i] {
                    b',' => {
                        self.pos += i + 1;
                        each(value)?;
                    }
                    b']' => {
                        self.pos += i + 1;
                        each(value)?;
                        return Ok(());
                    }
                    _ => break,
                }
            }
            self.peek_token()?;
            each(self.number()?)?;
            match self.peek_token()? {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(());
                }
                None => return Err(self.truncated("an array of numbers")),
                Some(_) => return Err(self.unexpected("`,` or `]`")),
            }
        }
    }

    /// Skips any JSON value; `capture` receives its bytes when given (up to `limit`).
    fn skip_value(&mut self, mut capture: Option<(&mut Vec<u8>, usize)>) -> Result<(), HeapError> {
        let mut depth = 0usize;
        let mut in_string = false;
        let mut escaped = false;
        let start = self.offset();
        let mut started = false;
        loop {
            let Some(b) = (if started {
                self.peek()?
            } else {
                self.peek_token()?
            }) else {
                return Err(self.truncated("a value"));
            };
            if let Some((out, limit)) = capture.as_mut() {
                out.push(b);
                if out.len() > *limit {
                    return Err(HeapError::NotASnapshot(format!(
                        "the value at byte {start} is larger than a heap snapshot's header"
                    )));
                }
            }
            self.pos += 1;
            started = true;
            if in_string {
                if escaped {
                    escaped = false;
                } else if b == b'\\' {
                    escaped = true;
                } else if b == b'"' {
                    in_string = false;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                continue;
            }
            match b {
                b'"' => in_string = true,
                b'[' | b'{' => depth += 1,
                b']' | b'}' => {
                    depth = depth.checked_sub(1).ok_or_else(|| {
                        HeapError::Corrupt(format!(
                            "unbalanced `{}` at byte {}",
                            b as char,
                            self.offset()
                        ))
                    })?;
                    if depth == 0 {
                        return Ok(());
                    }
                }
                // A scalar at depth 0 ends before the next delimiter.
                _ if depth == 0 => loop {
                    match self.peek()? {
                        Some(b',' | b'}' | b']' | b' ' | b'\n' | b'\r' | b'\t') | None => {
                            return Ok(());
                        }
                        Some(c) => {
                            if let Some((out, _)) = capture.as_mut() {
                                out.push(c);
                            }
                            self.pos += 1;
                        }
                    }
                },
                _ => {}
            }
        }
    }
}

/// `snapshot` of the file: what the columns of the arrays mean.
#[derive(Deserialize)]
struct Header {
    meta: Meta,
    #[serde(default)]
    node_count: Option<u64>,
    #[serde(default)]
    edge_count: Option<u64>,
}

#[derive(Deserialize)]
struct Meta {
    node_fields: Vec<String>,
    node_types: Vec<serde_json::Value>,
    edge_fields: Vec<String>,
    edge_types: Vec<serde_json::Value>,
    #[serde(default)]
    location_fields: Vec<String>,
}

/// The names the reader looks up by text while skimming `strings` (none contains an escape).
pub const KEYWORDS: &[&str] = &[
    "system / Context",
    "system / NativeContext",
    "context",
    "previous",
    "shared",
    "script_or_debug_info",
    "script",
    "name",
    "scope_info",
    "extension",
    "this",
    "(Document DOM trees)",
];

/// Where the `strings` array is, and how many there are; the strings themselves stay on disk.
#[derive(Debug)]
pub struct StringTable {
    path: PathBuf,
    /// File offset of the array's `[`.
    offset: u64,
    pub count: u32,
    /// Id of each of [`KEYWORDS`] (`u32::MAX`: not in the file).
    pub keywords: Vec<u32>,
}

impl StringTable {
    pub fn keyword(&self, text: &str) -> u32 {
        KEYWORDS
            .iter()
            .position(|k| *k == text)
            .map_or(u32::MAX, |i| self.keywords[i])
    }

    /// The strings with the ids in `wanted`, read from the file again.
    pub fn fetch(&self, wanted: &FxHashSet<u32>) -> Result<FxHashMap<u32, String>, HeapError> {
        let mut file = File::open(&self.path).map_err(|e| HeapError::Io(e.to_string()))?;
        file.seek(SeekFrom::Start(self.offset))
            .map_err(|e| HeapError::Io(e.to_string()))?;
        let mut lexer = Lexer::new(file, self.offset, None);
        let mut found = FxHashMap::default();
        let mut raw = Vec::new();
        strings(&mut lexer, |id, lexer| {
            let keep = wanted.contains(&id);
            raw.clear();
            lexer.raw_string(&mut raw, keep)?;
            if keep {
                found.insert(id, decode(&raw));
            }
            Ok(())
        })?;
        Ok(found)
    }
}

/// A JSON string's contents (escapes as written) as text; invalid escapes or UTF-8 (a truncated
/// copy of a long string can end mid-character) are replaced, not refused.
fn decode(raw: &[u8]) -> String {
    if !raw.contains(&b'\\') {
        return String::from_utf8_lossy(raw).into_owned();
    }
    let mut quoted = Vec::with_capacity(raw.len() + 2);
    quoted.push(b'"');
    quoted.extend_from_slice(raw);
    quoted.push(b'"');
    serde_json::from_slice::<String>(&quoted)
        .unwrap_or_else(|_| String::from_utf8_lossy(raw).into_owned())
}

fn strings<R: Read>(
    lexer: &mut Lexer<R>,
    mut each: impl FnMut(u32, &mut Lexer<R>) -> Result<(), HeapError>,
) -> Result<u32, HeapError> {
    lexer.expect(b'[', "the strings array")?;
    if lexer.peek_token()? == Some(b']') {
        lexer.pos += 1;
        return Ok(0);
    }
    let mut id: u32 = 0;
    loop {
        each(id, lexer)?;
        id = id
            .checked_add(1)
            .ok_or_else(|| HeapError::TooBig("more than 4 billion strings".into()))?;
        match lexer.peek_token()? {
            Some(b',') => lexer.pos += 1,
            Some(b']') => {
                lexer.pos += 1;
                return Ok(id);
            }
            None => return Err(lexer.truncated("the strings array")),
            Some(_) => return Err(lexer.unexpected("`,` or `]`")),
        }
    }
}

fn column(fields: &[String], name: &str) -> Result<usize, HeapError> {
    fields
        .iter()
        .position(|f| f == name)
        .ok_or_else(|| HeapError::NotASnapshot(format!("snapshot.meta has no `{name}` field")))
}

fn type_names(types: &[serde_json::Value]) -> Result<Vec<String>, HeapError> {
    let list = types
        .first()
        .and_then(|v| v.as_array())
        .ok_or_else(|| HeapError::NotASnapshot("snapshot.meta has no list of types".into()))?;
    Ok(list
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect())
}

fn reserve<T>(v: &mut Vec<T>, n: u64, what: &str) -> Result<(), HeapError> {
    let n = usize::try_from(n).map_err(|_| HeapError::TooBig(format!("{n} {what}")))?;
    v.try_reserve_exact(n).map_err(|_| {
        HeapError::TooBig(format!(
            "not enough memory for {n} {what} ({} MiB)",
            (n * std::mem::size_of::<T>()) >> 20
        ))
    })
}

/// Which columns a pass over the file keeps.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Pass {
    /// What the dominator computation needs: node names (for one check at the root), self
    /// sizes, edge offsets, edge types and targets; the strings skimmed for the keywords.
    Dominators,
    /// The rest, read again once the dominators are done: node types, names, ids and edge
    /// offsets, the edges with their names of the nodes the joins walk, the locations.
    Rest(Walked),
}

/// The nodes whose edges the joins walk: closures, `code` nodes (SharedFunctionInfos, Scripts,
/// ScopeInfos) and Contexts (`system / Context`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Walked {
    context: u32,
    closure: u8,
    code: u8,
}

/// What the first pass learnt that the second needs.
pub struct FirstPass {
    pub strings: StringTable,
    layout: Layout,
    progress: Option<Progress>,
}

/// Reads the snapshot at `path` into the columns the dominator computation needs (see
/// [`Pass::Dominators`]) and a [`StringTable`]; [`read_rest`] completes the graph.
pub fn read(path: &Path, progress: Option<Progress>) -> Result<(Graph, FirstPass), HeapError> {
    let mut graph = Graph::default();
    let (layout, strings, progress) =
        read_pass(path, progress, Pass::Dominators, None, &mut graph)?;
    let strings = strings.expect("the first pass refuses a file without strings");
    let edge_total = u64::from(graph.first_edge.last().copied().unwrap_or(0));
    graph.validate_targets(edge_total)?;
    graph.edge_count = edge_total;
    Ok((
        graph,
        FirstPass {
            strings,
            layout,
            progress,
        },
    ))
}

/// Reads the file again for the columns [`read`] left out (and that the dominator computation
/// dropped: the edge targets), then checks the complete graph.
pub fn read_rest(path: &Path, first: &mut FirstPass, graph: &mut Graph) -> Result<(), HeapError> {
    let progress = first.progress.take();
    let layout = Some(&first.layout);
    let nodes = graph.self_size.len();
    let edges = graph.edge_count;
    graph.node_type = Vec::new();
    graph.node_name = Vec::new();
    graph.node_id = Vec::new();
    graph.first_edge = Vec::new();
    graph.edge_type = Vec::new();
    graph.edge_name = Vec::new();
    graph.edge_to = Vec::new();
    graph.locations = Vec::new();
    let (_, _, progress) = read_pass(
        path,
        progress,
        Pass::Rest(Walked {
            context: first.strings.keyword("system / Context"),
            closure: graph.node_type_id("closure"),
            code: graph.node_type_id("code"),
        }),
        layout,
        graph,
    )?;
    first.progress = progress;
    if graph.first_edge.len() != nodes + 1 || graph.edge_count != edges {
        return Err(HeapError::Corrupt(
            "the snapshot changed between two readings of the file".into(),
        ));
    }
    let kept = graph.edge_to.len() as u64;
    graph.validate(kept, first.strings.count)
}

type PassResult = (Layout, Option<StringTable>, Option<Progress>);

fn read_pass(
    path: &Path,
    progress: Option<Progress>,
    pass: Pass,
    known: Option<&Layout>,
    graph: &mut Graph,
) -> Result<PassResult, HeapError> {
    let file = File::open(path)
        .map_err(|e| HeapError::Io(format!("cannot open {}: {e}", path.display())))?;
    let file_len = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut lexer = Lexer::new(file, 0, progress);
    if pass != Pass::Dominators {
        lexer.progress_base = file_len;
    }
    match lexer.peek_token()? {
        Some(b'{') => lexer.pos += 1,
        None => return Err(HeapError::NotASnapshot("the file is empty".into())),
        Some(_) => {
            return Err(HeapError::NotASnapshot(
                "the file is not JSON (a heap snapshot starts with `{\"snapshot\":`)".into(),
            ));
        }
    }
    let mut layout: Option<Layout> = None;
    let mut strings_table: Option<StringTable> = None;
    let mut edge_total: u64 = 0;
    let mut key = Vec::new();
    // The second pass stops once it has what it came for (V8 writes `strings` last).
    let mut left = 3;
    if lexer.peek_token()? == Some(b'}') {
        return Err(HeapError::NotASnapshot(
            "the file is an empty JSON object".into(),
        ));
    }
    loop {
        key.clear();
        if lexer.peek_token()? != Some(b'"') {
            return Err(if layout.is_none() {
                HeapError::NotASnapshot("the file is not a JSON object of named arrays".into())
            } else {
                lexer.unexpected("a key")
            });
        }
        lexer.raw_string(&mut key, true)?;
        lexer.expect(b':', "an object")?;
        match key.as_slice() {
            b"snapshot" => {
                let mut raw = Vec::new();
                lexer.skip_value(Some((&mut raw, MAX_META)))?;
                let header: Header = serde_json::from_slice(&raw).map_err(|e| {
                    HeapError::NotASnapshot(format!(
                        "`snapshot` is not a V8 heap snapshot header: {e}"
                    ))
                })?;
                let l = Layout::new(&header.meta)?;
                if known.is_some_and(|k| *k != l) {
                    return Err(HeapError::Corrupt(
                        "the snapshot's header changed between two readings of the file".into(),
                    ));
                }
                if let (Some(n), Some(e)) = (header.node_count, header.edge_count) {
                    if pass == Pass::Dominators {
                        check_memory(n, e, file_len)?;
                        reserve(&mut graph.node_name, n, "nodes")?;
                        reserve(&mut graph.self_size, n, "nodes")?;
                        reserve(&mut graph.first_edge, n + 1, "nodes")?;
                        reserve(&mut graph.edge_type, e, "edges")?;
                        reserve(&mut graph.edge_to, e, "edges")?;
                    } else {
                        reserve(&mut graph.node_type, n, "nodes")?;
                        reserve(&mut graph.node_name, n, "nodes")?;
                        reserve(&mut graph.node_id, n, "nodes")?;
                        reserve(&mut graph.first_edge, n + 1, "nodes")?;
                    }
                }
                graph.node_types = type_names(&header.meta.node_types)?;
                graph.edge_types = type_names(&header.meta.edge_types)?;
                layout = Some(l);
            }
            b"nodes" | b"edges" | b"locations" => {
                let Some(l) = &layout else {
                    return Err(HeapError::NotASnapshot(
                        "the arrays come before `snapshot.meta`: not a V8 heap snapshot".into(),
                    ));
                };
                match key.as_slice() {
                    b"nodes" => read_nodes(&mut lexer, l, graph, &mut edge_total, pass)?,
                    b"edges" => read_edges(&mut lexer, l, graph, pass)?,
                    _ if pass != Pass::Dominators => read_locations(&mut lexer, l, graph)?,
                    _ => lexer.skip_value(None)?,
                }
                left -= 1;
            }
            b"strings" if pass == Pass::Dominators => {
                let offset = lexer.offset();
                let mut keywords = vec![u32::MAX; KEYWORDS.len()];
                let mut raw = Vec::new();
                let count = strings(&mut lexer, |id, lexer| {
                    raw.clear();
                    lexer.raw_string(&mut raw, true)?;
                    if raw.len() <= 24
                        && let Some(k) =
                            KEYWORDS.iter().position(|k| k.as_bytes() == raw.as_slice())
                        && keywords[k] == u32::MAX
                    {
                        keywords[k] = id;
                    }
                    Ok(())
                })?;
                strings_table = Some(StringTable {
                    path: path.to_path_buf(),
                    offset,
                    count,
                    keywords,
                });
            }
            b"strings" => {
                let mut raw = Vec::new();
                strings(&mut lexer, |_, lexer| lexer.raw_string(&mut raw, false))?;
            }
            _ => lexer.skip_value(None)?,
        }
        if pass != Pass::Dominators && left == 0 {
            break;
        }
        match lexer.peek_token()? {
            Some(b',') => lexer.pos += 1,
            Some(b'}') => break,
            None => return Err(lexer.truncated("the top-level object")),
            Some(_) => return Err(lexer.unexpected("`,` or `}`")),
        }
    }
    if pass == Pass::Dominators && strings_table.is_none() {
        return Err(HeapError::NotASnapshot(
            "the file has no `strings` array".into(),
        ));
    }
    let Some(layout) = layout else {
        return Err(HeapError::NotASnapshot(
            "the file has no `snapshot` and `nodes`".into(),
        ));
    };
    if graph.first_edge.is_empty() {
        return Err(HeapError::NotASnapshot(
            "the file has no `snapshot` and `nodes`".into(),
        ));
    }
    Ok((layout, strings_table, lexer.progress.take()))
}

/// Refuses, before allocating, a snapshot whose graph cannot fit in the memory available.
fn check_memory(nodes: u64, edges: u64, file_len: u64) -> Result<(), HeapError> {
    let need = Graph::bytes_needed(nodes, edges);
    if let Some(available) = available_memory()
        && need > available
    {
        return Err(HeapError::TooBig(format!(
            "the snapshot ({} MiB, {nodes} nodes, {edges} edges) needs about {} MiB of memory; {} MiB are available",
            file_len >> 20,
            need >> 20,
            available >> 20
        )));
    }
    Ok(())
}

/// `MemAvailable` of /proc/meminfo (Linux); `None` elsewhere.
fn available_memory() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/meminfo").ok()?;
    let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// Column positions of the fields we keep.
#[derive(PartialEq, Eq, Debug)]
struct Layout {
    node_fields: usize,
    n_type: usize,
    n_name: usize,
    n_id: usize,
    n_size: usize,
    n_edges: usize,
    edge_fields: usize,
    e_type: usize,
    e_name: usize,
    e_to: usize,
    location_fields: usize,
    l_object: usize,
    l_script: usize,
    l_line: usize,
    l_column: usize,
}

impl Layout {
    fn new(meta: &Meta) -> Result<Self, HeapError> {
        let n = &meta.node_fields;
        let e = &meta.edge_fields;
        let l = &meta.location_fields;
        let (l_object, l_script, l_line, l_column) = if l.is_empty() {
            (0, 1, 2, 3)
        } else {
            (
                column(l, "object_index")?,
                column(l, "script_id")?,
                column(l, "line")?,
                column(l, "column")?,
            )
        };
        Ok(Self {
            node_fields: n.len(),
            n_type: column(n, "type")?,
            n_name: column(n, "name")?,
            n_id: column(n, "id")?,
            n_size: column(n, "self_size")?,
            n_edges: column(n, "edge_count")?,
            edge_fields: e.len(),
            e_type: column(e, "type")?,
            e_name: column(e, "name_or_index")?,
            e_to: column(e, "to_node")?,
            location_fields: if l.is_empty() { 4 } else { l.len() },
            l_object,
            l_script,
            l_line,
            l_column,
        })
    }
}

fn small(value: u64, what: &str) -> Result<u32, HeapError> {
    u32::try_from(value).map_err(|_| HeapError::Corrupt(format!("{what} {value} is out of range")))
}

fn read_nodes<R: Read>(
    lexer: &mut Lexer<R>,
    l: &Layout,
    g: &mut Graph,
    edge_total: &mut u64,
    pass: Pass,
) -> Result<(), HeapError> {
    let mut field = 0usize;
    let first = pass == Pass::Dominators;
    g.first_edge.push(0);
    lexer.numbers(|v| {
        if field == l.n_type {
            if !first {
                g.node_type.push(u8::try_from(v).unwrap_or(u8::MAX));
            }
        } else if field == l.n_name {
            g.node_name.push(small(v, "a node name")?);
        } else if field == l.n_id {
            if !first {
                g.node_id.push(small(v, "a node id")?);
            }
        } else if field == l.n_size {
            if first {
                g.push_self_size(v);
            }
        } else if field == l.n_edges {
            *edge_total += v;
            g.first_edge.push(small(*edge_total, "the edge count")?);
        }
        field += 1;
        if field == l.node_fields {
            field = 0;
        }
        Ok(())
    })?;
    if field != 0 {
        return Err(HeapError::Corrupt(
            "the nodes array does not hold whole nodes".into(),
        ));
    }
    if !first {
        g.edge_count = *edge_total;
    }
    Ok(())
}

fn read_edges<R: Read>(
    lexer: &mut Lexer<R>,
    l: &Layout,
    g: &mut Graph,
    pass: Pass,
) -> Result<(), HeapError> {
    let mut field = 0usize;
    let node_fields = l.node_fields as u64;
    let n = g.self_size.len();
    // The second pass keeps the edges of the walked nodes only, and rewrites `first_edge` in
    // place to index them: node `node`'s edges in the file end at `end` (its next entry, not
    // rewritten yet), its kept ones start at `first_edge[node]` (rewritten on entering it).
    // With the edges before the nodes in the file (not V8's order), it keeps every edge.
    let walked = match pass {
        Pass::Rest(w) if g.first_edge.len() == n + 1 && g.node_type.len() == n => Some(w),
        _ => None,
    };
    let names = pass != Pass::Dominators;
    let mut node = 0usize;
    let mut end = 0u64;
    let mut edge = 0u64;
    let mut keep = true;
    let (mut ty, mut name, mut to) = (0u8, 0u32, 0u32);
    lexer.numbers(|v| {
        if field == 0
            && let Some(w) = walked
        {
            // Entering the nodes this edge belongs to (and any without edges before it).
            while edge == end && node < n {
                g.first_edge[node] = g.edge_to.len() as u32;
                end = u64::from(g.first_edge[node + 1]);
                keep = g.node_type[node] == w.closure
                    || g.node_type[node] == w.code
                    || g.node_name[node] == w.context;
                node += 1;
            }
            edge += 1;
        }
        if field == l.e_type {
            ty = u8::try_from(v).unwrap_or(u8::MAX);
        } else if field == l.e_name {
            name = small(v, "an edge name")?;
        } else if field == l.e_to {
            if v % node_fields != 0 {
                return Err(HeapError::Corrupt(format!(
                    "an edge leads to {v}, not the start of a node"
                )));
            }
            to = small(v / node_fields, "an edge target")?;
        }
        field += 1;
        if field == l.edge_fields {
            field = 0;
            if keep {
                g.edge_type.push(ty);
                g.edge_to.push(to);
                if names {
                    g.edge_name.push(name);
                }
            }
        }
        Ok(())
    })?;
    if field != 0 {
        return Err(HeapError::Corrupt(
            "the edges array does not hold whole edges".into(),
        ));
    }
    if walked.is_some() {
        if edge != g.edge_count {
            return Err(HeapError::Corrupt(format!(
                "the nodes announce {} edges but the edges array holds {edge}: truncated or corrupt",
                g.edge_count
            )));
        }
        // The nodes after the last edge have none.
        while node < n {
            g.first_edge[node] = g.edge_to.len() as u32;
            node += 1;
        }
        g.first_edge[n] = g.edge_to.len() as u32;
    }
    Ok(())
}

fn read_locations<R: Read>(
    lexer: &mut Lexer<R>,
    l: &Layout,
    g: &mut Graph,
) -> Result<(), HeapError> {
    let mut field = 0usize;
    let mut row = [0u32; 4];
    let node_fields = l.node_fields as u64;
    lexer.numbers(|v| {
        let slot = if field == l.l_object {
            Some(0)
        } else if field == l.l_script {
            Some(1)
        } else if field == l.l_line {
            Some(2)
        } else if field == l.l_column {
            Some(3)
        } else {
            None
        };
        if let Some(slot) = slot {
            row[slot] = if slot == 0 {
                small(v / node_fields, "a location's object")?
            } else {
                small(v, "a location")?
            };
        }
        field += 1;
        if field == l.location_fields {
            field = 0;
            g.locations.push(Location {
                node: row[0],
                script_id: row[1],
                line: row[2],
                column: row[3],
            });
        }
        Ok(())
    })?;
    Ok(())
}
