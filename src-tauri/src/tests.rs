//! The shell driven the way the UI drives it: IPC requests through a mock runtime, no window.

use std::path::Path;

use serde_json::{json, Value};
use tauri::ipc::{CallbackFn, InvokeBody};
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, MockRuntime, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::WebviewWindow;

use crate::{build_app, CommandError};

struct Shell {
    _app: tauri::App<MockRuntime>,
    webview: WebviewWindow<MockRuntime>,
    _db: tempfile::TempDir,
}

fn shell() -> Shell {
    let db = tempfile::tempdir().unwrap();
    let session = dala_session::Session::open(&kmrs(), &db.path().join("dala.sqlite")).expect("study and database open");
    shell_with(crate::AppState::new(session), db)
}

fn kmrs() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/kmrs-2010")
}

fn shell_with(state: crate::AppState, db: tempfile::TempDir) -> Shell {
    let app = build_app(mock_builder(), state).build(mock_context(noop_assets())).expect("app builds");
    let webview = tauri::WebviewWindowBuilder::new(&app, "main", Default::default()).build().expect("mock window");
    Shell { _app: app, webview, _db: db }
}

impl Shell {
    /// Invokes `cmd` as `@tauri-apps/api`'s `invoke` does from the app's own origin.
    fn invoke(&self, cmd: &str, args: Value) -> Result<Value, CommandError> {
        let request = InvokeRequest {
            cmd: cmd.into(),
            callback: CallbackFn(0),
            error: CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: InvokeBody::Json(args),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        };
        match get_ipc_response(&self.webview, request) {
            Ok(body) => Ok(body.deserialize::<Value>().unwrap()),
            Err(e) => Err(serde_json::from_value(e.clone()).unwrap_or_else(|_| panic!("not a CommandError: {e}"))),
        }
    }
}

#[test]
fn create_answer_and_read_back_the_household_size() {
    let shell = shell();
    let screen = shell.invoke("create_interview", json!({ "lang": "ru" })).expect("created");
    let id = screen["interview"]["id"].as_str().expect("an id").to_string();
    assert_eq!(screen["interview"]["language"], "ru");
    assert_eq!(screen["blocks"].as_array().unwrap().len(), 11, "cover + 9 blocks + the closing interviewer block");

    let q101 = json!({ "question": "Q101", "roster": [] });
    let after = shell.invoke("answer", json!({ "id": id, "key": q101, "value": 3, "ui_lang": "ru" })).expect("answer accepted");
    assert_eq!(after["interview"]["id"], id.as_str());

    let at_q101 = shell.invoke("go", json!({ "id": id, "nav": { "kind": "to", "key": q101 }, "ui_lang": "ru" })).expect("jump");
    assert_eq!(at_q101["current"]["id"], "Q101");
    assert_eq!(at_q101["current"]["value"], 3);
    assert!(at_q101["current"]["text"].as_str().unwrap().starts_with("Сколько человек"));

    let next = shell.invoke("go", json!({ "id": id, "nav": { "kind": "next" }, "ui_lang": "ru" })).expect("next");
    assert_eq!(next["current"]["id"], "Q102");
    assert_eq!(next["roster"]["rows"].as_array().unwrap().len(), 3, "one roster row per member");

    let listed = shell.invoke("list_interviews", json!({ "ui_lang": "en" })).expect("list");
    assert_eq!(listed.as_array().unwrap().len(), 1);
}

#[test]
fn a_refused_answer_comes_back_typed_and_in_the_ui_language() {
    let shell = shell();
    let screen = shell.invoke("create_interview", json!({ "lang": "kk" })).unwrap();
    let id = screen["interview"]["id"].as_str().unwrap();
    let error = shell
        .invoke("answer", json!({ "id": id, "key": { "question": "Q101", "roster": [] }, "value": 99, "ui_lang": "kk" }))
        .expect_err("31+ members are out of range");
    assert_eq!(error.kind, "answer_refused");
    assert!(error.message.chars().any(|c| ('\u{0400}'..='\u{04FF}').contains(&c)), "Kazakh message: {}", error.message);

    let switched = shell.invoke("set_language", json!({ "id": id, "lang": "en" })).expect("switch");
    assert_eq!(switched["interview"]["language"], "en");
    let missing = shell.invoke("open_interview", json!({ "id": "no-such-id", "ui_lang": "en" })).expect_err("unknown id");
    assert_eq!(missing.kind, "no_interview");
}

