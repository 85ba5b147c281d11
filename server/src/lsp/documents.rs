//! The open documents: text, version and the channel their analysed snapshots are published on.
//!
//! Edits are applied by the dispatcher as they arrive (see `dispatch`), so they land in arrival
//! order. Every edit bumps the document's revision; requests
//! wait on [`Documents::subscribe`] for the snapshot of the revision they arrived at.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use dashmap::DashMap;
use tokio::sync::watch;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};

use super::convert;
use super::memory;
use super::snapshot::Snapshot;
use crate::engine::Analysis;
use crate::text::{Encoding, LineIndex};

/// Revisions are unique across documents and reopenings, so a stale result is never mistaken for
/// a fresh one.
static NEXT_REVISION: AtomicU64 = AtomicU64::new(1);

fn next_revision() -> u64 {
    NEXT_REVISION.fetch_add(1, Ordering::SeqCst)
}

/// The revision the next change will get: every revision below it exists already.
pub fn next_revision_to_assign() -> u64 {
    NEXT_REVISION.load(Ordering::SeqCst)
}

pub type Published = Option<Arc<Snapshot>>;

#[derive(Default)]
pub struct Documents {
    map: DashMap<Uri, Document>,
}

struct Document {
    file_name: Arc<str>,
    version: i32,
    revision: u64,
    /// The revision the document was (re)opened at: results of jobs older than that belong to a
    /// previous document under the same URI and must not be published into this one.
    opened: u64,
    text: String,
    line_index: Arc<LineIndex>,
    published: watch::Sender<Published>,
    base: Option<Base>,
}

/// The last analysis that parsed (had no `degradation.unanalysed`), with the text it analysed.
#[derive(Clone, Debug)]
pub struct Base {
    pub revision: u64,
    pub text: Arc<str>,
    pub analysis: Arc<Analysis>,
    /// The pitfalls of `analysis`, for the snapshots it answers while the text does not parse.
    pub pitfalls: Arc<super::snapshot::Pitfalls>,
}

/// What the analysis worker needs to analyse the current text of a document.
pub struct Job {
    pub revision: u64,
    pub version: i32,
    pub text: Arc<str>,
    pub file_name: Arc<str>,
    pub line_index: Arc<LineIndex>,
    pub base: Option<Base>,
}

impl Documents {
    /// Opens (or reopens, replacing) a document.
    pub fn open(&self, uri: Uri, language_id: &str, version: i32, text: String) {
        let file_name = file_name(&uri, language_id).into();
        let line_index = Arc::new(LineIndex::new(&text));
        let (published, _) = watch::channel(None);
        let revision = next_revision();
        let doc = Document {
            file_name,
            version,
            revision,
            opened: revision,
            text,
            line_index,
            published,
            base: None,
        };
        if self.map.insert(uri.clone(), doc).is_some() {
            tracing::warn!(
                uri = uri.as_str(),
                "didOpen for a document already open; replacing it"
            );
        }
    }

    /// Applies a `didChange`'s edits in order. Ranges past the end clamp to the end; nothing here
    /// panics on client input. Returns false for an unknown document.
    pub fn change(
        &self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: Encoding,
    ) -> bool {
        let Some(mut doc) = self.map.get_mut(uri) else {
            return false;
        };
        if version <= doc.version {
            tracing::warn!(
                uri = uri.as_str(),
                version,
                previous = doc.version,
                "stale version in didChange"
            );
        }
        for change in changes {
            doc.apply(change, encoding, uri);
        }
        doc.version = version;
        doc.revision = next_revision();
        true
    }

    pub fn close(&self, uri: &Uri) -> bool {
        self.map.remove(uri).is_some()
    }

    pub fn uris(&self) -> Vec<Uri> {
        self.map.iter().map(|entry| entry.key().clone()).collect()
    }

    /// Marks a document for re-analysis of the same text (e.g. the source kind changed).
    pub fn invalidate(&self, uri: &Uri) {
        if let Some(mut doc) = self.map.get_mut(uri) {
            doc.revision = next_revision();
        }
    }

    /// The analysis of the document's newest published snapshot: what other files' links see
    /// of it (the editor's text wins over the file on disk).
    pub fn latest_analysis(&self, uri: &Uri) -> Option<Arc<Analysis>> {
        let doc = self.map.get(uri)?;
        let published = doc.published.borrow();
        published.as_ref()?.analysis.clone()
    }

    /// The revision a request arriving now must be answered at, and where it will be published.
    pub fn subscribe(&self, uri: &Uri) -> Option<(u64, watch::Receiver<Published>)> {
        let doc = self.map.get(uri)?;
        Some((doc.revision, doc.published.subscribe()))
    }

