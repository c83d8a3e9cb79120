//! Messages the engine itself produces, in Russian, Kazakh and English.
//!
//! Study texts (questions, options, rule messages) come from the study files; these are the
//! engine's own words: why an answer was refused, what an open issue is. The shell and the CLI
//! show them as they are, so the interviewer reads them in the interview language.

use crate::answer::{AnswerError, FilterRule};
use crate::model::{Lang, QuestionType};

/// A bound in a message, written as the interviewer of `lang` reads numbers (`crate::number`):
/// "150 000" (ru, kk), "150,000" (en); four-digit numbers such as years stay ungrouped.
fn num(n: f64, lang: Lang) -> String {
    crate::number::format_number(n, lang, n.abs() >= 10_000.0)
}

fn type_words(t: QuestionType, lang: Lang) -> &'static str {
    use QuestionType::*;
    match (lang, t) {
        (Lang::Ru, Single) => "один вариант ответа",
        (Lang::Ru, Multiple) => "список вариантов",
        (Lang::Ru, Integer) => "целое число",
        (Lang::Ru, Decimal) => "число",
        (Lang::Ru, Money) => "сумму денег",
        (Lang::Ru, Year) => "год (4 цифры)",
        (Lang::Ru, Date) => "дату ГГГГ-ММ-ДД",
        (Lang::Ru, Time) => "время ЧЧ:ММ",
        (Lang::Ru, Text) => "текст",
        (Lang::Ru, List) => "список имён",
        (Lang::Ru, Scale) => "балл шкалы",
        (Lang::Ru, Grid) => "ответ по каждой строке таблицы",
        (Lang::Kk, Single) => "бір жауап нұсқасын",
        (Lang::Kk, Multiple) => "нұсқалар тізімін",
        (Lang::Kk, Integer) => "бүтін санды",
        (Lang::Kk, Decimal) => "санды",
        (Lang::Kk, Money) => "ақша сомасын",
        (Lang::Kk, Year) => "жылды (4 цифр)",
        (Lang::Kk, Date) => "ЖЖЖЖ-АА-КК күнін",
        (Lang::Kk, Time) => "СС:ММ уақытын",
        (Lang::Kk, Text) => "мәтінді",
        (Lang::Kk, List) => "есімдер тізімін",
        (Lang::Kk, Scale) => "шкала ұпайын",
        (Lang::Kk, Grid) => "кестенің әр жолына жауапты",
        (Lang::En, Single) => "one option",
        (Lang::En, Multiple) => "a list of options",
        (Lang::En, Integer) => "a whole number",
        (Lang::En, Decimal) => "a number",
        (Lang::En, Money) => "an amount of money",
        (Lang::En, Year) => "a year (4 digits)",
        (Lang::En, Date) => "a date YYYY-MM-DD",
        (Lang::En, Time) => "a time HH:MM",
        (Lang::En, Text) => "a text",
        (Lang::En, List) => "a list of names",
        (Lang::En, Scale) => "a point on the scale",
        (Lang::En, Grid) => "an answer in every row",
    }
}

