//! The report's own words in Russian, Kazakh and English: headings, axis and column labels, notes.
//!
//! One struct per language, chosen by [`Words::of`], so a missing translation is a compile error.
//! The AAPOR abbreviations (I, P, RR1, COOP1, …) stay as AAPOR writes them in every language, each
//! explained in words under the table.

use dala_i18n::Lang;

use crate::esc;

pub(crate) struct Words {
    pub lang: Lang,
    pub report: &'static str,
    pub study: &'static str,
    pub generated: &'static str,
    pub databases: &'static str,
    pub summary: &'static str,
    pub completes: &'static str,
    pub addresses: &'static str,
    pub open: &'static str,
    pub visits: &'static str,
    pub visits_per_complete_all: &'static str,
    pub total: &'static str,
    pub city: &'static str,
    pub route: &'static str,
    pub interviewer: &'static str,
    pub planned: &'static str,
    pub of_plan: &'static str,
    pub households: &'static str,
    pub members: &'static str,
    pub sample_by_city: &'static str,
    pub sample_note: &'static str,
    pub interview_language: &'static str,
    pub interview_language_note: &'static str,
    pub language_best: &'static str,
    pub sex: &'static str,
    pub sex_note: &'static str,
    pub respondents: &'static str,
    pub population: &'static str,
    pub quota_target: &'static str,
    pub percent_female: &'static str,
    pub female: &'static str,
    pub male: &'static str,
    pub target_female: &'static str,
    pub target_male: &'static str,
    pub members_sex: &'static str,
    pub age: &'static str,
    pub age_note: &'static str,
    pub years: &'static str,
    pub household_size: &'static str,
    pub outcomes: &'static str,
    pub by_city: &'static str,
    pub by_route: &'static str,
    pub by_interviewer: &'static str,
    pub visits_per_complete: &'static str,
    pub visits_per_complete_note: &'static str,
    pub visits_axis: &'static str,
    pub contact_hours: &'static str,
    pub contact_hours_note: &'static str,
    pub hour: &'static str,
    pub no_data: &'static str,
    /// The eight outcome classes, in the order I, P, R, NC, O, UH, UO, NE.
    pub classes: [&'static str; 8],
    /// RR1, RR3, RR5, COOP1, REF1, CON1, e.
    pub rates: [&'static str; 7],
}

impl Words {
    pub fn of(lang: Lang) -> Words {
        match lang {
            Lang::Ru => RU,
            Lang::Kk => KK,
            Lang::En => EN,
        }
    }

    pub fn no_link(&self, link: &str) -> String {
        self.lang.pick(
            format!("Исследование не указывает вопрос для этого рисунка (ключ {link} раздела [fieldwork_links] в study.toml), поэтому рисунок не построен."),
            format!("Зерттеу бұл сурет үшін сұрақты көрсетпейді (study.toml ішіндегі [fieldwork_links] бөлімінің {link} кілті), сондықтан сурет салынбады."),
            format!("The study does not name the question for this figure (key {link} of [fieldwork_links] in study.toml), so the figure is left out."),
        )
    }

    pub fn mode_final(&self, open: u64) -> String {
        self.lang.pick(
            format!("Итоговый отчёт: показатели по закрытым адресам; открытые адреса ({open}) не учтены."),
            format!("Қорытынды есеп: көрсеткіштер жабылған мекенжайлар бойынша; ашық мекенжайлар ({open}) есептелмеді."),
            format!("Final report: rates over closed addresses; open addresses ({open}) are left out."),
        )
    }

    pub fn mode_provisional(&self, open: u64) -> String {
        self.lang.pick(
            format!("Предварительный отчёт: открытые адреса ({open}) учтены с предварительным кодом по визитам на сегодня."),
            format!("Алдын ала есеп: ашық мекенжайлар ({open}) бүгінгі барулар бойынша алдын ала кодпен есептелді."),
            format!("Provisional report: open addresses ({open}) are counted with the provisional disposition of their visits so far."),
        )
    }

    pub fn e_line(&self, with: Option<f64>, without: Option<f64>, quota_filled: u64) -> String {
        let (with, without) = (crate::share(with), crate::share(without));
        self.lang.pick(
            format!("e (доля пригодных среди неизвестных) {with}; без случаев «квота заполнена» (4.80, {quota_filled}): {without}."),
            format!("e (белгісіздер ішіндегі сәйкестер үлесі) {with}; «квота толды» жағдайларынсыз (4.80, {quota_filled}): {without}."),
            format!("e (share of unknowns assumed eligible) {with}; without the quota-filled cases (4.80, {quota_filled}): {without}."),
        )
    }

    pub fn household_mean(&self, households: u64, persons: u64, mean: &str) -> String {
        self.lang.pick(
            format!("Домохозяйств: {households}; членов домохозяйств: {persons}; в среднем {mean} человека на домохозяйство."),
            format!("Үй шаруашылықтары: {households}; мүшелері: {persons}; бір үй шаруашылығында орта есеппен {mean} адам."),
            format!("Households: {households}; household members: {persons}; on average {mean} persons per household."),
        )
    }

    /// The key to the outcome classes, as HTML.
    pub fn dispositions_key_html(&self) -> String {
        let mut out = String::from("<dl class=\"key\">");
        for (abbr, text) in ["I", "P", "R", "NC", "O", "UH", "UO", "NE"].iter().zip(self.classes) {
            out.push_str(&format!("<dt>{abbr}</dt><dd>{}</dd>", esc(text)));
        }
        out.push_str("</dl>");
        out
    }

    /// The key to the rates, as HTML (under each outcome table).
    pub fn rates_note_html(&self) -> String {
        let names = ["RR1", "RR3", "RR5", "COOP1", "REF1", "CON1", "e"];
        let parts: Vec<String> = names.iter().zip(self.rates).map(|(n, t)| format!("<b>{n}</b> {}", esc(t))).collect();
        format!("<p class=\"note\">{}</p>\n", parts.join(" · "))
    }
}

const RU: Words = Words {
    lang: Lang::Ru,
    report: "Отчёт о полевом этапе",
    study: "Исследование",
    generated: "Сформирован",
    databases: "Объединено баз данных",
    summary: "Сводка",
    completes: "Завершённые интервью",
    addresses: "Адреса",
    open: "Открытые адреса",
    visits: "Визиты (попытки контакта)",
    visits_per_complete_all: "Всех визитов на одно интервью",
    total: "Всего",
    city: "Город",
    route: "Маршрут",
    interviewer: "Интервьюер",
    planned: "План",
    of_plan: "% плана",
    households: "Домохозяйства",
    members: "Членов домохозяйства",
    sample_by_city: "Выборка по городам: завершённые интервью и план",
    sample_note: "План — сумма целей квоты отобранных маршрутов города (пока маршруты не отобраны — запланированное число домохозяйств).",
    interview_language: "Язык интервью по городам, %",
    interview_language_note: "Язык, на котором интервью завершено, как его сохранило приложение (при смене языка — последний).",
    language_best: "«Каким языком вы владеете лучше всего?», респонденты по городам, %",
    sex: "Пол респондентов: опрос, население города и цель квоты, % женщин",
    sex_note: "Пол респондента записан при отборе респондента; доля женщин в населении города и ячейки квоты взяты из настроек полевого этапа.",
    respondents: "Респонденты",
    population: "Население города",
    quota_target: "Цель квоты",
    percent_female: "% женщин",
    female: "Женщины",
    male: "Мужчины",
    target_female: "Цель: женщины",
    target_male: "Цель: мужчины",
    members_sex: "Все члены домохозяйств по полу и городам, %",
    age: "Возрастная структура респондентов и всех членов домохозяйств, %",
    age_note: "Возраст в полных годах на дату интервью, как его вычисляет анкета. Респонденты — лица 18 лет и старше, поэтому младшие группы у них пусты.",
    years: "Возраст, лет",
    household_size: "Размер домохозяйства (число членов)",
    outcomes: "Итоговые коды и показатели AAPOR",
    by_city: "По городам",
    by_route: "По маршрутам",
    by_interviewer: "По интервьюерам",
    visits_per_complete: "Число визитов до завершённого интервью",
    visits_per_complete_note: "Адреса с завершённым интервью по числу визитов на адрес, включая визит с интервью.",
    visits_axis: "Визитов на адрес",
    contact_hours: "Время суток визитов",
    contact_hours_note: "Визиты по часу начала (местное время устройства интервьюера) и результату визита.",
    hour: "Час",
    no_data: "Данных для этого рисунка пока нет: нет завершённых интервью с ответом на нужный вопрос.",
    classes: [
        "завершённые интервью",
        "частичные интервью",
        "отказы и прерванные интервью",
        "контакт не установлен",
        "другие причины (язык, болезнь, отсутствие)",
        "неизвестно, живёт ли там домохозяйство",
        "неизвестно, есть ли пригодный респондент",
        "не подходят (не жильё, пусто, квота заполнена)",
    ],
    rates: [
        "доля ответивших",
        "доля ответивших с учётом e",
        "доля ответивших среди известных пригодных",
        "доля сотрудничества",
        "доля отказов",
        "доля контактов",
        "доля пригодных среди неизвестных",
    ],
};

const KK: Words = Words {
    lang: Lang::Kk,
    report: "Далалық кезең туралы есеп",
    study: "Зерттеу",
    generated: "Жасалған уақыты",
    databases: "Біріктірілген дерекқорлар",
    summary: "Жиынтық",
    completes: "Аяқталған сұхбаттар",
    addresses: "Мекенжайлар",
    open: "Ашық мекенжайлар",
    visits: "Барулар (байланыс әрекеттері)",
    visits_per_complete_all: "Бір сұхбатқа келетін барлық барулар",
    total: "Барлығы",
    city: "Қала",
    route: "Маршрут",
    interviewer: "Интервьюер",
    planned: "Жоспар",
    of_plan: "Жоспардың %",
    households: "Үй шаруашылықтары",
    members: "Үй шаруашылығы мүшелерінің саны",
    sample_by_city: "Қалалар бойынша іріктеме: аяқталған сұхбаттар және жоспар",
    sample_note: "Жоспар — қаланың іріктелген маршруттарының квота мақсаттарының қосындысы (маршруттар әлі іріктелмесе — жоспарланған үй шаруашылықтарының саны).",
    interview_language: "Қалалар бойынша сұхбат тілі, %",
    interview_language_note: "Сұхбат аяқталған тіл, қолданба сақтағандай (тіл ауыстырылса — соңғысы).",
    language_best: "«Сіз қай тілді ең жақсы білесіз?», қалалар бойынша респонденттер, %",
    sex: "Респонденттердің жынысы: сауалнама, қала халқы және квота мақсаты, әйелдер %",
    sex_note: "Респонденттің жынысы респондентті іріктеу кезінде жазылады; қала халқындағы әйелдер үлесі мен квота ұяшықтары далалық кезең баптауларынан алынған.",
    respondents: "Респонденттер",
    population: "Қала халқы",
    quota_target: "Квота мақсаты",
    percent_female: "Әйелдер %",
    female: "Әйелдер",
    male: "Ерлер",
    target_female: "Мақсат: әйелдер",
    target_male: "Мақсат: ерлер",
    members_sex: "Үй шаруашылықтарының барлық мүшелері жынысы мен қалалары бойынша, %",
    age: "Респонденттер мен үй шаруашылықтарының барлық мүшелерінің жас құрылымы, %",
    age_note: "Сұхбат күніндегі толық жасы, сауалнама есептегендей. Респонденттер 18 жастан асқан адамдар, сондықтан кіші топтар олар үшін бос.",
    years: "Жасы, жыл",
    household_size: "Үй шаруашылығының мөлшері (мүшелер саны)",
    outcomes: "Нәтиже кодтары және AAPOR көрсеткіштері",
    by_city: "Қалалар бойынша",
    by_route: "Маршруттар бойынша",
    by_interviewer: "Интервьюерлер бойынша",
    visits_per_complete: "Аяқталған сұхбатқа дейінгі барулар саны",
    visits_per_complete_note: "Сұхбаты аяқталған мекенжайлар бір мекенжайға барулар саны бойынша, сұхбат болған баруды қоса.",
    visits_axis: "Мекенжайға барулар",
    contact_hours: "Барулардың тәулік уақыты",
    contact_hours_note: "Барулар басталу сағаты (интервьюер құрылғысының жергілікті уақыты) және нәтижесі бойынша.",
    hour: "Сағат",
    no_data: "Бұл сурет үшін әзірге дерек жоқ: қажетті сұраққа жауабы бар аяқталған сұхбат жоқ.",
    classes: [
        "аяқталған сұхбаттар",
        "ішінара сұхбаттар",
        "бас тартулар және үзілген сұхбаттар",
        "байланыс орнатылмады",
        "басқа себептер (тіл, науқас, болмауы)",
        "онда үй шаруашылығы тұра ма, белгісіз",
        "сәйкес респондент бар ма, белгісіз",
        "сәйкес емес (тұрғын үй емес, бос, квота толды)",
    ],
    rates: [
        "жауап берушілер үлесі",
        "e ескерілген жауап берушілер үлесі",
        "белгілі сәйкестер ішіндегі жауап берушілер үлесі",
        "ынтымақтастық үлесі",
        "бас тартулар үлесі",
        "байланыстар үлесі",
        "белгісіздер ішіндегі сәйкестер үлесі",
    ],
};

const EN: Words = Words {
    lang: Lang::En,
    report: "Fieldwork report",
    study: "Study",
    generated: "Generated",
    databases: "Databases merged",
    summary: "Summary",
    completes: "Completed interviews",
    addresses: "Addresses",
    open: "Open addresses",
    visits: "Visits (contact attempts)",
    visits_per_complete_all: "All visits per completed interview",
    total: "Total",
    city: "City",
    route: "Route",
    interviewer: "Interviewer",
    planned: "Planned",
    of_plan: "% of plan",
    households: "Households",
    members: "Household members",
    sample_by_city: "Sample by city: completed interviews and the plan",
    sample_note: "Plan: the quota targets of the city's routes drawn (its planned households while no route is drawn).",
    interview_language: "Interview language by city, %",
    interview_language_note: "The language each interview was completed in, as the app stored it (after a switch, the last one).",
    language_best: "“What language do you know best?”, respondents by city, %",
    sex: "Respondents' sex: survey, city population and quota target, % female",
    sex_note: "The respondent's sex is recorded at respondent selection; the city's female population share and the quota cells come from the fieldwork settings.",
    respondents: "Respondents",
    population: "City population",
    quota_target: "Quota target",
    percent_female: "% female",
    female: "Female",
    male: "Male",
    target_female: "Target female",
    target_male: "Target male",
    members_sex: "All household members by sex and city, %",
    age: "Age structure of respondents and of all household members, %",
    age_note: "Age in completed years on the interview date, as the questionnaire computes it. Respondents are 18 or older, so the younger groups are empty for them.",
    years: "Age, years",
    household_size: "Household size (number of members)",
    outcomes: "Dispositions and AAPOR outcome rates",
    by_city: "By city",
    by_route: "By route",
    by_interviewer: "By interviewer",
    visits_per_complete: "Visits per completed interview",
    visits_per_complete_note: "Addresses with a completed interview by their number of visits, the visit of the interview included.",
    visits_axis: "Visits to the address",
    contact_hours: "Time of day of contact attempts",
    contact_hours_note: "Visits by the hour they started (the interviewer's device, local time) and their outcome.",
    hour: "Hour",
    no_data: "No data for this figure yet: no completed interview has the question answered.",
    classes: [
        "complete interviews",
        "partial interviews",
        "refusals and break-offs",
        "non-contacts",
        "other (language, illness, away)",
        "unknown whether a household lives there",
        "unknown whether an eligible respondent lives there",
        "not eligible (not a dwelling, vacant, quota filled)",
    ],
    rates: [
        "response rate",
        "response rate with e",
        "response rate over known eligibles",
        "cooperation rate",
        "refusal rate",
        "contact rate",
        "share of unknowns assumed eligible",
    ],
};
