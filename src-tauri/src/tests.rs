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
    let study = Path::new(env!("CARGO_MANIFEST_DIR")).join("../schema/kmrs-2010");
    let session = dala_session::Session::open(&study, &db.path().join("dala.sqlite")).expect("study and database open");
    let app = build_app(mock_builder(), session).build(mock_context(noop_assets())).expect("app builds");
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
    assert_eq!(screen["blocks"].as_array().unwrap().len(), 10, "cover + 9 blocks");

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
