//! The JSON Schemas of the study format (`schema/*.schema.json`, used by editors for completion and
//! checking) against the real KMRS 2010 study and against the loader itself.
//!
//! - every TOML file of `schema/kmrs-2010` validates against the schema of its kind;
//! - deliberately wrong documents (a misspelt field, an unknown question type, ...) are rejected;
//! - on a set of small documents, the schema and the loader agree on what is accepted;
//! - every property of every schema has a description, and the shared definitions do not drift.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use dala_questionnaire::load::{load_study, MemorySource, Severity};
use jsonschema::Validator;
use serde_json::{json, Value};

fn schema_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../schema")
}

fn study_dir() -> PathBuf {
    schema_dir().join("kmrs-2010")
}

#[derive(Copy, Clone, Debug, PartialEq, Eq)]
enum Kind {
    Study,
    CodeLists,
    Block,
}

impl Kind {
    const ALL: [Kind; 3] = [Kind::Study, Kind::CodeLists, Kind::Block];

    fn schema_file(self) -> &'static str {
        match self {
            Kind::Study => "study.schema.json",
            Kind::CodeLists => "codelists.schema.json",
            Kind::Block => "block.schema.json",
        }
    }
}

fn schema_json(kind: Kind) -> Value {
    let path = schema_dir().join(kind.schema_file());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

fn validator(kind: Kind) -> Validator {
    let schema = schema_json(kind);
    if let Err(e) = jsonschema::draft202012::meta::validate(&schema) {
        panic!("{} is not a valid draft 2020-12 schema: {e} at {}", kind.schema_file(), e.instance_path());
    }
    jsonschema::draft202012::new(&schema).unwrap_or_else(|e| panic!("{} does not compile: {e}", kind.schema_file()))
}

fn toml_to_json(text: &str) -> Value {
    toml::from_str::<Value>(text).unwrap_or_else(|e| panic!("not TOML: {e}\n{text}"))
}

/// The schema's complaints about `doc`, one line each (empty when it is valid).
fn errors(v: &Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc).map(|e| format!("at `{}`: {e}", e.instance_path())).collect()
}

fn toml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            toml_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "toml") {
            out.push(path);
        }
    }
}

#[test]
fn every_kmrs_file_matches_its_schema() {
    let dir = study_dir();
    let validators: Vec<(Kind, Validator)> = Kind::ALL.iter().map(|&k| (k, validator(k))).collect();
    let study = toml_to_json(&std::fs::read_to_string(dir.join("study.toml")).expect("kmrs-2010/study.toml"));
    let listed = |key: &str| -> BTreeSet<String> {
        study[key].as_array().into_iter().flatten().filter_map(|p| p.as_str().map(String::from)).collect()
    };
    let (codelist_files, block_files) = (listed("codelists"), listed("blocks"));

    let mut files = Vec::new();
    toml_files(&dir, &mut files);
    files.sort();
    let mut problems = Vec::new();
    let mut count = [0usize; 3];
    for path in &files {
        let rel = path.strip_prefix(&dir).unwrap().to_string_lossy().replace('\\', "/");
        let kind = if rel == "study.toml" {
            Kind::Study
        } else if codelist_files.contains(&rel) {
            Kind::CodeLists
        } else if block_files.contains(&rel) || rel.starts_with("blocks/") {
            Kind::Block
        } else if rel == "simulation.toml" {
            // The simulator's mapping is checked by its own reader (crates/simulator, `model.rs` and its tests).
            continue;
        } else if rel == "export.toml" {
            // Export settings are checked by their own reader against the study (crates/export, `settings.rs`).
            continue;
        } else if study["fieldwork"].as_str() == Some(rel.as_str()) {
            // Fieldwork settings are checked by their own parser (crates/fieldwork tests).
            continue;
        } else {
            problems.push(format!("{rel}: not named in study.toml, so no schema applies"));
            continue;
        };
        count[Kind::ALL.iter().position(|&k| k == kind).unwrap()] += 1;
        let doc = toml_to_json(&std::fs::read_to_string(path).unwrap());
        let v = &validators.iter().find(|(k, _)| *k == kind).unwrap().1;
        for e in errors(v, &doc) {
            problems.push(format!("{rel} ({}) {e}", kind.schema_file()));
        }
    }
    assert!(problems.is_empty(), "{} problem(s):\n{}", problems.len(), problems.join("\n"));
    assert_eq!(count[0], 1, "study.toml");
    assert_eq!(count[1], codelist_files.len(), "code-list files checked");
    assert_eq!(count[2], block_files.len(), "block files checked");
    assert!(count[2] >= 10, "expected the ten KMRS block files, found {}", count[2]);
}

