//! Contact attempts: one record per visit to an address, and the address's final AAPOR disposition.
//!
//! Every visit is logged with its time (passed in by the caller), mode, interim outcome code from the
//! protocol's contact record (Part 3.3), evidence of occupancy, number of households, appointment,
//! refuser's sex and approximate age, reason and note. An address stays open until it is closed with
//! [`ContactLog::close`], which derives its final disposition (Part 3.4) and refuses to make it a final
//! non-response before the minimum visits are made (KMRS: 3 visits, one at or after 18:00, one at a
//! weekend), unless the deciding outcome is one the settings let close at once (a hard refusal, say).
//!
//! The disposition comes from the visits by one rule: the last visit decides, except that a visit
//! that learned something about the household (anything but no answer, a locked entrance, a guard,
//! an unsafe place, an address not found, or "other") outranks later visits that learned nothing.
//! Evidence of occupancy from any visit turns "no answer" into "no one at residence" (2.24, an
//! eligible non-contact) instead of an unknown-eligibility case (3.10).

use chrono::{Datelike, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::error::FieldworkError;
use crate::text::Localized;
use crate::walk::DwellingType;
use crate::Sex;

/// The interim outcome of one visit (the protocol's contact record codes, Part 3.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum InterimCode {
    /// 11: complete interview.
    Complete,
    /// 12: partial interview.
    Partial,
    /// 21: appointment made.
    Appointment,
    /// 22: respondent unavailable.
    RespondentUnavailable,
    /// 31: no answer.
    NoAnswer,
    /// 32: entrance locked.
    EntranceLocked,
    /// 33: guard refused entry.
    GuardRefusedEntry,
    /// 34: unsafe place or dog.
    UnsafeOrDog,
    /// 41: household refusal before respondent selection.
    HouseholdRefusal,
    /// 42: the selected respondent refused.
    SelectedRespondentRefused,
    /// 43: break-off.
    BreakOff,
    /// 44: hard refusal.
    HardRefusal,
    /// 51: language barrier.
    LanguageBarrier,
    /// 52: ill or incapable.
    IllOrIncapable,
    /// 53: away for the whole fieldwork period.
    AwayForFieldwork,
    /// 61: not a dwelling.
    NotADwelling,
    /// 62: vacant or under construction.
    Vacant,
    /// 63: address not found.
    AddressNotFound,
    /// 64: no eligible person.
    NoEligiblePerson,
    /// 65: quota filled.
    QuotaFilled,
    /// 66: seasonal home.
    SeasonalHome,
    /// 99: other.
    Other,
}

impl InterimCode {
    /// Every code in numeric order.
    pub const ALL: [InterimCode; 22] = [
        InterimCode::Complete,
        InterimCode::Partial,
        InterimCode::Appointment,
        InterimCode::RespondentUnavailable,
        InterimCode::NoAnswer,
        InterimCode::EntranceLocked,
        InterimCode::GuardRefusedEntry,
        InterimCode::UnsafeOrDog,
        InterimCode::HouseholdRefusal,
        InterimCode::SelectedRespondentRefused,
        InterimCode::BreakOff,
        InterimCode::HardRefusal,
        InterimCode::LanguageBarrier,
        InterimCode::IllOrIncapable,
        InterimCode::AwayForFieldwork,
        InterimCode::NotADwelling,
        InterimCode::Vacant,
        InterimCode::AddressNotFound,
        InterimCode::NoEligiblePerson,
        InterimCode::QuotaFilled,
        InterimCode::SeasonalHome,
        InterimCode::Other,
    ];

    /// The numeric code of the contact record.
    pub fn code(self) -> u16 {
        use InterimCode::*;
        match self {
            Complete => 11,
            Partial => 12,
            Appointment => 21,
            RespondentUnavailable => 22,
            NoAnswer => 31,
            EntranceLocked => 32,
            GuardRefusedEntry => 33,
            UnsafeOrDog => 34,
            HouseholdRefusal => 41,
            SelectedRespondentRefused => 42,
            BreakOff => 43,
            HardRefusal => 44,
            LanguageBarrier => 51,
            IllOrIncapable => 52,
            AwayForFieldwork => 53,
            NotADwelling => 61,
            Vacant => 62,
            AddressNotFound => 63,
            NoEligiblePerson => 64,
            QuotaFilled => 65,
            SeasonalHome => 66,
            Other => 99,
        }
    }

    /// Whether the visit learned something about the household or the address (see the module doc):
    /// such a visit outranks later visits that did not.
    pub fn is_informative(self) -> bool {
        use InterimCode::*;
        !matches!(self, NoAnswer | EntranceLocked | GuardRefusedEntry | UnsafeOrDog | AddressNotFound | Other)
    }

    /// The label shown to the interviewer.
    pub fn label(self) -> Localized {
        use InterimCode::*;
        let (ru, kk, en) = match self {
            Complete => ("Интервью завершено", "Сұхбат аяқталды", "Complete interview"),
            Partial => ("Частичное интервью", "Ішінара сұхбат", "Partial interview"),
            Appointment => ("Назначена встреча", "Кездесу уақыты белгіленді", "Appointment made"),
            RespondentUnavailable => ("Респондент недоступен", "Респондент қолжетімсіз", "Respondent unavailable"),
            NoAnswer => ("Никто не открыл", "Ешкім ашпады", "No answer"),
            EntranceLocked => ("Подъезд закрыт", "Кіреберіс жабық", "Entrance locked"),
            GuardRefusedEntry => ("Охрана не пустила", "Күзет кіргізбеді", "Guard refused entry"),
            UnsafeOrDog => ("Опасно / собака", "Қауіпті / ит", "Unsafe / dog"),
            HouseholdRefusal => (
                "Отказ домохозяйства до отбора респондента",
                "Респондент таңдалғанға дейін үй шаруашылығы бас тартты",
                "Household refusal before selection",
            ),
            SelectedRespondentRefused => ("Отказ выбранного респондента", "Таңдалған респондент бас тартты", "Selected respondent refused"),
            BreakOff => ("Интервью прервано", "Сұхбат үзілді", "Break-off"),
            HardRefusal => ("Категорический отказ", "Үзілді-кесілді бас тарту", "Hard refusal"),
            LanguageBarrier => ("Языковой барьер", "Тіл кедергісі", "Language barrier"),
            IllOrIncapable => ("Болен / не в состоянии отвечать", "Науқас / жауап бере алмайды", "Ill or incapable"),
            AwayForFieldwork => ("В отъезде на весь период опроса", "Сауалнаманың бүкіл кезеңінде жоқ", "Away for the whole fieldwork"),
            NotADwelling => ("Нежилое помещение", "Тұрғын емес үй-жай", "Not a dwelling"),
            Vacant => ("Пустует / строится", "Бос / салынып жатыр", "Vacant or under construction"),
            AddressNotFound => ("Адрес не найден", "Мекенжай табылмады", "Address not found"),
            NoEligiblePerson => ("Нет подходящего респондента", "Сәйкес респондент жоқ", "No eligible person"),
            QuotaFilled => ("Квота заполнена", "Квота толды", "Quota filled"),
            SeasonalHome => ("Сезонное жильё", "Маусымдық тұрғын үй", "Seasonal home"),
            Other => ("Другое", "Басқа", "Other"),
        };
        Localized::new(ru, kk, en)
    }
}

