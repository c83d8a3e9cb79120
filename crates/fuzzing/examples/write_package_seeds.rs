//! Writes the package fuzz target's seeds into `fuzz/corpus/package/`: bodies of real packages (an interview
//! with answers, a change, a clearing, a roster answer, a completion), each record as one JSON line after
//! the mode byte 1, so the fuzzer starts from records whose hashes and links hold. Run with
//! `cargo run -p dala-fuzzing --example write_package_seeds` (ids are fresh each time, so the files change).

use std::path::PathBuf;

fn main() {
    let fuzz_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    use chrono::TimeZone;
    use dala_questionnaire::AnswerKey;
    let t = |s: i64| chrono::Utc.timestamp_opt(1_287_000_000 + s, 0).unwrap();
    let key = |q: &str, roster: &[u32]| AnswerKey { question: q.into(), roster: roster.to_vec() };
    let dir = fuzz_dir.join("corpus/package");
    for seed in 0..4 {
        let mut s = dala_store::Store::open_in_memory(t(0)).unwrap();
        let i = s.create_interview("kmrs-2010", "1", "ru", t(1)).unwrap();
        s.save_answer(&i, &key("Q101", &[]), &serde_json::json!(3 + seed), None, t(2)).unwrap();
        if seed > 0 {
            s.save_answer(&i, &key("Q102", &[1]), &serde_json::json!("Айгүл"), None, t(3)).unwrap();
            s.save_answer(&i, &key("Q101", &[]), &serde_json::json!(9), Some(&serde_json::json!(3 + seed)), t(4)).unwrap();
        }
        if seed > 1 {
            s.clear_answer(&i, &key("Q102", &[1]), &serde_json::json!("Айгүл"), t(5)).unwrap();
            s.complete(&i, t(6)).unwrap();
        }
        let mut body = vec![1u8];
        s.export_records(None, t(10), |r| {
            body.extend_from_slice(serde_json::to_string(r).unwrap().as_bytes());
            body.push(b'\n');
            Ok(())
        })
        .unwrap();
        std::fs::write(dir.join(format!("body-{seed}")), body).unwrap();
    }
    std::fs::write(dir.join("raw-not-a-package"), b"\x00DALA-PKG\x00\x01garbage").unwrap();
}