#[test]
fn a_typed_number_is_read_in_the_interview_language_before_it_is_recorded() {
    let shell = shell();
    let q101 = json!({ "question": "Q101", "roster": [] });
    let ru = shell.invoke("create_interview", json!({ "lang": "ru" })).unwrap();
    let ru = ru["interview"]["id"].as_str().unwrap();
    let refused = shell
        .invoke("read_number", json!({ "id": ru, "key": q101, "text": "150,000", "currency": null, "ui_lang": "ru" }))
        .expect_err("ambiguous in Russian");
    assert_eq!(refused.kind, "number_refused");
    assert!(refused.message.contains("двояко"), "{}", refused.message);
    let read =
        shell.invoke("read_number", json!({ "id": ru, "key": q101, "text": " 3 ", "currency": null, "ui_lang": "ru" })).expect("read");
    assert_eq!((read["value"].clone(), read["answer"].clone(), read["display"].clone()), (json!(3.0), json!(3), json!("3")));

    let en = shell.invoke("create_interview", json!({ "lang": "en" })).unwrap();
    let en = en["interview"]["id"].as_str().unwrap();
    let read = shell.invoke("read_number", json!({ "id": en, "key": q101, "text": "1,500", "ui_lang": "en" })).expect("grouped in English");
    assert_eq!((read["answer"].clone(), read["display"].clone(), read["text"].clone()), (json!(1500), json!("1,500"), json!("1,500")));
    // Read, not recorded: the range (1–30) is the answer's business.
    let error =
        shell.invoke("answer", json!({ "id": en, "key": q101, "value": read["answer"], "ui_lang": "en" })).expect_err("out of range");
    assert_eq!(error.kind, "answer_refused");
}

// ---- fieldwork ---------------------------------------------------------------------------------

/// Walks `route` to the next address to approach (describing any building on the way as a single
/// house) and returns that address's key.
fn approach(shell: &Shell, route: &str) -> String {
    for _ in 0..50 {
        let view = shell.invoke("fieldwork_route", json!({ "id": route, "ui_lang": "ru" })).expect("route view");
        let guidance = &view["guidance"];
        match guidance["kind"].as_str().unwrap() {
            "approach" => return guidance["address"]["key"].as_str().unwrap().to_string(),
            "describe_building" => {
                let action = json!({ "action": "describe_building", "house": guidance["house"], "building": { "kind": "single_house" } });
                shell.invoke("fieldwork_walk", json!({ "id": route, "action": action, "ui_lang": "ru" })).expect("building described");
            }
            other => panic!("unexpected guidance {other}"),
        }
    }
    panic!("no address to approach after 50 buildings");
}

fn visit(code: u16) -> Value {
    json!({ "outcome": code, "evidence_of_occupancy": true, "households": null, "appointment": null, "refuser_sex": null,
            "refuser_age": null, "reason": null, "note": null, "mode": null })
}

/// Screening in the app's two steps: the household is drawn (one household at the address), then its
/// adults are listed.
fn screen(shell: &Shell, key: &str, adults: serde_json::Value, ui_lang: &str) -> serde_json::Value {
    shell.invoke("fieldwork_draw_household", json!({ "key": key, "households": 1, "ui_lang": ui_lang })).expect("household drawn");
    shell
        .invoke("fieldwork_list_adults", json!({ "key": key, "adults": adults, "rescreen_reason": null, "ui_lang": ui_lang }))
        .expect("adults listed")
}

#[test]
fn demo_routes_are_drawn_once_and_assigned_to_this_device() {
    let shell = shell();
    let before = shell.invoke("fieldwork_routes", json!({ "ui_lang": "kk" })).expect("routes");
    assert_eq!(before["has_fieldwork"], true);
    assert_eq!(before["can_draw_demo"], true);
    assert_eq!(before["routes"].as_array().unwrap().len(), 0);

    let drawn = shell.invoke("fieldwork_draw_demo", json!({ "ui_lang": "kk" })).expect("demo draw");
    let mine = drawn["routes"].as_array().unwrap();
    assert_eq!(mine.len(), 4 * crate::commands::DEMO_ROUTES_PER_CITY, "two routes in each of the four cities");
    assert_eq!(drawn["routes_on_device"], 50 + 50 + 45 + 45, "every planned route of every city is drawn (the report's 50/50/45/45)");
    assert_eq!(drawn["can_draw_demo"], false);
    assert_eq!(mine[0]["id"], "almaty-R01");
    assert!(mine.iter().all(|r| r["assigned_to"] == drawn["device"]));
    let quota = &mine[0]["quota"];
    assert_eq!(quota["target_female"].as_u64().unwrap() + quota["target_male"].as_u64().unwrap(), 11, "11 interviews per Almaty route");

    // Drawing again changes nothing: the seed and the routes stay.
    let again = shell.invoke("fieldwork_draw_demo", json!({ "ui_lang": "en" })).expect("no-op");
    assert_eq!(again["routes"].as_array().unwrap().len(), mine.len());
    let outcomes = shell.invoke("fieldwork_outcomes", json!({ "ui_lang": "kk" })).expect("outcomes");
    let codes: Vec<u64> = outcomes.as_array().unwrap().iter().map(|o| o["code"].as_u64().unwrap()).collect();
    assert!(codes.contains(&31) && codes.contains(&44) && codes.contains(&65));
    let complete = outcomes.as_array().unwrap().iter().find(|o| o["code"] == 11).unwrap();
    assert_eq!(complete["manual"], false, "a complete comes from the interview, not a button");
}