impl TryFrom<u16> for InterimCode {
    type Error = u16;

    fn try_from(n: u16) -> Result<InterimCode, u16> {
        InterimCode::ALL.into_iter().find(|c| c.code() == n).ok_or(n)
    }
}

impl Serialize for InterimCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u16(self.code())
    }
}

impl<'de> Deserialize<'de> for InterimCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<InterimCode, D::Error> {
        let n = u16::deserialize(d)?;
        InterimCode::try_from(n).map_err(|n| serde::de::Error::custom(format!("{n} is not an interim outcome code")))
    }
}

/// The AAPOR outcome class of a disposition, as counted by the rates (Part 3.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum OutcomeClass {
    /// Complete interview.
    I,
    /// Partial interview.
    P,
    /// Refusal and break-off.
    R,
    /// Non-contact.
    NC,
    /// Other eligible non-interview.
    O,
    /// Unknown if household / occupied housing unit.
    UH,
    /// Unknown eligibility, other.
    UO,
    /// Not eligible.
    NE,
}

/// A final AAPOR disposition for an in-person household survey (Part 3.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Disposition {
    /// 1.1
    Complete,
    /// 1.2
    Partial,
    /// 2.111
    HouseholdRefusal,
    /// 2.112
    KnownRespondentRefusal,
    /// 2.12
    BreakOff,
    /// 2.23
    UnableToEnterBuilding,
    /// 2.24
    NoOneAtResidence,
    /// 2.25
    RespondentAway,
    /// 2.32
    PhysicallyMentallyUnable,
    /// 2.33
    Language,
    /// 3.10
    UnknownIfOccupied,
    /// 3.17
    UnableToReach,
    /// 3.18
    UnableToLocate,
    /// 3.21: no screener completed (a refusal before screening while one sex's places on the route
    /// were all taken: whether the household had an eligible person of the open sex is unknown).
    NoScreenerCompleted,
    /// 3.90
    OtherUnknown,
    /// 4.51
    NotHousingUnit,
    /// 4.61
    VacantUnit,
    /// 4.62
    SeasonalUnit,
    /// 4.70
    NoEligibleRespondent,
    /// 4.80
    QuotaFilled,
}

impl Disposition {
    /// Every disposition in code order.
    pub const ALL: [Disposition; 20] = [
        Disposition::Complete,
        Disposition::Partial,
        Disposition::HouseholdRefusal,
        Disposition::KnownRespondentRefusal,
        Disposition::BreakOff,
        Disposition::UnableToEnterBuilding,
        Disposition::NoOneAtResidence,
        Disposition::RespondentAway,
        Disposition::PhysicallyMentallyUnable,
        Disposition::Language,
        Disposition::UnknownIfOccupied,
        Disposition::UnableToReach,
        Disposition::UnableToLocate,
        Disposition::NoScreenerCompleted,
        Disposition::OtherUnknown,
        Disposition::NotHousingUnit,
        Disposition::VacantUnit,
        Disposition::SeasonalUnit,
        Disposition::NoEligibleRespondent,
        Disposition::QuotaFilled,
    ];

