//! Values that travel beside tower-lsp-server instead of through it: a large answer. The value is set aside here and a short marker string goes through the framework
//! in its place; whoever meets the marker on the other side takes the value back.
//!
//! Markers are `\u0001` (which serde_json always escapes, so no JSON writer leaves it raw), a
//! name, a per-process random part and a counter: text from a document cannot pass for one.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

/// What [`Stash::take`] found for a string.
#[derive(Debug, PartialEq, Eq)]
pub enum Taken<T> {
    Value(T),
    /// A marker of this stash whose value was dropped (see `capacity` in [`Stash::new`]).
    Dropped,
    /// Not a marker of this stash.
    NotOurs,
}

pub struct Stash<T> {
    /// `\u{1}name:nonce:`, what every marker of this stash starts with.
    prefix: String,
    next: AtomicU64,
    held: Mutex<VecDeque<(u64, T)>>,
    capacity: usize,
}

impl<T> Stash<T> {
    /// A stash whose markers are named `name`, holding at most `capacity` values: values never
    /// taken back (a message the framework dropped) go, oldest first.
    pub fn new(name: &str, capacity: usize) -> Self {
        Self {
            prefix: format!("\u{1}{name}:{:016x}:", random_nonce()),
            next: AtomicU64::new(0),
            held: Mutex::new(VecDeque::new()),
            capacity,
        }
    }

    /// What every marker starts with: the name and this process's nonce.
    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    /// Sets `value` aside; returns the marker to send in its place.
    pub fn put(&self, value: T) -> String {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        if held.len() == self.capacity {
            held.pop_front();
        }
        held.push_back((n, value));
        format!("{}{n}", self.prefix)
    }

    /// The value `marker` stands for, taken out (a marker is good once).
    pub fn take(&self, marker: &str) -> Taken<T> {
        let Some(n) = marker
            .strip_prefix(self.prefix.as_str())
            .and_then(|n| n.parse::<u64>().ok())
        else {
            return Taken::NotOurs;
        };
        let mut held = self.held.lock().unwrap_or_else(PoisonError::into_inner);
        match held.iter().position(|(m, _)| *m == n) {
            Some(i) => held
                .remove(i)
                .map_or(Taken::Dropped, |(_, value)| Taken::Value(value)),
            None => Taken::Dropped,
        }
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.held.lock().unwrap().len()
    }
}

fn random_nonce() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    // `RandomState` is seeded from the OS per process: enough to make markers unguessable.
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    hasher.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_comes_back_once_by_its_marker() {
        let stash = Stash::new("test", 4);
        let marker = stash.put("big");
        assert_eq!(stash.take("let a;"), Taken::NotOurs);
        assert_eq!(stash.take(&marker), Taken::Value("big"));
        assert_eq!(stash.take(&marker), Taken::Dropped);
    }

    #[test]
    fn markers_of_another_process_or_name_are_not_ours() {
        let (ours, theirs) = (Stash::new("test", 4), Stash::new("test", 4));
        let marker = theirs.put(1);
        assert_eq!(ours.take(&marker), Taken::NotOurs);
        assert_eq!(ours.take(&marker.replace("test", "other")), Taken::NotOurs);
        assert!(ours.put(2).starts_with(ours.prefix()));
    }

    #[test]
    fn values_never_taken_do_not_pile_up() {
        let stash = Stash::new("test", 3);
        let first = stash.put(0);
        for n in 1..10 {
            stash.put(n);
        }
        assert_eq!(stash.len(), 3);
        assert_eq!(stash.take(&first), Taken::Dropped);
    }
}
