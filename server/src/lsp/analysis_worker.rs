//! Analysis off the async executor: one dedicated thread with the engine's big stack.
//!
//! The queue holds document URIs, not texts: a document queued twice is analysed once, and the
//! worker reads the newest text when it starts, so a burst of edits coalesces into one analysis.
//! Before a large document it waits for the burst to end (see [`SETTLE_PER_MIB`]).
//!
//! The worker analyses in an [`engine::Scratch`] it keeps while the user works: the next analysis
//! writes to resident memory instead of faulting fresh pages in. When a large text starts to
//! arrive ([`AnalysisWorker::text_arriving`]), the worker prepares that memory on its own core
//! while the reader thread is still decoding the text. The memory goes back when a document
//! closes or after [`IDLE_RELEASE`] without work.

use std::collections::{HashSet, VecDeque};
use std::sync::{Arc, Condvar, Mutex, PoisonError, RwLock};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;
use tower_lsp_server::ls_types::Uri;

use super::config::Config;
use super::documents::{Base, Documents, Job};
use super::memory;
use super::panic_guard;
use super::snapshot::{OffsetMap, Pitfalls, Snapshot};
use crate::engine::{self, Analysis, Input, Scratch, Span, SyntaxError};
use crate::text::LineIndex;

/// A finished analysis of a document's current text, for diagnostics.
#[derive(Debug)]
pub struct Finished {
    pub uri: Uri,
    pub report: Report,
}

/// What an analysis found to report: the syntax errors of the text it analysed.
#[derive(Debug)]
pub struct Report {
    pub version: i32,
    pub line_index: Arc<LineIndex>,
    pub syntax_errors: Vec<SyntaxError>,
    /// Why nothing could be analysed, when nothing could.
    pub unanalysed: Option<String>,
    /// The pitfalls of the text (all codes; settings filter them when they are published), in
    /// its offsets; the same list the snapshot keeps. Empty when the text did not parse.
    pub pitfalls: Arc<[crate::ide::Pitfall]>,
}

/// How long, per MiB of text, the worker waits for a quiet moment before analysing: the edits
/// of a burst (a paste, a multi-cursor edit, a client replaying changes) arrive within
/// milliseconds, and without the wait the first of them starts an analysis of a version that is
/// stale before it ends. Analysis takes ~18 ms per MiB, so a lone keystroke pays ~5% more.
const SETTLE_PER_MIB: Duration = Duration::from_millis(1);
/// A steady stream of edits is analysed anyway after waiting this many quiet periods in all.
const MAX_SETTLE_ROUNDS: u32 = 10;
/// Without work for this long, the worker returns its scratch memory to the system.
const IDLE_RELEASE: Duration = Duration::from_secs(20);
/// Messages at least this large are taken for a document text on its way, worth preparing for.
const PREPARE_FOR: usize = 1 << 20;

pub struct AnalysisWorker {
    shared: Arc<Shared>,
}

#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
    /// Notified when the worker has nothing left to do (see [`AnalysisWorker::wait_idle`]).
    idle: Condvar,
}

#[derive(Default)]
struct Queue {
    order: VecDeque<Uri>,
    queued: HashSet<Uri>,
    /// Counts every `schedule`, so the worker can tell that edits are still arriving.
    schedules: u64,
    /// The size of a large message being read, likely a document text to analyse next.
    arriving: Option<usize>,
    /// Return the scratch memory at the next idle moment (a document was closed).
    release: bool,
    /// Analysing, or preparing memory for an analysis.
    busy: bool,
    stopped: bool,
}

impl Queue {
    /// An analysis is under way, queued or (a large text arriving) about to be.
    fn has_work(&self) -> bool {
        self.busy || !self.order.is_empty() || self.arriving.is_some()
    }
}

/// What the worker does next.
enum Work {
    Analyse(Uri),
    Prepare(usize),
    Release,
}