    /// The AAPOR code, `2.111`.
    pub fn code(self) -> &'static str {
        use Disposition::*;
        match self {
            Complete => "1.1",
            Partial => "1.2",
            HouseholdRefusal => "2.111",
            KnownRespondentRefusal => "2.112",
            BreakOff => "2.12",
            UnableToEnterBuilding => "2.23",
            NoOneAtResidence => "2.24",
            RespondentAway => "2.25",
            PhysicallyMentallyUnable => "2.32",
            Language => "2.33",
            UnknownIfOccupied => "3.10",
            UnableToReach => "3.17",
            UnableToLocate => "3.18",
            NoScreenerCompleted => "3.21",
            OtherUnknown => "3.90",
            NotHousingUnit => "4.51",
            VacantUnit => "4.61",
            SeasonalUnit => "4.62",
            NoEligibleRespondent => "4.70",
            QuotaFilled => "4.80",
        }
    }

    /// The outcome class the rates count it in.
    pub fn class(self) -> OutcomeClass {
        use Disposition::*;
        match self {
            Complete => OutcomeClass::I,
            Partial => OutcomeClass::P,
            HouseholdRefusal | KnownRespondentRefusal | BreakOff => OutcomeClass::R,
            UnableToEnterBuilding | NoOneAtResidence | RespondentAway => OutcomeClass::NC,
            PhysicallyMentallyUnable | Language => OutcomeClass::O,
            UnknownIfOccupied | UnableToReach | UnableToLocate => OutcomeClass::UH,
            NoScreenerCompleted | OtherUnknown => OutcomeClass::UO,
            NotHousingUnit | VacantUnit | SeasonalUnit | NoEligibleRespondent | QuotaFilled => OutcomeClass::NE,
        }
    }

    /// Whether the disposition is a non-response (an eligible non-interview or unknown eligibility),
    /// the kind the minimum-visits rule guards.
    pub fn is_non_response(self) -> bool {
        matches!(self.class(), OutcomeClass::R | OutcomeClass::NC | OutcomeClass::O | OutcomeClass::UH | OutcomeClass::UO)
    }

    /// The label for reports.
    pub fn label(self) -> Localized {
        use Disposition::*;
        let (ru, kk, en) = match self {
            Complete => ("Полное интервью", "Толық сұхбат", "Complete"),
            Partial => ("Частичное интервью", "Ішінара сұхбат", "Partial"),
            HouseholdRefusal => ("Отказ домохозяйства", "Үй шаруашылығының бас тартуы", "Household-level refusal"),
            KnownRespondentRefusal => ("Отказ известного респондента", "Белгілі респонденттің бас тартуы", "Known-respondent refusal"),
            BreakOff => ("Прерванное интервью", "Үзілген сұхбат", "Break-off"),
            UnableToEnterBuilding => (
                "Не удалось войти в здание или дойти до жилья",
                "Ғимаратқа кіру немесе тұрғын үйге жету мүмкін болмады",
                "Unable to enter building or reach housing unit",
            ),
            NoOneAtResidence => ("Никого нет дома", "Үйде ешкім жоқ", "No one at residence"),
            RespondentAway => {
                ("Респондент в отъезде или недоступен", "Респондент кетіп қалған немесе қолжетімсіз", "Respondent away or unavailable")
            }
            PhysicallyMentallyUnable => {
                ("Не может отвечать по состоянию здоровья", "Денсаулығына байланысты жауап бере алмайды", "Physically or mentally unable")
            }
            Language => ("Языковой барьер", "Тіл кедергісі", "Language"),
            UnknownIfOccupied => ("Неизвестно, есть ли жильцы", "Тұрғындары бар-жоғы белгісіз", "Unknown if occupied housing unit"),
            UnableToReach => ("Невозможно добраться, опасно", "Жету мүмкін емес, қауіпті", "Unable to reach / unsafe area"),
            UnableToLocate => ("Адрес не найден", "Мекенжай табылмады", "Unable to locate address"),
            NoScreenerCompleted => (
                "Отбор в домохозяйстве не проведён, пригодность неизвестна",
                "Үй шаруашылығында іріктеу жүргізілмеді, сәйкестігі белгісіз",
                "No screener completed, eligibility unknown",
            ),
            OtherUnknown => ("Прочее, пригодность неизвестна", "Басқа, сәйкестігі белгісіз", "Other, eligibility unknown"),
            NotHousingUnit => ("Нежилое помещение", "Тұрғын үй емес", "Not a housing unit"),
            VacantUnit => ("Пустующее жильё", "Бос тұрғын үй", "Vacant housing unit"),
            SeasonalUnit => ("Сезонное жильё", "Маусымдық тұрғын үй", "Seasonal housing unit"),
            NoEligibleRespondent => ("Нет подходящего респондента", "Сәйкес респондент жоқ", "No eligible respondent"),
            QuotaFilled => ("Квота заполнена", "Квота толды", "Quota filled"),
        };
        Localized::new(ru, kk, en)
    }

    /// The disposition for a deciding interim code, given whether the address is known to be occupied,
    /// when nothing else is known of the visit: a hard refusal (44) is the household's (2.111), as
    /// no respondent is known to have been chosen. [`Disposition::of_visit`] reads what the visit
    /// recorded besides its code.
    pub fn from_interim(code: InterimCode, occupied: bool) -> Disposition {
        use InterimCode as C;
        match code {
            C::Complete => Disposition::Complete,
            C::Partial => Disposition::Partial,
            C::Appointment | C::RespondentUnavailable | C::AwayForFieldwork => Disposition::RespondentAway,
            C::NoAnswer if occupied => Disposition::NoOneAtResidence,
            C::NoAnswer => Disposition::UnknownIfOccupied,
            C::EntranceLocked | C::GuardRefusedEntry | C::UnsafeOrDog if occupied => Disposition::UnableToEnterBuilding,
            C::EntranceLocked | C::GuardRefusedEntry | C::UnsafeOrDog => Disposition::UnableToReach,
            C::HouseholdRefusal | C::HardRefusal => Disposition::HouseholdRefusal,
            C::SelectedRespondentRefused => Disposition::KnownRespondentRefusal,
            C::BreakOff => Disposition::BreakOff,
            C::LanguageBarrier => Disposition::Language,
            C::IllOrIncapable => Disposition::PhysicallyMentallyUnable,
            C::NotADwelling => Disposition::NotHousingUnit,
            C::Vacant => Disposition::VacantUnit,
            C::AddressNotFound => Disposition::UnableToLocate,
            C::NoEligiblePerson => Disposition::NoEligibleRespondent,
            C::QuotaFilled => Disposition::QuotaFilled,
            C::SeasonalHome => Disposition::SeasonalUnit,
            C::Other => Disposition::OtherUnknown,
        }
    }
}

impl Disposition {
    /// The disposition a deciding visit leads to, reading what the visit recorded besides its code:
    ///
    /// - a hard refusal (44) once the household's respondent was chosen is that person's refusal
    ///   (2.112); before, it is the household's (2.111), like 41;
    /// - a refusal before a respondent was chosen (41, 44) while the route had no free place for
    ///   one sex is 3.21, no screener completed: under the gender quota a household is eligible only
    ///   if it has an eligible person of a sex with a free place, which the refusal kept hidden, so
    ///   the case is one of unknown eligibility (counted in U, and in RR3/RR4 through `e`), not a
    ///   refusal of an eligible household;
    /// - otherwise [`Disposition::from_interim`] (so 32, 33 and 34 at an address known to be occupied
    ///   are 2.23, unable to enter the building or reach the housing unit).
    pub fn of_visit(visit: &Visit, occupied: bool) -> Disposition {
        match visit.outcome {
            InterimCode::HouseholdRefusal | InterimCode::HardRefusal if !visit.respondent_chosen && !visit.full_sexes.is_empty() => {
                Disposition::NoScreenerCompleted
            }
            InterimCode::HardRefusal if visit.respondent_chosen => Disposition::KnownRespondentRefusal,
            code => Disposition::from_interim(code, occupied),
        }
    }
}

impl TryFrom<&str> for Disposition {
    type Error = String;

    fn try_from(code: &str) -> Result<Disposition, String> {
        Disposition::ALL.into_iter().find(|d| d.code() == code).ok_or_else(|| code.to_string())
    }
}

impl Serialize for Disposition {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Disposition {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Disposition, D::Error> {
        let code = String::deserialize(d)?;
        Disposition::try_from(code.as_str()).map_err(|c| serde::de::Error::custom(format!("{c} is not a known AAPOR disposition")))
    }
}

/// How the interviewer reached the household on a visit.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
#[ts(export, rename = "ContactMode")]
pub enum Mode {
    #[default]
    Door,
    Intercom,
    Phone,
}

/// What the interviewer could see of a person who refused.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Refuser {
    pub sex: Option<Sex>,
    pub approximate_age: Option<u32>,
}