/// The message for a refused answer.
pub fn answer_error(e: &AnswerError, lang: Lang) -> String {
    use AnswerError::*;
    match e {
        UnknownQuestion { question } => lang.pick(
            format!("Вопроса {question} нет в анкете."),
            format!("Сауалнамада {question} сұрағы жоқ."),
            format!("There is no question {question} in the questionnaire."),
        ),
        NoSuchRow { question, roster } => {
            let r = roster.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", ");
            lang.pick(
                format!("У вопроса {question} нет строки [{r}] в списке: проверьте число членов."),
                format!("{question} сұрағында [{r}] жолы жоқ: мүшелер санын тексеріңіз."),
                format!("{question} has no roster row [{r}]: check the number of members."),
            )
        }
        NotRelevant { question } => lang.pick(
            format!("Вопрос {question} в этом интервью не задаётся (по переходам анкеты)."),
            format!("{question} сұрағы бұл сұхбатта қойылмайды (сауалнама өтпелері бойынша)."),
            format!("Question {question} is not asked in this interview (skip logic)."),
        ),
        WrongType { question, expected } => lang.pick(
            format!("{question}: введите {}.", type_words(*expected, lang)),
            format!("{question}: {} енгізіңіз.", type_words(*expected, lang)),
            format!("{question}: enter {}.", type_words(*expected, lang)),
        ),
        OutOfRange { question, min, max } => match (min, max) {
            (Some(a), Some(b)) => lang.pick(
                format!("{question}: значение должно быть от {} до {}.", num(*a, lang), num(*b, lang)),
                format!("{question}: мән {} мен {} аралығында болуы керек.", num(*a, lang), num(*b, lang)),
                format!("{question}: the value must be between {} and {}.", num(*a, lang), num(*b, lang)),
            ),
            (Some(a), None) => lang.pick(
                format!("{question}: значение должно быть не меньше {}.", num(*a, lang)),
                format!("{question}: мән {} кем болмауы керек.", num(*a, lang)),
                format!("{question}: the value must be at least {}.", num(*a, lang)),
            ),
            (None, Some(b)) => lang.pick(
                format!("{question}: значение должно быть не больше {}.", num(*b, lang)),
                format!("{question}: мән {} артық болмауы керек.", num(*b, lang)),
                format!("{question}: the value must be at most {}.", num(*b, lang)),
            ),
            (None, None) => lang.pick(
                format!("{question}: недопустимое значение."),
                format!("{question}: рұқсат етілмеген мән."),
                format!("{question}: value not allowed."),
            ),
        },
        UnknownOption { question, code } => lang.pick(
            format!("{question}: нет варианта ответа с кодом {code}."),
            format!("{question}: {code} кодты жауап нұсқасы жоқ."),
            format!("{question}: there is no option with code {code}."),
        ),
        FilteredOption { question, code, filter } => format!("{question}: {}", filtered_option(*code, filter, lang)),
        MissingNotAllowed { question, code } => {
            let what = match (*code, lang) {
                (-98, Lang::Ru) => "«Затрудняюсь ответить»",
                (-98, Lang::Kk) => "«Жауап беруге қиналамын»",
                (-98, Lang::En) => "\"Don't know\"",
                (_, Lang::Ru) => "«Отказ от ответа»",
                (_, Lang::Kk) => "«Жауап беруден бас тарту»",
                (_, Lang::En) => "\"Refused\"",
            };
            lang.pick(
                format!("{question}: ответ {what} для этого вопроса не предусмотрен."),
                format!("{question}: бұл сұраққа {what} жауабы қарастырылмаған."),
                format!("{question}: {what} is not allowed for this question."),
            )
        }
        NotApplicableEntered { question } => lang.pick(
            format!("{question}: код −97 («неприменимо») ставится только переходами анкеты."),
            format!("{question}: −97 коды («қолданылмайды») тек сауалнама өтпелерімен қойылады."),
            format!("{question}: −97 (not applicable) is set by the skip logic only."),
        ),
        ExclusiveCombined { question, code } => lang.pick(
            format!("{question}: вариант {code} нельзя сочетать с другими."),
            format!("{question}: {code} нұсқасын басқалармен біріктіруге болмайды."),
            format!("{question}: option {code} cannot be combined with others."),
        ),
        TooManyChoices { question, max } => lang.pick(
            format!("{question}: можно выбрать не больше {max} вариантов."),
            format!("{question}: {max} нұсқадан артық таңдауға болмайды."),
            format!("{question}: choose at most {max} options."),
        ),
        UnknownCurrency { question, currency } => lang.pick(
            format!("{question}: валюта {currency} здесь не допускается."),
            format!("{question}: мұнда {currency} валютасына рұқсат жоқ."),
            format!("{question}: currency {currency} is not allowed here."),
        ),
        UnknownRow { question, row } => lang.pick(
            format!("{question}: в таблице нет строки «{row}»."),
            format!("{question}: кестеде «{row}» жолы жоқ."),
            format!("{question}: the grid has no row \"{row}\"."),
        ),
        BadDate { question, text } => lang.pick(
            format!("{question}: «{text}» не является датой ГГГГ-ММ-ДД."),
            format!("{question}: «{text}» ЖЖЖЖ-АА-КК күні емес."),
            format!("{question}: \"{text}\" is not a date YYYY-MM-DD."),
        ),
        BadTime { question, text } => lang.pick(
            format!("{question}: «{text}» не является временем ЧЧ:ММ (от 00:00 до 23:59)."),
            format!("{question}: «{text}» СС:ММ уақыты емес (00:00-ден 23:59-ға дейін)."),
            format!("{question}: \"{text}\" is not a time HH:MM (00:00 to 23:59)."),
        ),
        OtherWithoutSpecify { question } => lang.pick(
            format!("{question}: уточнение («другое») записывается только при варианте «Другое (уточните)»."),
            format!("{question}: нақтылау («басқа») тек «Басқа (нақтылаңыз)» нұсқасы таңдалғанда жазылады."),
            format!("{question}: a specification goes with an \"Other (specify)\" option only."),
        ),
        Empty { question } => {
            lang.pick(format!("{question}: ответ пустой."), format!("{question}: жауап бос."), format!("{question}: the answer is empty."))
        }
        Rule { question, message, .. } => format!("{question}: {}", message.get(lang)),
    }
}