impl AnalysisWorker {
    pub fn spawn(
        documents: Arc<Documents>,
        config: Arc<RwLock<Config>>,
        finished: UnboundedSender<Finished>,
    ) -> std::io::Result<Self> {
        let shared = Arc::new(Shared::default());
        let worker_shared = shared.clone();
        std::thread::Builder::new()
            .name("scopelens-analysis".into())
            .stack_size(engine::ANALYSIS_STACK_SIZE)
            .spawn(move || {
                let mut scratch = Scratch::default();
                while let Some(work) = worker_shared.next(scratch.capacity() > 0) {
                    let uri = match work {
                        Work::Analyse(uri) => uri,
                        Work::Prepare(len) => {
                            let started = Instant::now();
                            // Stopped when the text has arrived: its analysis comes first.
                            let complete =
                                scratch.prepare_unless(len, || worker_shared.analysis_due());
                            tracing::debug!(
                                len,
                                complete,
                                capacity = scratch.capacity(),
                                took = ?started.elapsed(),
                                "prepared scratch memory for a text on its way"
                            );
                            continue;
                        }
                        Work::Release => {
                            scratch = Scratch::default();
                            memory::return_freed_memory();
                            continue;
                        }
                    };
                    // A document just opened has no burst of edits to wait out.
                    if let Some(len) = documents.edited_text_len(&uri) {
                        let mib = len as f64 / f64::from(1 << 20);
                        worker_shared.settle(&uri, SETTLE_PER_MIB.mul_f64(mib));
                    }
                    let source_kind = config
                        .read()
                        .unwrap_or_else(PoisonError::into_inner)
                        .source_kind;
                    let Some(job) = documents.job(&uri) else {
                        continue;
                    };
                    let (snapshot, base, mut report) = analyse(&job, source_kind, &mut scratch);
                    let analysed = snapshot.analysis.clone().filter(|a| {
                        snapshot.map.is_identity() && a.degradation.unanalysed.is_none()
                    });
                    let pitfalls = snapshot.pitfalls.clone();
                    // Nothing else queued: return the memory freed by this analysis (and by the
                    // one it supersedes) before its answers go out.
                    let idle = worker_shared.is_idle();
                    let published = documents.publish(&uri, snapshot, base, idle);
                    tracing::debug!(
                        uri = uri.as_str(),
                        version = job.version,
                        published,
                        "analysed"
                    );
                    if published && documents.is_current(&uri, job.revision) {
                        // After the snapshot is out: requests waiting for it are answered
                        // first, the diagnostics follow.
                        if let Some(analysis) = analysed {
                            report.pitfalls = pitfalls.find(&analysis);
                        }
                        let _ = finished.send(Finished { uri, report });
                    }
                    drop(job);
                    if idle && !published {
                        // Not published (e.g. closed meanwhile): publish did not trim.
                        memory::return_freed_memory();
                    }
                }
            })?;
        Ok(Self { shared })
    }

    /// Queues a document for analysis of its newest text.
    pub fn schedule(&self, uri: Uri) {
        let mut queue = self
            .shared
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        queue.schedules += 1;
        if queue.queued.insert(uri.clone()) {
            queue.order.push_back(uri);
        }
        self.shared.ready.notify_one();
    }

    /// What the reader thread calls when a message of `len` bytes starts to arrive: for a large
    /// one, likely a document's text, the worker prepares memory for its analysis meanwhile.
    pub fn text_arriving(&self) -> impl Fn(usize) + Send + 'static {
        let shared = self.shared.clone();
        move |len| {
            if len >= PREPARE_FOR {
                let mut queue = shared.queue.lock().unwrap_or_else(PoisonError::into_inner);
                queue.arriving = Some(len);
                shared.ready.notify_one();
            }
        }
    }

    /// Returns once no analysis is queued, under way or about to be (a large text is
    /// arriving), or after `limit`: the workspace index waits for this before each file so as
    /// not to share the cores with the analyses the user is waiting for.
    pub fn wait_idle(&self, limit: Duration) {
        let queue = self
            .shared
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let _ = self
            .shared
            .idle
            .wait_timeout_while(queue, limit, |q| q.has_work() && !q.stopped)
            .unwrap_or_else(PoisonError::into_inner);
    }

    /// Returns the worker's scratch memory once it is idle (a document was closed; the next
    /// analysis makes new scratch memory fitting the documents still open).
    pub fn release_memory(&self) {
        let mut queue = self
            .shared
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        queue.release = true;
        self.shared.ready.notify_one();
    }
}

