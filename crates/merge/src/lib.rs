//! The deterministic merge of device journals (issue 8 groundwork; docs/sync.md).
//!
//! Every change of an answer is an [`Entry`], identified by the device that made it and that
//! device's sequence number, stamped with a hybrid logical clock ([`hlc`]) and naming the versions
//! of the answer it replaced (what its device showed when it was made). The merged state of an answer
//! is a function of the *set* of entries received, never of their order: so merging is commutative,
//! associative and idempotent (property tests below), and two databases that received the same
//! packages in any order hold the same answers.
//!
//! **Concurrent changes are kept, not dropped.** The versions of an answer that no received entry
//! replaces are its *heads*. One head is the answer. Several heads with different values are a
//! *conflict*: every value is kept with its device and time, and until someone decides, the one shown
//! is the head with the latest stamp (ties: the greater device id) — the documented rule. A later
//! entry that replaces all the heads (a supervisor's decision, or an interviewer's new answer made after
//! seeing the others) ends the conflict.
//!
//! Storage is behind [`MergeStore`] (in memory here: [`Memory`]; the device's SQLite store and a server
//! database implement the same trait), so the rules live in one place. The crate is pure: entries in,
//! state out; no IO, clock or randomness.

pub mod chain;
pub mod hlc;

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value as Json;

pub use hlc::{BadStamp, Clock, ClockError, Hlc};

/// When and where a version was made: ordered by time, then device id (a total order).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Stamp {
    pub hlc: Hlc,
    pub device: String,
}

/// The text form `"<hlc>@<device>"`: text order is stamp order (the clock part has fixed widths), so a
/// database stores a version as one comparable text.
impl std::fmt::Display for Stamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}@{}", self.hlc, self.device)
    }
}

impl std::str::FromStr for Stamp {
    type Err = BadStamp;
    fn from_str(s: &str) -> Result<Stamp, BadStamp> {
        let (hlc, device) = s.split_once('@').ok_or_else(|| BadStamp(s.chars().take(40).collect()))?;
        if device.is_empty() {
            return Err(BadStamp(s.chars().take(40).collect()));
        }
        Ok(Stamp { hlc: hlc.parse()?, device: device.to_string() })
    }
}

/// Which answer: an interview, a question and the roster rows (empty outside rosters).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AnswerRef {
    pub interview: String,
    pub question: String,
    pub roster: Vec<u32>,
}

/// What a version of an answer holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "value")]
pub enum Value {
    Set(Json),
    Cleared,
}

/// One change of one answer on one device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Entry {
    pub device: String,
    /// The device's own count of its entries, from 1: (device, seq) identifies the entry everywhere.
    pub seq: u64,
    pub hlc: Hlc,
    pub answer: AnswerRef,
    pub value: Value,
    /// The versions of this answer the device showed when the change was made (none for a first answer;
    /// several when it settles a conflict).
    pub replaces: Vec<Stamp>,
}

impl Entry {
    pub fn stamp(&self) -> Stamp {
        Stamp { hlc: self.hlc, device: self.device.clone() }
    }
}

/// What applying an entry did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Applied {
    New,
    /// Already received (the same entry again): nothing changed.
    Duplicate,
}

/// Why an entry was refused. Nothing is changed by a refused entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MergeError {
    /// Two different entries claim the same device and sequence number: a corrupt or forged package.
    #[error("device {device} sent two different entries numbered {seq}")]
    Diverged { device: String, seq: u64 },
    /// Two different changes carry the same stamp on one answer (the same device and clock reading).
    #[error("two different versions of {question} carry the same stamp from device {device}")]
    SameStamp { device: String, question: String },
}

/// The versions of one answer received so far.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub versions: BTreeMap<Stamp, Value>,
    /// Stamps some received entry replaced (possibly of versions not received yet).
    pub replaced: BTreeSet<Stamp>,
}

impl Cell {
    /// The versions no received entry replaces, oldest first.
    pub fn heads(&self) -> Vec<(&Stamp, &Value)> {
        self.versions.iter().filter(|(s, _)| !self.replaced.contains(*s)).collect()
    }

    /// The answer by the documented rule: the head with the latest stamp. `None` when the answer has no
    /// version yet or its chosen version is a clearing.
    pub fn chosen(&self) -> Option<(&Stamp, &Value)> {
        self.heads().into_iter().next_back()
    }

    /// Whether the heads disagree (equal values made in parallel are not a conflict).
    pub fn in_conflict(&self) -> bool {
        let heads = self.heads();
        heads.iter().any(|(_, v)| *v != heads[0].1)
    }
}

/// Where merged state lives.
pub trait MergeStore {
    /// The entry received under (device, seq), if any.
    fn entry(&self, device: &str, seq: u64) -> Option<Entry>;
    fn cell(&self, answer: &AnswerRef) -> Option<Cell>;
    /// Stores a new entry and the answer's new cell; called once per new entry.
    fn put(&mut self, entry: Entry, cell: Cell);
}

/// Applies one entry to a store: new entries change their answer's cell, a repeated entry changes
/// nothing, a contradictory one is refused and changes nothing.
pub fn apply<S: MergeStore + ?Sized>(store: &mut S, entry: Entry) -> Result<Applied, MergeError> {
    if let Some(known) = store.entry(&entry.device, entry.seq) {
        return if known == entry { Ok(Applied::Duplicate) } else { Err(MergeError::Diverged { device: entry.device, seq: entry.seq }) };
    }
    let mut cell = store.cell(&entry.answer).unwrap_or_default();
    let stamp = entry.stamp();
    if let Some(v) = cell.versions.get(&stamp) {
        if *v != entry.value {
            return Err(MergeError::SameStamp { device: entry.device, question: entry.answer.question });
        }
    }
    cell.versions.insert(stamp, entry.value.clone());
    cell.replaced.extend(entry.replaces.iter().cloned());
    store.put(entry, cell);
    Ok(Applied::New)
}

/// A merged state in memory.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Memory {
    entries: BTreeMap<(String, u64), Entry>,
    cells: BTreeMap<AnswerRef, Cell>,
}

impl MergeStore for Memory {
    fn entry(&self, device: &str, seq: u64) -> Option<Entry> {
        self.entries.get(&(device.to_string(), seq)).cloned()
    }
    fn cell(&self, answer: &AnswerRef) -> Option<Cell> {
        self.cells.get(answer).cloned()
    }
    fn put(&mut self, entry: Entry, cell: Cell) {
        self.cells.insert(entry.answer.clone(), cell);
        self.entries.insert((entry.device.clone(), entry.seq), entry);
    }
}

impl Memory {
    pub fn new() -> Memory {
        Memory::default()
    }

    pub fn apply(&mut self, entry: Entry) -> Result<Applied, MergeError> {
        apply(self, entry)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn cells(&self) -> &BTreeMap<AnswerRef, Cell> {
        &self.cells
    }

    pub fn entries(&self) -> impl Iterator<Item = &Entry> {
        self.entries.values()
    }

    /// The answer as chosen by the rule (`None`: never answered, or cleared).
    pub fn value(&self, answer: &AnswerRef) -> Option<&Json> {
        match self.cells.get(answer)?.chosen()? {
            (_, Value::Set(v)) => Some(v),
            (_, Value::Cleared) => None,
        }
    }

    /// The answers in conflict, with every head.
    pub fn conflicts(&self) -> impl Iterator<Item = (&AnswerRef, &Cell)> {
        self.cells.iter().filter(|(_, c)| c.in_conflict())
    }
}

#[cfg(test)]
mod tests;
