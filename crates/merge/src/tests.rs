use proptest::prelude::*;
use serde_json::json;

use super::*;

fn answer(q: &str) -> AnswerRef {
    AnswerRef { interview: "i1".into(), question: q.into(), roster: vec![] }
}

/// A device as the merge sees it: its clock, its count of entries and what it has received.
struct Device {
    id: String,
    clock: Clock,
    seq: u64,
    known: Memory,
}

impl Device {
    fn new(id: &str) -> Device {
        Device { id: id.into(), clock: Clock::new(u64::MAX), seq: 0, known: Memory::new() }
    }

    /// A change made on this device: it replaces whatever the device shows for the answer.
    fn write(&mut self, a: &AnswerRef, value: Value, wall_ms: u64) -> Entry {
        let replaces = self.known.cells().get(a).map(|c| c.heads().into_iter().map(|(s, _)| s.clone()).collect()).unwrap_or_default();
        self.seq += 1;
        let e = Entry { device: self.id.clone(), seq: self.seq, hlc: self.clock.tick(wall_ms), answer: a.clone(), value, replaces };
        assert_eq!(self.known.apply(e.clone()), Ok(Applied::New));
        e
    }

    /// Receives every entry another device has.
    fn receive(&mut self, from: &Memory, wall_ms: u64) {
        for e in from.entries() {
            self.clock.observe(e.hlc, wall_ms).unwrap();
            self.known.apply(e.clone()).unwrap();
        }
    }
}

#[test]
fn concurrent_changes_keep_both_values_and_show_the_later_until_someone_decides() {
    let q = answer("Q101");
    let (mut a, mut b, mut sup) = (Device::new("tab-a"), Device::new("tab-b"), Device::new("sup"));
    let first = a.write(&q, Value::Set(json!(3)), 1_000);
    b.receive(&a.known, 1_100);
    // Both change the household size without seeing each other's change.
    a.write(&q, Value::Set(json!(4)), 2_000);
    b.write(&q, Value::Set(json!(5)), 3_000);
    sup.receive(&a.known, 4_000);
    sup.receive(&b.known, 4_000);
    let cell = &sup.known.cells()[&q];
    assert!(cell.in_conflict());
    let heads: Vec<(&str, &Value)> = cell.heads().into_iter().map(|(s, v)| (s.device.as_str(), v)).collect();
    assert_eq!(heads, [("tab-a", &Value::Set(json!(4))), ("tab-b", &Value::Set(json!(5)))], "both kept, with who");
    assert_eq!(sup.known.value(&q), Some(&json!(5)), "the later change is shown until someone decides");
    assert!(cell.versions.contains_key(&first.stamp()), "the first value is kept too");
    // The supervisor decides for 4: the decision replaces both heads and the conflict ends everywhere.
    let decision = sup.write(&q, Value::Set(json!(4)), 5_000);
    assert_eq!(decision.replaces.len(), 2);
    assert!(!sup.known.cells()[&q].in_conflict());
    assert_eq!(sup.known.value(&q), Some(&json!(4)));
    b.receive(&sup.known, 6_000);
    assert_eq!(b.known.value(&q), Some(&json!(4)));
    assert_eq!(b.known.conflicts().count(), 0);
}

#[test]
fn equal_values_made_in_parallel_are_not_a_conflict() {
    let q = answer("Q104");
    let (mut a, mut b) = (Device::new("a"), Device::new("b"));
    a.write(&q, Value::Set(json!(1)), 10);
    b.write(&q, Value::Set(json!(1)), 20);
    a.receive(&b.known, 30);
    assert_eq!(a.known.cells()[&q].heads().len(), 2);
    assert!(!a.known.cells()[&q].in_conflict());
    assert_eq!(a.known.value(&q), Some(&json!(1)));
}

#[test]
fn a_cleared_answer_has_no_value_and_a_repeated_entry_changes_nothing() {
    let q = answer("Q110");
    let mut a = Device::new("a");
    a.write(&q, Value::Set(json!(2)), 10);
    let cleared = a.write(&q, Value::Cleared, 20);
    assert_eq!(a.known.value(&q), None);
    let before = a.known.clone();
    assert_eq!(a.known.apply(cleared), Ok(Applied::Duplicate));
    assert_eq!(a.known, before);
}

#[test]
fn a_second_entry_under_the_same_number_is_refused_and_changes_nothing() {
    let q = answer("Q101");
    let mut a = Device::new("a");
    let e = a.write(&q, Value::Set(json!(2)), 10);
    let before = a.known.clone();
    let forged = Entry { value: Value::Set(json!(9)), ..e.clone() };
    assert_eq!(a.known.apply(forged), Err(MergeError::Diverged { device: "a".into(), seq: 1 }));
    let same_stamp = Entry { seq: 2, value: Value::Set(json!(9)), ..e };
    assert!(matches!(a.known.apply(same_stamp), Err(MergeError::SameStamp { .. })));
    assert_eq!(a.known, before);
}

#[test]
fn entries_serialize_for_packages() {
    let e = Entry {
        device: "a".into(),
        seq: 7,
        hlc: Hlc { wall_ms: 1_287_000_000_000, counter: 2 },
        answer: AnswerRef { interview: "i".into(), question: "Q102".into(), roster: vec![2] },
        value: Value::Set(json!("Айгуль")),
        replaces: vec![Stamp { hlc: Hlc { wall_ms: 1, counter: 0 }, device: "b".into() }],
    };
    let text = serde_json::to_string(&e).unwrap();
    assert_eq!(serde_json::from_str::<Entry>(&text).unwrap(), e);
}

