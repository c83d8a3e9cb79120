//! Session errors, each with a stable kind the UI can switch on and a message in ru/kk/en.

use dala_questionnaire::load::Diagnostic;
use dala_questionnaire::number::NumberInputError;
use dala_questionnaire::{AnswerError, Lang};
use dala_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The study folder has no study.toml.
    #[error("no study found in {0}")]
    StudyNotFound(String),
    /// The study definition has errors (all of them listed).
    #[error("the study has {} error(s)", .0.len())]
    Study(Vec<Diagnostic>),
    /// A file or folder cannot be created or read.
    #[error("file error: {0}")]
    Io(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The engine refused an answer.
    #[error(transparent)]
    Answer(#[from] AnswerError),
    /// A typed number that cannot be read, or only ambiguously (the message says how to type it).
    #[error(transparent)]
    Number(#[from] NumberInputError),
    /// No interview with this id in the database.
    #[error("no interview {0}")]
    NoInterview(String),
    /// The interview belongs to another study than the one loaded.
    #[error("interview of study {interview}, but {loaded} is loaded")]
    OtherStudy { interview: String, loaded: String },
    /// A language the study does not offer.
    #[error("language {0} is not offered by this study")]
    Language(String),
    /// The interview is completed and read-only.
    #[error("the interview is completed")]
    Completed,
    /// Completion refused: open issues remain.
    #[error("{0} open issue(s) remain")]
    NotComplete(usize),
    /// A jump to a question not reached yet.
    #[error("question {0} has not been reached yet")]
    NotReached(String),
    /// A confirmation of something that is not a failing soft warning.
    #[error("there is no warning to confirm")]
    NotAWarning,
    /// A fieldwork rule refused the action (the message is the domain's own, in three languages).
    #[error(transparent)]
    Field(#[from] dala_fieldwork::FieldworkError),
    /// The study has no fieldwork settings.
    #[error("the study has no fieldwork settings")]
    NoFieldwork,
    /// A value from the interface or a command line that cannot be read.
    #[error("cannot read {0}")]
    BadInput(String),
    /// An address that is neither stored nor the walk's current target.
    #[error("unknown address {0}")]
    NoAddress(String),
    /// An interview was asked for before the household was screened.
    #[error("the household has not been screened")]
    NotScreened,
    /// Screening proposed nobody (quota filled or no eligible person).
    #[error("screening proposed no respondent")]
    NoRespondent,
    /// An appointment time for an address whose last visit did not end in an appointment.
    #[error("the last visit did not end in an appointment")]
    NoAppointmentVisit,
}

impl SessionError {
    /// A stable identifier for the UI and scripts.
    pub fn kind(&self) -> &'static str {
        match self {
            SessionError::StudyNotFound(_) => "study_not_found",
            SessionError::Study(_) => "study_invalid",
            SessionError::Io(_) => "io",
            SessionError::Store(StoreError::TooNew { .. }) => "database_too_new",
            SessionError::Store(StoreError::NoRoute(_)) => "no_route",
            SessionError::Store(StoreError::RoutesInUse(_)) => "routes_in_use",
            SessionError::Store(_) => "database",
            SessionError::Answer(_) => "answer_refused",
            SessionError::Number(_) => "number_refused",
            SessionError::NoInterview(_) => "no_interview",
            SessionError::OtherStudy { .. } => "other_study",
            SessionError::Language(_) => "language",
            SessionError::Completed => "completed",
            SessionError::NotComplete(_) => "not_complete",
            SessionError::NotReached(_) => "not_reached",
            SessionError::NotAWarning => "not_a_warning",
            SessionError::Field(_) => "fieldwork_rule",
            SessionError::NoFieldwork => "no_fieldwork",
            SessionError::BadInput(_) => "bad_input",
            SessionError::NoAddress(_) => "no_address",
            SessionError::NotScreened => "not_screened",
            SessionError::NoRespondent => "no_respondent",
            SessionError::NoAppointmentVisit => "no_appointment_visit",
        }
    }

    /// The message for the interviewer, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let (ru, kk, en) = match self {
            SessionError::Answer(e) => return e.message(lang),
            SessionError::Number(e) => return e.message(lang),
            SessionError::Field(e) => return e.localized().get(lang.code()).to_string(),
            SessionError::NoFieldwork => (
                "В этом исследовании нет настроек полевого этапа (маршрутов и квот).".to_string(),
                "Бұл зерттеуде далалық кезең баптаулары (маршруттар мен квоталар) жоқ.".to_string(),
                "This study has no fieldwork settings (routes and quotas).".to_string(),
            ),
            SessionError::BadInput(what) => (format!("Не удалось прочитать значение: {what}."), format!("Мәнді оқу мүмкін болмады: {what}."), format!("Cannot read the value: {what}.")),
            SessionError::NoAddress(k) => (
                format!("Адрес {k} не найден: это не текущий адрес маршрута и не посещённый ранее."),
                format!("{k} мекенжайы табылмады: бұл маршруттың ағымдағы мекенжайы емес және бұрын барылмаған."),
                format!("Address {k} is neither the route's current address nor one visited before."),
            ),
            SessionError::NotScreened => (
                "Сначала составьте список взрослых членов домохозяйства (отбор респондента).".to_string(),
                "Алдымен үй шаруашылығының ересек мүшелерінің тізімін жасаңыз (респондентті іріктеу).".to_string(),
                "First list the household's adults (respondent selection).".to_string(),
            ),
            SessionError::NoAppointmentVisit => (
                "Последний визит не закончился договорённостью о встрече (код 21).".to_string(),
                "Соңғы бару кездесу келісімімен аяқталмаған (21-код).".to_string(),
                "The last visit did not end with an appointment (code 21).".to_string(),
            ),
            SessionError::NoRespondent => (
                "Отбор не предложил респондента (квота выполнена или нет подходящих). Выберите другого с указанием причины.".to_string(),
                "Іріктеу респондент ұсынбады (квота толды немесе лайықты адам жоқ). Себебін көрсетіп, басқасын таңдаңыз.".to_string(),
                "Selection proposed no respondent (quota filled or nobody eligible). Choose someone with a reason.".to_string(),
            ),
            SessionError::StudyNotFound(p) => (
                format!("В папке {p} нет анкеты исследования (study.toml)."),
                format!("{p} қалтасында зерттеу сауалнамасы (study.toml) жоқ."),
                format!("There is no study definition (study.toml) in {p}."),
            ),
            SessionError::Study(d) => {
                let first = |l: Lang| d.first().map(|d| d.render(l)).unwrap_or_default();
                (
                    format!("В описании исследования ошибок: {}. Первая: {}", d.len(), first(Lang::Ru)),
                    format!("Зерттеу сипаттамасында {} қате бар. Біріншісі: {}", d.len(), first(Lang::Kk)),
                    format!("The study definition has {} error(s). First: {}", d.len(), first(Lang::En)),
                )
            }
            SessionError::Io(e) => (format!("Ошибка файла: {e}"), format!("Файл қатесі: {e}"), format!("File error: {e}")),
            SessionError::Store(StoreError::TooNew { found, supported }) => (
                format!("База данных создана более новой версией Dala (схема {found}, эта версия понимает {supported}). Обновите программу; данные не изменены."),
                format!("Дерекқор Dala-ның жаңарақ нұсқасымен жасалған (схема {found}, бұл нұсқа {supported} дейін түсінеді). Бағдарламаны жаңартыңыз; деректер өзгертілмеді."),
                format!("The database was written by a newer Dala (schema {found}; this version reads up to {supported}). Update the program; the data was not changed."),
            ),
            SessionError::Store(StoreError::NoRoute(r)) => (
                format!("Маршрут {r} не найден в этой базе данных."),
                format!("{r} маршруты бұл дерекқорда табылмады."),
                format!("Route {r} is not in this database."),
            ),
            SessionError::Store(StoreError::RoutesInUse(c)) => (
                format!("Маршруты города {c} уже используются (есть посещённые адреса): повторный отбор потерял бы данные."),
                format!("{c} қаласының маршруттары қолданыста (барылған мекенжайлар бар): қайта іріктеу деректерді жоғалтады."),
                format!("The routes of {c} are in use (addresses were visited): drawing them again would lose fieldwork."),
            ),
            SessionError::Store(e) => (
                format!("Ошибка базы данных, ответ не сохранён: {e}"),
                format!("Дерекқор қатесі, жауап сақталмады: {e}"),
                format!("Database error, the answer was not saved: {e}"),
            ),
            SessionError::NoInterview(id) => (format!("Интервью {id} не найдено."), format!("{id} сұхбаты табылмады."), format!("Interview {id} was not found.")),
            SessionError::OtherStudy { interview, loaded } => (
                format!("Это интервью относится к исследованию {interview}, а открыто {loaded}."),
                format!("Бұл сұхбат {interview} зерттеуіне жатады, ал {loaded} ашылған."),
                format!("This interview belongs to study {interview}, but {loaded} is open."),
            ),
            SessionError::Language(l) => (
                format!("Язык «{l}» в этом исследовании не предусмотрен (ru, kk, en)."),
                format!("Бұл зерттеуде «{l}» тілі қарастырылмаған (ru, kk, en)."),
                format!("Language \"{l}\" is not offered by this study (ru, kk, en)."),
            ),
            SessionError::Completed => (
                "Интервью завершено, ответы больше не меняются.".to_string(),
                "Сұхбат аяқталды, жауаптар енді өзгертілмейді.".to_string(),
                "The interview is completed; its answers can no longer change.".to_string(),
            ),
            SessionError::NotComplete(n) => (
                format!("Нельзя завершить: осталось открытых вопросов и ошибок: {n}."),
                format!("Аяқтауға болмайды: ашық сұрақтар мен қателер саны: {n}."),
                format!("Cannot complete: {n} open question(s) or error(s) remain."),
            ),
            SessionError::NotReached(q) => (
                format!("До вопроса {q} ещё не дошли: сначала ответьте на предыдущие."),
                format!("{q} сұрағына әлі жеткен жоқсыз: алдымен алдыңғыларына жауап беріңіз."),
                format!("Question {q} has not been reached yet: answer the earlier ones first."),
            ),
            SessionError::NotAWarning => (
                "Здесь нечего подтверждать.".to_string(),
                "Мұнда растайтын ештеңе жоқ.".to_string(),
                "There is nothing to confirm here.".to_string(),
            ),
        };
        match lang {
            Lang::Ru => ru,
            Lang::Kk => kk,
            Lang::En => en,
        }
    }
}
