//! Simulated households: who lives at an address, and the answers their interview gets.
//!
//! A [`Household`] is drawn from the address's own random stream (so it does not depend on the order
//! of other draws): a head with a plausible age, a spouse, children, sometimes a parent of the head,
//! members living away, their sexes, birth years, ethnicity, migration history (who came to the city,
//! when and from where), education, activity and earnings. Screening lists its adults as the app asks
//! (line, sex, age, permanent, head, co-decision-maker, at home now), and [`Household::answers`] turns
//! the same people into the answers of the whole questionnaire, so the roster, the respondent line
//! (Q113), the migration questions of block 4 and block 5 (Q401 = Q501, Q402 = Q502 of the respondent)
//! and the income and spending questions agree with each other. What the household model does not
//! decide is left to [`Generic`] draws (attitudes, sectors, …) or to the filler's own candidates.

use std::collections::HashMap;

use dala_questionnaire::model::{QuestionType, RuleSeverity};
use dala_questionnaire::{AnswerKey, Lang, Questionnaire};
use dala_session::field::AdultInput;

pub use crate::model::CityProfile;
use rand::Rng;
use rand_chacha::ChaCha20Rng;
use rand_distr::{Distribution, LogNormal};
use serde_json::{json, Value as Json};

/// The survey year (the study's `SURVEY_YEAR`).
pub const YEAR: i32 = 2010;

/// Picks from weighted items.
pub fn pick<T: Copy>(rng: &mut ChaCha20Rng, items: &[(T, f64)]) -> T {
    let total: f64 = items.iter().map(|(_, w)| w).sum();
    let mut x = rng.random::<f64>() * total;
    for (v, w) in items {
        if x < *w {
            return *v;
        }
        x -= w;
    }
    items.last().expect("non-empty choice").0
}

/// Former Soviet republics other than Kazakhstan (the questionnaire's list).
const FSU: [i64; 14] = [643, 860, 417, 762, 795, 804, 112, 31, 268, 51, 498, 428, 440, 233];

#[derive(Clone, Debug)]
pub struct Person {
    pub line: u32,
    pub name: String,
    pub female: bool,
    pub birth: i32,
    /// L_REL: 1 head, 2 spouse, 3 child, 5 grandchild, 6 parent.
    pub rel: i64,
    /// Q110: 1 lives here, 2 away in Kazakhstan, 3 away abroad.
    pub away: i64,
    pub co_decision: bool,
    pub ethnic: i64,
    pub citizen: i64,
    pub moved: bool,
    pub arrival: i32,
    pub origin_country: i64,
    pub origin_oblast: i64,
    pub origin_settlement: i64,
    pub reason: i64,
    pub born_country: i64,
    pub born_oblast: i64,
    pub born_settlement: i64,
    pub abroad: Option<(i64, i32)>,
    pub oralman: bool,
    pub marital: i64,
    /// L_ACT main activity (15+).
    pub activity: i64,
    pub education: i64,
    pub education_year: i32,
    pub enrolled: i64,
    pub kazakh_school: bool,
    pub wage: f64,
    /// Whether this person is usually at home in the daytime on weekdays.
    pub home_by_day: bool,
}

impl Person {
    pub fn age(&self) -> i32 {
        YEAR - self.birth
    }
    pub fn employed(&self) -> bool {
        (1..=4).contains(&self.activity)
    }
}

#[derive(Clone, Debug)]
pub struct Household {
    pub members: Vec<Person>,
    /// Nobody is a permanent member (students renting, seasonal workers): no eligible person.
    pub temporary: bool,
    pub ethnic: i64,
    pub flat: bool,
    pub rooms: i64,
    pub area: f64,
    pub tenure: i64,
    pub receives: bool,
    pub sends: bool,
    pub income: f64,
}

const KZ_MALE: [&str; 20] = [
    "Ерлан",
    "Нурлан",
    "Серик",
    "Асхат",
    "Бауыржан",
    "Канат",
    "Марат",
    "Даурен",
    "Ержан",
    "Талгат",
    "Айдос",
    "Болат",
    "Арман",
    "Жандос",
    "Мурат",
    "Руслан",
    "Санжар",
    "Тимур",
    "Ербол",
    "Азамат",
];
const KZ_FEMALE: [&str; 20] = [
    "Айгуль",
    "Гульнара",
    "Динара",
    "Жанар",
    "Сауле",
    "Айжан",
    "Асель",
    "Гульмира",
    "Алия",
    "Мадина",
    "Назира",
    "Жулдыз",
    "Карлыгаш",
    "Салтанат",
    "Аружан",
    "Дана",
    "Камила",
    "Маржан",
    "Ляззат",
    "Айнур",
];
const RU_MALE: [&str; 20] = [
    "Александр",
    "Сергей",
    "Андрей",
    "Владимир",
    "Дмитрий",
    "Николай",
    "Алексей",
    "Игорь",
    "Виктор",
    "Юрий",
    "Олег",
    "Евгений",
    "Михаил",
    "Павел",
    "Иван",
    "Константин",
    "Роман",
    "Артём",
    "Денис",
    "Максим",
];
const RU_FEMALE: [&str; 20] = [
    "Елена",
    "Ольга",
    "Наталья",
    "Татьяна",
    "Ирина",
    "Светлана",
    "Людмила",
    "Галина",
    "Анна",
    "Марина",
    "Валентина",
    "Екатерина",
    "Юлия",
    "Надежда",
    "Любовь",
    "Оксана",
    "Мария",
    "Виктория",
    "Анастасия",
    "Лариса",
];

fn name(rng: &mut ChaCha20Rng, ethnic: i64, female: bool) -> String {
    let list: &[&str] = match (ethnic == 1 || ethnic == 3 || ethnic == 5 || ethnic == 14, female) {
        (true, false) => &KZ_MALE,
        (true, true) => &KZ_FEMALE,
        (false, false) => &RU_MALE,
        (false, true) => &RU_FEMALE,
    };
    list[rng.random_range(0..list.len())].to_string()
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Single,
    Couple,
    Family,
    SingleParent,
    Extended,
}

/// A person before the details: sex, birth year, relation.
struct Sketch {
    female: bool,
    birth: i32,
    rel: i64,
}

