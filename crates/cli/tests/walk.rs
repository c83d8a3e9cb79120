//! `dala walk` as a user runs it on the KMRS study: scripted walks through the session, checked like
//! interviews (issue 7: a block of 4 entrances and 80 flats selects flats above the second floor; a
//! locked block yields cases with their own dispositions).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{json, Value as Json};

fn dala() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dala"));
    // Plain databases, read directly by these tests; the encrypted path is tests/encryption.rs's.
    c.env("LANG", "C").env_remove("DALA_PIN").arg("--unencrypted");
    c
}

fn kmrs() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schema/kmrs-2010")
}

fn ok(out: &Output) -> &Output {
    assert!(
        out.status.success(),
        "exit {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json_of(out: &Output) -> Json {
    serde_json::from_slice(&ok(out).stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// Draws almaty's routes with `seed` into `db` and returns the first route with a building right after
/// its start on the start side, and that building's number.
fn route_with_a_next_building(db: &Path, seed: u64) -> (String, u32) {
    let (id, house, _) = route_and_direction(db, seed);
    (id, house)
}

/// As [`route_with_a_next_building`], with whether the route walks up (ascending numbers).
fn route_and_direction(db: &Path, seed: u64) -> (String, u32, bool) {
    let study = kmrs();
    let out = dala()
        .args(["routes", "draw", "--study", study.to_str().unwrap(), "--city", "almaty", "--seed", &seed.to_string()])
        .args(["--routes", "5", "--json", "--db", db.to_str().unwrap()])
        .output()
        .unwrap();
    let draw = json_of(&out);
    assert_eq!(draw["frame_sha256"].as_str().map(str::len), Some(64), "the draw names its frame's SHA-256");
    for r in draw["routes"].as_array().unwrap() {
        let start: u32 = r["start_house"].as_str().unwrap().parse().unwrap();
        let (from, to) = (r["from_number"].as_u64().unwrap() as u32, r["to_number"].as_u64().unwrap() as u32);
        let step = if r["odd_side"].is_null() { 1 } else { 2 };
        let next = if r["direction"] == "ascending" { start.checked_add(step) } else { start.checked_sub(step) };
        if let Some(n) = next.filter(|n| (from..=to).contains(n) && *n >= 1) {
            return (r["id"].as_str().unwrap().to_string(), n, r["direction"] == "ascending");
        }
    }
    panic!("no route of seed {seed} has a building after its start");
}

fn walk(db: &Path, route: &str, script: &Json, extra: &[&str]) -> Output {
    let dir = db.parent().unwrap();
    let path = dir.join(format!("walk-{route}.json"));
    std::fs::write(&path, script.to_string()).unwrap();
    let study = kmrs();
    dala()
        .args(["walk", "--study", study.to_str().unwrap(), "--db", db.to_str().unwrap(), "--route", route, "--script"])
        .arg(&path)
        .args(extra)
        .output()
        .unwrap()
}

#[test]
fn a_block_of_4_entrances_and_80_flats_selects_flats_above_the_second_floor() {
    // 4 entrances × 5 floors × 4 flats per floor. The report's every fifth apartment: 16 flats, one on
    // every fifth position from a random start, so floors 1–5 of every entrance; each with p = 1/5.
    let mut firsts = std::collections::BTreeSet::new();
    let mut all_floors = std::collections::BTreeSet::new();
    for seed in [1u64, 2, 3, 4, 5, 6] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("device.sqlite");
        let (route, house) = route_with_a_next_building(&db, seed);
        let script = json!({
            "buildings": [{"house": house, "kind": "apartment_block", "entrances": 4, "floors": 5, "flats_per_floor": 4}],
            "default_building": {"kind": "single_house"},
            "addresses": 16,
        });
        let out = json_of(&walk(&db, &route, &script, &["--json"]));
        let flats: Vec<u32> = out["addresses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| {
                let key = a["key"].as_str().unwrap();
                assert!(key.starts_with(&format!("{route}/s0/h{house}/f")), "{key}");
                assert_eq!(a["chance"], "1/5", "{a}");
                assert_eq!(a["status"], "not_visited");
                key.rsplit("/f").next().unwrap().parse().unwrap()
            })
            .collect();
        assert_eq!(flats.len(), 16, "{out}");
        assert!(flats.windows(2).all(|w| w[1] == w[0] + 5), "every fifth flat: {flats:?}");
        let floors: std::collections::BTreeSet<u32> = flats.iter().map(|f| ((f - 1) % 20) / 4 + 1).collect();
        assert!(floors.iter().filter(|f| **f > 2).count() >= 2, "flats above the second floor: {flats:?}");
        all_floors.extend(floors);
        firsts.insert(flats[0]);
    }
    assert!(firsts.len() > 1, "the first flat depends on the seed: {firsts:?}");
    assert_eq!(all_floors.into_iter().collect::<Vec<_>>(), [1, 2, 3, 4, 5], "every floor over the seeds");
}

#[test]
fn a_locked_block_yields_cases_with_their_own_dispositions() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("device.sqlite");
    let (route, house) = route_with_a_next_building(&db, 2010);
    // Monday morning, Tuesday evening, Saturday: the minimum visits of KMRS.
    let locked_visits = json!([
        {"at": "2010-10-18T10:00", "outcome": 32, "evidence_of_occupancy": true},
        {"at": "2010-10-19T18:30", "outcome": 32, "evidence_of_occupancy": true},
        {"at": "2010-10-23T11:00", "outcome": 33, "evidence_of_occupancy": true},
    ]);
    let script = json!({
        "buildings": [{"house": house, "kind": "apartment_block", "flats": [1, 20], "locked": true}],
        "default_building": {"kind": "single_house"},
        "visits": [locked_visits, [{"at": "2010-10-18T10:10", "outcome": 32}]],
        "addresses": 4,
    });
    let out = json_of(&walk(&db, &route, &script, &["--json"]));
    let addresses = out["addresses"].as_array().unwrap();
    assert_eq!(addresses.len(), 4, "{out}");
    for a in addresses {
        assert_eq!(a["locked"], true, "the block's 4 selected flats are cases: {a}");
        assert!(a["key"].as_str().unwrap().contains(&format!("/h{house}/f")));
    }
    // Known occupied, three visits by the rule: unable to enter the building, final.
    assert_eq!((addresses[0]["disposition"].as_str(), addresses[0]["status"].as_str()), (Some("2.23"), Some("closed")));
    assert_eq!(addresses[0]["visits"], 3);
    // One visit: still open, waiting for its call-backs.
    assert_eq!((addresses[1]["status"].as_str(), addresses[1]["visits"].as_u64()), (Some("open"), Some(1)));
    assert_eq!(addresses[2]["status"], "not_visited");

    // The report names the draw and the SHA-256 of the frame it was made from.
    let report = dala().args(["report", "--study", kmrs().to_str().unwrap(), "--db", db.to_str().unwrap(), "--json"]).output().unwrap();
    let report = json_of(&report);
    assert_eq!(report["draws"][0]["city"], "almaty");
    assert_eq!(report["draws"][0]["frame_sha256"].as_str().map(str::len), Some(64), "{}", report["draws"]);
    let text = dala().args(["report", "--study", kmrs().to_str().unwrap(), "--db", db.to_str().unwrap()]).output().unwrap();
    assert!(String::from_utf8_lossy(&ok(&text).stdout).contains("SHA-256"));

    // The same walk in Russian text: the addresses and their dispositions, one per line.
    let dir2 = tempfile::tempdir().unwrap();
    let db2 = dir2.path().join("device.sqlite");
    let (route2, house2) = route_with_a_next_building(&db2, 2010);
    assert_eq!((route2.as_str(), house2), (route.as_str(), house));
    let text = walk(&db2, &route, &script, &["--lang", "ru"]);
    let text = String::from_utf8(ok(&text).stdout.clone()).unwrap();
    assert!(text.contains("[дом закрыт]") && text.contains("2.23"), "{text}");
    assert!(text.contains("Остановлено"), "{text}");
}