const GOOD_BLOCK: &str = r#"
id = "B1"
number = 1
title = { en = "One", ru = "Один", kk = "Бір" }

[[question]]
id = "Q101"
type = "single"
text = { en = "Sex?", ru = "Пол?", kk = "Жынысы?" }
options = [{ code = 1, en = "M", ru = "М", kk = "Е" }, { code = 2, en = "F", ru = "Ж", kk = "Ә" }]
relevant = "1 == 1"
"#;

#[test]
fn wrong_documents_are_rejected() {
    let block = validator(Kind::Block);
    let good = toml_to_json(GOOD_BLOCK);
    assert_eq!(errors(&block, &good), Vec::<String>::new(), "the baseline block must be valid");

    // A misspelt field.
    let misspelt = toml_to_json(&GOOD_BLOCK.replace("relevant =", "relevnt ="));
    let errs = errors(&block, &misspelt);
    assert!(errs.iter().any(|e| e.contains("relevnt")), "the unknown field `relevnt` is not reported: {errs:#?}");

    // A misspelt question type.
    let bad_type = toml_to_json(&GOOD_BLOCK.replace("\"single\"", "\"singel\""));
    let errs = errors(&block, &bad_type);
    assert!(errs.iter().any(|e| e.contains("singel") && e.contains("/question/0/type")), "the type `singel` is not reported: {errs:#?}");

    // Both at once, with a JSON built by hand (not from TOML), for good measure.
    let mut both = good.clone();
    both["question"][0]["type"] = json!("singel");
    both["question"][0]["relevnt"] = json!("1 == 1");
    assert!(!block.is_valid(&both));

    // The other two schemas reject unknown fields as well.
    let study = validator(Kind::Study);
    let wrong_study = json!({ "id": "x", "version": "1", "title": {}, "languages": ["ru"], "blocks": [], "block": [] });
    assert!(!study.is_valid(&wrong_study), "study: unknown field `block` accepted");
    let codelists = validator(Kind::CodeLists);
    assert!(!codelists.is_valid(&json!({ "codelists": {} })), "codelists: unknown field `codelists` accepted");
    assert!(!codelists.is_valid(&json!({ "codelist": { "L": { "options": [{ "code": 1, "label": "x" }] } } })));
}

const STUDY: &str = r#"
id = "t"
version = "1"
title = { en = "T", ru = "Т", kk = "Т" }
languages = ["ru", "kk", "en"]
codelists = ["codelists.toml"]
blocks = ["b.toml"]
"#;

const CODELISTS: &str = r#"
[codelist.L_YESNO]
options = [{ code = 1, en = "Yes", ru = "Да", kk = "Иә" }, { code = 2, en = "No", ru = "Нет", kk = "Жоқ" }]
"#;

/// True when the loader yields a study without error-level diagnostics.
fn loader_accepts(study: &str, codelists: &str, block: &str) -> (bool, String) {
    let mut src = MemorySource::default();
    src.insert("study.toml", study);
    src.insert("codelists.toml", codelists);
    src.insert("b.toml", block);
    let (q, diags) = load_study(&src);
    let errs: Vec<String> = diags.iter().filter(|d| d.severity == Severity::Error).map(|d| d.to_string()).collect();
    (q.is_some() && errs.is_empty(), errs.join("\n"))
}

/// A block whose only question is `fields` (TOML lines), with `Q100`, an integer question, before it.
fn block_with(fields: &str) -> String {
    format!(
        "id = \"B1\"\nnumber = 1\ntitle = {{ en = \"B\", ru = \"Б\", kk = \"Б\" }}\n\n\
         [[question]]\nid = \"Q100\"\ntype = \"integer\"\ntext = {{ en = \"N\", ru = \"Н\", kk = \"Н\" }}\n\n\
         [[question]]\n{fields}\n"
    )
}