impl Drop for AnalysisWorker {
    fn drop(&mut self) {
        self.shared
            .queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .stopped = true;
        self.shared.ready.notify_one();
        self.shared.idle.notify_all();
    }
}

impl Shared {
    /// A document is waiting for analysis (or the worker is stopping).
    fn analysis_due(&self) -> bool {
        let queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        !queue.order.is_empty() || queue.stopped
    }

    /// No document is waiting for analysis.
    fn is_idle(&self) -> bool {
        self.queue
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .order
            .is_empty()
    }

    /// Waits until nothing has been scheduled for `quiet` (in all at most
    /// [`MAX_SETTLE_ROUNDS`] times `quiet`), then forgets the entries for `uri` queued meanwhile:
    /// the analysis about to start reads the newest text.
    fn settle(&self, uri: &Uri, quiet: Duration) {
        if quiet < Duration::from_micros(200) {
            return; // a small file: analysing at once is cheaper than any wait
        }
        let deadline = Instant::now() + quiet * MAX_SETTLE_ROUNDS;
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() || queue.stopped {
                break;
            }
            let seen = queue.schedules;
            let (guard, waited) = self
                .ready
                .wait_timeout_while(queue, quiet.min(left), |q| {
                    q.schedules == seen && !q.stopped
                })
                .unwrap_or_else(PoisonError::into_inner);
            queue = guard;
            if waited.timed_out() {
                break; // quiet
            }
        }
        if queue.queued.remove(uri) {
            queue.order.retain(|u| u != uri);
        }
    }

    /// The work taken last is done: whoever waits for an idle worker may go on, if nothing is
    /// queued.
    fn done(&self) {
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        queue.busy = false;
        if !queue.has_work() {
            self.idle.notify_all();
        }
    }

    /// The next work, waiting for some; `holding` memory, an idle wait ends in a release.
    fn next(&self, holding: bool) -> Option<Work> {
        self.done();
        let mut queue = self.queue.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if queue.stopped {
                return None;
            }
            if let Some(uri) = queue.order.pop_front() {
                queue.queued.remove(&uri);
                // The text that was arriving is most likely this one's: too late to prepare.
                queue.arriving = None;
                queue.busy = true;
                return Some(Work::Analyse(uri));
            }
            if let Some(len) = queue.arriving.take() {
                queue.busy = true;
                return Some(Work::Prepare(len));
            }
            if std::mem::take(&mut queue.release) && holding {
                return Some(Work::Release);
            }
            if !holding {
                queue = self
                    .ready
                    .wait(queue)
                    .unwrap_or_else(PoisonError::into_inner);
                continue;
            }
            let (guard, waited) = self
                .ready
                .wait_timeout(queue, IDLE_RELEASE)
                .unwrap_or_else(PoisonError::into_inner);
            queue = guard;
            if waited.timed_out() && queue.order.is_empty() && queue.arriving.is_none() {
                return Some(Work::Release);
            }
        }
    }
}

