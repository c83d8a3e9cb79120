//! Every committed seed of every fuzz target (`fuzz/corpus/<target>/`) and every input that once made a
//! target fail (`fuzz/regressions/<target>/`) runs through the target's body on the stable toolchain:
//! the test command's short run of each target. A seed corpus that shrinks to nothing fails here too.

use std::path::PathBuf;

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn inputs(kind: &str, target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let dir = fuzz_dir().join(kind).join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else { return Vec::new() };
    let mut files: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    files.sort();
    files.into_iter().map(|p| (p.clone(), std::fs::read(&p).unwrap())).collect()
}

#[test]
fn every_seed_and_every_regression_runs_through_its_target() {
    for (target, run) in dala_fuzzing::TARGETS {
        let seeds = inputs("corpus", target);
        assert!(seeds.len() >= 3, "fuzz/corpus/{target} holds {} seeds; commit the seed corpus", seeds.len());
        for (path, bytes) in seeds.iter().chain(inputs("regressions", target).iter()) {
            let outcome = std::panic::catch_unwind(|| run(bytes));
            assert!(outcome.is_ok(), "{target} failed on {}", path.display());
        }
    }
}

#[test]
fn the_targets_reach_past_the_first_check() {
    // A seed each that a target accepts all the way: a valid expression, the base study unchanged, a
    // script, a street list and a real package body. (If these stop being accepted, the fuzzer would
    // only ever see the first error path.)
    assert!(dala_questionnaire::expr::parse("count(members, age >= 18) > 0 and Q101 in (1, 2)").is_ok());
    let mut source = dala_questionnaire::load::MemorySource::default();
    let base = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/e2e/fixtures/all-types");
    for file in ["study.toml", "blocks/01-types.toml"] {
        source.insert(file, &std::fs::read_to_string(base.join(file)).unwrap());
    }
    let (study, diagnostics) = dala_questionnaire::load::load_study(&source);
    assert!(study.is_some(), "{diagnostics:?}");
    let script = br#"{"language": "kk", "steps": [{"q": "Q101", "value": 3}, {"complete": true}]}"#;
    assert!(dala_questionnaire::script::parse_script(std::str::from_utf8(script).unwrap(), dala_questionnaire::Lang::En).is_ok());
    let frame =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010/frames/almaty.csv")).unwrap();
    assert!(dala_fieldwork::frame::parse_frame(&frame).is_ok());
    for body in ["body-0", "body-2"] {
        let seed = std::fs::read(fuzz_dir().join("corpus/package").join(body)).unwrap();
        assert_eq!(dala_fuzzing::package_outcome(&seed), Ok(()), "{body} is imported whole");
    }
}
