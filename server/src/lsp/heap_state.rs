//! The heap snapshot loaded for the workspace (`scopelens/heapSnapshot`, handlers/heap_snapshot.rs),
//! kept in the session for hover and code lenses.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, PoisonError, RwLock};

use tower_lsp_server::ls_types::ClientCapabilities;

use crate::ide::WorkspaceHeap;

/// The loaded snapshot (if any) and what the client lets us do about it.
#[derive(Default)]
pub struct HeapState {
    loaded: RwLock<Option<Arc<WorkspaceHeap>>>,
    code_lens_refresh: AtomicBool,
}

impl HeapState {
    pub fn get(&self) -> Option<Arc<WorkspaceHeap>> {
        self.loaded
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn set(&self, heap: Option<Arc<WorkspaceHeap>>) {
        *self.loaded.write().unwrap_or_else(PoisonError::into_inner) = heap;
    }

    /// Called from `initialize`.
    pub fn remember_capabilities(&self, capabilities: &ClientCapabilities) {
        let refresh = capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.code_lens.as_ref())
            .and_then(|c| c.refresh_support)
            .unwrap_or(false);
        self.code_lens_refresh.store(refresh, Ordering::Relaxed);
    }

    /// The client refreshes code lenses when asked (`workspace/codeLens/refresh`).
    pub fn code_lens_refresh(&self) -> bool {
        self.code_lens_refresh.load(Ordering::Relaxed)
    }
}