impl Household {
    /// Draws a household for an address of `city` (a flat or a single house).
    pub fn generate(rng: &mut ChaCha20Rng, city: &CityProfile, flat: bool) -> Household {
        let ethnic = pick(rng, &city.params.ethnic);
        let head_age: i32 = {
            let (lo, hi) =
                pick(rng, &[((20, 29), 0.14), ((30, 39), 0.22), ((40, 49), 0.22), ((50, 59), 0.20), ((60, 69), 0.12), ((70, 86), 0.10)]);
            rng.random_range(lo..=hi)
        };
        let p_single = if head_age < 30 {
            0.18
        } else if head_age >= 65 {
            0.30
        } else {
            0.09
        };
        let p_couple = if head_age < 30 {
            0.14
        } else if head_age >= 50 {
            0.36
        } else {
            0.05
        };
        let r = rng.random::<f64>();
        let kind = if r < p_single {
            Kind::Single
        } else if r < p_single + p_couple {
            Kind::Couple
        } else if r < p_single + p_couple + 0.12 {
            Kind::SingleParent
        } else if r < p_single + p_couple + 0.27 {
            Kind::Extended
        } else {
            Kind::Family
        };
        let head_female = match kind {
            Kind::Single => rng.random_bool(if head_age >= 65 { 0.75 } else { 0.5 }),
            Kind::SingleParent => rng.random_bool(0.86),
            _ => rng.random_bool(0.12),
        };
        let mut sketches = vec![Sketch { female: head_female, birth: YEAR - head_age, rel: 1 }];
        // The mother's age decides the children's ages.
        let mut mother_age = if head_female { head_age } else { 0 };
        if matches!(kind, Kind::Couple | Kind::Family | Kind::Extended) {
            let gap = if head_female { rng.random_range(-3..=8) } else { -rng.random_range(-2..=7) };
            let age = (head_age + gap).clamp(18, 90);
            sketches.push(Sketch { female: !head_female, birth: YEAR - age, rel: 2 });
            if !head_female {
                mother_age = age;
            }
        }
        if mother_age == 0 {
            mother_age = head_age - rng.random_range(0..=5);
        }
        if matches!(kind, Kind::Family | Kind::SingleParent | Kind::Extended) {
            let n = pick(rng, &[(1, 0.40), (2, 0.42), (3, 0.18)]);
            let mut ages: Vec<i32> = Vec::new();
            for _ in 0..n {
                let at_birth = rng.random_range(19..=36);
                let age = mother_age - at_birth;
                if age >= 0 && !ages.contains(&age) {
                    ages.push(age);
                }
            }
            if ages.is_empty() {
                ages.push(rng.random_range(0..=(mother_age - 19).clamp(0, 12)));
            }
            ages.sort_unstable_by(|a, b| b.cmp(a));
            for age in ages {
                sketches.push(Sketch { female: rng.random_bool(0.49), birth: YEAR - age, rel: 3 });
            }
        }
        if kind == Kind::Extended {
            if head_age < 52 {
                let age = (head_age + rng.random_range(21..=32)).min(92);
                sketches.push(Sketch { female: rng.random_bool(0.72), birth: YEAR - age, rel: 6 });
            } else {
                sketches.push(Sketch { female: rng.random_bool(0.5), birth: YEAR - rng.random_range(0..=12), rel: 5 });
            }
        }
        let temporary = rng.random_bool(0.012);
        let mut members: Vec<Person> = Vec::new();
        for (i, s) in sketches.iter().enumerate() {
            let age = YEAR - s.birth;
            let person_ethnic = if rng.random_bool(0.93) || s.rel == 3 || s.rel == 5 { ethnic } else { pick(rng, &city.params.ethnic) };
            // Adult children sometimes live away.
            let away = if s.rel == 3 && age >= 18 && rng.random_bool(0.22) {
                if rng.random_bool(0.45) {
                    3
                } else {
                    2
                }
            } else {
                1
            };
            members.push(Person {
                line: i as u32 + 1,
                name: name(rng, person_ethnic, s.female),
                female: s.female,
                birth: s.birth,
                rel: s.rel,
                away,
                co_decision: false,
                ethnic: person_ethnic,
                citizen: 398,
                moved: false,
                arrival: 0,
                origin_country: 398,
                origin_oblast: 0,
                origin_settlement: 0,
                reason: 0,
                born_country: 398,
                born_oblast: city.params.home_oblast.min(16),
                born_settlement: city.params.settlement,
                abroad: None,
                oralman: false,
                marital: 1,
                activity: 0,
                education: 1,
                education_year: 0,
                enrolled: 0,
                kazakh_school: false,
                wage: 0.0,
                home_by_day: false,
            });
        }
        // Co-decision-makers among the adults living here (not the head).
        for p in members.iter_mut() {
            if p.away == 1 && p.age() >= 18 && p.rel != 1 {
                p.co_decision = match p.rel {
                    2 => rng.random_bool(0.88),
                    6 => rng.random_bool(0.30),
                    _ => rng.random_bool(0.08),
                };
            }
        }
        migrate(rng, city, &mut members);
        for p in members.iter_mut() {
            personal(rng, city, p, kind);
        }
        let earners: f64 = members.iter().filter(|p| p.away == 1).map(|p| p.wage + if p.activity == 7 { 38_000.0 } else { 0.0 }).sum();
        let income = ((earners * rng.random_range(1.0..1.25)).max(25_000.0) / 1000.0).round() * 1000.0;
        let size = members.len() as i64;
        let rooms = (match size {
            1 | 2 => rng.random_range(1..=2),
            3 | 4 => rng.random_range(2..=3),
            _ => rng.random_range(3..=4),
        } + if flat { 0 } else { 1 })
        .min(8);
        let area = ((rooms as f64) * rng.random_range(14.0..20.0) + rng.random_range(8.0..20.0) + if flat { 0.0 } else { 20.0 }).round();
        let recent = members[0].moved && members[0].arrival >= 2006;
        let tenure = if recent {
            pick(rng, &[(3, 0.45), (2, 0.30), (6, 0.15), (5, 0.10)])
        } else {
            pick(rng, &[(1, 0.48), (2, 0.32), (3, 0.10), (6, 0.05), (4, 0.03), (5, 0.02)])
        };
        let any_away = members.iter().any(|p| p.away != 1);
        let receives = rng.random_bool(if any_away { 0.55 } else { 0.14 });
        let sends = rng.random_bool(if members[0].moved { 0.30 } else { 0.18 });
        Household { members, temporary, ethnic, flat, rooms, area, tenure, receives, sends, income }
    }

    /// The adults as the interviewer lists them at screening; `present` says who is at home now.
    pub fn adults(&self, present: &dyn Fn(&Person) -> bool) -> Vec<AdultInput> {
        self.members
            .iter()
            .filter(|p| p.age() >= 18)
            .map(|p| AdultInput {
                line: p.line,
                name: p.name.clone(),
                sex: if p.female { dala_fieldwork::Sex::Female } else { dala_fieldwork::Sex::Male },
                age: p.age() as u32,
                permanent: p.away == 1 && !self.temporary,
                head: p.rel == 1,
                co_decision_maker: p.co_decision,
                present: p.away == 1 && present(p),
            })
            .collect()
    }

    pub fn size(&self) -> usize {
        self.members.len()
    }
}