/// One visit to an address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Visit {
    /// Local date and time of the visit, from the device's clock via the caller.
    pub at: NaiveDateTime,
    pub mode: Mode,
    pub outcome: InterimCode,
    /// Signs that someone lives there (light, voices, washing, a neighbour's word).
    pub evidence_of_occupancy: bool,
    /// Households found at the address, when learned.
    pub households: Option<u32>,
    /// The agreed time of the next visit.
    pub appointment: Option<NaiveDateTime>,
    pub refuser: Option<Refuser>,
    /// The refusal (or other) reason in the interviewer's words.
    pub reason: Option<String>,
    pub note: Option<String>,
    /// The household's respondent had been chosen (screening proposed one) when the visit was made.
    /// Set by the caller from its screening record; a hard refusal before that is the household's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub respondent_chosen: bool,
    /// The sexes with no free place on the route (achieved or held) when the visit was made, set by
    /// the caller from the route's quota cell; see [`Disposition::of_visit`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub full_sexes: Vec<Sex>,
}

impl Visit {
    /// A door visit with only a time and an outcome; set the other fields with struct update syntax.
    pub fn new(at: NaiveDateTime, outcome: InterimCode) -> Visit {
        Visit {
            at,
            mode: Mode::Door,
            outcome,
            evidence_of_occupancy: false,
            households: None,
            appointment: None,
            refuser: None,
            reason: None,
            note: None,
            respondent_chosen: false,
            full_sexes: Vec::new(),
        }
    }
}

/// The minimum visits before a final non-response (from the study settings).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitRules {
    /// Visits in all (KMRS: 3).
    pub minimum: u32,
    /// A visit at or after this time counts as an evening visit (KMRS: 18:00).
    pub evening_from: NaiveTime,
    /// Evening visits required among them (KMRS: 1).
    pub evening_visits: u32,
    /// Weekend visits required among them (KMRS: 1).
    pub weekend_visits: u32,
    pub weekend_days: Vec<Weekday>,
    /// Deciding interim codes that may close an address at once.
    pub final_without_minimum: Vec<InterimCode>,
    /// Count at most one visit per calendar day (local time) towards the minimum, the evening and the
    /// weekend visits (KMRS: true; the protocol's "on different days"). Three visits at 18:00, 18:05
    /// and 18:10 on one Saturday are then one visit, one evening visit and one weekend visit.
    #[serde(default = "yes")]
    pub different_days: bool,
}

fn yes() -> bool {
    true
}

/// How long before an appointment's time a visit still counts as keeping it (an interviewer who
/// comes a little early has kept the appointment).
pub const APPOINTMENT_EARLY_MINUTES: i64 = 30;

/// What an address still lacks before it may become a final non-response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct VisitShortfall {
    pub visits_made: u32,
    pub visits_required: u32,
    pub evening_made: u32,
    pub evening_required: u32,
    /// The time from which a visit counts as an evening visit, for the message.
    pub evening_from: NaiveTime,
    pub weekend_made: u32,
    pub weekend_required: u32,
    /// Visits are counted once per calendar day (`VisitRules::different_days`): `visits_made`,
    /// `evening_made` and `weekend_made` are then days.
    #[serde(default)]
    pub different_days: bool,
}

/// Checks the minimum-visits rule over a list of visits. With `different_days`, each count is of
/// distinct calendar days (local dates): days with a visit, days with an evening visit, weekend days
/// with a visit.
pub fn check_minimum_visits(visits: &[Visit], rules: &VisitRules) -> Result<(), VisitShortfall> {
    let count = |keep: &dyn Fn(&Visit) -> bool| -> u32 {
        let kept = visits.iter().filter(|v| keep(v));
        if rules.different_days {
            kept.map(|v| v.at.date()).collect::<std::collections::BTreeSet<_>>().len() as u32
        } else {
            kept.count() as u32
        }
    };
    let shortfall = VisitShortfall {
        visits_made: count(&|_| true),
        visits_required: rules.minimum,
        evening_made: count(&|v| v.at.time() >= rules.evening_from),
        evening_required: rules.evening_visits,
        evening_from: rules.evening_from,
        weekend_made: count(&|v| rules.weekend_days.contains(&v.at.weekday())),
        weekend_required: rules.weekend_visits,
        different_days: rules.different_days,
    };
    if shortfall.visits_made >= shortfall.visits_required
        && shortfall.evening_made >= shortfall.evening_required
        && shortfall.weekend_made >= shortfall.weekend_required
    {
        Ok(())
    } else {
        Err(shortfall)
    }
}

/// An appointment not yet kept: the 1-based number of the visit that made it and its time, if agreed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingAppointment {
    pub visit: u32,
    pub at: Option<NaiveDateTime>,
}

/// The appointment the address still owes, if any. The last visit that made an appointment (21, or
/// any visit with an agreed time) is pending until a later visit keeps it, one at or after its time
/// less [`APPOINTMENT_EARLY_MINUTES`] (any later visit when no time was agreed), or a later visit
/// settles it by speaking with the household (an informative outcome other than 21 and 22: a
/// complete, a refusal, "away for the whole fieldwork", an ineligible household ...).
pub fn pending_appointment(visits: &[Visit]) -> Option<PendingAppointment> {
    let i = visits.iter().rposition(|v| v.outcome == InterimCode::Appointment || v.appointment.is_some())?;
    let made = &visits[i];
    let due = made.appointment.map(|t| t - chrono::Duration::minutes(APPOINTMENT_EARLY_MINUTES));
    let done = visits[i + 1..].iter().any(|v| {
        due.is_none_or(|due| v.at >= due)
            || (v.outcome.is_informative() && !matches!(v.outcome, InterimCode::Appointment | InterimCode::RespondentUnavailable))
    });
    (!done).then_some(PendingAppointment { visit: i as u32 + 1, at: made.appointment })
}