    /// The document's current text, for the worker (copied: the worker must not hold the map).
    pub fn job(&self, uri: &Uri) -> Option<Job> {
        let doc = self.map.get(uri)?;
        Some(Job {
            revision: doc.revision,
            version: doc.version,
            text: doc.text.as_str().into(),
            file_name: doc.file_name.clone(),
            line_index: doc.line_index.clone(),
            base: doc.base.clone(),
        })
    }

    /// Publishes a finished snapshot unless a newer one is out already (a result that is stale
    /// for the document still answers requests that arrived at its revision), and adopts a newer
    /// base. Returns whether the snapshot was published. With `trim`, freed memory is returned to
    /// the system before the snapshot becomes visible.
    pub fn publish(&self, uri: &Uri, snapshot: Snapshot, base: Option<Base>, trim: bool) -> bool {
        // The snapshot and base this one supersedes are freed first, outside the map's lock (and
        // the memory returned, when asked): the answers waiting for the new snapshot then go out
        // with the process at its resting size, not holding two analyses until the next trim.
        // Nothing waits for the old snapshot: requests that came after it wait for a newer one.
        let superseded = {
            let Some(mut doc) = self.map.get_mut(uri) else {
                return false;
            };
            if snapshot.revision < doc.opened {
                // Analysed before the document was closed and reopened (or reopened over
                // itself): another text, whose answers and base would be wrong for this one.
                return false;
            }
            let old_base = match base {
                Some(base)
                    if doc
                        .base
                        .as_ref()
                        .is_none_or(|old| old.revision < base.revision) =>
                {
                    doc.base.replace(base)
                }
                _ => None,
            };
            let newer = doc
                .published
                .borrow()
                .as_ref()
                .is_none_or(|old| old.revision < snapshot.revision);
            if !newer {
                return false;
            }
            (doc.published.send_replace(None), old_base)
        };
        drop(superseded);
        if trim {
            memory::return_freed_memory();
        }
        let Some(doc) = self.map.get(uri) else {
            return false;
        };
        if snapshot.revision < doc.opened {
            return false;
        }
        doc.published.send_replace(Some(Arc::new(snapshot)));
        true
    }

    /// The byte length of the document's text if it was edited since it was opened (`None` for
    /// one just opened, or not open).
    pub fn edited_text_len(&self, uri: &Uri) -> Option<usize> {
        let doc = self.map.get(uri)?;
        (doc.revision != doc.opened).then(|| doc.text.len())
    }

    /// Whether `revision` is still the document's current one.
    pub fn is_current(&self, uri: &Uri, revision: u64) -> bool {
        self.map
            .get(uri)
            .is_some_and(|doc| doc.revision == revision)
    }
}

impl Document {
    fn apply(&mut self, change: TextDocumentContentChangeEvent, encoding: Encoding, uri: &Uri) {
        let Some(range) = change.range else {
            self.text = change.text;
            self.line_index = Arc::new(LineIndex::new(&self.text));
            return;
        };
        let end_of_text = self.text.len() as u32;
        let clamp = |position| {
            convert::offset(&self.line_index, position, encoding).unwrap_or_else(|| {
                tracing::warn!(
                    uri = uri.as_str(),
                    ?position,
                    "edit position past the end; clamping to the end"
                );
                end_of_text
            })
        };
        let (start, end) = (clamp(range.start), clamp(range.end));
        if start > end {
            tracing::warn!(
                uri = uri.as_str(),
                ?range,
                "edit range is reversed; reordering it"
            );
        }
        let (start, end) = (start.min(end) as usize, start.max(end) as usize);
        if !self.text.is_char_boundary(start) || !self.text.is_char_boundary(end) {
            // Cannot happen with the line index's rounding, but a panic here would kill the server.
            tracing::warn!(
                uri = uri.as_str(),
                ?range,
                "edit range splits a character; ignoring the edit"
            );
            return;
        }
        self.text.replace_range(start..end, &change.text);
        // Update the index in place rather than rescanning the whole text on every keystroke.
        let new_end = (start + change.text.len()) as u32;
        Arc::make_mut(&mut self.line_index).edit(&self.text, start as u32, end as u32, new_end);
    }
}