/// Who came to live in the city, when and from where.
fn migrate(rng: &mut ChaCha20Rng, city: &CityProfile, members: &mut [Person]) {
    let head_birth = members[0].birth;
    let head_moved = rng.random_bool(city.params.head_moved);
    let head_arrival = if head_moved { arrival_year(rng, city, head_birth) } else { None };
    let spouse_follows = rng.random_bool(0.8);
    let family_arrival = head_arrival;
    let family_origin = origin(rng, city, members[0].ethnic);
    for p in members.iter_mut() {
        let (moved, arrival, own_origin) = match p.rel {
            1 => (head_arrival.is_some(), head_arrival, false),
            2 => match family_arrival {
                Some(a) if spouse_follows && a >= p.birth => (true, Some(a), false),
                _ => match rng.random_bool(if head_moved { 0.5 } else { 0.35 }) {
                    true => match arrival_year(rng, city, p.birth) {
                        Some(a) => (true, Some(a), true),
                        None => (false, None, false),
                    },
                    false => (false, None, false),
                },
            },
            // Children born before the family came moved with it; the others were born here.
            3 | 5 => match family_arrival {
                Some(a) if p.birth < a => (true, Some(a), false),
                _ => (false, None, false),
            },
            _ => match rng.random_bool(0.5) {
                true => match arrival_year(rng, city, p.birth.max(1950)) {
                    Some(a) => (true, Some(a.max(p.birth + 1)), true),
                    None => (false, None, false),
                },
                false => (false, None, false),
            },
        };
        let (ctry, obl, sett) = if own_origin { origin(rng, city, p.ethnic) } else { family_origin };
        if moved {
            let arrival = arrival.expect("a mover has an arrival year").clamp(p.birth, YEAR);
            p.moved = true;
            p.arrival = arrival;
            p.origin_country = ctry;
            p.origin_oblast = obl;
            p.origin_settlement = sett;
            let age_at = arrival - p.birth;
            p.reason = if age_at < 16 {
                32
            } else if ctry != 398 && p.ethnic == 1 && !FSU.contains(&ctry) {
                51
            } else if p.rel == 2 && own_origin {
                31
            } else {
                pick(
                    rng,
                    &[
                        (12, 0.22),
                        (13, 0.14),
                        (21, if age_at < 25 { 0.30 } else { 0.03 }),
                        (32, 0.10),
                        (33, 0.08),
                        (31, 0.06),
                        (41, 0.05),
                        (11, 0.05),
                        (14, 0.03),
                        (35, 0.02),
                        (61, if age_at > 55 { 0.2 } else { 0.0 }),
                    ],
                )
            };
            // Born where they came from (mostly), or born here and came back.
            if rng.random_bool(0.88) {
                p.born_country = ctry;
                p.born_oblast = if ctry == 398 { obl.min(16) } else { 0 };
                p.born_settlement = sett;
            }
            if ctry != 398 && p.ethnic == 1 && !FSU.contains(&ctry) && p.born_country == ctry {
                p.oralman = rng.random_bool(0.85);
            }
            if ctry != 398 && arrival >= 2004 && rng.random_bool(0.35) {
                p.citizen = ctry;
            }
            if p.born_country != 398 && p.born_country != 0 {
                p.abroad = Some((p.born_country, arrival));
            }
        }
    }
}

/// The year a person (born `birth`) came to live in the city, or `None` if no year fits.
fn arrival_year(rng: &mut ChaCha20Rng, city: &CityProfile, birth: i32) -> Option<i32> {
    let earliest = (birth + 1).max(1955);
    if earliest > YEAR {
        return None;
    }
    let recent = rng.random_bool(city.params.recent_arrivals);
    let (lo, hi) = if recent { (1997.max(earliest), YEAR) } else { (earliest, 1996.max(earliest)) };
    let hi = hi.min(YEAR);
    if lo > hi {
        return Some(rng.random_range(earliest..=YEAR));
    }
    // Adults mostly move between 17 and 35.
    let prefer = (birth + 17, birth + 35);
    let (plo, phi) = (lo.max(prefer.0), hi.min(prefer.1));
    if plo <= phi && rng.random_bool(0.7) {
        return Some(rng.random_range(plo..=phi));
    }
    Some(rng.random_range(lo..=hi))
}

/// Where a mover came from: country, oblast (L_OBL, 0 abroad) and settlement type (L_SETT).
fn origin(rng: &mut ChaCha20Rng, city: &CityProfile, ethnic: i64) -> (i64, i64, i64) {
    let country = if ethnic == 1 {
        pick(rng, &[(398, 0.86), (860, 0.05), (156, 0.04), (496, 0.03), (643, 0.02)])
    } else {
        pick(rng, &[(398, 0.78), (643, 0.14), (860, 0.03), (417, 0.02), (804, 0.02), (112, 0.01)])
    };
    let oblast = if country == 398 {
        loop {
            let o = pick(rng, &city.params.origins);
            if !(city.params.oblast_is_city && o == city.params.home_oblast) {
                break o;
            }
        }
    } else {
        0
    };
    let settlement = pick(rng, &[(4, 0.45), (3, 0.15), (2, 0.35), (1, 0.05)]);
    (country, oblast, settlement)
}

/// Marital status, activity, education and earnings.
fn personal(rng: &mut ChaCha20Rng, city: &CityProfile, p: &mut Person, kind: Kind) {
    let age = p.age();
    p.marital = match (p.rel, kind) {
        (1, Kind::Couple | Kind::Family | Kind::Extended) | (2, _) => pick(rng, &[(2, 0.90), (3, 0.04), (4, 0.06)]),
        (1, Kind::Single) if age < 30 => pick(rng, &[(1, 0.85), (5, 0.15)]),
        (1, _) if age >= 65 => pick(rng, &[(7, 0.78), (5, 0.17), (1, 0.05)]),
        (1, _) => pick(rng, &[(5, 0.50), (1, 0.28), (7, 0.16), (6, 0.06)]),
        (6, _) => pick(rng, &[(7, 0.70), (2, 0.30)]),
        _ if age >= 27 => pick(rng, &[(1, 0.6), (2, 0.3), (5, 0.1)]),
        _ => 1,
    };
    let pension_age = if p.female { 58 } else { 63 };
    p.activity = if age < 15 {
        0
    } else if age < 18 {
        6
    } else if p.away != 1 {
        pick(rng, &[(1, 0.7), (6, 0.3)])
    } else if age <= 22 {
        pick(rng, &[(6, 0.55), (1, 0.35), (5, 0.10)])
    } else if age >= pension_age {
        if age < pension_age + 6 && rng.random_bool(0.25) {
            1
        } else {
            7
        }
    } else if p.female && (25..=38).contains(&age) && rng.random_bool(0.08) {
        9
    } else {
        pick(rng, &[(1, 0.72), (3, 0.08), (2, 0.03), (5, 0.06), (8, if p.female { 0.09 } else { 0.01 }), (10, 0.02)])
    };
    p.kazakh_school = p.ethnic == 1 && rng.random_bool(if p.born_country == 398 { 0.5 } else { 0.8 });
    // Education: the highest level completed, and when.
    let (level, at) = if age < 11 {
        (1, 0)
    } else if age < 16 {
        (2, 10)
    } else if age < 18 {
        (3, 15)
    } else if p.activity == 6 || age < 20 {
        (4, 17)
    } else {
        let l = pick(
            rng,
            &[
                (4, 0.24),
                (5, 0.08),
                (6, 0.27),
                (7, 0.05),
                (8, if age < 35 { 0.16 } else { 0.04 }),
                (9, if age < 35 { 0.14 } else { 0.26 }),
                (10, if age < 40 { 0.04 } else { 0.01 }),
                (11, 0.01),
            ],
        );
        let at = match l {
            4 => 17,
            5 => 19,
            6 | 7 => 20,
            8 | 9 => 22,
            10 => 24,
            _ => 30,
        };
        if p.birth + at > YEAR {
            (4, 17)
        } else {
            (l, at)
        }
    };
    p.education = level;
    p.education_year = if level >= 3 { (p.birth + at + rng.random_range(0..=1)).min(YEAR).max(p.birth + 6) } else { 0 };
    p.enrolled = if (6..18).contains(&age) {
        1
    } else if p.activity == 6 && age >= 18 {
        pick(rng, &[(3, 0.7), (2, 0.3)])
    } else {
        0
    };
    if p.employed() {
        let w = wage(rng, city.params.wage_median, city.params.wage_sigma) * if p.female { 0.8 } else { 1.0 };
        p.wage = ((w / 1000.0).round() * 1000.0).max(18_000.0);
    }
    p.home_by_day = !p.employed() || rng.random_bool(0.1);
}

