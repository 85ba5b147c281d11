//! The last whole-file semantic tokens sent for each open document, by result id: what a
//! `semanticTokens/full/delta` request (handlers/semantic_tokens.rs) is computed against.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use rustc_hash::FxHashMap;
use tower_lsp_server::ls_types::{SemanticToken, Uri};

use crate::lsp::documents::Documents;

/// The last whole-file tokens sent for each open document, by result id: what a delta request
/// is computed against. One entry per open document; dropped when it closes.
#[derive(Default)]
pub struct TokenCache {
    last: Mutex<FxHashMap<Uri, Sent>>,
}

struct Sent {
    result_id: u64,
    tokens: Arc<Vec<SemanticToken>>,
}

static NEXT_RESULT_ID: AtomicU64 = AtomicU64::new(1);

impl TokenCache {
    pub fn forget(&self, uri: &Uri) {
        self.lock().remove(uri);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, FxHashMap<Uri, Sent>> {
        self.last.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The tokens sent under `result_id` for `uri`, if they are still the last ones.
    pub fn get(&self, uri: &Uri, result_id: &str) -> Option<Arc<Vec<SemanticToken>>> {
        let last = self.lock();
        let sent = last.get(uri)?;
        (sent.result_id.to_string() == result_id).then(|| sent.tokens.clone())
    }

    /// Keeps `tokens` as the last sent for `uri` — only while the snapshot they were computed on
    /// is still the document's current revision (a closed or edited document keeps nothing).
    pub fn remember(
        &self,
        documents: &Documents,
        uri: &Uri,
        revision: u64,
        tokens: Arc<Vec<SemanticToken>>,
    ) -> u64 {
        let result_id = NEXT_RESULT_ID.fetch_add(1, Ordering::Relaxed);
        let mut last = self.lock();
        if documents.is_current(uri, revision) {
            last.insert(uri.clone(), Sent { result_id, tokens });
        }
        result_id
    }
}
