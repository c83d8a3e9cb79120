//! Session errors, each with a stable kind the UI can switch on and a message in ru/kk/en.

use dala_questionnaire::load::Diagnostic;
use dala_questionnaire::model::EndOutcome;
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
    /// The interview was broken off and is read-only.
    #[error("the interview was broken off")]
    BrokenOff,
    /// An address with an interview in progress cannot be closed or screened again.
    #[error("an interview is in progress at address {0}")]
    InterviewInProgress(String),
    /// The screened respondent's sex has no free place left on the route (achieved or held by an
    /// interview in progress since the screening).
    #[error("route {route} has no free place for a {} respondent", if *female { "female" } else { "male" })]
    PlaceTaken { route: String, female: bool },
    /// The respondent refused the interview; it is read-only.
    #[error("the interview was refused")]
    Refused,
    /// The answer ends the interview (`[question.end]`): nothing was recorded; the interviewer
    /// confirms with `Session::end_interview` or gives another answer.
    #[error("the answer to {question} ends the interview ({})", .outcome.name())]
    EndsInterview { question: String, outcome: EndOutcome },
    /// `Session::end_interview` with an answer that does not end the interview.
    #[error("the answer to {0} does not end the interview")]
    NotAnEnd(String),
    /// A question the session records by itself (date, times, visit number).
    #[error("{0} is recorded automatically")]
    AutoQuestion(String),
    /// An export failed (the message is the exporter's own, in three languages).
    #[error("{}", .0.en)]
    Export(dala_i18n::Localized),
    /// The database's keyring refused (wrong PIN, a wait after wrong PINs, a damaged keyring).
    #[error(transparent)]
    Vault(#[from] dala_sync::VaultError),
    /// An encrypted database whose keyring file is missing.
    #[error("the keyring {0} is missing")]
    NoKeyring(String),
    /// A new database needs a PIN (or an explicit choice to leave it unencrypted).
    #[error("a new database needs a PIN")]
    PinNeeded,
}

/// What kind of failure a command met: the UI switches on it, scripts print it, and a rename breaks
/// the UI's build (the TypeScript union is generated). Serialized in snake_case (`answer_refused`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum ErrorKind {
    StudyNotFound,
    StudyInvalid,
    Io,
    DatabaseTooNew,
    NoRoute,
    RoutesInUse,
    Database,
    AnswerRefused,
    NoInterview,
    OtherStudy,
    Language,
    Completed,
    NotComplete,
    NotReached,
    NotAWarning,
    FieldworkRule,
    NoFieldwork,
    BadInput,
    NoAddress,
    NotScreened,
    NoRespondent,
    NoAppointmentVisit,
    BrokenOff,
    InterviewInProgress,
    PlaceTaken,
    NumberRefused,
    Refused,
    /// The answer would end the interview: ask the interviewer to confirm (`end_interview`).
    EndsInterview,
    NotAnEnd,
    AutoQuestion,
    /// An export could not be written (the message says why).
    Export,
    /// The app is locked: a user must sign in with their PIN.
    Locked,
    /// Setting up a user or signing in was refused (the message says why).
    SignIn,
    /// The signed-in user's role may not do this (review, back-checks, conflicts are a supervisor's).
    NotAllowed,
    /// A failure of the shell itself (not of the session).
    Internal,
    /// The device's storage is full: nothing of the action was saved (issue 10).
    DiskFull,
    /// The database file cannot be written (a read-only file, folder or medium).
    ReadOnly,
    /// Another Dala window or command has the database open for writing.
    DatabaseInUse,
    /// The database file was replaced by another while open; its content was saved beside it.
    DatabaseReplaced,
    /// The database is encrypted: its PIN (or a coordinator's recovery key) is needed.
    Encrypted,
    /// The key or PIN given does not open the database.
    WrongKey,
    /// Too many wrong PINs: the next attempt must wait (the message says how long).
    PinWait,
    /// The database's keyring is missing, damaged or too new.
    Keyring,
    /// A new database needs a PIN, or the explicit choice to leave it unencrypted.
    PinNeeded,
}