/// The dashboard command takes the filter as the UI sends it (empty fields as null) and returns the
/// session's view in the interface language; the figures themselves are tested in the session.
#[test]
fn the_dashboard_comes_back_filtered_and_in_the_ui_language() {
    let shell = shell();
    shell.invoke("fieldwork_draw_demo", json!({ "ui_lang": "ru" })).unwrap();
    let filter =
        json!({ "city": "astana", "route": null, "interviewer": null, "from_date": null, "to_date": "2010-10-31", "provisional": false });
    let view = shell.invoke("dashboard", json!({ "filter": filter, "ui_lang": "kk" })).expect("dashboard");
    let routes = view["routes"].as_array().unwrap();
    assert_eq!(routes.len(), 50, "Astana's planned routes");
    assert!(routes.iter().all(|r| r["city_name"] == "Астана" && r["at_risk"] == false));
    assert_eq!(view["filter"]["to_date"], "2010-10-31");
    assert_eq!(view["overall"]["label"], "Барлығы");
    assert_eq!(view["cities"][0]["target_female"].as_u64().unwrap() + view["cities"][0]["target_male"].as_u64().unwrap(), 550);
}

#[test]
fn visits_close_addresses_and_screening_starts_the_interview() {
    let shell = shell();
    shell.invoke("fieldwork_draw_demo", json!({ "ui_lang": "ru" })).unwrap();
    let route = "almaty-R01";

    // No answer: logged, but a final non-response needs the minimum visits (refused in Kazakh).
    let a1 = approach(&shell, route);
    let open = shell.invoke("fieldwork_log_visit", json!({ "key": a1, "visit": visit(31), "ui_lang": "ru" })).expect("visit logged");
    assert_eq!(open["status"], "open");
    assert_eq!(open["can_close"], false);
    assert!(open["shortfall"].as_str().is_some());
    let refused = shell.invoke("fieldwork_close_address", json!({ "key": a1, "ui_lang": "kk" })).expect_err("minimum visits");
    assert_eq!(refused.kind, "fieldwork_rule");
    assert!(refused.message.chars().any(|c| "әғқңөұүһі".contains(c)), "Kazakh message: {}", refused.message);
    shell.invoke("fieldwork_walk", json!({ "id": route, "action": { "action": "next_address" }, "ui_lang": "ru" })).expect("next");

    // A hard refusal closes at once; before a respondent is chosen it is the household's (2.111).
    let a2 = approach(&shell, route);
    assert_ne!(a1, a2);
    let mut refusal = visit(44);
    refusal["refuser_sex"] = json!("female");
    refusal["refuser_age"] = json!(40);
    refusal["reason"] = json!("Нет времени");
    let logged = shell.invoke("fieldwork_log_visit", json!({ "key": a2, "visit": refusal, "ui_lang": "ru" })).unwrap();
    assert_eq!(logged["can_close"], true);
    let closed = shell.invoke("fieldwork_close_address", json!({ "key": a2, "ui_lang": "ru" })).expect("closed");
    assert_eq!(closed["status"], "closed");
    assert_eq!(closed["disposition"], "2.111");
    shell.invoke("fieldwork_walk", json!({ "id": route, "action": { "action": "next_address" }, "ui_lang": "ru" })).unwrap();

    // A household: screening proposes a respondent; the interview starts on the cover sheet.
    let a3 = approach(&shell, route);
    let adults = json!([
        { "line": 1, "name": "Ерлан", "sex": "male", "age": 52, "permanent": true, "head": true, "co_decision_maker": false, "present": true },
        { "line": 2, "name": "Айгуль", "sex": "female", "age": 48, "permanent": true, "head": false, "co_decision_maker": true, "present": true },
        { "line": 3, "name": "Дана", "sex": "female", "age": 17, "permanent": true, "head": false, "co_decision_maker": false, "present": true }
    ]);
    // The household is drawn first (stored and shown), then its adults are listed.
    let drawn = shell.invoke("fieldwork_draw_household", json!({ "key": a3, "households": 1, "ui_lang": "en" })).expect("drawn");
    assert_eq!(drawn["household"]["chosen"], 1);
    assert!(drawn["proposal"].is_null());
    let screened = shell
        .invoke("fieldwork_list_adults", json!({ "key": a3, "adults": adults, "rescreen_reason": null, "ui_lang": "en" }))
        .expect("screened");
    let proposal = &screened["proposal"];
    assert_eq!(proposal["outcome"], "respondent");
    assert_eq!(proposal["action"], "interview");
    let listed = proposal["adults"].as_array().unwrap();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[2]["eligible"], false, "17 is under age");
    assert!(listed[2]["why_not"].as_str().unwrap().contains("under 18"));
    let screen = shell
        .invoke("fieldwork_start_interview", json!({ "key": a3, "override_line": null, "override_reason": null, "lang": "kk" }))
        .expect("interview");
    assert_eq!(screen["interview"]["language"], "kk");
    let view = shell.invoke("fieldwork_route", json!({ "id": route, "ui_lang": "en" })).unwrap();
    let a3_view = view["addresses"].as_array().unwrap().iter().find(|a| a["key"] == a3.as_str()).unwrap();
    assert_eq!(a3_view["interview_id"], screen["interview"]["id"]);
    assert_eq!(view["route"]["visits"], 2, "the no-answer and the refusal; the complete comes with the interview");

    let report = shell.invoke("fieldwork_report", json!({ "ui_lang": "en" })).expect("report");
    assert_eq!(report["attempts"], 2);
    assert_eq!(report["addresses"], 3);
}