/// The file name the engine picks the language and source kind from: the URI's last path
/// segment, given an extension from the language id when it has none (e.g. `untitled:Untitled-1`).
fn file_name(uri: &Uri, language_id: &str) -> String {
    let path = uri.path().as_str();
    let name = path.rsplit('/').next().unwrap_or(path);
    let has_known_extension = name.rsplit_once('.').is_some_and(|(_, ext)| {
        matches!(
            ext.to_ascii_lowercase().as_str(),
            "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx"
        )
    });
    if has_known_extension {
        return name.to_string();
    }
    let ext = match language_id {
        "typescript" => "ts",
        "typescriptreact" => "tsx",
        "javascriptreact" => "jsx",
        _ => "js",
    };
    format!("{name}.{ext}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn uri(s: &str) -> Uri {
        s.parse().unwrap()
    }

    fn edit(range: Option<((u32, u32), (u32, u32))>, text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: range.map(|((l1, c1), (l2, c2))| {
                Range::new(Position::new(l1, c1), Position::new(l2, c2))
            }),
            range_length: None,
            text: text.into(),
        }
    }

    fn text(docs: &Documents, uri: &Uri) -> String {
        docs.job(uri).unwrap().text.to_string()
    }

    #[test]
    fn file_names() {
        assert_eq!(file_name(&uri("file:///a/b/c.mjs"), "javascript"), "c.mjs");
        assert_eq!(
            file_name(&uri("file:///a/b/x.TSX"), "typescriptreact"),
            "x.TSX"
        );
        assert_eq!(
            file_name(&uri("untitled:Untitled-1"), "typescript"),
            "Untitled-1.ts"
        );
        assert_eq!(
            file_name(&uri("untitled:Untitled-1"), "javascriptreact"),
            "Untitled-1.jsx"
        );
        assert_eq!(
            file_name(&uri("file:///a/notes.txt"), "javascript"),
            "notes.txt.js"
        );
    }

    #[test]
    fn incremental_edits_in_order() {
        let docs = Documents::default();
        let u = uri("file:///t.js");
        docs.open(
            u.clone(),
            "javascript",
            1,
            "let a = 1;\r\nlet 😀 = b;\n".into(),
        );
        let r1 = docs.subscribe(&u).unwrap().0;
        assert!(docs.change(
            &u,
            2,
            vec![
                edit(Some(((0, 4), (0, 5))), "abc"),
                edit(Some(((1, 9), (1, 10))), "c")
            ],
            Encoding::Utf16
        ));
        assert_eq!(text(&docs, &u), "let abc = 1;\r\nlet 😀 = c;\n");
        assert!(docs.subscribe(&u).unwrap().0 > r1);
        // UTF-8 columns address the same character.
        docs.change(
            &u,
            3,
            vec![edit(Some(((1, 11), (1, 12))), "d")],
            Encoding::Utf8,
        );
        assert_eq!(text(&docs, &u), "let abc = 1;\r\nlet 😀 = d;\n");
        docs.change(&u, 4, vec![edit(None, "x")], Encoding::Utf16);
        assert_eq!(text(&docs, &u), "x");
    }

    #[test]
    fn results_for_a_replaced_document_are_not_published() {
        use crate::lsp::snapshot::{OffsetMap, Snapshot};
        let docs = Documents::default();
        let u = uri("file:///t.js");
        docs.open(u.clone(), "javascript", 1, "let old;".into());
        let old_job = docs.job(&u).unwrap();
        // Reopened (over itself, or after a didClose) while the old text was being analysed.
        docs.open(u.clone(), "javascript", 1, "let new;".into());
        let snapshot = |revision| Snapshot {
            revision,
            line_index: Arc::new(LineIndex::new("let old;")),
            analysis: None,
            map: OffsetMap::IDENTITY,
            pitfalls: Default::default(),
        };
        assert!(!docs.publish(&u, snapshot(old_job.revision), None, false));
        assert!(docs.subscribe(&u).unwrap().1.borrow().is_none());
        assert!(docs.job(&u).unwrap().base.is_none());
        let new_job = docs.job(&u).unwrap();
        assert!(docs.publish(&u, snapshot(new_job.revision), None, false));
    }

    #[test]
    fn bad_edits_never_panic() {
        let docs = Documents::default();
        let u = uri("file:///t.js");
        docs.open(u.clone(), "javascript", 1, "ab\ncd".into());
        docs.change(
            &u,
            2,
            vec![edit(Some(((9, 0), (99, 9))), "!")],
            Encoding::Utf16,
        );
        assert_eq!(text(&docs, &u), "ab\ncd!");
        docs.change(
            &u,
            3,
            vec![edit(Some(((1, 1), (0, 1))), "")],
            Encoding::Utf16,
        );
        assert_eq!(text(&docs, &u), "ad!");
        docs.change(
            &u,
            3,
            vec![edit(Some(((0, 1), (0, 1))), "😀")],
            Encoding::Utf16,
        );
        // Column 2 is inside the surrogate pair: rounds back to the character's start.
        docs.change(
            &u,
            4,
            vec![edit(Some(((0, 2), (0, 2))), "x")],
            Encoding::Utf16,
        );
        assert_eq!(text(&docs, &u), "ax😀d!");
        assert!(!docs.change(&uri("file:///other.js"), 1, vec![], Encoding::Utf16));
    }
}
