//! The KMRS study's `simulation.toml` against the KMRS questionnaire: the household model's core
//! variables reach their questions, and whatever does not is reported with a reason.

use std::path::PathBuf;

use dala_simulator::model::{load, Resolved};

#[test]
fn the_kmrs_mapping_reaches_the_core_questions() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010");
    let q = dala_session::load_study(&dir).unwrap();
    let file = load(&dir).unwrap().expect("KMRS has a simulation file");
    assert_eq!(file.cities.len(), 4);
    let r = Resolved::new(Some(&file), &q);
    // The roster and the respondent's job and income: what the screening, the quota and the report's
    // tables rest on. Other variables may move with the study; they are then answered generically.
    for var in ["Q101", "Q102", "Q103", "Q104", "Q105", "Q110", "Q112", "Q312", "Q801"] {
        assert!(r.is_modelled(var), "{var}: {:?}", r.unmodelled.get(var));
    }
    for (var, why) in &r.unmodelled {
        eprintln!("not modelled in KMRS: {var}: {why}");
    }
    assert!(r.unmodelled.len() * 10 < file.questions.len(), "most variables are modelled: {:?}", r.unmodelled);
}
