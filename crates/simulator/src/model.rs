//! What the study tells the simulator: its `simulation.toml` (which questions hold the household
//! model's variables, the per-city parameters), resolved against the questionnaire.
//!
//! The household model ([`crate::household`]) produces *variables*: the names of the questionnaire it
//! was written for (the KMRS 2010 codebook: `Q104` is a member's sex, `Q312` the respondent's net wage).
//! A study's `simulation.toml` maps each variable it wants modelled to one of its own questions
//! (`[questions]`), and names the roster of household members and the roster of members living away
//! (`[rosters]`). At load every mapped variable is checked against the study: the question must exist,
//! sit in the roster the variable is indexed by (or at top level), and every code the model writes must
//! be one of the question's options. A variable that fails any check is *not modelled*: its question is
//! answered like every other unmapped question, by the generic filler (a random value of its type where
//! that is safe, else `dala_session::autofill`'s first acceptable value), and the summary lists it. A
//! study without `simulation.toml` is simulated entirely generically. Nothing here names a KMRS id.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use dala_questionnaire::model::QuestionType;
use dala_questionnaire::{Lang, Questionnaire};
use serde::Deserialize;
use serde_json::Value as Json;

/// The file name, in the study folder.
pub const FILE: &str = "simulation.toml";

/// `simulation.toml` as written.
#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct SimulationFile {
    /// Blocks (by number) whose safe choice questions get a random value when the household model
    /// does not decide them; absent: every block.
    #[serde(default)]
    pub generic_blocks: Option<Vec<u32>>,
    #[serde(default)]
    pub rosters: Rosters,
    /// Household-model variable → the study's question id.
    #[serde(default)]
    pub questions: BTreeMap<String, String>,
    /// Per-city parameters of the household model, by the city ids of `fieldwork.toml`.
    #[serde(default)]
    pub cities: BTreeMap<String, CityParams>,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Rosters {
    /// The household roster (variables indexed by the member's line).
    pub members: Option<String>,
    /// The roster of members living away (variables indexed by their row in it). When the study asks
    /// these questions in the household roster instead, they are indexed by the member's line.
    pub away: Option<String>,
}

/// The household model's parameters for one city.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CityParams {
    /// Interviews in Kazakh as a share of all.
    pub kazakh_interviews: f64,
    /// Ethnic groups of households: [code, weight] (codes of the ethnicity question).
    pub ethnic: Vec<(i64, f64)>,
    /// The code of the city (or its oblast) in the oblast list.
    pub home_oblast: i64,
    /// Whether `home_oblast` is the city itself (a move from it is no move).
    pub oblast_is_city: bool,
    /// The city's settlement-type code.
    pub settlement: i64,
    /// Where movers within the country come from: [oblast code, weight].
    pub origins: Vec<(i64, f64)>,
    /// Probability that the head of a household came to live in the city.
    pub head_moved: f64,
    /// Share of arrivals since 1997 among movers.
    pub recent_arrivals: f64,
    /// Median monthly net wage (men; women earn 0.8 of it), in the study's currency.
    pub wage_median: f64,
    /// σ of the log wage (a log-normal around the median).
    #[serde(default = "default_sigma")]
    pub wage_sigma: f64,
    /// Settlement names for the "where was that" text questions.
    pub places: Vec<String>,
}

fn default_sigma() -> f64 {
    0.45
}

/// The per-city profile the household model draws from.
#[derive(Clone, Debug)]
pub struct CityProfile {
    pub id: String,
    pub params: CityParams,
    /// True when the study gave no parameters for this city (the documented neutral defaults).
    pub generic: bool,
}

impl CityProfile {
    /// The study's parameters for `id`, or the neutral defaults of a city the study does not describe:
    /// one ethnic group (code 1), movers from oblast code 1 (the home oblast is 0), nobody interviewed in Kazakh, a median
    /// wage of 70 000 with σ 0.45. They shape the households that are screened; their answers go
    /// through the generic filler unless the study maps the model's variables.
    pub fn of(id: &str, file: Option<&SimulationFile>) -> CityProfile {
        match file.and_then(|f| f.cities.get(id)) {
            Some(p) => CityProfile { id: id.to_string(), params: p.clone(), generic: false },
            None => CityProfile {
                id: id.to_string(),
                generic: true,
                params: CityParams {
                    kazakh_interviews: 0.0,
                    ethnic: vec![(1, 1.0)],
                    home_oblast: 0,
                    oblast_is_city: true,
                    settlement: 1,
                    origins: vec![(1, 1.0)],
                    head_moved: 0.4,
                    recent_arrivals: 0.5,
                    wage_median: 70_000.0,
                    wage_sigma: 0.45,
                    places: vec!["—".to_string()],
                },
            },
        }
    }

