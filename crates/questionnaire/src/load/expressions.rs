//! Phase 4 of loading: every expression of the study is parsed; a parse error becomes an S006
//! diagnostic at the offending column, worded in the user's language from the parser's
//! [`ErrorKind`] (the parser's own text is English only).

use crate::expr::{self, ErrorKind, Expr, Found, ParseError};
use dala_i18n::msg;

use super::{Ctx, Msg};

/// Parses the expression `src` of field `loc`; on failure records S006 and returns `None`.
pub(super) fn parse_expr(ctx: &mut Ctx, file: &str, loc: &str, src: &str) -> Option<Expr> {
    match expr::parse(src) {
        Ok(e) => Some(e),
        Err(e) => {
            let (message, hint) = describe(&e, src);
            ctx.sink.err("S006", file, loc, message, Some(hint));
            None
        }
    }
}

/// A token in a message: `` `)` ``, `the end of the expression` ...
fn found(f: &Found) -> Msg {
    match f {
        Found::Number(n) => msg!("the number {n}", "число {n}", "{n} саны"),
        Found::Text(t) => msg!("the text '{t}'", "текст '{t}'", "'{t}' мәтіні"),
        Found::Name(n) => Msg::same(format!("`{n}`")),
        Found::Symbol(s) => Msg::same(format!("`{s}`")),
        Found::End => msg!("the end of the expression", "конец выражения", "өрнектің соңы"),
    }
}