/// The disposition the visits lead to and the 0-based index of the deciding visit; `None` without visits.
pub fn derive_disposition(visits: &[Visit]) -> Option<(Disposition, usize)> {
    let last = visits.len().checked_sub(1)?;
    let deciding = visits.iter().rposition(|v| v.outcome.is_informative()).unwrap_or(last);
    // Someone lives there if a visit saw signs of it, counted households, or spoke with the household
    // (an informative outcome other than the address being no dwelling, vacant or a seasonal home).
    let occupied = visits.iter().any(|v| {
        v.evidence_of_occupancy
            || v.households.is_some_and(|h| h > 0)
            || (v.outcome.is_informative()
                && !matches!(v.outcome, InterimCode::NotADwelling | InterimCode::Vacant | InterimCode::SeasonalHome))
    });
    Some((Disposition::of_visit(&visits[deciding], occupied), deciding))
}

/// A closed address: its final disposition and which visit decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Closure {
    pub disposition: Disposition,
    /// The 1-based number of the deciding visit.
    pub deciding_visit: u32,
}

/// Where an address stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum AddressStatus {
    /// No visit yet.
    NotVisited,
    /// Visited and still open: the disposition it would get now, and what closing it still needs.
    Open {
        visits: u32,
        provisional: Disposition,
        shortfall: Option<VisitShortfall>,
    },
    Closed(Closure),
}

/// The contact record of one address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactLog {
    /// The address key from the walk (`almaty-R07/s0/h19`).
    pub address: String,
    pub route: String,
    pub dwelling: DwellingType,
    pub visits: Vec<Visit>,
    pub closed: Option<Closure>,
}

impl ContactLog {
    /// An address with no visit yet.
    pub fn new(address: impl Into<String>, route: impl Into<String>, dwelling: DwellingType) -> ContactLog {
        ContactLog { address: address.into(), route: route.into(), dwelling, visits: Vec::new(), closed: None }
    }

    /// Logs a visit and returns its 1-based number. Visits come in time order; a closed address takes
    /// no more visits; an appointment lies after the visit.
    pub fn record_visit(&mut self, visit: Visit) -> Result<u32, FieldworkError> {
        if self.closed.is_some() {
            return Err(FieldworkError::AddressClosed { address: self.address.clone() });
        }
        if let Some(previous) = self.visits.last() {
            if visit.at < previous.at {
                return Err(FieldworkError::VisitOutOfOrder { address: self.address.clone(), previous: previous.at, at: visit.at });
            }
        }
        if let Some(appointment) = visit.appointment {
            if appointment <= visit.at {
                return Err(FieldworkError::AppointmentNotAfterVisit { at: visit.at, appointment });
            }
        }
        self.visits.push(visit);
        Ok(self.visits.len() as u32)
    }

    /// The disposition the address would get if it were closed now.
    pub fn provisional(&self) -> Option<Disposition> {
        derive_disposition(&self.visits).map(|(d, _)| d)
    }

    /// Whether the address may be closed now, and if not, what it lacks: an appointment still to keep
    /// ([`pending_appointment`]), or, for a non-response, the minimum visits.
    pub fn can_close(&self, rules: &VisitRules) -> Result<Disposition, FieldworkError> {
        let Some((disposition, deciding)) = derive_disposition(&self.visits) else {
            return Err(FieldworkError::NoVisits { address: self.address.clone() });
        };
        if let Some(pending) = pending_appointment(&self.visits) {
            return Err(FieldworkError::AppointmentPending { address: self.address.clone(), visit: pending.visit, at: pending.at });
        }
        let exempt = rules.final_without_minimum.contains(&self.visits[deciding].outcome);
        if disposition.is_non_response() && !exempt {
            if let Err(shortfall) = check_minimum_visits(&self.visits, rules) {
                return Err(FieldworkError::MinimumVisitsNotMet { address: self.address.clone(), shortfall });
            }
        }
        Ok(disposition)
    }

    /// Closes the address with its final disposition, or says why it cannot be closed yet.
    pub fn close(&mut self, rules: &VisitRules) -> Result<Disposition, FieldworkError> {
        if let Some(c) = &self.closed {
            return Ok(c.disposition);
        }
        let disposition = self.can_close(rules)?;
        let deciding = derive_disposition(&self.visits).map_or(0, |(_, i)| i);
        self.closed = Some(Closure { disposition, deciding_visit: deciding as u32 + 1 });
        Ok(disposition)
    }

    /// Where the address stands under the rules.
    pub fn status(&self, rules: &VisitRules) -> AddressStatus {
        if let Some(c) = &self.closed {
            return AddressStatus::Closed(c.clone());
        }
        let Some(provisional) = self.provisional() else {
            return AddressStatus::NotVisited;
        };
        let shortfall = match self.can_close(rules) {
            Err(FieldworkError::MinimumVisitsNotMet { shortfall, .. }) => Some(shortfall),
            _ => None,
        };
        AddressStatus::Open { visits: self.visits.len() as u32, provisional, shortfall }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(day: u32, hour: u32) -> NaiveDateTime {
        // October 2010: the 11th is a Monday, the 16th a Saturday.
        NaiveDate::from_ymd_opt(2010, 10, day).unwrap().and_hms_opt(hour, 0, 0).unwrap()
    }

    fn kmrs_rules() -> VisitRules {
        VisitRules {
            minimum: 3,
            evening_from: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
            evening_visits: 1,
            weekend_visits: 1,
            weekend_days: vec![Weekday::Sat, Weekday::Sun],
            final_without_minimum: vec![
                InterimCode::UnsafeOrDog,
                InterimCode::HardRefusal,
                InterimCode::IllOrIncapable,
                InterimCode::AwayForFieldwork,
                InterimCode::AddressNotFound,
            ],
            different_days: true,
        }
    }

    fn log_with(visits: &[(u32, u32, InterimCode)]) -> ContactLog {
        let mut log = ContactLog::new("almaty-R01/s0/h19", "almaty-R01", DwellingType::SingleHouse);
        for (day, hour, code) in visits {
            log.record_visit(Visit::new(at(*day, *hour), *code)).unwrap();
        }
        log
    }

    #[test]
    fn codes_round_trip_and_every_code_maps() {
        for code in InterimCode::ALL {
            assert_eq!(InterimCode::try_from(code.code()), Ok(code));
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, code.code().to_string());
            assert_eq!(serde_json::from_str::<InterimCode>(&json).unwrap(), code);
            let _ = Disposition::from_interim(code, true);
        }
        assert_eq!(InterimCode::try_from(45), Err(45));
        for d in Disposition::ALL {
            assert_eq!(serde_json::from_str::<Disposition>(&serde_json::to_string(&d).unwrap()).unwrap(), d);
        }
    }