#[test]
fn an_override_needs_a_reason() {
    let shell = shell();
    shell.invoke("fieldwork_draw_demo", json!({ "ui_lang": "ru" })).unwrap();
    let key = approach(&shell, "astana-R01");
    let adults = json!([
        { "line": 1, "name": "Болат", "sex": "male", "age": 60, "permanent": true, "head": true, "co_decision_maker": false, "present": true },
        { "line": 2, "name": "Сауле", "sex": "female", "age": 58, "permanent": true, "head": false, "co_decision_maker": true, "present": true }
    ]);
    let screened = screen(&shell, &key, adults, "ru");
    let proposed = screened["proposal"]["line"].as_u64().unwrap();
    let other = if proposed == 1 { 2 } else { 1 };
    let error = shell
        .invoke("fieldwork_start_interview", json!({ "key": key, "override_line": other, "override_reason": " ", "lang": "ru" }))
        .expect_err("no reason");
    assert_eq!(error.kind, "fieldwork_rule");
    let screen = shell
        .invoke(
            "fieldwork_start_interview",
            json!({ "key": key, "override_line": other, "override_reason": "Выбранный болен", "lang": "ru" }),
        )
        .expect("override with a reason");
    assert!(screen["interview"]["id"].as_str().is_some());
    let view = shell.invoke("fieldwork_route", json!({ "id": "astana-R01", "ui_lang": "ru" })).unwrap();
    let address = view["addresses"].as_array().unwrap().iter().find(|a| a["key"] == key.as_str()).unwrap();
    assert_eq!(address["proposal"]["flagged"], true);
    assert_eq!(address["proposal"]["line"], other);
}

#[test]
fn a_broken_off_interview_frees_its_place_and_stays_read_only() {
    let shell = shell();
    shell.invoke("fieldwork_draw_demo", json!({ "ui_lang": "ru" })).unwrap();
    let route = "almaty-R01";
    let key = approach(&shell, route);
    let adults = json!([
        { "line": 1, "name": "Ерлан", "sex": "male", "age": 52, "permanent": true, "head": true, "co_decision_maker": false, "present": true },
        { "line": 2, "name": "Айгуль", "sex": "female", "age": 48, "permanent": true, "head": false, "co_decision_maker": true, "present": true }
    ]);
    screen(&shell, &key, adults, "ru");
    let screen = shell
        .invoke("fieldwork_start_interview", json!({ "key": key, "override_line": null, "override_reason": null, "lang": "ru" }))
        .unwrap();
    let id = screen["interview"]["id"].as_str().unwrap().to_string();
    assert_eq!(screen["interview"]["route"], route, "the header names the route the interview came from");
    let quota = |shell: &Shell| shell.invoke("fieldwork_route", json!({ "id": route, "ui_lang": "ru" })).unwrap()["route"]["quota"].clone();
    let held = quota(&shell);
    assert_eq!(held["held_female"].as_u64().unwrap() + held["held_male"].as_u64().unwrap(), 1, "the started interview holds a place");

    let address = shell.invoke("fieldwork_break_off", json!({ "id": id, "ui_lang": "kk" })).expect("broken off");
    assert_eq!(address["key"], key.as_str());
    assert_eq!(address["route"], route);
    assert_eq!(address["visits"].as_array().unwrap().last().unwrap()["outcome"], 43);
    let freed = quota(&shell);
    assert_eq!(freed["held_female"].as_u64().unwrap() + freed["held_male"].as_u64().unwrap(), 0, "the place is free again");

    let listed = shell.invoke("list_interviews", json!({ "ui_lang": "ru" })).unwrap();
    assert_eq!(listed.as_array().unwrap().iter().find(|i| i["id"] == id.as_str()).unwrap()["status"], "broken_off");
    let reopened = shell.invoke("open_interview", json!({ "id": id, "ui_lang": "ru" })).expect("opens read-only");
    assert_eq!(reopened["interview"]["status"], "broken_off");
    let refused = shell
        .invoke("answer", json!({ "id": id, "key": { "question": "Q101", "roster": [] }, "value": 2, "ui_lang": "kk" }))
        .expect_err("no more answers");
    assert_eq!(refused.kind, "broken_off");
    assert!(refused.message.chars().any(|c| "әғқңөұүһі".contains(c)), "Kazakh message: {}", refused.message);
    let again = shell.invoke("fieldwork_break_off", json!({ "id": id, "ui_lang": "en" })).expect_err("once only");
    assert_eq!(again.kind, "broken_off");

    // An interview created on its own names no route.
    let own = shell.invoke("create_interview", json!({ "lang": "ru" })).unwrap();
    assert!(own["interview"]["route"].is_null());
}