/// A monthly wage: log-normal with the given median and σ of the log (`rand_distr::LogNormal`).
pub fn wage(rng: &mut ChaCha20Rng, median: f64, sigma: f64) -> f64 {
    let d = LogNormal::new(median.ln(), sigma).expect("a positive, finite sigma (checked when the file is read)");
    d.sample(rng)
}

/// Everything an interview needs to know beyond the household.
pub struct InterviewPlan<'a> {
    pub household: &'a Household,
    pub respondent: u32,
    pub lang: Lang,
    pub city: &'a CityProfile,
    pub has_entrance: bool,
    pub has_flat: bool,
    /// The study asks about members living away in the household roster (rows are member lines).
    pub away_by_line: bool,
}

fn grid(rows: &[&str], codes: &[i64]) -> Json {
    Json::Object(rows.iter().zip(codes).map(|(r, c)| (r.to_string(), json!(c))).collect())
}

fn money(amount: f64) -> Json {
    json!({"amount": amount.max(0.0).round(), "currency": "KZT"})
}

fn round_to(x: f64, step: f64) -> f64 {
    ((x / step).round() * step).max(step)
}

/// Where a mover lived before, as Q403/Q409 code it: 2 town, 3 village, 4 other Soviet republic / former USSR, 5 outside.
fn place_code(p: &Person) -> i64 {
    if p.origin_country == 398 {
        if p.origin_settlement == 4 {
            3
        } else {
            2
        }
    } else if FSU.contains(&p.origin_country) {
        4
    } else {
        5
    }
}

fn wage_bracket(w: f64) -> i64 {
    [15_000.0, 30_000.0, 50_000.0, 75_000.0, 100_000.0, 150_000.0, 200_000.0, 300_000.0].iter().take_while(|b| w >= **b).count() as i64 + 1
}

fn income_bracket(w: f64) -> i64 {
    [30_000.0, 60_000.0, 100_000.0, 150_000.0, 200_000.0, 300_000.0, 400_000.0, 600_000.0].iter().take_while(|b| w >= **b).count() as i64
        + 1
}

const JOBS: [(&str, i64, &str, i64); 12] = [
    ("школа", 13, "учитель", 2),
    ("больница", 14, "медсестра", 3),
    ("магазин продуктов", 6, "продавец", 5),
    ("строительная компания", 5, "каменщик", 7),
    ("банк", 10, "бухгалтер", 4),
    ("автобусный парк", 7, "водитель автобуса", 8),
    ("акимат", 12, "специалист отдела", 2),
    ("завод", 3, "слесарь", 7),
    ("кафе", 8, "повар", 5),
    ("рынок", 6, "предприниматель", 1),
    ("ТЭЦ", 4, "машинист котлов", 8),
    ("охранное агентство", 11, "охранник", 9),
];