#[test]
fn a_locked_block_without_its_flats_and_bad_scripts_are_refused_in_the_users_language() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("device.sqlite");
    let (route, house) = route_with_a_next_building(&db, 7);
    // A locked block must come with its flats: the message says how, in Kazakh.
    let script = json!({"buildings": [{"house": house, "kind": "apartment_block", "locked": true}]});
    let out = walk(&db, &route, &script, &["--lang", "kk"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("entrances, floors") && err.contains("көппәтерлі"), "{err}");
    // A malformed script: exit 2, located.
    let out = walk(&db, &route, &json!({"buildings": [{"house": house, "kind": "castle"}]}), &["--lang", "ru"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("неизвестный вид здания «castle»"));
    // An unknown route: exit 2.
    let out = walk(&db, "almaty-R99", &json!({}), &["--lang", "en"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    // A database that does not exist: exit 2, nothing created.
    let missing = dir.path().join("none.sqlite");
    let path = dir.path().join("w.json");
    std::fs::write(&path, "{}").unwrap();
    let out = dala()
        .args(["walk", "--study", kmrs().to_str().unwrap(), "--db", missing.to_str().unwrap(), "--route", &route, "--script"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!missing.exists());
}

#[test]
fn buildings_with_letters_fractions_and_korpus_are_walked_in_house_number_order() {
    let mut directions = std::collections::BTreeSet::new();
    for seed in [11u64, 12, 13, 14] {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("device.sqlite");
        let (route, house, ascending) = route_and_direction(&db, seed);
        directions.insert(ascending);
        // Next to the first building N: «NА» and «N/1» single houses and «N к2» a block of 10 flats.
        // Walking up: N (1st house), N корп. 2 (its flats), NА (2nd house: selected), N/1 (1st).
        // Walking down: N/1 (1st house), NА (2nd: selected), N корп. 2 (its flats), N (1st).
        let script = json!({
            "buildings": [
                {"house": house, "kind": "single_house"},
                {"house": format!("{house}а"), "kind": "single_house"},
                {"house": format!("{house}/1"), "kind": "single_house"},
                {"house": format!("{house} к2"), "kind": "apartment_block", "flats": [1, 10]},
            ],
            "default_building": {"kind": "single_house"},
            "addresses": 3,
        });
        let out = json_of(&walk(&db, &route, &script, &["--json"]));
        let keys: Vec<String> = out["addresses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["key"].as_str().unwrap().rsplit("/s0/").next().unwrap().to_string())
            .collect();
        let house_a = format!("h{house}А");
        let pos_a = keys.iter().position(|k| *k == house_a).unwrap_or_else(|| panic!("{keys:?}"));
        let pos_k = keys.iter().position(|k| k.starts_with(&format!("h{house}к2/f"))).unwrap_or_else(|| panic!("{keys:?}"));
        assert_eq!(pos_k < pos_a, ascending, "seed {seed}, ascending {ascending}: {keys:?}");
        let labels: Vec<&str> = out["addresses"].as_array().unwrap().iter().map(|a| a["label"].as_str().unwrap()).collect();
        assert!(labels.iter().any(|l| l.contains(&format!("{house}А"))) && labels.iter().any(|l| l.contains("корп. 2")), "{labels:?}");
    }
    assert_eq!(directions.len(), 2, "both directions walked");
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("device.sqlite");
    let (route, _) = route_with_a_next_building(&db, 11);
    // A number that is not one is refused, in the user's language.
    let bad = json!({"buildings": [{"house": "15//1", "kind": "single_house"}]});
    let out = walk(&db, &route, &bad, &["--lang", "ru"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("Номер дома «15//1» не прочитан"));
}
