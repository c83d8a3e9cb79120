//! The crate's one error type, with its messages in Russian, Kazakh and English.
//!
//! Every fallible operation returns a [`FieldworkError`] variant the caller can switch on (the UI never
//! matches message text). `Display` gives the English message for logs and the CLI; [`FieldworkError::localized`]
//! gives all three languages for the interviewer's screen. The enum serializes as
//! `{"kind": "MinimumVisitsNotMet", "detail": {...}}` so the shell can pass it to the UI unchanged.

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::contact::VisitShortfall;
use crate::frame::RowError;
use crate::selection::Ineligibility;
use crate::settings::SettingsError;
use crate::text::Localized;
use crate::Sex;

/// Everything that can go wrong in fieldwork logic.
#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "kind", content = "detail")]
pub enum FieldworkError {
    /// The fieldwork settings have problems; every one found is listed.
    #[error("the fieldwork settings have {} problem(s): {}", .0.len(), join(.0))]
    Settings(Vec<SettingsError>),
    /// The sampling frame has row-level problems; every one found is listed.
    #[error("the sampling frame has {} problem(s): {}", .0.len(), join(.0))]
    Frame(Vec<RowError>),
    /// The frame has no street for the city.
    #[error("the sampling frame has no street for the city \"{city}\"")]
    UnknownCity { city: String },
    /// More routes were asked for than the city has streets that can be drawn.
    #[error("{requested} routes were asked for in {city}, but only {available} streets can be drawn")]
    NotEnoughStreets { city: String, requested: u32, available: u32 },
    /// A draw weighted by dwellings needs the dwellings of every street of the city.
    #[error("a draw weighted by dwellings needs the dwellings of every street of {city}; missing on frame line(s) {lines:?}")]
    MissingDwellings { city: String, lines: Vec<u64> },
    /// The walk waits for the interviewer to say what the building at this number is.
    #[error("say what building No. {house} is before moving on")]
    BuildingNotDescribed { house: u32 },
    /// The route has no more addresses; the supervisor must issue a continuation start point.
    #[error("route {route} has no more addresses: a continuation start point from the supervisor is needed")]
    RouteExhausted { route: String },
    /// Only a building ahead on the current street can be described.
    #[error("building No. {house} is not ahead on this side of the street")]
    BuildingNotAhead { house: u32 },
    /// The entrances and flats entered for a building cannot be right.
    #[error("the entrances and flats of building No. {house} are not valid")]
    InvalidLayout { house: u32 },
    /// A block that cannot be entered is described with its flats (entrance signs, a flat range, or the
    /// entrances and flats counted from outside), so that its selected flats become cases.
    #[error(
        "building No. {house} cannot be entered: give its flats (the ranges on the entrance signs, or entrances and flats per entrance)"
    )]
    LockedBlockNeedsFlats { house: u32 },
    /// A house number that cannot be read (`15`, `15А`, `15/1`, `15 корп. 2` are read).
    #[error("the house number \"{text}\" cannot be read: write 15, 15А, 15/1, 15 корп. 2 or 15к2")]
    BadHouseNumber { text: String },
    /// A dead end cannot be reported while selected flats of a building are still to be approached.
    #[error("finish the selected flats of this building before reporting a dead end")]
    BlockInProgress,
    /// The continuation start point lies outside its street's number range.
    #[error("the continuation start house {start_house} is outside the range {from_number}–{to_number}")]
    InvalidContinuation { start_house: u32, from_number: u32, to_number: u32 },
    /// A visit is logged with a time before the address's previous visit.
    #[error("the visit at {at} to {address} is earlier than the previous visit at {previous}")]
    VisitOutOfOrder { address: String, previous: NaiveDateTime, at: NaiveDateTime },
    /// The appointment is not later than the visit that made it.
    #[error("the appointment {appointment} is not after the visit at {at}")]
    AppointmentNotAfterVisit { at: NaiveDateTime, appointment: NaiveDateTime },
    /// The address already has its final disposition and takes no more visits.
    #[error("the address {address} is already closed")]
    AddressClosed { address: String },
    /// An address without any visit cannot be closed.
    #[error("the address {address} has no visit yet")]
    NoVisits { address: String },
    /// The address cannot become a final non-response before the minimum visits are made.
    #[error(
        "the address {address} cannot be a final non-response yet: {}/{} visits{}, {}/{} at or after {}, {}/{} at a weekend",
        shortfall.visits_made, shortfall.visits_required, if shortfall.different_days { " on different days" } else { "" },
        shortfall.evening_made, shortfall.evening_required,
        shortfall.evening_from.format("%H:%M"), shortfall.weekend_made, shortfall.weekend_required
    )]
    MinimumVisitsNotMet { address: String, shortfall: VisitShortfall },
    /// The address owes an appointment (made at visit `visit`, at `at` when agreed) that no later
    /// visit has kept: it cannot be closed before the interviewer goes back.
    #[error("the address {address} cannot be closed: the appointment made at visit {visit}{} has not been kept", at_words(*.at))]
    AppointmentPending { address: String, visit: u32, at: Option<NaiveDateTime> },
    /// Two adults of a household were listed with the same roster line.
    #[error("two people are listed on line {line}")]
    DuplicateLine { line: u32 },
    /// No adult is listed on this line.
    #[error("nobody is listed on line {line}")]
    NoSuchPerson { line: u32 },
    /// The person chosen by override is not eligible.
    #[error("the person on line {line} is not eligible: {reasons:?}")]
    NotEligible { line: u32, reasons: Vec<Ineligibility> },
    /// An override of the proposed respondent needs a reason.
    #[error("an override of the proposed respondent needs a reason")]
    OverrideWithoutReason,
    /// A household draw needs at least one household.
    #[error("an address with no household has nothing to draw")]
    NoHouseholds,
    /// The household was drawn already, among another number of households: the draw stands.
    #[error("the household was drawn already: household {chosen} of {households}; the draw is kept")]
    HouseholdAlreadyDrawn { households: u32, chosen: u32 },
    /// The adults were listed before the household was drawn.
    #[error("draw the household before listing its adults")]
    HouseholdNotDrawn,
    /// Listing a household's adults again needs the interviewer's reason.
    #[error("screening the household again needs a reason")]
    RescreenWithoutReason,
    /// The route's cell for this sex is full and the selection was not an override.
    #[error("the {} quota of route {route} is already full", sex_words(*sex).2)]
    QuotaFull { route: String, sex: Sex },
    /// The allocation needs a cell shape the settings do not allow.
    #[error("{city}: the allocation needs routes of {female}F/{male}M, which the quota settings do not allow")]
    ShapeNotAllowed { city: String, female: u32, male: u32 },
    /// The city's planned households cannot be spread over its routes.
    #[error("{city}: {planned} planned households cannot be spread over {routes} routes")]
    ImpossibleAllocation { city: String, planned: u32, routes: u32 },
}