const T: &str = r#"text = { en = "Q", ru = "В", kk = "С" }"#;

#[test]
fn schemas_and_loader_agree() {
    let (vs, vc, vb) = (validator(Kind::Study), validator(Kind::CodeLists), validator(Kind::Block));
    let q = |s: &str| block_with(&format!("{T}\n{s}"));
    // (what, study.toml, codelists.toml, block file, accepted)
    let cases: Vec<(&str, String, String, String, bool)> = vec![
        ("baseline", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"single\"\ncodelist = \"L_YESNO\""), true),
        ("all optional fields", STUDY.into(), CODELISTS.into(), q(r#"id = "Q101AB"
type = "multiple"
instruction = { en = "I", ru = "И", kk = "Н" }
show_card = 3
read_out = false
identifying = true
required = false
options = [{ code = 1, en = "A", ru = "А", kk = "А", specify = true }, { code = 0, en = "None", ru = "Нет", kk = "Жоқ", exclusive = true }]
exclusive = [1]
max_choices = 2
special = ["dk", "rf"]
relevant = "Q100 > 0"
choice_filter = "choice != 5"

[[question.validation]]
rule = "count_selected(.) <= 2"
severity = "warning"
message = { en = "M", ru = "М", kk = "М" }"#), true),
        ("misspelt field", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"integer\"\nrelevnt = \"Q100 > 0\""), false),
        ("misspelt type", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"singel\"\ncodelist = \"L_YESNO\""), false),
        ("no text", STUDY.into(), CODELISTS.into(), block_with("id = \"Q101\"\ntype = \"integer\""), false),
        ("text with a foreign language", STUDY.into(), CODELISTS.into(), block_with("id = \"Q101\"\ntype = \"integer\"\ntext = { en = \"Q\", de = \"F\" }"), false),
        ("bad question id", STUDY.into(), CODELISTS.into(), q("id = \"1Q01\"\ntype = \"integer\""), false),
        ("question id with a dot", STUDY.into(), CODELISTS.into(), q("id = \"Q1.2\"\ntype = \"integer\""), false),
        ("question id of 33 characters", STUDY.into(), CODELISTS.into(), q(&format!("id = \"{}\"\ntype = \"integer\"", "v".repeat(33))), false),
        ("a study's own variable names", STUDY.into(), CODELISTS.into(), q("id = \"q4_age\"\ntype = \"integer\""), true),
        ("lowercase and mixed ids", STUDY.into(), CODELISTS.into(), q("id = \"B2a\"\ntype = \"integer\"\nrelevant = \"Q100 > 0\""), true),
        ("an expression word as id", STUDY.into(), CODELISTS.into(), q("id = \"count\"\ntype = \"integer\""), false),
        ("a Stata word as id", STUDY.into(), CODELISTS.into(), q("id = \"str80\"\ntype = \"integer\""), false),
        ("an SPSS word as id", STUDY.into(), CODELISTS.into(), q("id = \"BY\"\ntype = \"integer\""), false),
        ("max_choices on a single", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"single\"\ncodelist = \"L_YESNO\"\nmax_choices = 1"), false),
        ("currencies on an integer", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"integer\"\ncurrencies = [\"KZT\"]"), false),
        ("rows on a single", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"single\"\ncodelist = \"L_YESNO\"\nrows = [{ id = \"r1\" }]"), false),
        ("min_label on an integer", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"integer\"\nmin_label = { en = \"L\" }"), false),
        ("choice_filter on an integer", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"integer\"\nchoice_filter = \"choice > 1\""), false),
        ("study: a constant named like a keyword", format!("{STUDY}[constants]\nnull = 1\n"), CODELISTS.into(), q("id = \"Q101\"\ntype = \"integer\""), false),
        ("special xx", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"integer\"\nspecial = [\"dk\", \"xx\"]"), false),
        ("severity fatal", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"integer\"\n[[question.validation]]\nrule = \". > 0\"\nseverity = \"fatal\"\nmessage = { en = \"M\", ru = \"М\", kk = \"М\" }"), false),
        ("codelist and options", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"single\"\ncodelist = \"L_YESNO\"\noptions = [{ code = 1, en = \"A\", ru = \"А\", kk = \"А\" }]"), false),
        ("single without options", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"single\""), false),
        ("single with empty options", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"single\"\noptions = []"), false),
        ("options on an integer", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"integer\"\ncodelist = \"L_YESNO\""), false),
        ("min on a text", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"text\"\nmin = 1"), false),
        ("scale without max", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"scale\"\nmin = 1"), false),
        ("scale", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"scale\"\nmin = 1\nmax = 10\nmin_label = { en = \"L\", ru = \"Л\", kk = \"Т\" }\nmax_label = { en = \"H\", ru = \"В\", kk = \"Ж\" }"), true),
        ("grid without rows", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"grid\"\ncodelist = \"L_YESNO\""), false),
        ("grid", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"grid\"\ncodelist = \"L_YESNO\"\nrows = [{ id = \"r1\", en = \"R\", ru = \"Р\", kk = \"Р\" }]"), true),
        ("grid row with a label field", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"grid\"\ncodelist = \"L_YESNO\"\nrows = [{ id = \"r1\", label = \"R\" }]"), false),
        ("money", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"money\"\ncurrencies = [\"KZT\", \"USD\"]\nmin = 0"), true),
        ("negative show card", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"integer\"\nshow_card = -1"), false),
        ("reserved option code", STUDY.into(), CODELISTS.into(), q("id = \"Q101\"\ntype = \"single\"\noptions = [{ code = -98, en = \"DK\", ru = \"ЗН\", kk = \"БЖ\" }]"), false),
        ("negative block number", STUDY.into(), CODELISTS.into(), block_with(&format!("id = \"Q101\"\ntype = \"integer\"\n{T}")).replace("number = 1", "number = -1"), false),
        ("code list in a block", STUDY.into(), CODELISTS.into(), format!("{}\n[codelist.L_B]\noptions = [{{ code = 1, en = \"A\", ru = \"А\", kk = \"А\" }}]\n", q("id = \"Q101\"\ntype = \"single\"\ncodelist = \"L_B\"")), true),
        ("roster and calculation", STUDY.into(), CODELISTS.into(), format!(
            "{}\n[[roster]]\nid = \"members\"\ntitle = {{ en = \"M\", ru = \"Ч\", kk = \"М\" }}\nsize = \"Q100\"\nlabel = \"Q101\"\n\n\
             [[calculate]]\nid = \"NAME_LEN\"\nroster = \"members\"\nexpr = \"1\"\nlabel = {{ en = \"L\", ru = \"Д\", kk = \"Ұ\" }}\n",
            q("id = \"Q101\"\ntype = \"text\"\nroster = \"members\"\nidentifying = true")), true),
        ("roster with size and source", STUDY.into(), CODELISTS.into(), format!(
            "{}\n[[roster]]\nid = \"members\"\ntitle = {{ en = \"M\", ru = \"Ч\", kk = \"М\" }}\nsize = \"Q100\"\nsource = \"Q101\"\n",
            q("id = \"Q101\"\ntype = \"list\"")), false),
        ("roster without a size", STUDY.into(), CODELISTS.into(), format!(
            "{}\n[[roster]]\nid = \"members\"\ntitle = {{ en = \"M\", ru = \"Ч\", kk = \"М\" }}\n",
            q("id = \"Q101\"\ntype = \"text\"")), false),
        ("study: all fields", format!("{STUDY}source_language = \"en\"\ndefault_language = \"kk\"\nfieldwork = \"fieldwork.toml\"\n[constants]\nSURVEY_YEAR = 2010\nRATE = 1.5\n"), CODELISTS.into(), q("id = \"Q101\"\ntype = \"integer\"\nmin = 1900\nmax = 2010\nrelevant = \"SURVEY_YEAR > RATE\""), true),
        ("study: language KZ", STUDY.replace("[\"ru\", \"kk\", \"en\"]", "[\"ru\", \"KZ\", \" en \"]"), CODELISTS.into(), q("id = \"Q101\"\ntype = \"integer\""), true),
        ("study: language de", STUDY.replace("[\"ru\", \"kk\", \"en\"]", "[\"ru\", \"de\"]"), CODELISTS.into(), q("id = \"Q101\"\ntype = \"integer\""), false),
        ("study: misspelt field", STUDY.replace("version =", "verison ="), CODELISTS.into(), q("id = \"Q101\"\ntype = \"integer\""), false),
        ("study: text constant", format!("{STUDY}[constants]\nYEAR = \"2010\"\n"), CODELISTS.into(), q("id = \"Q101\"\ntype = \"integer\""), false),
        ("code lists: reserved code", STUDY.into(), CODELISTS.replace("code = 2", "code = -97"), q("id = \"Q101\"\ntype = \"single\"\ncodelist = \"L_YESNO\""), false),
        ("code lists: option without a code", STUDY.into(), CODELISTS.replace("code = 2, ", ""), q("id = \"Q101\"\ntype = \"single\"\ncodelist = \"L_YESNO\""), false),
        ("code lists: misspelt field", STUDY.into(), CODELISTS.replace("{ code = 1,", "{ code = 1, exclusiv = true,"), q("id = \"Q101\"\ntype = \"single\"\ncodelist = \"L_YESNO\""), false),
    ];
    let mut disagreements = Vec::new();
    for (what, study, codelists, block, accepted) in &cases {
        let mut schema_errs = Vec::new();
        for (v, text) in [(&vs, study), (&vc, codelists), (&vb, block)] {
            schema_errs.extend(errors(v, &toml_to_json(text)));
        }
        let (loaded, loader_errs) = loader_accepts(study, codelists, block);
        if schema_errs.is_empty() != *accepted {
            disagreements.push(format!(
                "{what}: the schemas {} it\n  {}",
                if *accepted { "reject" } else { "accept" },
                schema_errs.join("\n  ")
            ));
        }
        if loaded != *accepted {
            disagreements.push(format!("{what}: the loader {} it\n  {loader_errs}", if *accepted { "rejects" } else { "accepts" }));
        }
    }
    assert!(disagreements.is_empty(), "{}", disagreements.join("\n"));
}