#[test]
fn consent_no_is_confirmed_then_ends_the_interview_as_a_refusal() {
    let shell = shell();
    shell.invoke("fieldwork_draw_demo", json!({ "ui_lang": "ru" })).unwrap();
    let route = "almaty-R01";
    let key = approach(&shell, route);
    let adults = json!([
        { "line": 1, "name": "Айгуль", "sex": "female", "age": 48, "permanent": true, "head": true, "co_decision_maker": false, "present": true }
    ]);
    screen(&shell, &key, adults, "ru");
    let screen = shell
        .invoke("fieldwork_start_interview", json!({ "key": key, "override_line": null, "override_reason": null, "lang": "ru" }))
        .unwrap();
    let id = screen["interview"]["id"].as_str().unwrap().to_string();
    let consent = json!({ "question": "Q011", "roster": [] });
    // The answer is not recorded: the UI asks the interviewer to confirm the end.
    let asked = shell.invoke("answer", json!({ "id": id, "key": consent, "value": 2, "ui_lang": "kk" })).expect_err("confirm first");
    assert_eq!(asked.kind, "ends_interview");
    assert!(asked.message.chars().any(|c| "әғқңөұүһі".contains(c)), "Kazakh message: {}", asked.message);
    let ended = shell.invoke("end_interview", json!({ "id": id, "key": consent, "value": 2, "ui_lang": "kk" })).expect("ended");
    assert_eq!(ended["interview"]["status"], "refused");
    assert_eq!(ended["interview"]["route"], route, "the ended screen leads back to the route");
    let view = shell.invoke("fieldwork_route", json!({ "id": route, "ui_lang": "ru" })).unwrap();
    let address = view["addresses"].as_array().unwrap().iter().find(|a| a["key"] == key.as_str()).unwrap().clone();
    assert_eq!(address["visits"].as_array().unwrap().last().unwrap()["outcome"], 42);
    assert_eq!(view["route"]["quota"]["held_female"], 0, "the place is free again");
    let listed = shell.invoke("list_interviews", json!({ "ui_lang": "ru" })).unwrap();
    assert_eq!(listed.as_array().unwrap().iter().find(|i| i["id"] == id.as_str()).unwrap()["status"], "refused");
}

/// The UI calls the shell only through `ui/src/bindings/commands.ts`, generated here from the
/// `commands!` declarations (as ts-rs writes the types): a renamed command, argument or type changes
/// the file, and the test command fails until the regenerated file is committed and the UI compiles.
#[test]
fn typescript_command_wrappers_are_generated_from_the_commands() {
    let ts = crate::commands::typescript();
    // The JSON value type is ts-rs's own and exported by no struct of ours: export it for the wrappers.
    <serde_json::Value as ts_rs::TS>::export_all().expect("export JsonValue");
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/bindings/commands.ts");
    std::fs::write(&path, &ts).expect("write ui/src/bindings/commands.ts");
    assert!(ts.contains("    answer: (id: string, key: AnswerKey, value: AnswerValue, ui_lang: Lang) => invoke<Screen>(\"answer\", { id, key, value, ui_lang }),"), "{ts}");
    assert!(ts.contains("import type { Screen } from \"./Screen\";"), "{ts}");
    assert!(ts.contains("fieldwork_start_interview: (key: string, override_line: number | null, override_reason: string | null, lang: Lang) => invoke<Screen>"), "{ts}");
    // Every registered command has a wrapper.
    assert!(
        ts.contains(
            "    fieldwork_break_off: (id: string, ui_lang: Lang) => invoke<AddressView | null>(\"fieldwork_break_off\", { id, ui_lang }),"
        ),
        "{ts}"
    );
    for command in [
        "study_info",
        "list_interviews",
        "create_interview",
        "go",
        "complete",
        "fieldwork_draw_household",
        "fieldwork_list_adults",
        "fieldwork_report",
        "fieldwork_break_off",
    ] {
        assert!(ts.contains(&format!("    {command}: (")), "{command} has no wrapper");
    }
}

