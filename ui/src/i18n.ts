// Every string of the interface, in Russian, Kazakh and English.
//
// Question texts, options and validation messages come translated from the study (through the
// Screen); this file holds only the interface around them. The interface language follows the
// interview's language on the interview screen and the switch on the home screen, so one tap
// changes both together. Kazakh is Cyrillic with Ә Ғ Қ Ң Ө Ұ Ү Һ І (Cyrillic і, U+0456, never the
// Latin i): ui/tests/i18n.test.mjs (`npm test`) keeps it that way.

import type { Lang } from "./bindings/Lang";
import type { IssueKindView } from "./bindings/IssueKindView";

export type BlockState = "not_started" | "in_progress" | "complete" | "has_errors";

export interface Strings {
  /** The language's own name, for the switch and the home screen. */
  languageName: string;
  languageSwitch: string;
  interviews: string;
  newInterview: string;
  newInterviewIn: (language: string) => string;
  groupNew: string;
  groupInProgress: string;
  groupCompleted: string;
  noInterviews: string;
  answers: (n: number) => string;
  created: string;
  updated: string;
  interviewNo: string;
  backToList: string;
  loading: string;
  blockOf: (n: number, total: number) => string;
  block: (n: number) => string;
  coverSheet: string;
  coverShort: string;
  blockStates: Record<BlockState, string>;
  card: (n: number) => string;
  readOut: string;
  doNotRead: string;
  instruction: string;
  dontKnow: string;
  refused: string;
  previous: string;
  next: string;
  toCompletion: string;
  confirm: string;
  confirmed: string;
  warning: string;
  error: string;
  clearAnswer: string;
  add: string;
  remove: string;
  name: string;
  amount: string;
  currency: string;
  day: string;
  month: string;
  year: string;
  suggested: string;
  accept: string;
  several: (max: number | null) => string;
  rowOf: (row: number, of: number) => string;
  unnamedRow: (row: number) => string;
  answeredOf: (answered: number, total: number) => string;
  errors: (n: number) => string;
  endTitle: string;
  issuesTitle: string;
  noIssues: string;
  issueKinds: Record<IssueKindView, string>;
  complete: string;
  cannotComplete: string;
  completedBanner: string;
  completedReadOnly: string;
  keypadBackspace: string;
  keypadClear: string;
  row: string;
}

const ru: Strings = {
  languageName: "Русский",
  languageSwitch: "Язык интервью и интерфейса",
  interviews: "Интервью",
  newInterview: "Новое интервью",
  newInterviewIn: (language) => `на языке: ${language}`,
  groupNew: "Новые",
  groupInProgress: "В работе",
  groupCompleted: "Завершённые",
  noInterviews: "Интервью пока нет.",
  answers: (n) => `ответов: ${n}`,
  created: "создано",
  updated: "изменено",
  interviewNo: "Интервью",
  backToList: "К списку",
  loading: "Загрузка…",
  blockOf: (n, total) => `Блок ${n} из ${total}`,
  block: (n) => `Блок ${n}`,
  coverSheet: "Титульный лист",
  coverShort: "Титул",
  blockStates: { not_started: "не начат", in_progress: "в работе", complete: "заполнен", has_errors: "есть ошибки" },
  card: (n) => `Карточка ${n}`,
  readOut: "Зачитать варианты",
  doNotRead: "Варианты не зачитывать",
  instruction: "Инструкция интервьюеру — не зачитывать",
  dontKnow: "Затрудняюсь ответить",
  refused: "Отказ от ответа",
  previous: "Назад",
  next: "Далее",
  toCompletion: "К завершению",
  confirm: "Подтвердить",
  confirmed: "Подтверждено",
  warning: "Предупреждение",
  error: "Ошибка",
  clearAnswer: "Стереть ответ",
  add: "Добавить",
  remove: "Удалить",
  name: "Имя",
  amount: "Сумма",
  currency: "Валюта",
  day: "День",
  month: "Месяц",
  year: "Год",
  suggested: "Предлагаемое значение — подтвердите или измените",
  accept: "Принять",
  several: (max) => (max ? `Можно выбрать несколько, не более ${max}` : "Можно выбрать несколько"),
  rowOf: (row, of) => `${row} из ${of}`,
  unnamedRow: (row) => `№ ${row}, имя не записано`,
  answeredOf: (answered, total) => `${answered} из ${total}`,
  errors: (n) => `ошибок: ${n}`,
  endTitle: "Конец анкеты",
  issuesTitle: "Что осталось проверить",
  noIssues: "Все вопросы заполнены, ошибок нет.",
  issueKinds: { error: "Ошибка", warning: "Предупреждение", unanswered: "Нет ответа" },
  complete: "Завершить интервью",
  cannotComplete: "Чтобы завершить интервью, исправьте ошибки и ответьте на обязательные вопросы из списка.",
  completedBanner: "Интервью завершено.",
  completedReadOnly: "Интервью завершено, ответы больше не меняются.",
  keypadBackspace: "Стереть цифру",
  keypadClear: "Очистить",
  row: "Строка",
};