impl ErrorKind {
    /// The snake_case identifier, as serialized.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::StudyNotFound => "study_not_found",
            ErrorKind::StudyInvalid => "study_invalid",
            ErrorKind::Io => "io",
            ErrorKind::DatabaseTooNew => "database_too_new",
            ErrorKind::NoRoute => "no_route",
            ErrorKind::RoutesInUse => "routes_in_use",
            ErrorKind::Database => "database",
            ErrorKind::AnswerRefused => "answer_refused",
            ErrorKind::NoInterview => "no_interview",
            ErrorKind::OtherStudy => "other_study",
            ErrorKind::Language => "language",
            ErrorKind::Completed => "completed",
            ErrorKind::NotComplete => "not_complete",
            ErrorKind::NotReached => "not_reached",
            ErrorKind::NotAWarning => "not_a_warning",
            ErrorKind::FieldworkRule => "fieldwork_rule",
            ErrorKind::NoFieldwork => "no_fieldwork",
            ErrorKind::BadInput => "bad_input",
            ErrorKind::NoAddress => "no_address",
            ErrorKind::NotScreened => "not_screened",
            ErrorKind::NoRespondent => "no_respondent",
            ErrorKind::NoAppointmentVisit => "no_appointment_visit",
            ErrorKind::BrokenOff => "broken_off",
            ErrorKind::InterviewInProgress => "interview_in_progress",
            ErrorKind::PlaceTaken => "place_taken",
            ErrorKind::NumberRefused => "number_refused",
            ErrorKind::Refused => "refused",
            ErrorKind::EndsInterview => "ends_interview",
            ErrorKind::NotAnEnd => "not_an_end",
            ErrorKind::AutoQuestion => "auto_question",
            ErrorKind::Export => "export",
            ErrorKind::Locked => "locked",
            ErrorKind::SignIn => "sign_in",
            ErrorKind::NotAllowed => "not_allowed",
            ErrorKind::Internal => "internal",
            ErrorKind::DiskFull => "disk_full",
            ErrorKind::ReadOnly => "read_only",
            ErrorKind::DatabaseInUse => "database_in_use",
            ErrorKind::DatabaseReplaced => "database_replaced",
            ErrorKind::Encrypted => "encrypted",
            ErrorKind::WrongKey => "wrong_key",
            ErrorKind::PinWait => "pin_wait",
            ErrorKind::Keyring => "keyring",
            ErrorKind::PinNeeded => "pin_needed",
        }
    }
}

impl std::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for ErrorKind {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl SessionError {
    /// A stable identifier for the UI and scripts.
    pub fn kind(&self) -> ErrorKind {
        match self {
            SessionError::StudyNotFound(_) => ErrorKind::StudyNotFound,
            SessionError::Study(_) => ErrorKind::StudyInvalid,
            SessionError::Io(_) => ErrorKind::Io,
            SessionError::Store(StoreError::TooNew { .. }) => ErrorKind::DatabaseTooNew,
            SessionError::Store(StoreError::NoRoute(_)) => ErrorKind::NoRoute,
            SessionError::Store(StoreError::RoutesInUse(_)) => ErrorKind::RoutesInUse,
            SessionError::Store(StoreError::InUse { .. }) => ErrorKind::DatabaseInUse,
            SessionError::Store(StoreError::Replaced { .. }) => ErrorKind::DatabaseReplaced,
            SessionError::Store(StoreError::Encrypted { .. }) => ErrorKind::Encrypted,
            SessionError::Store(StoreError::WrongKey { .. }) => ErrorKind::WrongKey,
            SessionError::Store(StoreError::Io { .. }) => ErrorKind::Io,
            SessionError::Vault(dala_sync::VaultError::Wait { .. }) => ErrorKind::PinWait,
            SessionError::Vault(
                dala_sync::VaultError::WrongPin { .. } | dala_sync::VaultError::NoUser | dala_sync::VaultError::BadPin(_),
            ) => ErrorKind::SignIn,
            SessionError::Vault(dala_sync::VaultError::NotRecoverable) => ErrorKind::WrongKey,
            SessionError::Vault(_) | SessionError::NoKeyring(_) => ErrorKind::Keyring,
            SessionError::PinNeeded => ErrorKind::PinNeeded,
            SessionError::Store(e) if e.is_disk_full() => ErrorKind::DiskFull,
            SessionError::Store(e) if e.is_read_only() => ErrorKind::ReadOnly,
            SessionError::Store(_) => ErrorKind::Database,
            SessionError::Answer(_) => ErrorKind::AnswerRefused,
            SessionError::NoInterview(_) => ErrorKind::NoInterview,
            SessionError::OtherStudy { .. } => ErrorKind::OtherStudy,
            SessionError::Language(_) => ErrorKind::Language,
            SessionError::Completed => ErrorKind::Completed,
            SessionError::NotComplete(_) => ErrorKind::NotComplete,
            SessionError::NotReached(_) => ErrorKind::NotReached,
            SessionError::NotAWarning => ErrorKind::NotAWarning,
            SessionError::Field(_) => ErrorKind::FieldworkRule,
            SessionError::NoFieldwork => ErrorKind::NoFieldwork,
            SessionError::BadInput(_) => ErrorKind::BadInput,
            SessionError::NoAddress(_) => ErrorKind::NoAddress,
            SessionError::NotScreened => ErrorKind::NotScreened,
            SessionError::NoRespondent => ErrorKind::NoRespondent,
            SessionError::NoAppointmentVisit => ErrorKind::NoAppointmentVisit,
            SessionError::BrokenOff => ErrorKind::BrokenOff,
            SessionError::InterviewInProgress(_) => ErrorKind::InterviewInProgress,
            SessionError::PlaceTaken { .. } => ErrorKind::PlaceTaken,
            SessionError::Number(_) => ErrorKind::NumberRefused,
            SessionError::Refused => ErrorKind::Refused,
            SessionError::EndsInterview { .. } => ErrorKind::EndsInterview,
            SessionError::NotAnEnd(_) => ErrorKind::NotAnEnd,
            SessionError::AutoQuestion(_) => ErrorKind::AutoQuestion,
            SessionError::Export(_) => ErrorKind::Export,
        }
    }