/// Analyses one job; returns the snapshot to publish, the new base if the text parsed, and what
/// to report. A text that cannot be parsed is answered by the last base through an offset map.
fn analyse(
    job: &Job,
    source_kind: engine::SourceKindChoice,
    scratch: &mut Scratch,
) -> (Snapshot, Option<Base>, Report) {
    let map = job.base.as_ref().map_or(OffsetMap::IDENTITY, |base| {
        OffsetMap::between(&base.text, &job.text)
    });
    // What the base had to blank, where it still is in this text (the edit blanks itself).
    let previously_blanked: Vec<Span> = job.base.as_ref().map_or_else(Vec::new, |base| {
        let blanked = &base.analysis.degradation.blanked;
        blanked
            .iter()
            .filter_map(|&s| map.span_to_current(s))
            .collect()
    });
    let input = Input {
        text: &job.text,
        file_name: &job.file_name,
        source_kind,
        edited: map.current_region(),
        previously_blanked: &previously_blanked,
        line_index: Some(&job.line_index),
    };
    let what = format!("the analysis of {}", job.file_name);
    let analysis: Option<Arc<Analysis>> = panic_guard::catch(&what, || {
        panic_guard::inject("analysis");
        Arc::new(engine::analyze_with(&input, scratch))
    });
    let mut report = Report {
        version: job.version,
        line_index: job.line_index.clone(),
        syntax_errors: analysis
            .as_ref()
            .map(|a| a.syntax_errors.clone())
            .unwrap_or_default(),
        unanalysed: analysis
            .as_ref()
            .and_then(|a| a.degradation.unanalysed.clone()),
        // Found after the snapshot is published (see the worker loop): answers do not wait.
        pitfalls: Arc::new([]),
    };
    let snapshot = |analysis, map, pitfalls| Snapshot {
        revision: job.revision,
        line_index: job.line_index.clone(),
        analysis,
        map,
        pitfalls,
    };
    match (analysis, &job.base) {
        (Some(analysis), _) if analysis.degradation.unanalysed.is_none() => {
            let pitfalls = Arc::new(Pitfalls::default());
            let base = Base {
                revision: job.revision,
                text: job.text.clone(),
                analysis: analysis.clone(),
                pitfalls: pitfalls.clone(),
            };
            (
                snapshot(Some(analysis), OffsetMap::IDENTITY, pitfalls),
                Some(base),
                report,
            )
        }
        (_, Some(base)) => {
            tracing::debug!(file = &*job.file_name, region = ?map.current_region(), "serving the last analysis that parsed");
            let answered_by = (base.analysis.clone(), base.pitfalls.clone());
            (
                snapshot(Some(answered_by.0), map, answered_by.1),
                None,
                report,
            )
        }
        (analysis, None) => {
            if analysis.is_none() {
                report.unanalysed = Some("the analysis failed (this is a bug in scopelens)".into());
            }
            (
                snapshot(analysis, OffsetMap::IDENTITY, Default::default()),
                None,
                report,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{SourceKindChoice, Span};

    fn job(text: &str, base: Option<Base>) -> Job {
        Job {
            revision: base.as_ref().map_or(1, |b| b.revision + 1),
            version: 1,
            text: text.into(),
            file_name: "t.js".into(),
            line_index: Arc::new(LineIndex::new(text)),
            base,
        }
    }

    #[test]
    fn good_text_is_answered_by_its_own_analysis() {
        let (snapshot, base, report) = analyse(
            &job("let a = 1; a;", None),
            SourceKindChoice::Auto,
            &mut Scratch::default(),
        );
        assert!(snapshot.map.is_identity());
        let base = base.expect("a good analysis becomes the base");
        assert!(Arc::ptr_eq(
            snapshot.analysis.as_ref().unwrap(),
            &base.analysis
        ));
        assert!(report.syntax_errors.is_empty() && report.unanalysed.is_none());
    }

    #[test]
    fn unanalysable_text_falls_back_to_the_base() {
        let good = "let a = 1;\nlet b = a;\n";
        let (_, base, _) = analyse(
            &job(good, None),
            SourceKindChoice::Auto,
            &mut Scratch::default(),
        );
        let base = base.unwrap();
        let deep = format!("let a = 1;\n{}\nlet b = a;\n", "(".repeat(20_000));
        let (snapshot, new_base, report) = analyse(
            &job(&deep, Some(base.clone())),
            SourceKindChoice::Auto,
            &mut Scratch::default(),
        );
        assert!(new_base.is_none());
        assert!(report.unanalysed.is_some());
        assert!(Arc::ptr_eq(
            snapshot.analysis.as_ref().unwrap(),
            &base.analysis
        ));
        assert_eq!(snapshot.map.current_region(), Some(Span::new(11, 20_012)));
        // `a` in `let b = a;` maps back to the base text.
        let use_of_a = deep.rfind('a').unwrap() as u32;
        assert_eq!(
            snapshot.map.to_base(use_of_a),
            Some(good.rfind('a').unwrap() as u32)
        );
    }

    #[test]
    fn unanalysable_text_without_a_base_has_an_empty_model() {
        let deep = "(".repeat(20_000);
        let (snapshot, base, report) = analyse(
            &job(&deep, None),
            SourceKindChoice::Auto,
            &mut Scratch::default(),
        );
        assert!(base.is_none());
        assert!(report.unanalysed.is_some());
        assert!(snapshot.analysis.unwrap().degradation.unanalysed.is_some());
    }

    #[test]
    fn a_burst_of_schedules_coalesces() {
        let shared = Shared::default();
        let uri: Uri = "file:///a.js".parse().unwrap();
        let worker = AnalysisWorker {
            shared: Arc::new(shared),
        };
        for _ in 0..100 {
            worker.schedule(uri.clone());
        }
        worker.schedule("file:///b.js".parse().unwrap());
        let queue = worker.shared.queue.lock().unwrap();
        assert_eq!(queue.order.len(), 2);
    }

    #[test]
    fn a_large_text_on_its_way_is_prepared_for_unless_an_analysis_is_due() {
        let worker = AnalysisWorker {
            shared: Arc::new(Shared::default()),
        };
        let arriving = worker.text_arriving();
        arriving(PREPARE_FOR - 1);
        assert!(worker.shared.queue.lock().unwrap().arriving.is_none());
        arriving(9 << 20);
        assert!(matches!(worker.shared.next(false), Some(Work::Prepare(n)) if n == 9 << 20));
        // Once its analysis is queued, preparing would only delay it.
        arriving(9 << 20);
        worker.schedule("file:///a.js".parse().unwrap());
        assert!(matches!(worker.shared.next(true), Some(Work::Analyse(_))));
        assert!(worker.shared.queue.lock().unwrap().arriving.is_none());
    }

    #[test]
    fn waiting_for_an_idle_worker_ends_when_its_analysis_is_done() {
        let worker = AnalysisWorker {
            shared: Arc::new(Shared::default()),
        };
        let started = Instant::now();
        worker.wait_idle(Duration::from_secs(60));
        assert!(started.elapsed() < Duration::from_secs(30), "idle: no wait");
        worker.schedule("file:///a.js".parse().unwrap());
        assert!(matches!(worker.shared.next(false), Some(Work::Analyse(_))));
        std::thread::scope(|scope| {
            let waiter = scope.spawn(|| {
                let started = Instant::now();
                worker.wait_idle(Duration::from_secs(60));
                started.elapsed()
            });
            // Under way: the waiter waits (until `done`, not for its whole limit).
            worker.shared.done();
            assert!(waiter.join().unwrap() < Duration::from_secs(30));
        });
    }

    #[test]
    fn preparing_gives_way_once_an_analysis_is_queued() {
        let worker = AnalysisWorker {
            shared: Arc::new(Shared::default()),
        };
        assert!(!worker.shared.analysis_due());
        worker.schedule("file:///a.js".parse().unwrap());
        assert!(worker.shared.analysis_due());
    }

    #[test]
    fn memory_is_released_after_a_close_once_idle() {
        let worker = AnalysisWorker {
            shared: Arc::new(Shared::default()),
        };
        worker.release_memory();
        worker.schedule("file:///a.js".parse().unwrap());
        assert!(matches!(worker.shared.next(true), Some(Work::Analyse(_))));
        assert!(matches!(worker.shared.next(true), Some(Work::Release)));
        // Nothing held, nothing to release: the worker waits (here, until it is stopped).
        worker.release_memory();
        let shared = worker.shared.clone();
        drop(worker);
        assert!(shared.next(false).is_none());
    }

    #[test]
    fn settling_waits_out_a_burst_and_forgets_its_entries() {
        let worker = AnalysisWorker {
            shared: Arc::new(Shared::default()),
        };
        let (a, b): (Uri, Uri) = (
            "file:///a.js".parse().unwrap(),
            "file:///b.js".parse().unwrap(),
        );
        let shared = worker.shared.clone();
        let edits = std::thread::spawn(move || {
            for _ in 0..10 {
                std::thread::sleep(Duration::from_millis(2));
                worker.schedule(a.clone());
            }
            worker.schedule(b.clone());
            worker
        });
        let started = std::time::Instant::now();
        // Quiet periods of 20 ms: the edits 2 ms apart keep it waiting until they stop.
        shared.settle(&"file:///a.js".parse().unwrap(), Duration::from_millis(20));
        let waited = started.elapsed();
        let worker = edits.join().unwrap();
        assert!(waited >= Duration::from_millis(20), "{waited:?}");
        let queue = worker.shared.queue.lock().unwrap();
        let left: Vec<&str> = queue.order.iter().map(|u| u.as_str()).collect();
        assert_eq!(
            left,
            ["file:///b.js"],
            "a.js is about to be analysed at its newest"
        );
    }
}