impl InterviewPlan<'_> {
    fn person(&self, line: u32) -> &Person {
        &self.household.members[line as usize - 1]
    }

    /// The answers decided by the household, keyed like `Q104[2]`. An empty string leaves an optional
    /// question empty (the engine refuses it and the filler goes on).
    pub fn answers(&self, rng: &mut ChaCha20Rng) -> HashMap<String, Json> {
        let h = self.household;
        let r = self.person(self.respondent);
        let mut a: HashMap<String, Json> = HashMap::new();
        let mut put = |k: String, v: Json| {
            a.insert(k, v);
        };
        // Cover sheet: no building (korpus); entrance and flat only where the address has them.
        put("Q006".into(), json!(""));
        if !self.has_entrance {
            put("Q007".into(), json!(""));
        }
        if !self.has_flat {
            put("Q008".into(), json!(""));
        }
        put("Q011".into(), json!(1));
        put("Q012".into(), json!(if self.lang == Lang::Kk { 2 } else { 1 }));
        // Block 1: the roster.
        put("Q101".into(), json!(h.size()));
        for p in &h.members {
            let l = p.line;
            put(format!("Q102[{l}]"), json!(p.name));
            put(format!("Q103[{l}]"), json!(p.rel));
            put(format!("Q104[{l}]"), json!(if p.female { 2 } else { 1 }));
            put(format!("Q105[{l}]"), json!(p.birth));
            put(format!("Q106[{l}]"), json!(p.marital));
            put(format!("Q107[{l}]"), json!(p.ethnic));
            put(format!("Q108[{l}]"), json!(p.citizen));
            put(format!("Q109[{l}]"), json!(p.born_country));
            put(format!("Q109A[{l}]"), json!(if p.born_oblast >= 1 { p.born_oblast } else { self.city.params.home_oblast.min(16) }));
            put(format!("Q109B[{l}]"), json!(if p.born_settlement >= 1 { p.born_settlement } else { self.city.params.settlement }));
            put(format!("Q110[{l}]"), json!(p.away));
            if p.activity > 0 {
                put(format!("Q111[{l}]"), json!(p.activity));
            }
            put(format!("Q112[{l}]"), json!(if p.co_decision { 1 } else { 2 }));
            // Block 2.
            put(format!("Q201[{l}]"), json!(p.education));
            put(format!("Q202[{l}]"), json!(p.enrolled));
            if p.education_year > 0 {
                put(format!("Q203[{l}]"), json!(p.education_year));
            }
            let educated_here = !p.moved || p.arrival <= p.education_year;
            put(
                format!("Q204[{l}]"),
                json!(if educated_here {
                    1
                } else if p.origin_country == 398 {
                    2
                } else if p.origin_country == 643 {
                    3
                } else if FSU.contains(&p.origin_country) {
                    4
                } else {
                    5
                }),
            );
            put(
                format!("Q205[{l}]"),
                json!(if p.kazakh_school {
                    1
                } else if p.ethnic == 3 && p.born_country == 860 {
                    3
                } else {
                    2
                }),
            );
            let native = match p.ethnic {
                1 => 1,
                3 => 3,
                5 => 4,
                4 if rng.random_bool(0.3) => 5,
                6 if rng.random_bool(0.5) => 6,
                7 if rng.random_bool(0.2) => 7,
                8 if rng.random_bool(0.2) => 8,
                _ => 2,
            };
            put(format!("Q206[{l}]"), json!(native));
            let kk_rows = ["understand", "speak", "read", "write"];
            let kk: [i64; 4] = if p.ethnic == 1 {
                if p.kazakh_school || p.oralman {
                    [1, 1, 1, 1]
                } else {
                    *[[1, 1, 2, 2], [1, 2, 2, 3], [1, 1, 1, 2]].get(rng.random_range(0..3)).expect("three")
                }
            } else {
                pick(rng, &[([3, 4, 4, 4], 0.45), ([2, 3, 3, 4], 0.35), ([2, 2, 3, 3], 0.12), ([4, 4, 4, 4], 0.08)])
            };
            put(format!("Q208[{l}]"), grid(&kk_rows, &kk));
            let ru: [i64; 4] = if p.oralman {
                [3, 3, 4, 4]
            } else if p.kazakh_school {
                pick(rng, &[([1, 1, 1, 2], 0.5), ([1, 2, 2, 2], 0.3), ([1, 1, 1, 1], 0.2)])
            } else {
                [1, 1, 1, 1]
            };
            put(format!("Q209[{l}]"), grid(&kk_rows, &ru));
            let en: [i64; 2] = if p.age() < 35 {
                pick(rng, &[([4, 4], 0.45), ([3, 3], 0.38), ([2, 2], 0.15), ([1, 1], 0.02)])
            } else {
                pick(rng, &[([4, 4], 0.8), ([3, 3], 0.18), ([2, 2], 0.02)])
            };
            put(format!("Q210[{l}]"), grid(&["speak", "read"], &en));
            // Block 5A.
            put(format!("Q501[{l}]"), json!(if p.moved { 2 } else { 1 }));
            if p.moved {
                put(format!("Q502[{l}]"), json!(p.arrival));
                put(format!("Q503[{l}]"), json!(p.origin_country));
                if p.origin_country == 398 {
                    put(format!("Q503A[{l}]"), json!(p.origin_oblast));
                }
                put(format!("Q503B[{l}]"), json!(p.origin_settlement.max(1)));
                put(format!("Q504[{l}]"), json!(p.reason));
                let moves = if p.arrival >= 1991 {
                    pick(rng, &[(1, 0.7), (2, 0.2), (3, 0.1)])
                } else {
                    pick(rng, &[(0, 0.8), (1, 0.15), (2, 0.05)])
                };
                put(format!("Q505[{l}]"), json!(moves));
            }
            match p.abroad {
                Some((country, year)) => {
                    put(format!("Q506[{l}]"), json!(1));
                    put(format!("Q506A[{l}]"), json!(country));
                    put(format!("Q506B[{l}]"), json!(year.clamp(p.birth, YEAR)));
                }
                None => {
                    put(format!("Q506[{l}]"), json!(2));
                }
            }
            put(format!("Q507[{l}]"), json!(if p.oralman { 1 } else { 2 }));
        }
        // Block 2, household and respondent.
        let langs: Vec<i64> = if h.ethnic == 1 {
            match pick(rng, &[(0, 0.5), (1, 0.3), (2, 0.2)]) {
                0 => vec![1, 2],
                1 => vec![1],
                _ => vec![2],
            }
        } else {
            vec![2]
        };
        put("Q207".into(), json!(langs));
        put(
            "Q211".into(),
            json!(if r.ethnic == 1 {
                if r.kazakh_school || r.oralman {
                    1
                } else {
                    pick(rng, &[(3, 0.5), (2, 0.35), (1, 0.15)])
                }
            } else {
                2
            }),
        );
        // Block 3: the respondent's job.
        self.job(rng, r, &mut put);
        // Block 4: 1991 and 2001.
        put("Q401".into(), json!(if r.moved { 2 } else { 1 }));
        if r.moved {
            put("Q402".into(), json!(r.arrival));
        }
        let q403 = if r.birth > 1991 {
            6
        } else if !r.moved || r.arrival <= 1991 {
            1
        } else {
            place_code(r)
        };
        put("Q403".into(), json!(q403));
        put("Q404".into(), json!(r.origin_country));
        put("Q404A".into(), json!(r.origin_oblast.max(2)));
        let place = &self.city.params.places[rng.random_range(0..self.city.params.places.len())];
        put("Q404C".into(), json!(place));
        let age91 = 1991 - r.birth;
        let act91 = if age91 < 18 {
            6
        } else if age91 >= (if r.female { 55 } else { 60 }) {
            7
        } else if age91 < 23 && rng.random_bool(0.4) {
            6
        } else if r.female && rng.random_bool(0.12) {
            8
        } else {
            1
        };
        put("Q405".into(), json!(act91));
        put(
            "Q406".into(),
            json!(if r.origin_settlement == 4 && r.moved && r.arrival > 1991 {
                pick(rng, &[(2, 0.5), (3, 0.3), (1, 0.2)])
            } else {
                pick(rng, &[(1, 0.85), (4, 0.1), (6, 0.05)])
            }),
        );
        let q409 = if !r.moved || r.arrival <= 2001 { 1 } else { place_code(r) };
        put("Q409".into(), json!(q409));
        put("Q410".into(), json!(r.origin_country));
        put("Q410A".into(), json!(r.origin_oblast.clamp(1, 16)));
        put("Q410B".into(), json!(place));
        let age01 = 2001 - r.birth;
        let act01 = if age01 < 18 {
            6
        } else if age01 >= (if r.female { 57 } else { 62 }) {
            7
        } else if age01 < 23 && rng.random_bool(0.4) {
            6
        } else {
            pick(rng, &[(1, 0.78), (3, 0.08), (5, 0.08), (8, 0.06)])
        };
        put("Q411".into(), json!(act01));
        put("Q412".into(), json!(pick(rng, &[(1, 0.25), (2, 0.15), (4, 0.45), (6, 0.10), (5, 0.05)])));
        // Block 5B: the respondent's move.
        if r.moved {
            let child = r.arrival - r.birth < 18;
            let with: Vec<i64> = if child {
                vec![4]
            } else if h.members.iter().any(|p| p.rel == 2 && p.moved && p.arrival == r.arrival) {
                if h.members.iter().any(|p| p.rel == 3 && p.moved) {
                    vec![2, 3]
                } else {
                    vec![2]
                }
            } else {
                vec![pick(rng, &[(1, 0.7), (5, 0.15), (6, 0.15)])]
            };
            put("Q511".into(), json!(with));
            let mut reasons = vec![r.reason];
            if rng.random_bool(0.4) {
                let extra = pick(rng, &[(12, 0.3), (41, 0.2), (42, 0.2), (33, 0.15), (22, 0.15)]);
                if extra != r.reason {
                    reasons.push(extra);
                }
            }
            put("Q512".into(), json!(reasons));
            put("Q513".into(), json!(r.reason));
            put(
                "Q514".into(),
                json!(if child {
                    3
                } else if r.reason == 14 {
                    4
                } else if with.contains(&2) {
                    2
                } else {
                    1
                }),
            );
            put("Q515".into(), json!(if matches!(r.reason, 13 | 14) { 1 } else { 2 }));
            let fin: Vec<i64> = if child {
                vec![9]
            } else if r.reason == 14 {
                vec![7]
            } else {
                match pick(rng, &[(1, 0.45), (13, 0.2), (3, 0.1), (2, 0.08), (4, 0.07), (0, 0.1)]) {
                    13 => vec![1, 3],
                    c => vec![c],
                }
            };
            put("Q517".into(), json!(fin[0]));
            put("Q516".into(), json!(fin));
            let (amount, currency) = if r.arrival < 1992 {
                (rng.random_range(300.0..3000.0), "SUR")
            } else if r.arrival < 1994 {
                (rng.random_range(10_000.0..120_000.0), "RUB")
            } else {
                (round_to(rng.random_range(20_000.0..400_000.0) * (0.5 + (r.arrival - 1993) as f64 / 17.0), 1000.0), "KZT")
            };
            put("Q518".into(), if rng.random_bool(0.08) { json!(-98) } else { json!({"amount": amount.round(), "currency": currency}) });
            let relatives = rng.random_bool(0.55);
            let friends = rng.random_bool(0.4);
            put("Q519".into(), json!(if relatives { 1 } else { 2 }));
            put("Q520".into(), json!(if friends { 1 } else { 2 }));
            let help: Vec<i64> = if rng.random_bool(0.12) {
                vec![0]
            } else {
                let mut v = vec![pick(rng, &[(1, 0.4), (4, 0.25), (2, 0.2), (3, 0.1), (6, 0.05)])];
                if rng.random_bool(0.4) {
                    let x = pick(rng, &[(4, 0.4), (5, 0.3), (3, 0.3)]);
                    if !v.contains(&x) {
                        v.push(x);
                    }
                }
                v
            };
            put("Q521".into(), json!(help));
            put(
                "Q522".into(),
                json!(if child {
                    1
                } else if relatives {
                    pick(rng, &[(4, 0.6), (2, 0.25), (1, 0.15)])
                } else {
                    pick(rng, &[(2, 0.35), (6, 0.2), (3, 0.2), (1, 0.15), (7, 0.05), (5, 0.05)])
                }),
            );
            put(
                "Q523".into(),
                // Someone on maternity leave (activity 9) has a job (Q302 = 1), so "do not work now" does not fit.
                json!(if !r.employed() && r.activity != 9 {
                    5
                } else if child || r.arrival - r.birth < 20 {
                    4
                } else {
                    pick(rng, &[(1, 0.55), (2, 0.25), (3, 0.2)])
                }),
            );
            put("Q524".into(), json!(rng.random_range(2..=6)));
            put(
                "Q525".into(),
                json!(if r.arrival >= 2008 {
                    pick(rng, &[(1, 0.5), (2, 0.35), (3, 0.15)])
                } else {
                    pick(rng, &[(1, 0.93), (2, 0.05), (3, 0.02)])
                }),
            );
            put("Q526".into(), json!(pick(rng, &[(1, 0.3), (2, 0.35), (3, 0.2), (4, 0.1), (5, 0.05)])));
            let intend = pick(rng, &[(1, 0.88), (2, 0.07), (3, 0.05)]);
            put("Q527".into(), json!(intend));
            put("Q527A".into(), json!(pick(rng, &[(643, 0.6), (276, 0.15), (840, 0.1), (410, 0.1), (792, 0.05)])));
        }
        // Block 5C: members living away.
        let away: Vec<&Person> = h.members.iter().filter(|p| p.away != 1).collect();
        put("Q530".into(), json!(if away.is_empty() { 2 } else { 1 }));
        let mut away_country: Vec<i64> = Vec::new();
        if !away.is_empty() {
            put("Q531".into(), json!(away.iter().map(|p| p.name.clone()).collect::<Vec<_>>()));
        }
        for (i, p) in away.iter().enumerate() {
            let row = if self.away_by_line { p.line as usize } else { i + 1 };
            put(format!("Q531A[{row}]"), json!(p.rel));
            put(format!("Q532[{row}]"), json!(if p.female { 2 } else { 1 }));
            put(format!("Q532A[{row}]"), json!(p.birth));
            put(format!("Q533[{row}]"), json!(p.education));
            put(format!("Q534[{row}]"), json!(rng.random_range((p.birth + 17).clamp(2000, YEAR)..=YEAR)));
            let country = if p.away == 2 {
                398
            } else {
                pick(rng, &[(643, 0.55), (410, 0.1), (792, 0.1), (276, 0.08), (784, 0.07), (840, 0.05), (156, 0.05)])
            };
            away_country.push(country);
            put(format!("Q535[{row}]"), json!(country));
            put(
                format!("Q535A[{row}]"),
                json!(if country == 398 {
                    self.city.params.places[rng.random_range(0..self.city.params.places.len())].as_str()
                } else {
                    "—"
                }),
            );
            let why = if p.activity == 6 { 21 } else { pick(rng, &[(12, 0.6), (13, 0.3), (15, 0.1)]) };
            put(format!("Q536[{row}]"), json!([why]));
            put(format!("Q536A[{row}]"), json!(why));
            put(format!("Q537[{row}]"), json!(if p.activity == 6 { 6 } else { 1 }));
            put(format!("Q540A[{row}]"), json!(rng.random_range(35..=60)));
            put(format!("Q540B[{row}]"), json!(rng.random_range(2..=5)));
            put(format!("Q541A[{row}]"), json!(rng.random_range(2..=5)));
        }
        // Block 6: remittances.
        put("Q601".into(), json!(if h.receives { 1 } else { 2 }));
        // From whom and from where: the members living away first, else relatives in Kazakhstan or Russia.
        let mut from: Vec<i64> = Vec::new();
        let mut countries: Vec<i64> = Vec::new();
        if !away.is_empty() {
            from.push(1);
        }
        if from.is_empty() || rng.random_bool(0.3) {
            from.push(pick(rng, &[(2, 0.35), (3, 0.25), (4, 0.2), (5, 0.15), (6, 0.05)]));
        }
        for c in &away_country {
            if !countries.contains(c) {
                countries.push(*c);
            }
        }
        if countries.is_empty() || rng.random_bool(0.2) {
            let c = pick(rng, &[(398, 0.7), (643, 0.2), (410, 0.05), (792, 0.05)]);
            if !countries.contains(&c) {
                countries.push(c);
            }
        }
        from.sort_unstable();
        countries.sort_unstable();
        put("Q602".into(), json!(from));
        put("Q603".into(), json!(countries));
        let sent_to = pick(rng, &[(398, 0.75), (643, 0.15), (860, 0.05), (417, 0.05)]);
        put("Q610A".into(), json!([sent_to]));
        put("Q610".into(), json!([pick(rng, &[(2, 0.3), (3, 0.3), (4, 0.2), (5, 0.15), (6, 0.05)])]));
        put("Q604".into(), money(round_to(rng.random_range(30_000.0..600_000.0), 1000.0)));
        put("Q608A".into(), money(round_to(rng.random_range(5_000.0..150_000.0), 1000.0)));
        put("Q609".into(), json!(if h.sends { 1 } else { 2 }));
        put("Q611".into(), money(round_to(rng.random_range(20_000.0..400_000.0), 1000.0)));
        // Block 8: income, living standard, dwelling.
        let income = h.income;
        if rng.random_bool(0.06) {
            put("Q801".into(), json!(-99));
            put("Q802".into(), json!(income_bracket(income)));
        } else {
            put("Q801".into(), money(income));
        }
        let mut sources: Vec<i64> = Vec::new();
        if h.members.iter().any(|p| p.away == 1 && p.employed() && p.activity == 1) {
            sources.push(1);
        }
        if h.members.iter().any(|p| p.away == 1 && (p.activity == 2 || p.activity == 3)) {
            sources.push(2);
        }
        if h.members.iter().any(|p| p.away == 1 && p.activity == 7) {
            sources.push(3);
        }
        if h.members.iter().any(|p| p.age() < 18) && rng.random_bool(0.3) {
            sources.push(4);
        }
        if h.receives {
            sources.push(if h.members.iter().any(|p| p.away == 3) { 7 } else { 6 });
        }
        if sources.is_empty() {
            sources.push(4);
        }
        put("Q803A".into(), json!(sources[0]));
        put("Q803".into(), json!(sources));
        let per_head = income / h.size() as f64;
        put(
            "Q804".into(),
            json!(if per_head < 20_000.0 {
                pick(rng, &[(1, 0.3), (2, 0.7)])
            } else if per_head < 40_000.0 {
                pick(rng, &[(2, 0.5), (3, 0.5)])
            } else if per_head < 80_000.0 {
                pick(rng, &[(3, 0.6), (4, 0.4)])
            } else {
                pick(rng, &[(4, 0.6), (5, 0.35), (6, 0.05)])
            }),
        );
        put("Q805".into(), json!(if per_head < 30_000.0 { rng.random_range(2..=5) } else { rng.random_range(4..=7) }));
        put("Q807".into(), json!(if h.flat { 1 } else { 2 }));
        put("Q808".into(), json!(h.tenure));
        put("Q809".into(), json!(h.area));
        put("Q809A".into(), json!(h.rooms));
        let mut durables: Vec<i64> = vec![7, 9, 12];
        if h.flat {
            durables.extend([1, 2, 3, 4]);
        } else if rng.random_bool(0.5) {
            durables.extend([3, 4]);
        }
        for (code, p) in [(5, 0.65), (6, 0.3), (8, 0.5), (10, 0.6), (11, 0.4), (13, 0.4), (14, 0.2), (15, 0.1), (16, 0.45)] {
            if rng.random_bool(p) {
                durables.push(code);
            }
        }
        durables.sort_unstable();
        put("Q810".into(), json!(durables));
        let savings: Vec<i64> = match pick(rng, &[(0, 0.35), (1, 0.25), (2, 0.1), (3, 0.05), (4, 0.25)]) {
            0 => vec![1],
            1 => vec![2],
            2 => vec![1, 2],
            3 => vec![3],
            _ => vec![0],
        };
        put("Q811".into(), json!(savings));
        // Block 9: spending, in proportion to the income.
        let inc = income.max(30_000.0);
        let jitter = |rng: &mut ChaCha20Rng, share: f64| money(round_to(inc * share * rng.random_range(0.6..1.4), 500.0));
        for (q, share) in [
            ("Q901", 0.36),
            ("Q902", 0.03),
            ("Q903", 0.025),
            ("Q904", 0.9),
            ("Q905", 0.1),
            ("Q906", 0.06),
            ("Q907", 0.03),
            ("Q908", 0.45),
            ("Q909", 0.3),
            ("Q910", 0.35),
            ("Q911", 0.2),
            ("Q912", 0.7),
            ("Q913", 0.8),
        ] {
            put(q.into(), jitter(rng, share));
        }
        a
    }

    fn job(&self, rng: &mut ChaCha20Rng, r: &Person, put: &mut dyn FnMut(String, Json)) {
        let employed = r.employed();
        let maternity = r.activity == 9;
        put("Q301".into(), json!(if employed { 1 } else { 2 }));
        put("Q302".into(), json!(if maternity { 1 } else { 2 }));
        if employed || maternity {
            put(
                "Q303".into(),
                json!(match r.activity {
                    2 => 2,
                    3 => 3,
                    4 => 5,
                    _ => 1,
                }),
            );
            put(
                "Q304".into(),
                json!(if matches!(r.activity, 2 | 3) {
                    6
                } else {
                    pick(rng, &[(1, 0.25), (2, 0.15), (3, 0.05), (4, 0.45), (5, 0.08), (9, 0.02)])
                }),
            );
            let (what, sector, title, isco) = JOBS[rng.random_range(0..JOBS.len())];
            put("Q305".into(), json!(what));
            put("Q305A".into(), json!(sector));
            put("Q306".into(), json!(title));
            put("Q306A".into(), json!(isco));
            let from = (r.birth + 17).clamp(1975, YEAR);
            put("Q308".into(), json!(rng.random_range(from..=YEAR)));
            put("Q309".into(), json!(pick(rng, &[(1, 0.65), (2, 0.2), (3, 0.15)])));
            put("Q310".into(), json!(if rng.random_bool(0.8) { 1 } else { 2 }));
            put("Q311".into(), json!(pick(rng, &[(40, 0.55), (45, 0.15), (48, 0.1), (36, 0.1), (60, 0.05), (20, 0.05)])));
            let wage = if r.wage > 0.0 { r.wage } else { round_to(self.city.params.wage_median * 0.7, 1000.0) };
            if rng.random_bool(0.05) {
                put("Q312".into(), json!(-99));
                put("Q313".into(), json!(wage_bracket(wage)));
            } else {
                put("Q312".into(), money(wage));
            }
            let extra = rng.random_bool(0.08);
            put("Q314".into(), json!(if extra { 1 } else { 2 }));
            put("Q314A".into(), money(round_to(rng.random_range(10_000.0..80_000.0), 1000.0)));
        } else {
            let looking = r.activity == 5;
            put("Q315".into(), json!(if looking { 1 } else { 2 }));
            put("Q316".into(), json!(if looking || rng.random_bool(0.1) { 1 } else { 2 }));
            put(
                "Q317".into(),
                json!(match r.activity {
                    6 => 1,
                    7 => 2,
                    8 => 3,
                    10 => 4,
                    5 => 5,
                    _ => 7,
                }),
            );
        }
    }
}