/// One step of a random history of three devices.
#[derive(Clone, Debug)]
enum Op {
    Write { device: usize, answer: usize, value: Option<u8> },
    Sync { from: usize, to: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0usize..3, 0usize..3, proptest::option::of(0u8..4)).prop_map(|(device, answer, value)| Op::Write { device, answer, value }),
        1 => (0usize..3, 0usize..3).prop_map(|(from, to)| Op::Sync { from, to }),
    ]
}

/// Runs a history; returns every entry made and each device's own state at the end.
fn run(ops: &[Op], wall_steps: &[u64]) -> (Vec<Entry>, Vec<Memory>) {
    let answers = [answer("Q101"), answer("Q102"), AnswerRef { interview: "i2".into(), question: "Q101".into(), roster: vec![1] }];
    let mut devices = vec![Device::new("dev-a"), Device::new("dev-b"), Device::new("dev-c")];
    let mut wall = 1_000u64;
    let mut all = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        // Device clocks disagree and sometimes step back: each event reads a jittered wall time.
        wall += wall_steps[i % wall_steps.len()];
        let jitter = |d: usize| wall.saturating_sub(d as u64 * 700);
        match op {
            Op::Write { device, answer, value } => {
                let v = value.map_or(Value::Cleared, |v| Value::Set(json!(v)));
                all.push(devices[*device].write(&answers[*answer], v, jitter(*device)));
            }
            Op::Sync { from, to } if from != to => {
                let source = devices[*from].known.clone();
                devices[*to].receive(&source, jitter(*to));
            }
            Op::Sync { .. } => {}
        }
    }
    (all, devices.into_iter().map(|d| d.known).collect())
}

fn merged(entries: &[Entry]) -> Memory {
    let mut m = Memory::new();
    for e in entries {
        m.apply(e.clone()).unwrap();
    }
    m
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// The merged state depends only on the set of entries: any order (commutative), any grouping into
    /// packages applied one after another (associative), any repetition (idempotent).
    #[test]
    fn the_merge_is_commutative_associative_and_idempotent(
        ops in proptest::collection::vec(op(), 1..60),
        wall_steps in proptest::collection::vec(0u64..900, 1..8),
        order in proptest::collection::vec(any::<proptest::sample::Index>(), 0..200),
        cut in any::<proptest::sample::Index>(),
    ) {
        let (entries, _) = run(&ops, &wall_steps);
        let reference = merged(&entries);
        // A shuffled copy with repeats.
        let mut shuffled = entries.clone();
        for (i, ix) in order.iter().enumerate().take(if entries.is_empty() { 0 } else { usize::MAX }) {
            let n = shuffled.len();
            shuffled.swap(i % n, ix.index(n));
            if i % 5 == 0 {
                let again = shuffled[ix.index(n)].clone();
                shuffled.push(again);
            }
        }
        prop_assert_eq!(&merged(&shuffled), &reference);
        // Two packages, applied in either order, and the whole lot once more.
        let k = cut.index(shuffled.len() + 1);
        let (p1, p2) = shuffled.split_at(k);
        let mut a = merged(p1);
        for e in p2.iter().chain(entries.iter()) {
            prop_assert!(a.apply(e.clone()).is_ok());
        }
        let mut b = merged(p2);
        for e in p1 {
            prop_assert!(b.apply(e.clone()).is_ok());
        }
        prop_assert_eq!(&a, &reference);
        prop_assert_eq!(&b, &reference);
    }

    /// Nothing is silently dropped: every value ever written is kept in its answer's versions; what a
    /// device shows equals the merge of the entries it holds; and the chosen value is the latest head.
    #[test]
    fn no_value_is_lost_and_every_device_agrees_with_the_merge_of_what_it_holds(
        ops in proptest::collection::vec(op(), 1..60),
        wall_steps in proptest::collection::vec(0u64..900, 1..8),
    ) {
        let (entries, devices) = run(&ops, &wall_steps);
        let all = merged(&entries);
        prop_assert_eq!(all.len(), entries.len());
        for e in &entries {
            let cell = &all.cells()[&e.answer];
            prop_assert_eq!(cell.versions.get(&e.stamp()), Some(&e.value));
        }
        for d in &devices {
            let held: Vec<Entry> = d.entries().cloned().collect();
            prop_assert_eq!(&merged(&held), d);
        }
        for cell in all.cells().values() {
            let heads = cell.heads();
            prop_assert!(!heads.is_empty());
            let latest = heads.iter().map(|(s, _)| (*s).clone()).max().unwrap();
            prop_assert_eq!(cell.chosen().map(|(s, _)| s.clone()), Some(latest));
        }
        // A device that has received everything shows no conflict it did not settle itself: when all
        // three devices sync fully and one writes each answer again, no conflict remains anywhere.
        let mut last = Device::new("dev-z");
        for d in &devices {
            last.receive(d, u64::MAX / 2);
        }
        let keys: Vec<AnswerRef> = last.known.cells().keys().cloned().collect();
        for (i, k) in keys.iter().enumerate() {
            last.write(k, Value::Set(json!(i)), u64::MAX / 2);
        }
        prop_assert_eq!(last.known.conflicts().count(), 0);
    }
}
