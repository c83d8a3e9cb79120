//! The interview script format of `dala interview` (see the CLI's `script.rs` for the format in full):
//! `{"language": "ru", "at": "2010-10-20T14:30:00Z", "steps": [...]}`. Read here, in the library, so the
//! same reader is fuzzed (`crates/fuzzing`) and used by the command. Pure: text in, steps or a message in
//! the user's language out; nothing panics on any input.

use chrono::{DateTime, Utc};
use serde_json::Value as Json;

use crate::{AnswerKey, Lang};

/// A script read whole: its starting language and instant, and its steps.
pub struct Script {
    pub language: Option<Lang>,
    pub at: Option<DateTime<Utc>>,
    pub steps: Vec<Step>,
}

/// One step of a script.
pub enum Step {
    Answer {
        key: AnswerKey,
        value: Json,
        confirm: bool,
    },
    /// An answer that ends the interview, confirmed.
    End {
        key: AnswerKey,
        value: Json,
    },
    /// A number as typed, read by the session before it is recorded.
    Typed {
        key: AnswerKey,
        text: String,
        currency: Option<String>,
        confirm: bool,
    },
    Clear {
        key: AnswerKey,
    },
    Language(String),
    Complete,
}

pub fn parse_step(i: usize, v: &Json, lang: Lang) -> Result<Step, String> {
    let bad = |why_ru: &str, why_kk: &str, why_en: &str| {
        lang.pick(format!("Шаг {i}: {why_ru}"), format!("{i}-қадам: {why_kk}"), format!("Step {i}: {why_en}"))
    };
    let obj = v.as_object().ok_or_else(|| bad("ожидается объект JSON", "JSON нысаны күтіледі", "expected a JSON object"))?;
    if let Some(l) = obj.get("language") {
        return l
            .as_str()
            .map(|s| Step::Language(s.to_string()))
            .ok_or_else(|| bad("язык должен быть строкой", "тіл жол болуы керек", "language must be a string"));
    }
    if obj.get("complete").and_then(Json::as_bool) == Some(true) {
        return Ok(Step::Complete);
    }
    let q = obj
        .get("q")
        .and_then(Json::as_str)
        .ok_or_else(|| bad("нет поля \"q\" (код вопроса)", "\"q\" өрісі (сұрақ коды) жоқ", "missing \"q\" (question id)"))?;
    let roster = match obj.get("roster") {
        None | Some(Json::Null) => Vec::new(),
        Some(Json::Array(a)) => a
            .iter()
            .map(|x| x.as_u64().filter(|n| *n >= 1 && *n <= u32::MAX as u64).map(|n| n as u32))
            .collect::<Option<Vec<u32>>>()
            .ok_or_else(|| {
                bad(
                    "\"roster\" — список номеров строк от 1",
                    "\"roster\" — 1-ден басталатын жол нөмірлерінің тізімі",
                    "\"roster\" must be a list of row numbers from 1",
                )
            })?,
        Some(_) => {
            return Err(bad(
                "\"roster\" — список номеров строк от 1",
                "\"roster\" — 1-ден басталатын жол нөмірлерінің тізімі",
                "\"roster\" must be a list of row numbers from 1",
            ))
        }
    };
    let key = AnswerKey { question: q.to_string(), roster };
    if obj.get("clear").and_then(Json::as_bool) == Some(true) {
        return Ok(Step::Clear { key });
    }
    let confirm = obj.get("confirm").and_then(Json::as_bool).unwrap_or(false);
    if let Some(typed) = obj.get("typed") {
        let text = typed.as_str().ok_or_else(|| {
            bad("\"typed\" — текст, как его набирают", "\"typed\" — терілетін мәтін", "\"typed\" must be a text as typed")
        })?;
        let currency = obj.get("currency").and_then(Json::as_str).map(str::to_string);
        return Ok(Step::Typed { key, text: text.to_string(), currency, confirm });
    }
    let value = obj.get("value").cloned().ok_or_else(|| bad("нет поля \"value\"", "\"value\" өрісі жоқ", "missing \"value\""))?;
    if obj.get("end").and_then(Json::as_bool) == Some(true) {
        return Ok(Step::End { key, value });
    }
    Ok(Step::Answer { key, value, confirm })
}

/// Reads a script's text. `msg_lang`: the language of messages until the script names its own.
pub fn parse_script(text: &str, msg_lang: Lang) -> Result<Script, String> {
    let doc: Json = serde_json::from_str(text).map_err(|e| {
        msg_lang.pick(
            format!("Сценарий не является корректным JSON: {e}"),
            format!("Сценарий дұрыс JSON емес: {e}"),
            format!("The script is not valid JSON: {e}"),
        )
    })?;
    let language = match doc.get("language").and_then(Json::as_str) {
        None => None,
        Some(l) => Some(Lang::parse(l).ok_or_else(|| {
            msg_lang.pick(
                format!("Язык «{l}» в этом исследовании не предусмотрен (ru, kk, en)."),
                format!("Бұл зерттеуде «{l}» тілі қарастырылмаған (ru, kk, en)."),
                format!("Language \"{l}\" is not offered by this study (ru, kk, en)."),
            )
        })?),
    };
    let at: Option<DateTime<Utc>> = match doc.get("at") {
        None | Some(Json::Null) => None,
        Some(v) => {
            match v.as_str().and_then(|t| DateTime::parse_from_rfc3339(t).ok()) {
                Some(t) => Some(t.with_timezone(&Utc)),
                None => {
                    let cur = language.unwrap_or(msg_lang);
                    return Err(cur.pick(
                    format!("Поле \"at\" сценария должно быть моментом RFC 3339, например \"2010-10-20T14:30:00+06:00\"; получено {v}."),
                    format!("Сценарийдің \"at\" өрісі RFC 3339 уақыт сәті болуы керек, мысалы \"2010-10-20T14:30:00+06:00\"; берілгені: {v}."),
                    format!("The script's \"at\" must be an RFC 3339 instant such as \"2010-10-20T14:30:00+06:00\"; got {v}."),
                ));
                }
            }
        }
    };
    let steps_json = doc.get("steps").and_then(Json::as_array).cloned().unwrap_or_default();
    let steps =
        steps_json.iter().enumerate().map(|(i, s)| parse_step(i + 1, s, language.unwrap_or(msg_lang))).collect::<Result<Vec<_>, _>>()?;
    Ok(Script { language, at, steps })
}