/// A question the household model does not decide, answered with a plausible random value of its type.
#[derive(Clone, Debug)]
pub enum Generic {
    Single(Vec<i64>),
    Multiple { codes: Vec<i64>, max: usize },
    Grid { rows: Vec<String>, codes: Vec<i64> },
    Scale { min: i64, max: i64 },
}

/// The questions of `blocks` (by number; `None`: every block but the cover, 0) that get a random value when nothing
/// else decides them: single and multiple choices, grids and scales without a choice filter, a prefill
/// or an error rule (whose consistency a random value could break). "Other (specify)" and exclusive
/// options ("None") are not drawn.
pub fn generic_questions(q: &Questionnaire, blocks: Option<&[u32]>) -> HashMap<String, Generic> {
    let mut out = HashMap::new();
    for question in &q.questions {
        let block = q.blocks.get(question.block).map_or(0, |b| b.number);
        if blocks.map_or(block == 0, |b| !b.contains(&block)) || question.choice_filter.is_some() || question.prefill.is_some() {
            continue;
        }
        if question.validations.iter().any(|v| v.severity == RuleSeverity::Error) {
            continue;
        }
        let codes: Vec<i64> = question.options.iter().filter(|o| !o.specify && !o.exclusive).map(|o| o.code).collect();
        let g = match question.kind {
            QuestionType::Single if !codes.is_empty() => Generic::Single(codes),
            QuestionType::Multiple if !codes.is_empty() => {
                Generic::Multiple { max: question.max_choices.map_or(3, |m| (m as usize).min(3)), codes }
            }
            QuestionType::Grid if !codes.is_empty() => Generic::Grid { rows: question.rows.iter().map(|r| r.id.clone()).collect(), codes },
            QuestionType::Scale => Generic::Scale { min: question.min.unwrap_or(0.0) as i64, max: question.max.unwrap_or(10.0) as i64 },
            _ => continue,
        };
        out.insert(question.id.clone(), g);
    }
    out
}