#[test]
fn supervision_is_refused_to_an_interviewer_and_back_checks_run_for_a_supervisor() {
    let shell = shell();
    // The open demo: everything is offered. The first user set up is signed in.
    shell.invoke("backchecks", json!({ "ui_lang": "en" })).expect("the demo may supervise");
    let access = shell.invoke("add_user", json!({ "role": "supervisor", "name": "ann", "pin": "2468", "ui_lang": "en" })).unwrap();
    assert_eq!(access["user"]["role"], "supervisor");
    shell.invoke("add_user", json!({ "role": "interviewer", "name": "bob", "pin": "1357", "ui_lang": "en" })).unwrap();
    shell.invoke("lock", json!({ "ui_lang": "en" })).unwrap();
    let locked = shell.invoke("backchecks", json!({ "ui_lang": "kk" })).unwrap_err();
    assert_eq!(locked.kind.as_str(), "locked");
    assert!(!locked.message.contains("PIN"), "Kazakh is Cyrillic: {}", locked.message);

    // An interviewer interviews but does not review, resolve, draw back-checks or read the dashboard.
    let wrong = shell.invoke("sign_in", json!({ "name": "bob", "pin": "0000", "ui_lang": "en" })).unwrap_err();
    assert_eq!(wrong.kind.as_str(), "sign_in");
    let bob = shell.invoke("sign_in", json!({ "name": "bob", "pin": "1357", "ui_lang": "en" })).expect("bob signs in");
    assert_eq!(bob["may_add"], json!([]), "an interviewer sets up no one");
    let interview = shell.invoke("create_interview", json!({ "lang": "ru" })).expect("an interviewer interviews");
    let id = interview["interview"]["id"].as_str().unwrap().to_string();
    let filter = json!({ "city": null, "route": null, "interviewer": null, "from_date": null, "to_date": null, "provisional": false });
    for (cmd, args) in [
        ("backchecks", json!({ "ui_lang": "ru" })),
        ("backcheck_draw", json!({ "seed": "7", "ui_lang": "ru" })),
        ("review_interview", json!({ "id": id, "approve": false, "reason": "x", "ui_lang": "ru" })),
        ("review_comment", json!({ "id": id, "key": null, "text": "x", "ui_lang": "ru" })),
        ("conflicts", json!({ "ui_lang": "ru" })),
        ("dashboard", json!({ "filter": filter, "ui_lang": "ru" })),
        ("export_start", json!({ "format": "csv", "data_lang": "ru", "anonymise": false, "folder": "/tmp/never", "ui_lang": "ru" })),
        ("export_status", json!({ "ui_lang": "ru" })),
        ("export_open_folder", json!({ "ui_lang": "ru" })),
        ("add_user", json!({ "role": "coordinator", "name": "eve", "pin": "1111", "ui_lang": "ru" })),
        ("add_user", json!({ "role": "interviewer", "name": "eve", "pin": "1111", "ui_lang": "ru" })),
    ] {
        let e = shell.invoke(cmd, args).expect_err(cmd);
        assert_eq!(e.kind.as_str(), "not_allowed", "{cmd}");
        assert!(e.message.contains("супервайзер"), "{cmd}: {}", e.message);
    }

    // The supervisor: the form in the chosen language, a draw with a typed seed or a new one.
    shell.invoke("lock", json!({ "ui_lang": "en" })).unwrap();
    shell.invoke("sign_in", json!({ "name": "ann", "pin": "2468", "ui_lang": "en" })).expect("ann signs in");
    let access = shell.invoke("who_am_i", json!({ "ui_lang": "en" })).unwrap();
    assert_eq!(access["may_add"], json!(["interviewer", "supervisor"]));
    let above = shell.invoke("add_user", json!({ "role": "coordinator", "name": "eve", "pin": "1111", "ui_lang": "kk" })).unwrap_err();
    assert_eq!(above.kind.as_str(), "not_allowed");
    assert!(above.message.contains("Үйлестірушіні"), "{}", above.message);
    let screen = shell.invoke("backchecks", json!({ "ui_lang": "kk" })).unwrap();
    assert_eq!(screen["form"]["share_percent"], 12);
    assert_eq!(screen["form"]["items"].as_array().unwrap().len(), 3);
    assert!(screen["form"]["household_size"]["text"].as_str().unwrap().contains("үй шаруашылығ"));
    let bad = shell.invoke("backcheck_draw", json!({ "seed": "seven", "ui_lang": "ru" })).unwrap_err();
    assert_eq!(bad.kind.as_str(), "bad_input");
    let drawn = shell.invoke("backcheck_draw", json!({ "seed": " 7 ", "ui_lang": "en" })).unwrap();
    assert_eq!(drawn["draw"]["seed"], "7");
    assert_eq!(drawn["draw"]["drawn"], 0, "no completes yet, nothing to draw");
    let fresh = shell.invoke("backcheck_draw", json!({ "seed": null, "ui_lang": "en" })).unwrap();
    assert!(fresh["draw"]["seed"].as_str().unwrap().parse::<u64>().is_ok(), "a new seed is drawn and shown");
    let outcome = json!({ "visited": true, "same_respondent": true, "household_size": 3, "answers": { "Q999": 1 } });
    let unknown = shell.invoke("backcheck_record", json!({ "interview": id, "outcome": outcome, "ui_lang": "en" })).unwrap_err();
    assert!(unknown.message.contains("Q999"), "{}", unknown.message);

    // The supervisor exports: a wrong format is refused; a CSV export runs on its own thread and is polled.
    let out = tempfile::tempdir().unwrap();
    let folder = out.path().join("csv").display().to_string();
    let bad = shell
        .invoke("export_start", json!({ "format": "xls", "data_lang": "kk", "anonymise": false, "folder": folder, "ui_lang": "en" }))
        .unwrap_err();
    assert_eq!(bad.kind.as_str(), "bad_input");
    let started = shell
        .invoke("export_start", json!({ "format": "csv", "data_lang": "kk", "anonymise": true, "folder": folder, "ui_lang": "en" }))
        .unwrap();
    assert_eq!(started["folder"], folder.as_str());
    let mut status = started;
    for _ in 0..600 {
        if status["running"] == false {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
        status = shell.invoke("export_status", json!({ "ui_lang": "en" })).unwrap();
    }
    assert_eq!(status["running"], false, "{status}");
    assert_eq!(status["error"], Value::Null, "{status}");
    let households = status["files"].as_array().unwrap().iter().find(|f| f["file"] == "households.csv").expect("households listed").clone();
    assert_eq!(households["rows"], 1, "bob's interview");
    let text = std::fs::read_to_string(out.path().join("csv/households.csv")).unwrap();
    assert!(!text.contains(&id), "anonymised: the interview id is a pseudonym");
}

#[test]
fn the_first_user_encrypts_the_database_and_after_a_restart_only_a_pin_opens_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("dala.sqlite");
    // A coordinator's public key in the device's keys folder gets a recovery copy of the key.
    let coordinator = dala_sync::SecretKey::generate(dala_sync::Role::Coordinator, "coord", [4; 32]);
    std::fs::create_dir_all(dir.path().join("keys")).unwrap();
    std::fs::write(dir.path().join("keys/coord.pub"), coordinator.public().to_text()).unwrap();
    let shell = shell_with(crate::AppState::new(dala_session::Session::open(&kmrs(), &db).unwrap()), dir);
    let created = shell.invoke("create_interview", json!({ "lang": "ru" })).unwrap();
    let id = created["interview"]["id"].as_str().unwrap().to_string();
    shell.invoke("answer", json!({ "id": id, "key": { "question": "Q101", "roster": [] }, "value": 4, "ui_lang": "ru" })).unwrap();
    assert_eq!(dala_store::cipher::file_kind(&db), dala_store::cipher::FileKind::Plain, "the open demo is not encrypted");
    shell.invoke("add_user", json!({ "role": "interviewer", "name": "Гүлнар", "pin": "5791", "ui_lang": "kk" })).unwrap();
    assert_eq!(dala_store::cipher::file_kind(&db), dala_store::cipher::FileKind::Encrypted, "set up with a PIN, the database is encrypted");
    // The session goes on with the encrypted file.
    shell.invoke("answer", json!({ "id": id, "key": { "question": "Q101", "roster": [] }, "value": 5, "ui_lang": "ru" })).unwrap();
    let ring = dala_session::vault::read_keyring(&db).unwrap().unwrap();
    assert_eq!(ring.recovery.len(), 1, "the coordinator can recover it");
    // Restarted: the mock runtime keeps the first app's state (and its write lock) alive to the end of
    // the test, so the "restarted" app opens a copy of the files, as a new process would find them.
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("dala.sqlite");
    for suffix in ["", "-wal", ".keyring"] {
        let from = format!("{}{suffix}", db.display());
        if std::path::Path::new(&from).exists() {
            std::fs::copy(&from, format!("{}{suffix}", copy.display())).unwrap();
        }
    }
    let _first = shell;
    let db = copy;

    // Restarted: the app starts sealed and lists the keyring's users.
    let stand_in = dala_session::Session::with_parts(
        dala_session::load_study(&kmrs()).unwrap(),
        dala_store::Store::open_in_memory(chrono::Utc::now()).unwrap(),
    );
    let sealed = crate::Sealed { study_dir: kmrs(), db_path: db.clone(), durability: dala_store::Durability::Full };
    let shell = shell_with(crate::AppState::sealed(stand_in, sealed), dir);
    let access = shell.invoke("who_am_i", json!({ "ui_lang": "ru" })).unwrap();
    assert_eq!(access["demo"], false);
    assert_eq!(access["users"], json!(["Гүлнар"]));
    assert_eq!(shell.invoke("list_interviews", json!({ "ui_lang": "ru" })).unwrap_err().kind.as_str(), "locked");
    let wrong = shell.invoke("sign_in", json!({ "name": "Гүлнар", "pin": "1111", "ui_lang": "ru" })).unwrap_err();
    assert_eq!(wrong.kind.as_str(), "sign_in");
    assert!(wrong.message.contains("Неверный PIN"), "{}", wrong.message);
    let access = shell.invoke("sign_in", json!({ "name": "Гүлнар", "pin": "5791", "ui_lang": "ru" })).unwrap();
    assert_eq!(access["user"]["role"], "interviewer");
    let listed = shell.invoke("list_interviews", json!({ "ui_lang": "ru" })).unwrap();
    assert_eq!(listed.as_array().unwrap().len(), 1, "the interview is there");
    let at = shell
        .invoke("go", json!({ "id": id, "nav": { "kind": "to", "key": { "question": "Q101", "roster": [] } }, "ui_lang": "ru" }))
        .unwrap();
    assert_eq!(at["current"]["value"], 5, "with the answer given after the encryption");
    // Locked again after idle time, the PIN is checked against the keyring.
    shell.invoke("lock", json!({ "ui_lang": "en" })).unwrap();
    assert!(shell.invoke("sign_in", json!({ "name": "Гүлнар", "pin": "0000", "ui_lang": "en" })).is_err());
    shell.invoke("sign_in", json!({ "name": "Гүлнар", "pin": "5791", "ui_lang": "en" })).unwrap();
    // Her PIN changed: the current one is checked, the key re-wrapped, the old PIN opens nothing more.
    let wrong = shell.invoke("change_pin", json!({ "current": "1111", "new_pin": "8642", "ui_lang": "kk" })).unwrap_err();
    assert_eq!(wrong.kind.as_str(), "sign_in");
    shell.invoke("change_pin", json!({ "current": "5791", "new_pin": "8642", "ui_lang": "kk" })).unwrap();
    let how = |pin| dala_session::vault::Unlock::Pin { user: Some("Гүлнар"), pin };
    assert!(dala_session::vault::unlock(&db, &how("5791"), chrono::Utc::now()).is_err());
    assert!(dala_session::vault::unlock(&db, &how("8642"), chrono::Utc::now()).unwrap().is_some());
    shell.invoke("lock", json!({ "ui_lang": "en" })).unwrap();
    shell.invoke("sign_in", json!({ "name": "Гүлнар", "pin": "8642", "ui_lang": "en" })).unwrap();
}