/// Every `properties` entry, anywhere in the schema, with its JSON pointer.
fn properties<'a>(v: &'a Value, ptr: String, out: &mut Vec<(String, &'a Value)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let p = format!("{ptr}/{k}");
                if k == "properties" {
                    if let Value::Object(props) = child {
                        for (name, s) in props {
                            out.push((format!("{p}/{name}"), s));
                        }
                    }
                }
                properties(child, p, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                properties(child, format!("{ptr}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_property_is_described_and_shared_definitions_agree() {
    let mut missing = Vec::new();
    for kind in Kind::ALL {
        let s = schema_json(kind);
        assert_eq!(s["$schema"], "https://json-schema.org/draft/2020-12/schema", "{}", kind.schema_file());
        for key in ["$id", "title", "description"] {
            assert!(s[key].as_str().is_some_and(|x| !x.is_empty()), "{}: no top-level {key}", kind.schema_file());
        }
        let mut props = Vec::new();
        properties(&s, String::new(), &mut props);
        assert!(!props.is_empty());
        for (ptr, p) in props {
            // Conditionals (`allOf` .. `if`/`then`/`else`) restate properties to constrain them; those need no description.
            let conditional = ptr.contains("/allOf/");
            if !conditional && p["description"].as_str().is_none_or(|d| d.trim().is_empty()) {
                missing.push(format!("{}#{ptr}", kind.schema_file()));
            }
        }
    }
    assert!(missing.is_empty(), "properties without a description:\n{}", missing.join("\n"));

    // `text`, `option` and `codelist` are written out in each schema that needs them, so each file
    // stands alone in an editor; they must stay identical.
    let (study, codelists, block) = (schema_json(Kind::Study), schema_json(Kind::CodeLists), schema_json(Kind::Block));
    assert_eq!(study["$defs"]["text"], block["$defs"]["text"]);
    for def in ["text", "option", "codelist"] {
        assert!(block["$defs"][def].is_object(), "block.schema.json has no $defs/{def}");
        assert_eq!(codelists["$defs"][def], block["$defs"][def], "$defs/{def} differs between codelists and block schemas");
    }
    assert_eq!(codelists["properties"]["codelist"], block["properties"]["codelist"]);
}