impl From<Vec<SettingsError>> for FieldworkError {
    fn from(errors: Vec<SettingsError>) -> FieldworkError {
        FieldworkError::Settings(errors)
    }
}

impl From<Vec<RowError>> for FieldworkError {
    fn from(errors: Vec<RowError>) -> FieldworkError {
        FieldworkError::Frame(errors)
    }
}

fn at_words(at: Option<NaiveDateTime>) -> String {
    at.map(|t| format!(" for {}", t.format("%Y-%m-%d %H:%M"))).unwrap_or_default()
}

fn join<T: std::fmt::Display>(items: &[T]) -> String {
    items.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

fn sex_words(sex: Sex) -> (&'static str, &'static str, &'static str) {
    match sex {
        Sex::Female => ("женщин", "әйелдер", "female"),
        Sex::Male => ("мужчин", "ерлер", "male"),
    }
}

fn reason_words(r: Ineligibility) -> (&'static str, &'static str, &'static str) {
    match r {
        Ineligibility::Underage => ("младше установленного возраста", "белгіленген жастан кіші", "under age"),
        Ineligibility::NotPermanent => ("не проживает постоянно", "тұрақты тұрмайды", "not a permanent member"),
        Ineligibility::NotHeadOrCoDecisionMaker => {
            ("не глава и не принимает решений", "басшы емес және шешім қабылдамайды", "neither head nor co-decision-maker")
        }
    }
}

impl FieldworkError {
    /// The message in Russian, Kazakh and English.
    pub fn localized(&self) -> Localized {
        use FieldworkError::*;
        let l = |ru: String, kk: String, en: String| Localized::new(ru, kk, en);
        match self {
            Settings(errors) => {
                let list = |lang: &str| errors.iter().map(|e| e.render(lang)).collect::<Vec<_>>().join("; ");
                l(
                    format!("В настройках полевого этапа ошибок: {}: {}", errors.len(), list("ru")),
                    format!("Далалық кезең баптауларындағы қателер: {}: {}", errors.len(), list("kk")),
                    self.to_string(),
                )
            }
            Frame(errors) => l(
                format!("В списке улиц {} ошибок: {}", errors.len(), errors.iter().map(|e| format!("строка {}: {}", e.line, e.message.ru)).collect::<Vec<_>>().join("; ")),
                format!("Көшелер тізімінде {} қате: {}", errors.len(), errors.iter().map(|e| format!("{}-жол: {}", e.line, e.message.kk)).collect::<Vec<_>>().join("; ")),
                self.to_string(),
            ),
            UnknownCity { city } => l(format!("В списке улиц нет города «{city}»."), format!("Көшелер тізімінде «{city}» қаласы жоқ."), self.to_string()),
            NotEnoughStreets { city, requested, available } => l(
                format!("Для города {city} запрошено маршрутов: {requested}, а улиц для отбора только {available}."),
                format!("{city} қаласы үшін {requested} маршрут сұралды, ал іріктеуге тек {available} көше бар."),
                self.to_string(),
            ),
            MissingDwellings { city, lines } => l(
                format!("Для отбора с весами по числу квартир нужно число квартир на каждой улице города {city}; не указано в строках {lines:?}."),
                format!("Пәтер санына қарай іріктеу үшін {city} қаласының әр көшесінің пәтер саны керек; {lines:?} жолдарында көрсетілмеген."),
                self.to_string(),
            ),
            BuildingNotDescribed { house } => l(
                format!("Укажите, что за здание № {house}, прежде чем идти дальше."),
                format!("Әрі қарай жүрмес бұрын № {house} ғимараттың түрін көрсетіңіз."),
                self.to_string(),
            ),
            RouteExhausted { route } => l(
                format!("На маршруте {route} больше нет адресов: нужна новая точка старта от супервайзера."),
                format!("{route} маршрутында басқа мекенжай жоқ: супервайзерден жаңа бастау нүктесі керек."),
                self.to_string(),
            ),
            BuildingNotAhead { house } => l(
                format!("Здание № {house} уже пройдено или не на этой стороне улицы."),
                format!("№ {house} ғимарат өтіп кеткен немесе көшенің бұл жағында емес."),
                self.to_string(),
            ),
            InvalidLayout { house } => l(
                format!("Подъезды и квартиры дома № {house} указаны неверно."),
                format!("№ {house} үйдің кіреберістері мен пәтерлері қате көрсетілген."),
                self.to_string(),
            ),
            LockedBlockNeedsFlats { house } => l(
                format!("В дом № {house} не попасть: укажите его квартиры (номера на табличках подъездов или число подъездов и квартир в каждом), чтобы отобранные квартиры стали адресами."),
                format!("№ {house} үйге кіру мүмкін емес: оның пәтерлерін көрсетіңіз (кіреберіс тақтайшаларындағы нөмірлер немесе кіреберістер саны және әрқайсысындағы пәтерлер), сонда таңдалған пәтерлер мекенжай болады."),
                self.to_string(),
            ),
            BadHouseNumber { text } => {
                crate::house::HouseNumber::parse_near(text, None).err().unwrap_or_else(|| l(text.clone(), text.clone(), self.to_string()))
            }
            BlockInProgress => l(
                "Сначала обойдите отобранные квартиры этого дома, затем отмечайте тупик.".into(),
                "Алдымен осы үйдің таңдалған пәтерлерін аралап шығыңыз, содан кейін тұйықты белгілеңіз.".into(),
                self.to_string(),
            ),
            InvalidContinuation { start_house, from_number, to_number } => l(
                format!("Дом № {start_house} для продолжения маршрута вне диапазона номеров {from_number}–{to_number}."),
                format!("Маршрутты жалғастыруға арналған № {start_house} үй {from_number}–{to_number} нөмірлер ауқымынан тыс."),
                self.to_string(),
            ),
            VisitOutOfOrder { previous, at, .. } => l(
                format!("Визит {at} раньше предыдущего визита {previous}."),
                format!("{at} келуі алдыңғы {previous} келуден ерте."),
                self.to_string(),
            ),
            AppointmentNotAfterVisit { at, appointment } => l(
                format!("Время встречи {appointment} должно быть позже визита {at}."),
                format!("Кездесу уақыты {appointment} келу уақытынан {at} кейін болуы тиіс."),
                self.to_string(),
            ),
            AddressClosed { address } => l(format!("Адрес {address} уже закрыт."), format!("{address} мекенжайы жабылған."), self.to_string()),
            NoVisits { address } => l(format!("По адресу {address} ещё не было визитов."), format!("{address} мекенжайына әлі барылған жоқ."), self.to_string()),
            MinimumVisitsNotMet { shortfall: s, .. } => {
                let time = s.evening_from.format("%H:%M");
                let (days_ru, days_kk, days_note_ru, days_note_kk) = if s.different_days {
                    (
                        " в разные дни",
                        " әр түрлі күндері",
                        " Несколько визитов в один день считаются одним.",
                        " Бір күнгі бірнеше бару бір бару болып есептеледі.",
                    )
                } else {
                    ("", "", "", "")
                };
                l(
                    format!(
                        "Адрес нельзя закрыть как окончательный отказ или недозвон: визитов{days_ru} {} из {}, вечерних (после {time}) {} из {}, в выходные {} из {}.{days_note_ru}",
                        s.visits_made, s.visits_required, s.evening_made, s.evening_required, s.weekend_made, s.weekend_required
                    ),
                    format!(
                        "Мекенжайды түпкілікті жауапсыз ретінде жабуға болмайды: келу{days_kk} {}/{}, кешкі ({time} кейін) {}/{}, демалыс күні {}/{}.{days_note_kk}",
                        s.visits_made, s.visits_required, s.evening_made, s.evening_required, s.weekend_made, s.weekend_required
                    ),
                    if s.different_days {
                        format!("{self}. Several visits on one day count as one.")
                    } else {
                        self.to_string()
                    },
                )
            }
            AppointmentPending { visit, at, .. } => {
                let when = |on: &str| at.map(|t| format!(" {on} {}", t.format("%Y-%m-%d %H:%M"))).unwrap_or_default();
                l(
                    format!("Адрес нельзя закрыть: встреча, назначенная при визите {visit}{}, ещё не состоялась. Придите в назначенное время.", when("на")),
                    format!(
                        "Мекенжайды жабуға болмайды: {visit}-баруда белгіленген кездесу{} әлі өткен жоқ. Белгіленген уақытта келіңіз.",
                        at.map(|t| format!(" ({})", t.format("%Y-%m-%d %H:%M"))).unwrap_or_default()
                    ),
                    format!("The address cannot be closed: the appointment made at visit {visit}{} has not been kept. Go back at the agreed time.", when("for")),
                )
            }
            DuplicateLine { line } => l(format!("Два человека записаны в строке {line}."), format!("{line}-жолға екі адам жазылған."), self.to_string()),
            NoSuchPerson { line } => l(format!("В строке {line} никто не записан."), format!("{line}-жолда ешкім жазылмаған."), self.to_string()),
            NotEligible { line, reasons } => {
                let (ru, kk, en): (Vec<_>, Vec<_>, Vec<_>) = reasons.iter().map(|r| reason_words(*r)).fold((vec![], vec![], vec![]), |mut acc, (a, b, c)| {
                    acc.0.push(a);
                    acc.1.push(b);
                    acc.2.push(c);
                    acc
                });
                l(
                    format!("Человек в строке {line} не может быть респондентом: {}.", ru.join(", ")),
                    format!("{line}-жолдағы адам респондент бола алмайды: {}.", kk.join(", ")),
                    format!("The person on line {line} is not eligible: {}.", en.join(", ")),
                )
            }
            OverrideWithoutReason => l(
                "Чтобы выбрать другого респондента, укажите причину.".into(),
                "Басқа респондентті таңдау үшін себебін көрсетіңіз.".into(),
                self.to_string(),
            ),
            NoHouseholds => l("По адресу нет ни одного домохозяйства.".into(), "Мекенжайда бірде-бір үй шаруашылығы жоқ.".into(), self.to_string()),
            HouseholdAlreadyDrawn { households, chosen } => l(
                format!("Домохозяйство уже выбрано: № {chosen} из {households}. Выбор не меняется; если число домохозяйств было указано неверно, сообщите супервайзеру."),
                format!("Үй шаруашылығы таңдалып қойған: {households} үй шаруашылығының № {chosen}. Таңдау өзгермейді; үй шаруашылықтарының саны қате көрсетілсе, супервайзерге хабарлаңыз."),
                format!("The household was drawn already: No. {chosen} of {households}. The draw is kept; if the number of households was wrong, tell your supervisor."),
            ),
            HouseholdNotDrawn => l(
                "Сначала выберите домохозяйство (жеребьёвка), затем перечислите его взрослых.".into(),
                "Алдымен үй шаруашылығын таңдаңыз (жеребе), содан кейін оның ересектерін тізімдеңіз.".into(),
                "Draw the household first, then list its adults.".into(),
            ),
            RescreenWithoutReason => l(
                "Чтобы перечислить взрослых заново, укажите причину: повторный отбор виден супервайзеру.".into(),
                "Ересектерді қайта тізімдеу үшін себебін көрсетіңіз: қайта іріктеуді супервайзер көреді.".into(),
                "To list the adults again, give a reason: the re-screening is shown to the supervisor.".into(),
            ),
            QuotaFull { route, sex } => {
                let (ru, kk, en) = sex_words(*sex);
                l(
                    format!("Квота {ru} на маршруте {route} уже заполнена."),
                    format!("{route} маршрутындағы {kk} квотасы толды."),
                    format!("The {en} quota of route {route} is already full."),
                )
            }
            ShapeNotAllowed { city, female, male } => l(
                format!("{city}: распределение требует маршрутов {female}Ж/{male}М, которых нет в настройках квот."),
                format!("{city}: бөлу квота баптауларында жоқ {female}Ә/{male}Е маршруттарын қажет етеді."),
                self.to_string(),
            ),
            ImpossibleAllocation { city, planned, routes } => l(
                format!("{city}: {planned} домохозяйств нельзя распределить по {routes} маршрутам."),
                format!("{city}: {planned} үй шаруашылығын {routes} маршрутқа бөлуге болмайды."),
                self.to_string(),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_serialize_as_kind_and_detail() {
        let e = FieldworkError::QuotaFull { route: "almaty-R01".into(), sex: Sex::Male };
        let v = serde_json::to_value(&e).unwrap();
        assert_eq!(v, serde_json::json!({"kind": "QuotaFull", "detail": {"route": "almaty-R01", "sex": "male"}}));
        assert_eq!(e.to_string(), "the male quota of route almaty-R01 is already full");
        let l = e.localized();
        assert_eq!(l.en, "The male quota of route almaty-R01 is already full.");
        assert_eq!(l.get("ru"), "Квота мужчин на маршруте almaty-R01 уже заполнена.");
        assert_eq!(l.get("kk"), "almaty-R01 маршрутындағы ерлер квотасы толды.");
        assert_eq!(serde_json::to_value(FieldworkError::BlockInProgress).unwrap(), serde_json::json!({"kind": "BlockInProgress"}));
    }

    #[test]
    fn settings_and_frame_problems_convert_into_the_error() {
        let e: FieldworkError = crate::frame::parse_frame("city,street_ru\nalmaty,x\n").unwrap_err().into();
        let FieldworkError::Frame(rows) = &e else { panic!("{e:?}") };
        assert!(!rows.is_empty());
        assert!(e.localized().ru.starts_with("В списке улиц"), "{}", e.localized().ru);
        let e: FieldworkError = crate::settings::FieldworkSettings::from_toml("study = 1").unwrap_err().into();
        assert!(matches!(&e, FieldworkError::Settings(list) if list.len() > 1));
        assert!(e.to_string().contains("fieldwork.toml:1:9: study: expected a text in quotes"), "{e}");
        let ru = e.localized().ru;
        assert!(ru.contains("study: ожидается текст в кавычках") && !ru.contains("expected"), "{ru}");
    }

    #[test]
    fn every_message_exists_in_three_languages() {
        let samples = [
            FieldworkError::UnknownCity { city: "x".into() },
            FieldworkError::NotEnoughStreets { city: "x".into(), requested: 5, available: 4 },
            FieldworkError::BuildingNotDescribed { house: 5 },
            FieldworkError::RouteExhausted { route: "r".into() },
            FieldworkError::NotEligible { line: 3, reasons: vec![Ineligibility::Underage, Ineligibility::NotPermanent] },
            FieldworkError::OverrideWithoutReason,
            FieldworkError::NoHouseholds,
            FieldworkError::HouseholdAlreadyDrawn { households: 3, chosen: 2 },
            FieldworkError::HouseholdNotDrawn,
            FieldworkError::RescreenWithoutReason,
            FieldworkError::AppointmentPending { address: "a".into(), visit: 2, at: None },
            FieldworkError::ShapeNotAllowed { city: "x".into(), female: 6, male: 5 },
        ];
        for e in samples {
            let l = e.localized();
            assert!(!l.ru.is_empty() && !l.kk.is_empty() && !l.en.is_empty(), "{e:?}");
            assert_ne!(l.ru, l.en, "{e:?} has no Russian text");
        }
    }
}