    #[test]
    fn interim_codes_map_to_the_protocol_table() {
        use Disposition as D;
        use InterimCode as C;
        let table = [
            (C::Complete, true, D::Complete, "1.1"),
            (C::Partial, true, D::Partial, "1.2"),
            (C::HouseholdRefusal, true, D::HouseholdRefusal, "2.111"),
            (C::SelectedRespondentRefused, true, D::KnownRespondentRefusal, "2.112"),
            (C::HardRefusal, true, D::HouseholdRefusal, "2.111"),
            (C::BreakOff, true, D::BreakOff, "2.12"),
            (C::EntranceLocked, true, D::UnableToEnterBuilding, "2.23"),
            (C::GuardRefusedEntry, true, D::UnableToEnterBuilding, "2.23"),
            (C::UnsafeOrDog, true, D::UnableToEnterBuilding, "2.23"),
            (C::NoAnswer, true, D::NoOneAtResidence, "2.24"),
            (C::AwayForFieldwork, true, D::RespondentAway, "2.25"),
            (C::IllOrIncapable, true, D::PhysicallyMentallyUnable, "2.32"),
            (C::LanguageBarrier, true, D::Language, "2.33"),
            (C::NoAnswer, false, D::UnknownIfOccupied, "3.10"),
            (C::EntranceLocked, false, D::UnableToReach, "3.17"),
            (C::UnsafeOrDog, false, D::UnableToReach, "3.17"),
            (C::AddressNotFound, false, D::UnableToLocate, "3.18"),
            (C::Other, false, D::OtherUnknown, "3.90"),
            (C::NotADwelling, false, D::NotHousingUnit, "4.51"),
            (C::Vacant, false, D::VacantUnit, "4.61"),
            (C::SeasonalHome, false, D::SeasonalUnit, "4.62"),
            (C::NoEligiblePerson, true, D::NoEligibleRespondent, "4.70"),
            (C::QuotaFilled, true, D::QuotaFilled, "4.80"),
        ];
        for (code, occupied, disposition, aapor) in table {
            assert_eq!(Disposition::from_interim(code, occupied), disposition, "{code:?}");
            assert_eq!(disposition.code(), aapor);
        }
        assert_eq!(D::QuotaFilled.class(), OutcomeClass::NE);
        assert_eq!(D::UnknownIfOccupied.class(), OutcomeClass::UH);
        assert!(D::NoOneAtResidence.is_non_response() && !D::Partial.is_non_response() && !D::VacantUnit.is_non_response());
    }

    #[test]
    fn no_final_non_response_before_the_minimum_visits() {
        // Monday 10:00, Tuesday 12:00, Wednesday 14:00: three visits, but none in the evening and none
        // at a weekend.
        let mut log = log_with(&[(11, 10, InterimCode::NoAnswer), (12, 12, InterimCode::NoAnswer), (13, 14, InterimCode::NoAnswer)]);
        let rules = kmrs_rules();
        let err = log.close(&rules).unwrap_err();
        let FieldworkError::MinimumVisitsNotMet { shortfall, .. } = &err else { panic!("{err:?}") };
        assert_eq!(
            *shortfall,
            VisitShortfall {
                visits_made: 3,
                visits_required: 3,
                evening_made: 0,
                evening_required: 1,
                evening_from: NaiveTime::from_hms_opt(18, 0, 0).unwrap(),
                weekend_made: 0,
                weekend_required: 1,
                different_days: true,
            }
        );
        assert!(err.localized().ru.contains("после 18:00"), "{}", err.localized().ru);
        assert!(matches!(
            log.status(&rules),
            AddressStatus::Open { visits: 3, provisional: Disposition::UnknownIfOccupied, shortfall: Some(_) }
        ));
        // Saturday 19:00 is both the evening and the weekend visit.
        log.record_visit(Visit { evidence_of_occupancy: true, ..Visit::new(at(16, 19), InterimCode::NoAnswer) }).unwrap();
        assert_eq!(log.close(&rules), Ok(Disposition::NoOneAtResidence));
        assert_eq!(log.closed, Some(Closure { disposition: Disposition::NoOneAtResidence, deciding_visit: 4 }));
        assert!(matches!(log.record_visit(Visit::new(at(17, 10), InterimCode::NoAnswer)), Err(FieldworkError::AddressClosed { .. })));
    }

    #[test]
    fn two_visits_are_not_enough_even_in_the_evening_at_a_weekend() {
        let log = log_with(&[(16, 19, InterimCode::HouseholdRefusal), (17, 20, InterimCode::HouseholdRefusal)]);
        let err = log.can_close(&kmrs_rules()).unwrap_err();
        assert!(matches!(
            err,
            FieldworkError::MinimumVisitsNotMet { shortfall: VisitShortfall { visits_made: 2, visits_required: 3, .. }, .. }
        ));
    }

    #[test]
    fn interviews_ineligibles_and_exempt_codes_close_at_once() {
        let rules = kmrs_rules();
        assert_eq!(log_with(&[(11, 10, InterimCode::Complete)]).close(&rules), Ok(Disposition::Complete));
        assert_eq!(log_with(&[(11, 10, InterimCode::Vacant)]).close(&rules), Ok(Disposition::VacantUnit));
        assert_eq!(log_with(&[(11, 10, InterimCode::QuotaFilled)]).close(&rules), Ok(Disposition::QuotaFilled));
        assert_eq!(log_with(&[(11, 10, InterimCode::HardRefusal)]).close(&rules), Ok(Disposition::HouseholdRefusal));
        assert_eq!(log_with(&[(11, 10, InterimCode::AddressNotFound)]).close(&rules), Ok(Disposition::UnableToLocate));
        assert!(log_with(&[(11, 10, InterimCode::HouseholdRefusal)]).close(&rules).is_err(), "a soft refusal gets its call-backs");
        assert!(matches!(ContactLog::new("a", "r", DwellingType::Flat).close(&rules), Err(FieldworkError::NoVisits { .. })));
    }