/// A second instance on a database another one holds: the window says why in the chosen language, every
/// command is refused the same way, nothing is written, and "Try again" opens it once the first has closed.
#[test]
fn a_database_held_by_another_instance_is_refused_in_the_window_until_retried() {
    let db = tempfile::tempdir().unwrap();
    let path = db.path().join("dala.sqlite");
    let mut first = dala_session::Session::open(&kmrs(), &path).unwrap();
    let id = first.create(dala_questionnaire::Lang::Ru, chrono::Utc::now()).unwrap();
    let open = crate::Sealed { study_dir: kmrs(), db_path: path.clone(), durability: dala_store::Durability::Full };
    let e = match crate::open_state(&open) {
        Err(e) => e,
        Ok(_) => panic!("a second writer was let in"),
    };
    let study = dala_session::load_study(&kmrs()).unwrap();
    let stand_in = dala_session::Session::with_parts(study, dala_store::Store::open_in_memory(chrono::Utc::now()).unwrap());
    let shell = shell_with(crate::AppState::failed(stand_in, crate::StartFailure::new(&e, open)), db);
    let refused = shell.invoke("who_am_i", json!({"ui_lang": "kk"})).unwrap_err();
    assert_eq!(refused.kind, dala_session::ErrorKind::DatabaseInUse);
    assert!(refused.message.contains("ашық тұр"), "{}", refused.message);
    let ru = shell.invoke("who_am_i", json!({"ui_lang": "ru"})).unwrap_err();
    assert!(ru.message.contains("уже открыта"), "{}", ru.message);
    for (cmd, args) in [("study_info", json!({"ui_lang": "en"})), ("list_interviews", json!({"ui_lang": "en"}))] {
        let e = shell.invoke(cmd, args).unwrap_err();
        assert_eq!(e.kind, dala_session::ErrorKind::DatabaseInUse, "{cmd}");
    }
    // Still held: trying again says so again.
    assert_eq!(shell.invoke("retry_open", json!({"ui_lang": "en"})).unwrap_err().kind, dala_session::ErrorKind::DatabaseInUse);
    // The first instance closes: "Try again" opens the database, with the first one's interview.
    drop(first);
    let access = shell.invoke("retry_open", json!({"ui_lang": "en"})).unwrap();
    assert_eq!(access["demo"], json!(true), "{access}");
    let list = shell.invoke("list_interviews", json!({"ui_lang": "en"})).unwrap();
    assert!(list.to_string().contains(&id), "{list}");
}