    /// The message for the interviewer, in `lang`.
    pub fn message(&self, lang: Lang) -> String {
        let (ru, kk, en) = match self {
            SessionError::Answer(e) => return e.message(lang),
            SessionError::Number(e) => return e.message(lang),
            SessionError::Field(e) => return e.localized().get(lang.code()).to_string(),
            SessionError::Export(m) => return m.get(lang.code()).to_string(),
            SessionError::Vault(e) => return e.message().get(lang.code()).to_string(),
            SessionError::NoKeyring(p) => (
                format!("База данных зашифрована, но файл её ключей {p} не найден. Верните его из резервной копии (без него данные не открыть)."),
                format!("Дерекқор шифрланған, бірақ оның кілттер файлы {p} табылмады. Оны сақтық көшірмеден қайтарыңыз (онсыз деректерді ашу мүмкін емес)."),
                format!("The database is encrypted but its keyring file {p} is missing. Restore it from a backup (without it the data cannot be opened)."),
            ),
            SessionError::PinNeeded => (
                "Новая база данных шифруется PIN-кодом: укажите его (--pin-file <файл> или переменная DALA_PIN) или явно откажитесь от шифрования (--unencrypted).".to_string(),
                "Жаңа дерекқор ПИН-кодпен шифрланады: оны көрсетіңіз (--pin-file <файл> немесе DALA_PIN айнымалысы) немесе шифрлаудан анық бас тартыңыз (--unencrypted).".to_string(),
                "A new database is encrypted with a PIN: give it (--pin-file <file> or the DALA_PIN variable), or choose no encryption explicitly (--unencrypted).".to_string(),
            ),
            SessionError::Store(StoreError::Encrypted { path }) => (
                format!("База данных {path} зашифрована: нужен PIN-код (--pin-file <файл> или переменная DALA_PIN)."),
                format!("{path} дерекқоры шифрланған: ПИН-код керек (--pin-file <файл> немесе DALA_PIN айнымалысы)."),
                format!("The database {path} is encrypted: its PIN is needed (--pin-file <file> or the DALA_PIN variable)."),
            ),
            SessionError::Store(StoreError::WrongKey { path }) => (
                format!("Базу данных {path} не удаётся открыть этим ключом, или это не база данных Dala."),
                format!("{path} дерекқорын бұл кілтпен ашу мүмкін емес, немесе бұл Dala дерекқоры емес."),
                format!("The database {path} cannot be opened with this key, or it is not a Dala database."),
            ),
            SessionError::Store(StoreError::Io { path, detail }) => (
                format!("Не удалось записать {path}: {detail}. Данные не изменены."),
                format!("{path} жазу мүмкін болмады: {detail}. Деректер өзгертілмеді."),
                format!("Cannot write {path}: {detail}. The data was not changed."),
            ),
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
            SessionError::BrokenOff => (
                "Интервью прервано респондентом; его ответы сохранены и больше не меняются.".to_string(),
                "Сұхбатты респондент үзді; жауаптары сақталды және енді өзгертілмейді.".to_string(),
                "The interview was broken off; its answers are kept and can no longer change.".to_string(),
            ),
            SessionError::Refused => (
                "Респондент отказался от интервью; ответы сохранены и больше не меняются.".to_string(),
                "Респондент сұхбаттан бас тартты; жауаптар сақталды және енді өзгертілмейді.".to_string(),
                "The respondent refused the interview; its answers are kept and can no longer change.".to_string(),
            ),
            SessionError::EndsInterview { question, outcome: EndOutcome::Refused } => (
                format!("Этот ответ на вопрос {question} означает отказ от интервью. Подтвердите, чтобы завершить интервью как отказ, или выберите другой ответ."),
                format!("{question} сұрағына берілген бұл жауап сұхбаттан бас тартуды білдіреді. Сұхбатты бас тарту ретінде аяқтау үшін растаңыз немесе басқа жауап таңдаңыз."),
                format!("This answer to {question} is a refusal of the interview. Confirm to end the interview as a refusal, or choose another answer."),
            ),
            SessionError::NotAnEnd(q) => (
                format!("Этот ответ на вопрос {q} не завершает интервью; запишите его как обычный ответ."),
                format!("{q} сұрағына берілген бұл жауап сұхбатты аяқтамайды; оны әдеттегі жауап ретінде жазыңыз."),
                format!("This answer to {q} does not end the interview; record it as an ordinary answer."),
            ),
            SessionError::AutoQuestion(q) => (
                format!("Вопрос {q} заполняется автоматически и не редактируется."),
                format!("{q} сұрағы автоматты түрде толтырылады және өңделмейді."),
                format!("Question {q} is recorded automatically and cannot be edited."),
            ),
            SessionError::InterviewInProgress(k) => (
                format!("По адресу {k} идёт интервью: сначала завершите его или отметьте, что оно прервано."),
                format!("{k} мекенжайында сұхбат жүріп жатыр: алдымен оны аяқтаңыз немесе үзілгенін белгілеңіз."),
                format!("An interview is in progress at address {k}: complete it or record that it was broken off first."),
            ),
            SessionError::PlaceTaken { route, female } => {
                let (ru, kk, en) = if *female { ("женщин", "әйелдер", "women") } else { ("мужчин", "ерлер", "men") };
                (
                    format!("На маршруте {route} не осталось свободных мест для {ru}: их заняли завершённые или начатые интервью. Проведите отбор заново или выберите респондента с указанием причины."),
                    format!("{route} маршрутында {kk} үшін бос орын қалмады: оларды аяқталған немесе басталған сұхбаттар алды. Іріктеуді қайта жүргізіңіз немесе себебін көрсетіп, респондентті таңдаңыз."),
                    format!("Route {route} has no free place left for {en}: completed or started interviews took them. Screen the household again, or choose the respondent with a reason."),
                )
            }
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
            SessionError::Store(StoreError::NotCompleted(i)) => (
                format!("Интервью {i} не завершено: одобрить или вернуть можно только завершённое интервью."),
                format!("{i} сұхбаты аяқталмаған: тек аяқталған сұхбатты мақұлдауға немесе қайтаруға болады."),
                format!("Interview {i} is not completed: only a completed interview can be approved or rejected."),
            ),
            SessionError::Store(StoreError::InUse { path }) => (
                format!("База данных {path} уже открыта в другом окне Dala или другой командой. Закройте её там и попробуйте снова: две программы, пишущие в одну базу, могли бы её повредить."),
                format!("{path} дерекқоры Dala-ның басқа терезесінде немесе басқа командада ашық тұр. Оны сол жерде жауып, қайта көріңіз: бір базаға жазатын екі бағдарлама оны бүлдіруі мүмкін еді."),
                format!("The database {path} is already open in another Dala window or command. Close it there and try again: two programs writing one database could damage it."),
            ),
            SessionError::Store(StoreError::Replaced { path, rescued }) => (
                format!("Файл базы данных {path} заменили другим файлом, пока Dala работала. Чтобы не испортить ни один из них, Dala больше ничего в него не пишет; всё, что было в открытой базе, сохранено в {rescued}. Закройте Dala и решите, какой файл оставить."),
                format!("Dala жұмыс істеп тұрғанда {path} дерекқор файлы басқа файлмен ауыстырылды. Екеуін де бүлдірмеу үшін Dala оған енді ештеңе жазбайды; ашық базадағының бәрі {rescued} файлында сақталды. Dala-ны жауып, қай файлды қалдыру керегін шешіңіз."),
                format!("The database file {path} was replaced by another file while Dala was running. To damage neither, Dala writes nothing more to it; everything the open database held is saved as {rescued}. Close Dala and decide which file to keep."),
            ),
            SessionError::Store(e) if e.is_disk_full() => (
                "Память устройства заполнена: последнее действие не сохранено, всё сохранённое раньше цело. Освободите место (удалите ненужные файлы или фото) и повторите.".to_string(),
                "Құрылғының жады толы: соңғы әрекет сақталмады, бұрын сақталғанның бәрі аман. Орын босатып (қажетсіз файлдарды не фотоларды өшіріп), қайталаңыз.".to_string(),
                "The device's storage is full: the last action was not saved; everything saved before is safe. Free some space (delete unneeded files or photos) and try again.".to_string(),
            ),
            SessionError::Store(e) if e.is_read_only() => (
                "Файл базы данных доступен только для чтения: действие не сохранено. Проверьте права на файл и папку или карту памяти.".to_string(),
                "Дерекқор файлын тек оқуға болады: әрекет сақталмады. Файл мен қалтаның немесе жад картасының рұқсаттарын тексеріңіз.".to_string(),
                "The database file is read-only: the action was not saved. Check the permissions of the file and its folder, or the memory card.".to_string(),
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
        lang.pick(ru, kk, en)
    }
}