/// The message (with the column) and the hint for a parse error of `src`.
pub(super) fn describe(e: &ParseError, src: &str) -> (Msg, Msg) {
    let column = e.column;
    let docs = msg!("see docs/expressions.md", "см. docs/expressions.md", "docs/expressions.md құжатын қараңыз");
    let usage = |f: &str| {
        msg!(
            "see `{f}(...)` in docs/expressions.md",
            "см. описание `{f}(...)` в docs/expressions.md",
            "docs/expressions.md ішінен `{f}(...)` сипаттамасын қараңыз"
        )
    };
    let (what, hint): (Msg, Msg) = match e.kind.as_ref() {
        ErrorKind::Empty => (
            msg!("the expression is empty", "выражение пустое", "өрнек бос"),
            msg!(
                "write a condition, or remove the field",
                "запишите условие или удалите поле",
                "шартты жазыңыз немесе өрісті алып тастаңыз"
            ),
        ),
        ErrorKind::NotAnOperator { op } => {
            let what = msg!("`{op}` is not an operator", "`{op}` — не оператор", "`{op}` — оператор емес");
            let hint = match op.as_str() {
                "=" => msg!("write `==` to compare", "для сравнения пишите `==`", "салыстыру үшін `==` жазыңыз"),
                "<>" => msg!("write `!=` for \"not equal\"", "«не равно» пишется `!=`", "«тең емес» `!=` деп жазылады"),
                "!" => msg!(
                    "write `not` to negate, or `!=` for \"not equal\"",
                    "отрицание пишется `not`, «не равно» — `!=`",
                    "терістеу `not` деп, «тең емес» `!=` деп жазылады"
                ),
                "^" => msg!(
                    "there is no power operator; multiply instead",
                    "оператора степени нет; используйте умножение",
                    "дәреже операторы жоқ; көбейтуді қолданыңыз"
                ),
                o if o.starts_with('&') => msg!("write `and`", "пишите `and`", "`and` деп жазыңыз"),
                o if o.starts_with('|') => msg!("write `or`", "пишите `or`", "`or` деп жазыңыз"),
                _ => docs.clone(),
            };
            (what, hint)
        }
        ErrorKind::UnexpectedChar { ch } => {
            let c = ch.escape_debug();
            (msg!("unexpected character `{c}`", "недопустимый символ `{c}`", "рұқсат етілмеген таңба `{c}`"), docs.clone())
        }
        ErrorKind::ForeignLetter { ch, in_word, lookalike } => {
            let what = msg!(
                "the letter `{ch}` cannot appear outside quotes",
                "буква `{ch}` не может стоять вне кавычек",
                "`{ch}` әрпі тырнақшадан тыс тұра алмайды"
            );
            let hint = if *lookalike {
                msg!(
                    "`{ch}` is a Cyrillic letter that looks like a Latin one; ids use Latin letters only",
                    "`{ch}` — кириллическая буква, похожая на латинскую; в id только латинские буквы",
                    "`{ch}` — латын әрпіне ұқсас кирилл әрпі; id-де тек латын әріптері болады"
                )
            } else if *in_word {
                msg!(
                    "ids use Latin letters, digits and `_` only",
                    "в id допустимы только латинские буквы, цифры и `_`",
                    "id-де тек латын әріптері, цифрлар және `_` болады"
                )
            } else {
                msg!("put text in quotes: 'text'", "текст заключайте в кавычки: 'текст'", "мәтінді тырнақшаға алыңыз: 'мәтін'")
            };
            (what, hint)
        }
        ErrorKind::NoDigitsAfterPoint => (
            msg!("expected digits after the decimal point", "после десятичной точки нужны цифры", "ондық нүктеден кейін цифрлар керек"),
            msg!("write decimals as 54.5 or 54", "дробные числа пишутся как 54.5 или 54", "бөлшек сандар 54.5 немесе 54 деп жазылады"),
        ),
        ErrorKind::NumberRunsIntoName => (
            msg!("a number cannot run into a name", "число не может сливаться с именем", "сан атаумен қосылып тұра алмайды"),
            msg!(
                "put a space or an operator after the number; names start with a letter",
                "поставьте после числа пробел или оператор; имена начинаются с буквы",
                "саннан кейін бос орын немесе оператор қойыңыз; атаулар әріптен басталады"
            ),
        ),
        ErrorKind::NotANumber { text } => (msg!("`{text}` is not a number", "`{text}` — не число", "`{text}` — сан емес"), docs.clone()),
        ErrorKind::UnknownEscape { ch } => (
            msg!(
                "unknown escape `\\{ch}` in text",
                "неизвестная управляющая последовательность `\\{ch}` в тексте",
                "мәтінде белгісіз `\\{ch}` тізбегі"
            ),
            msg!(
                "a backslash may only precede a quote, another backslash, n or t",
                "обратная косая черта ставится только перед кавычкой, другой косой чертой, n или t",
                "кері қиғаш сызық тек тырнақшаның, басқа қиғаш сызықтың, n немесе t әрпінің алдында тұрады"
            ),
        ),
        ErrorKind::UnclosedText { quote } => (
            msg!("the text is never closed", "текст не закрыт кавычкой", "мәтін тырнақшамен жабылмаған"),
            msg!("end it with {quote}", "закройте его знаком {quote}", "оны {quote} белгісімен жабыңыз"),
        ),
        ErrorKind::TooDeep { max } => (
            msg!("the expression nests too deeply", "слишком глубокая вложенность выражения", "өрнектің ендірілуі тым терең"),
            msg!(
                "at most {max} levels are allowed; split it into calculations",
                "допускается не больше {max} уровней; разбейте выражение на вычисления",
                "{max} деңгейден артық болмайды; өрнекті есептеулерге бөліңіз"
            ),
        ),
        ErrorKind::AggregatesTooDeep { max } => (
            msg!(
                "aggregates over rosters can be nested at most {max} deep",
                "агрегирующие функции по ростерам вкладываются не глубже {max} уровней",
                "ростерлер бойынша агрегаттау функциялары {max} деңгейден терең ендірілмейді"
            ),
            msg!(
                "compute the inner aggregate in a calculation of the roster",
                "вычислите внутреннюю функцию в вычислении ростера",
                "ішкі функцияны ростердің есептеуінде есептеңіз"
            ),
        ),
        ErrorKind::ChainedComparison { found: f } => {
            let f = found(f);
            (
                msg!(
                    "comparisons cannot be chained: {} follows another comparison",
                    "сравнения нельзя ставить цепочкой: {} идёт после другого сравнения",
                    "салыстыруларды тізбектей қоюға болмайды: {} басқа салыстырудан кейін тұр",
                    f.en,
                    f.ru,
                    f.kk
                ),
                msg!("join two comparisons with `and`", "соедините два сравнения через `and`", "екі салыстыруды `and` арқылы біріктіріңіз"),
            )
        }
        ErrorKind::StrayNot => (
            msg!(
                "`not` after a value must be followed by `in`",
                "после значения за `not` должно идти `in`",
                "мәннен кейінгі `not` сөзінен соң `in` тұруы керек"
            ),
            msg!(
                "write `x not in (...)`, or put `not` before the condition",
                "пишите `x not in (...)` или ставьте `not` перед условием",
                "`x not in (...)` деп жазыңыз немесе `not` сөзін шарттың алдына қойыңыз"
            ),
        ),
        ErrorKind::InWithoutList { found: f } => {
            let f = found(f);
            (
                msg!(
                    "expected `(` after `in`, found {}",
                    "после `in` ожидается `(`, а стоит {}",
                    "`in` сөзінен кейін `(` күтіледі, бірақ {} тұр",
                    f.en,
                    f.ru,
                    f.kk
                ),
                msg!("list the values in parentheses", "перечислите значения в скобках", "мәндерді жақша ішінде тізіп жазыңыз"),
            )
        }
        ErrorKind::EmptyInList => (
            msg!("the list after `in` is empty", "список после `in` пуст", "`in` сөзінен кейінгі тізім бос"),
            msg!("list at least one value", "укажите хотя бы одно значение", "кемінде бір мән көрсетіңіз"),
        ),
        ErrorKind::UnclosedList { open, found: f } | ErrorKind::Unclosed { open, found: f } => {
            let f = found(f);
            (
                msg!(
                    "the `(` at column {open} is not closed: found {}",
                    "скобка `(` в столбце {open} не закрыта: стоит {}",
                    "{open}-бағандағы `(` жақшасы жабылмаған: {} тұр",
                    f.en,
                    f.ru,
                    f.kk
                ),
                msg!("add the missing `)`", "добавьте недостающую `)`", "жетпейтін `)` жақшасын қосыңыз"),
            )
        }
        ErrorKind::UnclosedCall { function, open, found: f } => {
            let f = found(f);
            (
                msg!(
                    "expected `,` or `)` in the call of `{function}` opened at column {open}, found {}",
                    "в вызове `{function}` (столбец {open}) ожидается `,` или `)`, а стоит {}",
                    "`{function}` шақыруында ({open}-баған) `,` немесе `)` күтіледі, бірақ {} тұр",
                    f.en,
                    f.ru,
                    f.kk
                ),
                usage(function),
            )
        }
        ErrorKind::ExpectedValue { found: Found::End } => (
            msg!(
                "the expression ends where a value was expected",
                "выражение обрывается там, где ожидается значение",
                "өрнек мән күтілген жерде аяқталады"
            ),
            msg!(
                "complete the expression after the last operator",
                "допишите выражение после последнего оператора",
                "соңғы оператордан кейін өрнекті толықтырыңыз"
            ),
        ),
        ErrorKind::ExpectedValue { found: Found::Symbol(s) } if s == "not" => (
            msg!("`not` cannot stand here", "`not` не может стоять здесь", "`not` мұнда тұра алмайды"),
            msg!(
                "`not` negates a whole condition; put it in parentheses",
                "`not` отрицает условие целиком; заключите его в скобки",
                "`not` шартты толық терістейді; оны жақшаға алыңыз"
            ),
        ),
        ErrorKind::ExpectedValue { found: f } => {
            let f = found(f);
            (
                msg!("expected a value, found {}", "ожидается значение, а стоит {}", "мән күтіледі, бірақ {} тұр", f.en, f.ru, f.kk),
                msg!(
                    "a value is a number, a text in quotes, a name, a function call or `(`",
                    "значение — это число, текст в кавычках, имя, вызов функции или `(`",
                    "мән — сан, тырнақшадағы мәтін, атау, функция шақыруы немесе `(`"
                ),
            )
        }
        ErrorKind::FunctionWithoutCall { function } => (
            msg!(
                "`{function}` is a function and needs its arguments in parentheses",
                "`{function}` — функция, её аргументы пишутся в скобках",
                "`{function}` — функция, оның аргументтері жақшада жазылады"
            ),
            usage(function),
        ),
        ErrorKind::ChainedImplies => (
            msg!(
                "`implies` cannot be chained: this `implies` follows another one",
                "`implies` нельзя ставить цепочкой: это `implies` идёт после другого",
                "`implies` сөзін тізбектей қоюға болмайды: бұл `implies` басқасынан кейін тұр"
            ),
            msg!(
                "put one side in parentheses, as in `(a implies b) and (b implies c)`",
                "заключите одну из частей в скобки: `(a implies b) and (b implies c)`",
                "бір бөлігін жақшаға алыңыз: `(a implies b) and (b implies c)`"
            ),
        ),
        ErrorKind::NotAName { function, found: f, after_name } => {
            let f = found(f);
            let what = if *after_name {
                msg!(
                    "the argument of `{function}` must be a question id alone, found {} after it",
                    "аргументом `{function}` должен быть только id вопроса, а после него стоит {}",
                    "`{function}` аргументі тек сұрақ id-і болуы керек, бірақ одан кейін {} тұр",
                    f.en,
                    f.ru,
                    f.kk
                )
            } else {
                msg!(
                    "the argument of `{function}` must be the id of a money question or `.`, found {}",
                    "аргументом `{function}` должен быть id денежного вопроса или `.`, а стоит {}",
                    "`{function}` аргументі ақшалай сұрақтың id-і немесе `.` болуы керек, бірақ {} тұр",
                    f.en,
                    f.ru,
                    f.kk
                )
            };
            (what, usage(function))
        }
        ErrorKind::NotARoster { function, found: f } => {
            let what = match f {
                None => msg!(
                    "the first argument of `{function}` must be the id of a roster alone",
                    "первым аргументом `{function}` должен быть только id ростера",
                    "`{function}` функциясының бірінші аргументі тек ростер id-і болуы керек"
                ),
                Some(f) => {
                    let f = found(f);
                    msg!(
                        "the first argument of `{function}` must be the id of a roster, found {}",
                        "первым аргументом `{function}` должен быть id ростера, а стоит {}",
                        "`{function}` функциясының бірінші аргументі ростер id-і болуы керек, бірақ {} тұр",
                        f.en,
                        f.ru,
                        f.kk
                    )
                }
            };
            (what, usage(function))
        }
        ErrorKind::WrongArity { function, min, max, given } => {
            let expected = match max {
                Some(m) if m == min => Msg::same(m.to_string()),
                Some(m) => msg!("{min} or {m}", "{min} или {m}", "{min} немесе {m}"),
                None => msg!("at least {min}", "не меньше {min}", "кемінде {min}"),
            };
            (
                msg!(
                    "`{function}` takes {} argument(s), but {given} were given",
                    "`{function}` принимает аргументов: {}, а передано: {given}",
                    "`{function}` функциясының аргументтері: {}, ал берілгені: {given}",
                    expected.en,
                    expected.ru,
                    expected.kk
                ),
                usage(function),
            )
        }
        ErrorKind::UnmatchedParen => (
            msg!("this `)` closes no `(`", "эта `)` не закрывает ни одной `(`", "бұл `)` ешқандай `(` жақшасын жаппайды"),
            msg!(
                "remove it or add the missing `(`",
                "удалите её или добавьте недостающую `(`",
                "оны алып тастаңыз немесе жетпейтін `(` қосыңыз"
            ),
        ),
        ErrorKind::KeywordCase { word } => {
            let lower = word.to_ascii_lowercase();
            (
                msg!(
                    "unexpected `{word}` after a complete expression",
                    "лишнее `{word}` после законченного выражения",
                    "аяқталған өрнектен кейін артық `{word}`"
                ),
                msg!(
                    "keywords are lowercase: write `{lower}`",
                    "ключевые слова пишутся строчными: `{lower}`",
                    "кілт сөздер кіші әріппен жазылады: `{lower}`"
                ),
            )
        }
        ErrorKind::Trailing { found: f } => {
            let f = found(f);
            (
                msg!(
                    "unexpected {} after a complete expression",
                    "лишнее {} после законченного выражения",
                    "аяқталған өрнектен кейін артық {}",
                    f.en,
                    f.ru,
                    f.kk
                ),
                msg!(
                    "join conditions with `and` or `or`, and values with an operator such as `+`",
                    "соединяйте условия через `and` или `or`, а значения — оператором, например `+`",
                    "шарттарды `and` немесе `or` арқылы, ал мәндерді `+` сияқты оператормен біріктіріңіз"
                ),
            )
        }
        ErrorKind::UnknownFunction { name, close } => {
            let hint = if close.is_empty() {
                msg!(
                    "see the functions in docs/expressions.md",
                    "список функций — в docs/expressions.md",
                    "функциялар тізімі docs/expressions.md құжатында"
                )
            } else {
                super::did_you_mean(&close.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", "))
            };
            (msg!("unknown function `{name}`", "неизвестная функция `{name}`", "белгісіз функция `{name}`"), hint)
        }
        ErrorKind::Internal => (msg!("internal parser error", "внутренняя ошибка разбора", "талдаудың ішкі қатесі"), docs.clone()),
        // A kind the parser gained after this table: say where, and what stands there, in our words.
        ErrorKind::Other => {
            let at: String = src.chars().skip(column.saturating_sub(1)).take_while(|c| !c.is_whitespace()).collect();
            let what = if at.is_empty() {
                msg!("the expression is incomplete", "выражение не закончено", "өрнек аяқталмаған")
            } else {
                msg!("the expression cannot be read at `{at}`", "выражение не читается на `{at}`", "өрнек `{at}` тұсында оқылмайды")
            };
            (what, docs.clone())
        }
    };
    let message = msg!(
        "expression does not parse at column {column}: {}",
        "выражение не разбирается, столбец {column}: {}",
        "өрнек талданбайды, {column}-баған: {}",
        what.en,
        what.ru,
        what.kk
    );
    let hint = msg!("{} (in `{src}`)", "{} (в выражении `{src}`)", "{} (`{src}` өрнегінде)", hint.en, hint.ru, hint.kk);
    (message, hint)
}