impl Generic {
    pub fn draw(&self, rng: &mut ChaCha20Rng) -> Json {
        match self {
            Generic::Single(codes) => json!(codes[rng.random_range(0..codes.len())]),
            Generic::Multiple { codes, max } => {
                let n = rng.random_range(1..=(*max).min(codes.len()).max(1));
                let mut chosen: Vec<i64> = Vec::new();
                while chosen.len() < n {
                    let c = codes[rng.random_range(0..codes.len())];
                    if !chosen.contains(&c) {
                        chosen.push(c);
                    }
                }
                chosen.sort_unstable();
                json!(chosen)
            }
            Generic::Grid { rows, codes } => {
                Json::Object(rows.iter().map(|r| (r.clone(), json!(codes[rng.random_range(0..codes.len())]))).collect())
            }
            Generic::Scale { min, max } => json!(rng.random_range(*min..=*max)),
        }
    }
}

/// The override for one question instance: the household's answer, else a generic draw seeded by the
/// interview and the key (so it does not depend on the order of questions), else `None` (the filler
/// takes the prefill or its first acceptable candidate).
pub fn override_for(key: &AnswerKey, fixed: &HashMap<String, Json>, generic: &HashMap<String, Generic>, seed: u64) -> Option<Json> {
    let text = key.to_string();
    if let Some(v) = fixed.get(&text) {
        return Some(v.clone());
    }
    let g = generic.get(&key.question)?;
    let mut rng = dala_fieldwork::rng::stream(dala_fieldwork::rng::derive_seed(seed, &text));
    Some(g.draw(&mut rng))
}