const kk: Strings = {
  languageName: "Қазақша",
  languageSwitch: "Сұхбат пен интерфейс тілі",
  interviews: "Сұхбаттар",
  newInterview: "Жаңа сұхбат",
  newInterviewIn: (language) => `тілі: ${language}`,
  groupNew: "Жаңа",
  groupInProgress: "Жүргізілуде",
  groupCompleted: "Аяқталған",
  noInterviews: "Әзірге сұхбат жоқ.",
  answers: (n) => `жауаптар: ${n}`,
  created: "құрылды",
  updated: "өзгертілді",
  interviewNo: "Сұхбат",
  backToList: "Тізімге",
  loading: "Жүктелуде…",
  blockOf: (n, total) => `${n}-блок, барлығы ${total}`,
  block: (n) => `${n}-блок`,
  coverSheet: "Титул парағы",
  coverShort: "Титул",
  blockStates: { not_started: "басталмаған", in_progress: "жүргізілуде", complete: "толтырылды", has_errors: "қателер бар" },
  card: (n) => `${n}-карточка`,
  readOut: "Нұсқаларды оқып беріңіз",
  doNotRead: "Нұсқаларды оқымаңыз",
  instruction: "Сауалнамашыға нұсқау — дауыстап оқылмайды",
  dontKnow: "Жауап беруге қиналамын",
  refused: "Жауап беруден бас тартты",
  previous: "Артқа",
  next: "Келесі",
  toCompletion: "Аяқтауға",
  confirm: "Растау",
  confirmed: "Расталды",
  warning: "Ескерту",
  error: "Қате",
  clearAnswer: "Жауапты өшіру",
  add: "Қосу",
  remove: "Жою",
  name: "Аты",
  amount: "Сомасы",
  currency: "Валюта",
  day: "Күн",
  month: "Ай",
  year: "Жыл",
  suggested: "Ұсынылған мән — растаңыз немесе өзгертіңіз",
  accept: "Қабылдау",
  several: (max) => (max ? `Бірнешеуін таңдауға болады, ${max}-ден артық емес` : "Бірнешеуін таңдауға болады"),
  rowOf: (row, of) => `${of} ішінен ${row}`,
  unnamedRow: (row) => `№ ${row}, аты жазылмаған`,
  answeredOf: (answered, total) => `${total} ішінен ${answered}`,
  errors: (n) => `қате: ${n}`,
  endTitle: "Сауалнаманың соңы",
  issuesTitle: "Не тексеру керек",
  noIssues: "Барлық сұрақтарға жауап берілді, қате жоқ.",
  issueKinds: { error: "Қате", warning: "Ескерту", unanswered: "Жауап жоқ" },
  complete: "Сұхбатты аяқтау",
  cannotComplete: "Сұхбатты аяқтау үшін тізімдегі қателерді түзетіп, міндетті сұрақтарға жауап беріңіз.",
  completedBanner: "Сұхбат аяқталды.",
  completedReadOnly: "Сұхбат аяқталды, жауаптар енді өзгертілмейді.",
  keypadBackspace: "Цифрды өшіру",
  keypadClear: "Тазалау",
  row: "Жол",
};

const en: Strings = {
  languageName: "English",
  languageSwitch: "Interview and interface language",
  interviews: "Interviews",
  newInterview: "New interview",
  newInterviewIn: (language) => `in ${language}`,
  groupNew: "New",
  groupInProgress: "In progress",
  groupCompleted: "Completed",
  noInterviews: "No interviews yet.",
  answers: (n) => `${n} answers`,
  created: "created",
  updated: "updated",
  interviewNo: "Interview",
  backToList: "All interviews",
  loading: "Loading…",
  blockOf: (n, total) => `Block ${n} of ${total}`,
  block: (n) => `Block ${n}`,
  coverSheet: "Cover sheet",
  coverShort: "Cover",
  blockStates: { not_started: "not started", in_progress: "in progress", complete: "complete", has_errors: "has errors" },
  card: (n) => `Card ${n}`,
  readOut: "Read out the options",
  doNotRead: "Do not read the options",
  instruction: "Interviewer instruction — not read aloud",
  dontKnow: "Don't know",
  refused: "Refused",
  previous: "Previous",
  next: "Next",
  toCompletion: "Finish",
  confirm: "Confirm",
  confirmed: "Confirmed",
  warning: "Warning",
  error: "Error",
  clearAnswer: "Clear answer",
  add: "Add",
  remove: "Remove",
  name: "Name",
  amount: "Amount",
  currency: "Currency",
  day: "Day",
  month: "Month",
  year: "Year",
  suggested: "Suggested value — confirm or change it",
  accept: "Accept",
  several: (max) => (max ? `Several may be chosen, at most ${max}` : "Several may be chosen"),
  rowOf: (row, of) => `${row} of ${of}`,
  unnamedRow: (row) => `No. ${row}, no name yet`,
  answeredOf: (answered, total) => `${answered} of ${total}`,
  errors: (n) => (n === 1 ? "1 error" : `${n} errors`),
  endTitle: "End of the questionnaire",
  issuesTitle: "What is left to check",
  noIssues: "All questions are answered and there are no errors.",
  issueKinds: { error: "Error", warning: "Warning", unanswered: "Unanswered" },
  complete: "Complete the interview",
  cannotComplete: "To complete the interview, fix the errors and answer the required questions listed.",
  completedBanner: "The interview is completed.",
  completedReadOnly: "The interview is completed; its answers can no longer change.",
  keypadBackspace: "Delete a digit",
  keypadClear: "Clear",
  row: "Row",
};

export const STRINGS: Record<Lang, Strings> = { ru, kk, en };

export const LANGS: Lang[] = ["ru", "kk", "en"];

/** The short code on the language switch. */
export const LANG_CODE: Record<Lang, string> = { ru: "RU", kk: "KK", en: "EN" };

export function t(lang: Lang): Strings {
  return STRINGS[lang];
}