    #[test]
    fn a_contact_outranks_later_non_contacts() {
        // Refusal on Monday, then nobody opens on two later visits: the refusal decides.
        let log = log_with(&[(11, 10, InterimCode::HouseholdRefusal), (16, 19, InterimCode::NoAnswer), (18, 11, InterimCode::NoAnswer)]);
        assert_eq!(derive_disposition(&log.visits), Some((Disposition::HouseholdRefusal, 0)));
        // An appointment that was never kept: the respondent was unavailable (2.25).
        let log = log_with(&[(11, 10, InterimCode::NoAnswer), (12, 19, InterimCode::Appointment), (16, 12, InterimCode::NoAnswer)]);
        assert_eq!(derive_disposition(&log.visits), Some((Disposition::RespondentAway, 1)));
        // A later complete wins over everything before it.
        let log = log_with(&[(11, 10, InterimCode::HouseholdRefusal), (16, 19, InterimCode::Complete)]);
        assert_eq!(derive_disposition(&log.visits), Some((Disposition::Complete, 1)));
        // A vacant flat is not evidence of occupancy: a later no-answer keeps it vacant.
        let log = log_with(&[(11, 10, InterimCode::Vacant), (16, 19, InterimCode::NoAnswer)]);
        assert_eq!(derive_disposition(&log.visits), Some((Disposition::VacantUnit, 0)));
    }

    #[test]
    fn evidence_from_any_visit_makes_no_answer_an_eligible_non_contact() {
        let mut log = log_with(&[(11, 10, InterimCode::NoAnswer)]);
        log.record_visit(Visit { households: Some(1), ..Visit::new(at(12, 19), InterimCode::EntranceLocked) }).unwrap();
        assert_eq!(log.provisional(), Some(Disposition::UnableToEnterBuilding));
    }

    #[test]
    fn visits_are_checked_as_they_are_logged() {
        let mut log = log_with(&[(12, 10, InterimCode::NoAnswer)]);
        assert!(matches!(log.record_visit(Visit::new(at(11, 10), InterimCode::NoAnswer)), Err(FieldworkError::VisitOutOfOrder { .. })));
        let bad = Visit { appointment: Some(at(12, 9)), ..Visit::new(at(12, 11), InterimCode::Appointment) };
        assert!(matches!(log.record_visit(bad), Err(FieldworkError::AppointmentNotAfterVisit { .. })));
        let good = Visit {
            appointment: Some(at(13, 19)),
            refuser: None,
            mode: Mode::Intercom,
            note: Some("Просили прийти вечером".into()),
            ..Visit::new(at(12, 11), InterimCode::Appointment)
        };
        assert_eq!(log.record_visit(good), Ok(2));
        let json = serde_json::to_string(&log).unwrap();
        assert!(json.contains("\"outcome\":21"), "{json}");
        assert_eq!(serde_json::from_str::<ContactLog>(&json).unwrap(), log);
    }