#[cfg(test)]
mod tests {
    use super::*;
    use dala_fieldwork::rng::stream;

    fn moments(xs: &[f64]) -> (f64, f64) {
        let n = xs.len() as f64;
        let mean = xs.iter().sum::<f64>() / n;
        let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (mean, var.sqrt())
    }

    #[test]
    fn wages_are_log_normal_with_the_stated_median_and_sigma() {
        // 100 000 draws: the standard error of the log mean is 0.45 / 316 ≈ 0.0014 and of the log sd
        // ≈ 0.001, so these tolerances fail for a σ off by 0.01 (the old sum of six uniforms gave 0.32).
        let mut rng = stream(42);
        let logs: Vec<f64> = (0..100_000).map(|_| wage(&mut rng, 90_000.0, 0.45).ln()).collect();
        let (mean, sd) = moments(&logs);
        assert!((mean - 90_000f64.ln()).abs() < 0.006, "log mean {mean}");
        assert!((sd - 0.45).abs() < 0.005, "log sd {sd}");
        let mut sorted = logs.clone();
        sorted.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let median = sorted[sorted.len() / 2].exp();
        assert!((median / 90_000.0 - 1.0).abs() < 0.01, "median {median}");
        // Skewness of the log is 0 for a normal.
        let skew = logs.iter().map(|x| ((x - mean) / sd).powi(3)).sum::<f64>() / logs.len() as f64;
        assert!(skew.abs() < 0.03, "skewness {skew}");
    }

    #[test]
    fn employed_people_earn_around_the_citys_median() {
        let city = CityProfile::of("x", None);
        let mut rng = stream(7);
        let mut men = Vec::new();
        for _ in 0..4000 {
            let h = Household::generate(&mut rng, &city, true);
            men.extend(h.members.iter().filter(|p| p.employed() && !p.female && p.wage > 0.0).map(|p| p.wage));
        }
        assert!(men.len() > 1000, "{} employed men", men.len());
        men.sort_by(|a, b| a.partial_cmp(b).unwrap());
        let median = men[men.len() / 2];
        assert!((median / city.params.wage_median - 1.0).abs() < 0.05, "median wage of men {median}");
    }

    #[test]
    fn households_have_a_head_and_plausible_ages() {
        let city = CityProfile::of("x", None);
        let mut rng = stream(11);
        let mut sizes = 0usize;
        for _ in 0..2000 {
            let h = Household::generate(&mut rng, &city, false);
            assert_eq!(h.members.iter().filter(|p| p.rel == 1).count(), 1);
            assert!(h.members[0].age() >= 20);
            assert!(h.members.iter().all(|p| (0..=95).contains(&p.age())));
            sizes += h.size();
        }
        let mean = sizes as f64 / 2000.0;
        assert!((2.6..3.4).contains(&mean), "mean size {mean}");
    }
}