    /// Probability that a respondent of ethnic code 1 chooses Kazakh, so that the city's share comes out.
    pub fn kazakh_given_kazakh(&self) -> f64 {
        let kazakh = self.params.ethnic.iter().filter(|(e, _)| *e == 1).map(|(_, w)| w).sum::<f64>();
        (self.params.kazakh_interviews / kazakh.max(0.01)).min(1.0)
    }
}

/// An error in `simulation.toml`, worded in the user's language.
#[derive(Debug, Clone)]
pub struct FileError {
    pub path: String,
    pub detail: String,
}

impl FileError {
    pub fn message(&self, lang: Lang) -> String {
        lang.pick(
            format!("{}: файл симуляции не читается: {}", self.path, self.detail),
            format!("{}: симуляция файлы оқылмайды: {}", self.path, self.detail),
            format!("{}: the simulation file cannot be read: {}", self.path, self.detail),
        )
    }
}

/// Reads `<study>/simulation.toml`; `None` when the study has none.
pub fn load(study_dir: &Path) -> Result<Option<SimulationFile>, FileError> {
    let path = study_dir.join(FILE);
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|e| FileError { path: path.display().to_string(), detail: e.to_string() })?;
    parse(&text).map(Some).map_err(|detail| FileError { path: path.display().to_string(), detail })
}

pub fn parse(text: &str) -> Result<SimulationFile, String> {
    let f: SimulationFile = toml::from_str(text).map_err(|e| e.to_string())?;
    for (id, c) in &f.cities {
        let bad = |what: &str| Err(format!("cities.{id}.{what}"));
        if !(0.0..=1.0).contains(&c.kazakh_interviews) {
            return bad("kazakh_interviews");
        }
        if !(0.0..=1.0).contains(&c.head_moved) {
            return bad("head_moved");
        }
        if !(0.0..=1.0).contains(&c.recent_arrivals) {
            return bad("recent_arrivals");
        }
        if !c.wage_median.is_finite() || c.wage_median <= 0.0 {
            return bad("wage_median");
        }
        if !(c.wage_sigma > 0.0 && c.wage_sigma < 3.0) {
            return bad("wage_sigma");
        }
        if c.ethnic.is_empty() || c.ethnic.iter().any(|(_, w)| !w.is_finite() || *w < 0.0) {
            return bad("ethnic");
        }
        if c.origins.is_empty() || c.origins.iter().any(|(_, w)| !w.is_finite() || *w < 0.0) {
            return bad("origins");
        }
        if c.oblast_is_city && c.origins.iter().all(|(o, _)| *o == c.home_oblast) {
            return bad("origins");
        }
        if c.places.is_empty() {
            return bad("places");
        }
    }
    Ok(f)
}

/// How a model variable is indexed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Index {
    /// A household-level (or respondent) question.
    None,
    /// A household-roster question: `[line]`.
    Member,
    /// A question about a member living away: `[row]` of the away roster.
    Away,
}

/// Variables of the household model about members living away (indexed by their row in the away roster).
pub const AWAY_VARIABLES: [&str; 13] =
    ["Q531A", "Q532", "Q532A", "Q533", "Q534", "Q535", "Q535A", "Q536", "Q536A", "Q537", "Q540A", "Q540B", "Q541A"];

/// Where a variable goes in this study.
#[derive(Clone, Debug)]
struct Target {
    question: String,
    /// Away variables asked in the household roster: indexed by the member's line.
    away_by_line: bool,
    codes: Option<HashSet<i64>>,
    rows: Option<HashSet<String>>,
}

/// The model's variables resolved against one study.
#[derive(Clone, Debug, Default)]
pub struct Resolved {
    targets: HashMap<String, Target>,
    /// Mapped variables the study cannot take, with the reason: they are answered generically.
    pub unmodelled: BTreeMap<String, String>,
    /// Question ids that hold modelled variables.
    pub modelled_questions: HashSet<String>,
}