/// Why an option is not offered, from what the question's choice filter requires.
fn filtered_option(code: i64, filter: &FilterRule, lang: Lang) -> String {
    match filter {
        FilterRule::ChosenIn { question: other } => lang.pick(
            format!("вариант {code} здесь не предлагается: можно выбрать только варианты, отмеченные в {other}."),
            format!("{code} нұсқасы мұнда ұсынылмайды: тек {other} сұрағында белгіленген нұсқаларды таңдауға болады."),
            format!("option {code} is not offered here: only the options chosen in {other} are."),
        ),
        FilterRule::NotChosenIn { question: other } => lang.pick(
            format!("вариант {code} здесь не предлагается: можно выбрать только варианты, не отмеченные в {other}."),
            format!("{code} нұсқасы мұнда ұсынылмайды: тек {other} сұрағында белгіленбеген нұсқаларды таңдауға болады."),
            format!("option {code} is not offered here: only the options not chosen in {other} are."),
        ),
        FilterRule::DependsOn { questions } => {
            let list = questions.join(", ");
            if questions.len() == 1 {
                lang.pick(
                    format!("вариант {code} не предлагается при ответе, данном в {list}."),
                    format!("{list} сұрағына берілген жауап бойынша {code} нұсқасы ұсынылмайды."),
                    format!("option {code} is not offered with the answer given in {list}."),
                )
            } else {
                lang.pick(
                    format!("вариант {code} не предлагается при ответах, данных в {list}."),
                    format!("{list} сұрақтарына берілген жауаптар бойынша {code} нұсқасы ұсынылмайды."),
                    format!("option {code} is not offered with the answers given in {list}."),
                )
            }
        }
        FilterRule::Fixed => lang.pick(
            format!("вариант {code} в этом вопросе не предлагается."),
            format!("{code} нұсқасы бұл сұрақта ұсынылмайды."),
            format!("option {code} is not offered in this question."),
        ),
    }
}

/// The open error of a stored choice that the choice filter no longer offers, after the answer
/// the filter reads changed: what the filter requires and how to resolve it.
pub fn invalid_choice(labels: &[String], filter: &FilterRule, lang: Lang) -> String {
    let what = labels.iter().map(|l| format!("«{l}»")).collect::<Vec<_>>().join(", ");
    let many = labels.len() > 1;
    match filter {
        FilterRule::ChosenIn { question: other } | FilterRule::NotChosenIn { question: other } => {
            let not = matches!(filter, FilterRule::NotChosenIn { .. });
            let (ru_rule, kk_rule, en_rule) = if not {
                (
                    format!("можно выбрать только варианты, не отмеченные в {other}"),
                    format!("тек {other} сұрағында белгіленбеген нұсқаларды таңдауға болады"),
                    format!("only the options not chosen in {other} are offered"),
                )
            } else {
                (
                    format!("можно выбрать только варианты, отмеченные в {other}"),
                    format!("тек {other} сұрағында белгіленген нұсқаларды таңдауға болады"),
                    format!("only the options chosen in {other} are offered"),
                )
            };
            lang.pick(
                format!(
                    "{} {what} больше не {}: {ru_rule}. Выберите заново или измените {other}.",
                    if many { "Ответы" } else { "Ответ" },
                    if many { "предлагаются" } else { "предлагается" }
                ),
                format!("{what} жауабы енді ұсынылмайды: {kk_rule}. Қайта таңдаңыз немесе {other} сұрағын өзгертіңіз."),
                format!(
                    "{} {what} {} no longer offered: {en_rule}. Choose again here or change {other}.",
                    if many { "The answers" } else { "The answer" },
                    if many { "are" } else { "is" }
                ),
            )
        }
        FilterRule::DependsOn { questions } => {
            let list = questions.join(", ");
            lang.pick(
                format!(
                    "{} {what} больше не {} ответу на {list}. Выберите заново или измените {list}.",
                    if many { "Ответы" } else { "Ответ" },
                    if many { "соответствуют" } else { "соответствует" }
                ),
                format!("{what} жауабы енді {list} сұрағының жауабына сәйкес келмейді. Қайта таңдаңыз немесе {list} сұрағын өзгертіңіз."),
                format!(
                    "{} {what} no longer {} the answer to {list}. Choose again here or change {list}.",
                    if many { "The answers" } else { "The answer" },
                    if many { "fit" } else { "fits" }
                ),
            )
        }
        FilterRule::Fixed => lang.pick(
            format!("Ответ {what} в этом вопросе не предлагается. Выберите заново."),
            format!("{what} жауабы бұл сұрақта ұсынылмайды. Қайта таңдаңыз."),
            format!("The answer {what} is not offered in this question. Choose again."),
        ),
    }
}

/// The words for a kind of open issue on the completion list.
pub fn unanswered(lang: Lang) -> &'static str {
    lang.pick("Нет ответа", "Жауап жоқ", "Not answered")
}