    fn at_min(day: u32, hour: u32, minute: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2010, 10, day).unwrap().and_hms_opt(hour, minute, 0).unwrap()
    }

    #[test]
    fn three_visits_on_one_evening_are_one_visit() {
        // Saturday 16 October, 18:00, 18:05 and 18:10: evening and weekend, but one day.
        let mut log = ContactLog::new("a", "r", DwellingType::Flat);
        for minute in [0, 5, 10] {
            log.record_visit(Visit::new(at_min(16, 18, minute), InterimCode::NoAnswer)).unwrap();
        }
        let rules = kmrs_rules();
        let err = log.can_close(&rules).unwrap_err();
        let FieldworkError::MinimumVisitsNotMet { shortfall, .. } = &err else { panic!("{err:?}") };
        assert_eq!((shortfall.visits_made, shortfall.evening_made, shortfall.weekend_made), (1, 1, 1));
        let l = err.localized();
        assert!(l.ru.contains("в разные дни 1 из 3") && l.ru.contains("считаются одним"), "{}", l.ru);
        assert!(l.kk.contains("әр түрлі күндері 1/3"), "{}", l.kk);
        assert!(l.en.contains("1/3 visits on different days") && l.en.contains("count as one"), "{}", l.en);
        // The same visits count three times when the study turns the rule off.
        let loose = VisitRules { different_days: false, ..rules.clone() };
        assert!(log.can_close(&loose).is_ok());
        // Monday and Tuesday daytime visits make three different days.
        log.record_visit(Visit::new(at(18, 10), InterimCode::NoAnswer)).unwrap();
        assert!(log.can_close(&rules).is_err());
        log.record_visit(Visit::new(at(19, 10), InterimCode::NoAnswer)).unwrap();
        assert_eq!(log.close(&rules), Ok(Disposition::UnknownIfOccupied));
    }

    #[test]
    fn the_different_days_rule_counts_evenings_and_weekends_by_day() {
        // Monday 19:00 and 20:00, Tuesday 10:00: three days? No, two; one evening day; no weekend.
        let log = log_with(&[(11, 19, InterimCode::NoAnswer), (11, 20, InterimCode::NoAnswer), (12, 10, InterimCode::NoAnswer)]);
        let Err(shortfall) = check_minimum_visits(&log.visits, &kmrs_rules()) else { panic!() };
        assert_eq!((shortfall.visits_made, shortfall.evening_made, shortfall.weekend_made), (2, 1, 0));
    }

    #[test]
    fn no_closing_while_an_appointment_is_pending() {
        let rules = kmrs_rules();
        // Three days, an evening and a weekend visit; the last one made an appointment for Tuesday 19:00.
        let mut log = log_with(&[(11, 10, InterimCode::NoAnswer), (12, 19, InterimCode::NoAnswer)]);
        let appointment = at(19, 19);
        log.record_visit(Visit { appointment: Some(appointment), ..Visit::new(at(16, 12), InterimCode::Appointment) }).unwrap();
        let err = log.can_close(&rules).unwrap_err();
        assert_eq!(err, FieldworkError::AppointmentPending { address: log.address.clone(), visit: 3, at: Some(appointment) });
        let l = err.localized();
        assert!(l.ru.contains("встреча, назначенная при визите 3 на 2010-10-19 19:00"), "{}", l.ru);
        assert!(l.kk.contains("3-баруда белгіленген кездесу (2010-10-19 19:00)"), "{}", l.kk);
        assert!(l.en.contains("appointment made at visit 3 for 2010-10-19 19:00 has not been kept"), "{}", l.en);
        assert!(matches!(log.status(&rules), AddressStatus::Open { provisional: Disposition::RespondentAway, .. }));
        // A visit on Monday (before the appointment) does not keep it.
        log.record_visit(Visit::new(at(18, 12), InterimCode::NoAnswer)).unwrap();
        assert!(matches!(log.can_close(&rules), Err(FieldworkError::AppointmentPending { visit: 3, .. })));
        // Coming at 18:40 for 19:00 keeps it (30 minutes early at most); nobody opens: 2.25 closes.
        log.record_visit(Visit::new(at_min(19, 18, 40), InterimCode::NoAnswer)).unwrap();
        assert_eq!(pending_appointment(&log.visits), None);
        assert_eq!(log.close(&rules), Ok(Disposition::RespondentAway));
    }

    #[test]
    fn an_appointment_without_a_time_is_kept_by_any_later_visit_and_settled_by_a_contact() {
        let mut log = log_with(&[(11, 10, InterimCode::Appointment)]);
        assert_eq!(pending_appointment(&log.visits), Some(PendingAppointment { visit: 1, at: None }));
        log.record_visit(Visit::new(at(12, 10), InterimCode::NoAnswer)).unwrap();
        assert_eq!(pending_appointment(&log.visits), None);
        // An appointment for Saturday, cancelled by a hard refusal on Wednesday: the refusal settles it.
        let mut log = log_with(&[(11, 10, InterimCode::NoAnswer)]);
        log.record_visit(Visit { appointment: Some(at(16, 19)), ..Visit::new(at(12, 19), InterimCode::Appointment) }).unwrap();
        log.record_visit(Visit { mode: Mode::Phone, ..Visit::new(at(13, 11), InterimCode::HardRefusal) }).unwrap();
        assert_eq!(pending_appointment(&log.visits), None);
        assert_eq!(log.close(&kmrs_rules()), Ok(Disposition::HouseholdRefusal));
        // "Respondent unavailable" before the time does not settle it.
        let mut log = log_with(&[(11, 10, InterimCode::NoAnswer)]);
        log.record_visit(Visit { appointment: Some(at(16, 19)), ..Visit::new(at(12, 19), InterimCode::Appointment) }).unwrap();
        log.record_visit(Visit::new(at(13, 11), InterimCode::RespondentUnavailable)).unwrap();
        assert_eq!(pending_appointment(&log.visits), Some(PendingAppointment { visit: 2, at: Some(at(16, 19)) }));
        // A complete always closes.
        log.record_visit(Visit::new(at(14, 19), InterimCode::Complete)).unwrap();
        assert_eq!(log.close(&kmrs_rules()), Ok(Disposition::Complete));
    }

    #[test]
    fn a_hard_refusal_before_a_respondent_is_chosen_is_the_households() {
        let rules = kmrs_rules();
        let before = log_with(&[(11, 19, InterimCode::HardRefusal)]);
        assert_eq!(before.provisional(), Some(Disposition::HouseholdRefusal));
        assert_eq!(before.provisional().unwrap().code(), "2.111");
        let mut after = log_with(&[(11, 19, InterimCode::Appointment)]);
        after.record_visit(Visit { respondent_chosen: true, ..Visit::new(at(12, 19), InterimCode::HardRefusal) }).unwrap();
        assert_eq!(after.close(&rules), Ok(Disposition::KnownRespondentRefusal));
        assert_eq!(Disposition::KnownRespondentRefusal.code(), "2.112");
        // 42 is the selected respondent's refusal whatever the flag says.
        assert_eq!(log_with(&[(11, 19, InterimCode::SelectedRespondentRefused)]).provisional(), Some(Disposition::KnownRespondentRefusal));
    }

    #[test]
    fn an_unsafe_visit_at_an_occupied_house_is_an_eligible_non_contact() {
        let unknown = log_with(&[(11, 19, InterimCode::UnsafeOrDog)]);
        assert_eq!(unknown.provisional(), Some(Disposition::UnableToReach));
        let mut dog = ContactLog::new("a", "r", DwellingType::SingleHouse);
        dog.record_visit(Visit { evidence_of_occupancy: true, ..Visit::new(at(11, 19), InterimCode::UnsafeOrDog) }).unwrap();
        assert_eq!(dog.provisional(), Some(Disposition::UnableToEnterBuilding));
        assert_eq!(dog.provisional().unwrap().code(), "2.23");
        assert_eq!(dog.provisional().unwrap().class(), OutcomeClass::NC);
        // Occupancy learned on an earlier visit counts too.
        let mut later = ContactLog::new("a", "r", DwellingType::SingleHouse);
        later.record_visit(Visit { households: Some(1), ..Visit::new(at(11, 10), InterimCode::NoAnswer) }).unwrap();
        later.record_visit(Visit::new(at(12, 19), InterimCode::UnsafeOrDog)).unwrap();
        assert_eq!(later.close(&kmrs_rules()), Ok(Disposition::UnableToEnterBuilding));
    }

    #[test]
    fn a_refusal_before_screening_with_one_sex_full_is_no_screener_completed() {
        let full_men = |code| Visit { full_sexes: vec![Sex::Male], ..Visit::new(at(11, 19), code) };
        for code in [InterimCode::HouseholdRefusal, InterimCode::HardRefusal] {
            let mut log = ContactLog::new("a", "r", DwellingType::Flat);
            log.record_visit(full_men(code)).unwrap();
            let d = log.provisional().unwrap();
            assert_eq!((d, d.code(), d.class()), (Disposition::NoScreenerCompleted, "3.21", OutcomeClass::UO), "{code:?}");
            assert!(d.is_non_response());
        }
        // After the respondent was chosen the refusal is hers, whatever the quota.
        let chosen = Visit { respondent_chosen: true, ..full_men(InterimCode::HardRefusal) };
        assert_eq!(Disposition::of_visit(&chosen, true), Disposition::KnownRespondentRefusal);
        // Both sexes open: an eligible household's refusal.
        assert_eq!(Disposition::of_visit(&Visit::new(at(11, 19), InterimCode::HouseholdRefusal), true), Disposition::HouseholdRefusal);
        // The flags round-trip and old records (without them) still read.
        let json = serde_json::to_string(&chosen).unwrap();
        assert!(json.contains("\"respondent_chosen\":true") && json.contains("\"full_sexes\":[\"male\"]"), "{json}");
        assert_eq!(serde_json::from_str::<Visit>(&json).unwrap(), chosen);
        let plain = serde_json::to_string(&Visit::new(at(11, 19), InterimCode::NoAnswer)).unwrap();
        assert!(!plain.contains("respondent_chosen") && !plain.contains("full_sexes"), "{plain}");
    }
}