impl Resolved {
    pub fn new(file: Option<&SimulationFile>, study: &Questionnaire) -> Resolved {
        let mut out = Resolved::default();
        let Some(file) = file else { return out };
        let roster_of = |q: &dala_questionnaire::model::Question| q.roster.map(|r| study.rosters[r].id.clone());
        for (var, qid) in &file.questions {
            let Some(q) = study.question(qid) else {
                out.unmodelled.insert(var.clone(), format!("no question {qid}"));
                continue;
            };
            let here = roster_of(q);
            let index = if AWAY_VARIABLES.contains(&var.as_str()) { Index::Away } else { Index::None };
            let mut away_by_line = false;
            let fits = match (index, here.as_deref()) {
                (Index::Away, Some(r)) if Some(r) == file.rosters.away.as_deref() => true,
                (Index::Away, Some(r)) if Some(r) == file.rosters.members.as_deref() => {
                    away_by_line = true;
                    true
                }
                (Index::Away, _) => false,
                // Member or household level: decided by the key at translation; here the roster must be
                // the members roster or none.
                (_, None) => true,
                (_, Some(r)) => Some(r) == file.rosters.members.as_deref(),
            };
            if !fits {
                out.unmodelled.insert(var.clone(), format!("{qid} is in roster {}", here.as_deref().unwrap_or("—")));
                continue;
            }
            let codes = match q.kind {
                QuestionType::Single | QuestionType::Multiple | QuestionType::Grid => {
                    Some(q.options.iter().map(|o| o.code).chain(q.special.iter().map(|m| m.code())).collect())
                }
                _ => None,
            };
            let rows = (q.kind == QuestionType::Grid).then(|| q.rows.iter().map(|r| r.id.clone()).collect());
            out.modelled_questions.insert(qid.clone());
            out.targets.insert(var.clone(), Target { question: qid.clone(), away_by_line, codes, rows });
        }
        out
    }

    /// The study's question that holds `var`, if it is modelled.
    pub fn question(&self, var: &str) -> Option<&str> {
        self.targets.get(var).map(|t| t.question.as_str())
    }

    pub fn is_modelled(&self, var: &str) -> bool {
        self.targets.contains_key(var)
    }

    /// Whether the members-away variables are asked in the household roster (indexed by line).
    pub fn away_by_line(&self) -> bool {
        AWAY_VARIABLES.iter().any(|v| self.targets.get(*v).is_some_and(|t| t.away_by_line))
    }

    /// The model's answers (keyed `VAR` or `VAR[i]`) as the study's answer keys; answers to variables
    /// that are not modelled, or with a code the question does not offer, are left out (the generic
    /// filler answers them).
    pub fn translate(&self, answers: HashMap<String, Json>) -> HashMap<String, Json> {
        let mut out = HashMap::with_capacity(answers.len());
        for (key, value) in answers {
            let (var, index) = match key.find('[') {
                Some(i) => (&key[..i], Some(&key[i..])),
                None => (key.as_str(), None),
            };
            let Some(t) = self.targets.get(var) else { continue };
            if !self.value_fits(t, &value) {
                continue;
            }
            out.insert(format!("{}{}", t.question, index.unwrap_or("")), value);
        }
        out
    }

    fn value_fits(&self, t: &Target, value: &Json) -> bool {
        let code_ok = |v: &Json| match (&t.codes, v.as_i64()) {
            (Some(codes), Some(c)) => codes.contains(&c),
            (Some(_), None) => v.as_str() == Some(""),
            (None, _) => true,
        };
        match value {
            Json::Array(items) if t.codes.is_some() => items.iter().all(code_ok),
            Json::Object(cells) if t.rows.is_some() => {
                let rows = t.rows.as_ref().expect("checked");
                cells.iter().all(|(r, v)| rows.contains(r) && code_ok(v))
            }
            Json::Object(_) => true,
            v => code_ok(v),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bad_city_parameter_is_named() {
        let text = r#"
[cities.x]
kazakh_interviews = 1.5
ethnic = [[1, 1.0]]
home_oblast = 1
oblast_is_city = false
settlement = 1
origins = [[1, 1.0]]
head_moved = 0.4
recent_arrivals = 0.5
wage_median = 1000
places = ["a"]
"#;
        assert_eq!(parse(text).unwrap_err(), "cities.x.kazakh_interviews");
        assert!(parse(&text.replace("1.5", "0.5")).is_ok());
        assert!(parse(&text.replace("1.5", "0.5").replace("wage_median = 1000", "wage_median = 1000\nwage_sigma = 0")).is_err());
        assert!(parse("unknown = 1").is_err(), "unknown keys are refused");
    }

    #[test]
    fn a_city_without_parameters_gets_the_neutral_defaults() {
        let c = CityProfile::of("nowhere", None);
        assert!(c.generic);
        assert_eq!(c.kazakh_given_kazakh(), 0.0);
        assert_eq!(c.params.wage_sigma, 0.45);
    }
}
