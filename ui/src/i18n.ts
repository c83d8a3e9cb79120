// Every string of the interface, in Russian, Kazakh and English.
//
// Question texts, options and validation messages come translated from the study (through the
// Screen); this file holds only the interface around them. The interface language follows the
// interview's language on the interview screen and the switch on the home screen, so one tap
// changes both together. Kazakh is Cyrillic with Ә Ғ Қ Ң Ө Ұ Ү Һ І (Cyrillic і, U+0456, never the
// Latin i): ui/tests/i18n.test.mjs (`npm test`) keeps it that way.

import type { Lang } from "./bindings/Lang";
import type { InterviewStatus } from "./bindings/InterviewStatus";
import type { IssueKindView } from "./bindings/IssueKindView";

export type BlockState = "not_started" | "in_progress" | "complete" | "has_errors";

/** The supervisor dashboard's strings (rate codes such as RR1 are AAPOR's and the same in every language). */
/** Users, PINs and the lock screen. */
export interface UserStrings {
  open: string;
  title: string;
  locked: string;
  name: string;
  pin: string;
  pinAgain: string;
  signIn: string;
  add: string;
  role: string;
  roles: Record<"interviewer" | "supervisor" | "coordinator", string>;
  you: string;
  demoHint: string;
  pinsDiffer: string;
  lockNow: string;
  /** The database could not be opened at start (another instance holds it, a read-only medium). */
  cannotOpen: string;
  cannotOpenHint: string;
  tryAgain: string;
  changePin: string;
  currentPin: string;
  newPin: string;
  newPinAgain: string;
  pinChanged: string;
}

/** Sync through package files (issue 8). */
export interface SyncStrings {
  open: string;
  title: string;
  folder: string;
  folderHint: string;
  import: string;
  export: string;
  progress: (done: number, total: number) => string;
  none: string;
  result: (packages: number, imported: number, duplicates: number, conflicts: number) => string;
  rejected: string;
  written: string;
  conflictsTitle: (n: number) => string;
  conflictsHint: string;
  shownNow: string;
  choose: string;
}

/** Back-checks: the supervisor re-contacts a seeded share of each interviewer's completes. */
export interface ExportStrings {
  open: string;
  title: string;
  intro: string;
  format: string;
  /** What each format is for (the format names themselves are not translated: views/export.ts). */
  formats: Record<"sav" | "zsav" | "dta" | "csv" | "parquet", string>;
  labels: string;
  langNames: Record<"ru" | "kk" | "en", string>;
  anonymise: string;
  anonymiseHint: string;
  folder: string;
  folderHint: string;
  start: string;
  progress: (done: number, total: number) => string;
  done: (folder: string) => string;
  file: string;
  rows: string;
  variables: string;
  openFolder: string;
}

export interface BackcheckStrings {
  open: string;
  title: string;
  intro: (share: number) => string;
  seed: string;
  seedHint: string;
  draw: string;
  drawn: (n: number, seed: string) => string;
  none: string;
  interview: string;
  interviewer: string;
  drawnAt: string;
  state: string;
  notChecked: string;
  matches: string;
  mismatches: (n: number) => string;
  record: string;
  visited: string;
  sameRespondent: string;
  householdSize: string;
  yes: string;
  no: string;
  notAsked: string;
  save: string;
  cancel: string;
  items: Record<"visited" | "same_respondent" | "household_size", string>;
  recorded: string;
  found: string;
}

/** The supervisor's review of an interview, and the notes the interviewer sees. */
export interface ReviewStrings {
  panel: string;
  text: string;
  approve: string;
  reject: string;
  comment: string;
  needReason: string;
  rejectedBanner: string;
  correctedBanner: string;
  approvedBanner: string;
  notesHere: string;
}

export interface DashStrings {
  open: string;
  title: string;
  filters: string;
  city: string;
  route: string;
  interviewer: string;
  from: string;
  to: string;
  all: string;
  provisional: string;
  reset: string;
  completes: string;
  target: string;
  visits: string;
  awaiting: string;
  atRisk: string;
  addresses: string;
  lastActivity: string;
  never: string;
  reasons: string;
  women: string;
  men: string;
  done: string;
  remaining: string;
  quotaChart: string;
  perDayChart: string;
  dispositionsChart: string;
  routesTable: string;
  onlyWorked: string;
  outcomesTitle: string;
  byCity: string;
  byRoute: string;
  byInterviewer: string;
  interviewersTitle: string;
  interviews: string;
  medianLength: string;
  minutes: (n: number) => string;
  /** A device's journal arrived with numbers missing: a package lost or not yet carried. */
  gap: (who: string, missing: number, first: number, last: number) => string;
  flags: string;
  noFlags: string;
  studyMedian: (n: string) => string;
  nothing: string;
  classes: { i: string; p: string; r: string; nc: string; o: string; uh: string; uo: string; ne: string };
}

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
  groupBrokenOff: string;
  groupRefused: string;
  interviewStatus: Record<InterviewStatus, string>;
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
  specify: string;
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
  brokenOffReadOnly: string;
  breakOff: string;
  breakOffQuestion: string;
  breakOffExplain: string;
  breakOffYes: string;
  cancel: string;
  brokenOffNotice: string;
  /** A value the app records itself (date, start and end time, visit number): shown, not edited. */
  autoRecorded: string;
  autoPending: string;
  /** Hours and minutes of a time answer. */
  timeHint: string;
  /** The answer ends the interview (consent "no"): the confirmation and the ended screen. */
  endQuestion: string;
  endExplain: string;
  endYes: string;
  endChangeAnswer: string;
  refusedTitle: string;
  refusedReadOnly: string;
  refusedExplainField: string;
  refusedExplain: string;
  keypadBackspace: string;
  keypadClear: string;
  /** The decimal mark of the keypad (the language's own: docs/number-input.md). */
  decimalMark: string;
  row: string;

  // Random-route fieldwork: my routes, the route, a visit, screening.
  home: string;
  myRoutes: string;
  dash: DashStrings;
  sync: SyncStrings;
  backcheck: BackcheckStrings;
  exp: ExportStrings;
  review: ReviewStrings;
  users: UserStrings;
  myRoutesCount: (n: number) => string;
  appointmentsDue: (n: number) => string;
  routeLabel: string;
  directionWord: Record<"ascending" | "descending", string>;
  startAt: (house: number, direction: string) => string;
  women: string;
  men: string;
  quotaTitle: string;
  quotaOf: (done: number, target: number) => string;
  quotaNeeds: (sexes: string) => string;
  quotaFull: string;
  quotaHeld: (n: number) => string;
  quotaOver: (n: number) => string;
  statAddresses: string;
  statVisits: string;
  statCompletes: string;
  statAppointments: string;
  noMyRoutes: string;
  supervisorDraws: string;
  demoExplain: string;
  drawDemo: string;
  routesElsewhere: (n: number) => string;
  backToRoutes: string;
  backToRoute: string;
  backToAddress: string;
  nextAddressTitle: string;
  dwellingKinds: Record<string, string>;
  recordVisit: string;
  visitsCount: (n: number) => string;
  nextAddress: string;
  nextNeedsVisit: string;
  describeTitle: string;
  buildingKinds: Record<BuildingKindId, string>;
  /** Under the flats form of a block that cannot be entered: how to give its flats. */
  lockedBlockNote: string;
  /** On the guidance card of a flat in a block that cannot be entered. */
  lockedAddress: string;
  entrances: string;
  flatsPerEntrance: string;
  firstFlat: string;
  onlyFlatRange: string;
  flatFrom: string;
  flatTo: string;
  confirmBuilding: string;
  /** The optional number of a building next to house n («15А», «15/1», «15 корп. 2»). */
  extraBuildingNumber: (house: number | null) => string;
  notSingleHouse: string;
  deadEnd: string;
  continuationTitle: string;
  streetRu: string;
  streetKk: string;
  numbersFrom: string;
  numbersTo: string;
  startHouse: string;
  continueRoute: string;
  addressesTitle: string;
  noAddresses: string;
  addressStatus: Record<"not_visited" | "open" | "closed", string>;
  appointmentsTitle: string;
  appointmentAt: (when: string) => string;
  finalCode: string;
  provisional: string;
  interviewStarted: string;
  openInterview: string;
  visitTitle: string;
  visitsTitle: string;
  noVisits: string;
  toClose: string;
  mayClose: string;
  closeAddress: string;
  addressClosed: string;
  someoneOpened: string;
  someoneOpenedHint: string;
  outcomeTitle: string;
  outcomeGroups: Record<string, string>;
  evidence: string;
  householdsAtAddress: string;
  appointmentWhen: string;
  saveAppointment: string;
  today: string;
  tomorrow: string;
  weekdays: string[];
  refuserSex: string;
  refuserAge: string;
  reason: string;
  note: string;
  modeTitle: string;
  modes: Record<"door" | "intercom" | "phone", string>;
  saveVisit: string;
  visitSaved: (n: number, label: string) => string;
  chooseOutcome: string;
  screeningTitle: string;
  drawTitle: string;
  drawHint: string;
  drawHousehold: string;
  listTitle: string;
  rescreenReason: string;
  rescreenHint: string;
  rescreened: (at: string, reason: string) => string;
  adultsTitle: string;
  age: string;
  female: string;
  male: string;
  permanentMember: string;
  headOfHousehold: string;
  coDecisionMaker: string;
  atHomeNow: string;
  addAdult: string;
  selectRespondent: string;
  fillEveryAdult: string;
  proposalTitle: string;
  householdDrawn: (k: number, n: number) => string;
  eligible: string;
  notEligible: string;
  startInterview: string;
  overrideTitle: string;
  overrideHint: string;
  overrideReason: string;
  startOverride: string;
  listAgain: string;
  flagged: string;
}

export type BuildingKindId = "single_house" | "apartment_block" | "non_residential" | "refused_access" | "no_such_number";

const ru: Strings = {
  languageName: "Русский",
  languageSwitch: "Язык интервью и интерфейса",
  interviews: "Интервью",
  newInterview: "Новое интервью",
  newInterviewIn: (language) => `на языке: ${language}`,
  groupNew: "Новые",
  groupInProgress: "В работе",
  groupCompleted: "Завершённые",
  groupBrokenOff: "Прерванные",
  groupRefused: "Отказы",
  interviewStatus: { in_progress: "Идёт", completed: "Завершено", broken_off: "Прервано", refused: "Отказ" },
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
  specify: "Уточните (запишите ответ)",
  rowOf: (row, of) => `${row} из ${of}`,
  unnamedRow: (row) => `№ ${row}, имя не записано`,
  answeredOf: (answered, total) => `${answered} из ${total}`,
  errors: (n) => `ошибок: ${n}`,
  endTitle: "Конец анкеты",
  issuesTitle: "Что осталось проверить",
  noIssues: "Все вопросы заполнены, ошибок нет.",
  issueKinds: { error: "Ошибка", invalid: "Противоречит другому ответу", warning: "Предупреждение", unanswered: "Нет ответа" },
  complete: "Завершить интервью",
  cannotComplete: "Чтобы завершить интервью, исправьте ошибки и ответьте на обязательные вопросы из списка.",
  completedBanner: "Интервью завершено.",
  completedReadOnly: "Интервью завершено, ответы больше не меняются.",
  brokenOffReadOnly: "Интервью прервано респондентом; ответы сохранены и больше не меняются.",
  breakOff: "Прервать интервью",
  breakOffQuestion: "Респондент прервал интервью?",
  breakOffExplain: "Ответы сохранятся, но изменить их будет нельзя. По адресу запишется визит с кодом 43 (прервано), место в квоте маршрута освободится.",
  breakOffYes: "Да, прервать",
  cancel: "Отмена",
  brokenOffNotice: "Интервью прервано: записан визит с кодом 43.",
  autoRecorded: "Записывается приложением автоматически, изменить нельзя.",
  autoPending: "Будет записано при завершении интервью.",
  timeHint: "ЧЧ:ММ",
  endQuestion: "Завершить интервью как отказ?",
  endExplain: "Ответ и время окончания сохранятся, интервью будет закрыто без возможности изменений.",
  endYes: "Да, завершить (отказ)",
  endChangeAnswer: "Изменить ответ",
  refusedTitle: "Интервью завершено: отказ респондента",
  refusedReadOnly: "Респондент отказался от интервью; ответы сохранены и больше не меняются.",
  refusedExplainField: "По адресу записан визит с кодом 42 (отказ выбранного респондента), место в квоте маршрута освобождено.",
  refusedExplain: "Отказ записан. Вернитесь к списку интервью.",
  keypadBackspace: "Стереть цифру",
  keypadClear: "Очистить",
  decimalMark: ",",
  row: "Строка",

  home: "Главная",
  myRoutes: "Мои маршруты",
  users: {
    open: "Пользователи",
    title: "Пользователи устройства",
    locked: "Вход",
    name: "Пользователь",
    pin: "PIN-код",
    pinAgain: "PIN-код ещё раз",
    signIn: "Войти",
    add: "Добавить пользователя",
    role: "Роль",
    roles: { interviewer: "Интервьюер", supervisor: "Супервайзер", coordinator: "Координатор" },
    you: "вы",
    demoHint: "Пока пользователей нет, приложение открыто всем (демо). PIN-код первого пользователя шифрует базу данных на устройстве; после этого она открывается только по PIN-коду, а приложение блокируется при простое.",
    pinsDiffer: "PIN-коды не совпадают.",
    lockNow: "Заблокировать",
    cannotOpen: "Базу данных не удалось открыть",
    cannotOpenHint: "Данные на устройстве не тронуты. Закройте другое окно Dala или программу, которая держит эту базу, и нажмите «Попробовать снова».",
    tryAgain: "Попробовать снова",
    changePin: "Сменить мой PIN-код",
    currentPin: "Текущий PIN-код",
    newPin: "Новый PIN-код",
    newPinAgain: "Новый PIN-код ещё раз",
    pinChanged: "PIN-код изменён.",
  },
  sync: {
    open: "Синхронизация",
    title: "Синхронизация: пакеты",
    folder: "Папка с пакетами (флешка, общая папка)",
    folderHint: "например /media/usb/dala",
    import: "Принять пакеты из папки",
    export: "Записать пакет в папку",
    progress: (done, total) => `Пакет ${done} из ${total}`,
    none: "В этой папке нет пакетов (*.dala).",
    result: (p, i, d, c) => `Принято пакетов: ${p}; новых записей: ${i}; уже были: ${d}; конфликтов: ${c}.`,
    rejected: "Отклонены (база не изменена):",
    written: "Записаны пакеты:",
    conflictsTitle: (n) => `Конфликты ответов: ${n}`,
    conflictsHint: "Один и тот же ответ изменён на двух устройствах. Пока вы не решите, показывается более поздний; сохранены оба.",
    shownNow: "показан сейчас",
    choose: "Выбрать это",
  },
  exp: {
    open: "Экспорт данных",
    title: "Экспорт данных для анализа",
    intro: "Файлы домохозяйств, членов домохозяйств, отсутствующих членов, адресов, визитов и параданных с метками переменных и значений, весами и кодовой книгой.",
    format: "Формат",
    formats: {
      sav: "метки переменных и значений, пользовательские пропуски",
      zsav: "то же, сжатый файл",
      dta: "версия 118, расширенные пропуски",
      csv: "коды, с файлами меток",
      parquet: "для систем анализа больших данных",
    },
    labels: "Язык меток",
    langNames: { ru: "Русский", kk: "Казахский", en: "Английский" },
    anonymise: "Анонимизировать",
    anonymiseHint: "убрать имена, адреса и телефоны, огрубить квазиидентификаторы, заменить ключи псевдонимами",
    folder: "Папка для файлов",
    folderHint: "например, папка на флешке",
    start: "Экспортировать",
    progress: (done, total) => `Интервью: ${done} из ${total}`,
    done: (folder) => `Готово: файлы в ${folder}`,
    file: "Файл",
    rows: "Строк",
    variables: "Переменных",
    openFolder: "Открыть папку",
  },
  backcheck: {
    open: "Повторные контакты",
    title: "Повторные контакты (контроль)",
    intro: (share) => `Для каждого интервьюера отбирается ${share} % его завершённых интервью; супервайзер связывается с домохозяйством ещё раз и задаёт короткие вопросы. Расхождения отмечаются на панели супервайзера.`,
    seed: "Число для отбора (необязательно)",
    seedHint: "пусто: выбрать новое",
    draw: "Отобрать интервью",
    drawn: (n, seed) => `Отобрано новых интервью: ${n} (число отбора ${seed}; то же число отбирает те же интервью).`,
    none: "Ещё ничего не отобрано.",
    interview: "Интервью",
    interviewer: "Интервьюер",
    drawnAt: "Отобрано",
    state: "Результат",
    notChecked: "не проверено",
    matches: "совпадает",
    mismatches: (n) => `расхождений: ${n}`,
    record: "Записать результат",
    visited: "Интервьюер приходил в домохозяйство?",
    sameRespondent: "Отвечал тот же человек, что записан в интервью?",
    householdSize: "Сколько человек в домохозяйстве сейчас?",
    yes: "Да",
    no: "Нет",
    notAsked: "не спрашивали",
    save: "Сохранить результат",
    cancel: "Отмена",
    items: { visited: "посещение", same_respondent: "респондент", household_size: "размер домохозяйства" },
    recorded: "в интервью",
    found: "при контроле",
  },
  review: {
    panel: "Проверка супервайзера",
    text: "Комментарий или причина возврата",
    approve: "Одобрить",
    reject: "Вернуть интервьюеру",
    comment: "Комментарий к этому вопросу",
    needReason: "Напишите, что нужно исправить.",
    rejectedBanner: "Возвращено супервайзером на исправление",
    correctedBanner: "Исправлено после возврата, ждёт проверки",
    approvedBanner: "Одобрено супервайзером",
    notesHere: "Замечания супервайзера к этому вопросу",
  },
  dash: {
    open: "Панель супервайзера",
    title: "Панель супервайзера",
    filters: "Фильтры",
    city: "Город",
    route: "Маршрут",
    interviewer: "Интервьюер",
    from: "С",
    to: "По",
    all: "Все",
    provisional: "Учитывать открытые адреса (предварительно)",
    reset: "Сбросить",
    completes: "Интервью",
    target: "План",
    visits: "Визиты",
    awaiting: "Ждут повторного визита",
    atRisk: "Маршруты под угрозой",
    addresses: "Адреса",
    lastActivity: "Последняя активность",
    never: "—",
    reasons: "Причины",
    women: "Женщины",
    men: "Мужчины",
    done: "Выполнено",
    remaining: "Осталось до плана",
    quotaChart: "Квоты по городам: выполнено и план",
    perDayChart: "Интервью в день по интервьюерам",
    dispositionsChart: "Результаты контактов по интервьюерам",
    routesTable: "Маршруты",
    onlyWorked: "Только начатые маршруты",
    outcomesTitle: "Результаты и коэффициенты AAPOR",
    byCity: "По городам",
    byRoute: "По маршрутам",
    byInterviewer: "По интервьюерам",
    interviewersTitle: "Интервьюеры",
    interviews: "Начато",
    medianLength: "Медиана длительности",
    minutes: (n) => `${n} мин`,
    gap: (who, missing, first, last) =>
      `${who}: не получено записей журнала — ${missing} (первая недостающая № ${first}, последняя полученная № ${last}). Пакет этого устройства потерян или ещё не принят.`,
    flags: "Отметки",
    noFlags: "Нет отметок",
    studyMedian: (n) => `Медиана по исследованию: ${n} мин`,
    nothing: "Нет данных для выбранных фильтров.",
    classes: { i: "Полные", p: "Частичные", r: "Отказы", nc: "Нет контакта", o: "Прочие", uh: "Неизв. (дом)", uo: "Неизв. (прочие)", ne: "Не подходят" },
  },
  myRoutesCount: (n) => `маршрутов: ${n}`,
  appointmentsDue: (n) => `назначено встреч: ${n}`,
  routeLabel: "Маршрут",
  directionWord: { ascending: "по возрастанию номеров", descending: "по убыванию номеров" },
  startAt: (house, direction) => `стартовый дом ${house}, ${direction}`,
  women: "Женщины",
  men: "Мужчины",
  quotaTitle: "Квота по полу",
  quotaOf: (done, target) => `${done} из ${target}`,
  quotaNeeds: (sexes) => `Нужны: ${sexes}`,
  quotaFull: "Квота маршрута выполнена",
  quotaHeld: (n) => `+${n} в процессе`,
  quotaOver: (n) => `сверх квоты: ${n}`,
  statAddresses: "Адреса",
  statVisits: "Визиты",
  statCompletes: "Интервью",
  statAppointments: "Встречи",
  noMyRoutes: "На этом устройстве нет назначенных вам маршрутов.",
  supervisorDraws: "В полевой работе маршруты отбирает и назначает интервьюерам супервайзер.",
  demoExplain:
    "Для демонстрации можно отобрать демонстрационные маршруты всех городов (начальное число 2010): по два маршрута каждого города будут назначены этому устройству. Это учебные данные, а не настоящая выборка.",
  drawDemo: "Отобрать демонстрационные маршруты",
  routesElsewhere: (n) => `На устройстве есть маршруты (${n}), но они не назначены этому устройству. Обратитесь к супервайзеру.`,
  backToRoutes: "Маршруты",
  backToRoute: "К маршруту",
  backToAddress: "К адресу",
  nextAddressTitle: "Следующий адрес",
  dwellingKinds: { single_house: "частный дом", flat: "квартира" },
  recordVisit: "Записать визит",
  visitsCount: (n) => `визитов: ${n}`,
  nextAddress: "Следующий адрес",
  nextNeedsVisit: "Сначала запишите визит по этому адресу.",
  describeTitle: "Опишите здание",
  buildingKinds: {
    single_house: "Частный дом",
    apartment_block: "Многоквартирный дом",
    non_residential: "Нежилое здание",
    refused_access: "В дом не попасть",
    no_such_number: "Нет такого номера",
  },
  lockedBlockNote:
    "Укажите квартиры по табличкам на подъездах (первая и последняя квартира) или посчитайте снаружи подъезды и квартиры в подъезде (этажи × квартир на этаже). Отобранные квартиры станут адресами: звоните по домофону, а если не впустят, отмечайте визит 32 или 33.",
  lockedAddress: "Дом закрыт: домофон, код 32 или 33",
  entrances: "Подъездов",
  flatsPerEntrance: "Квартир в подъезде",
  firstFlat: "Номер первой квартиры",
  onlyFlatRange: "Известны только номера квартир",
  flatFrom: "Первая квартира",
  flatTo: "Последняя квартира",
  confirmBuilding: "Подтвердить",
  extraBuildingNumber: (h) => `Если это другое здание рядом с № ${h ?? ""} — его номер (${h ?? 15}А, ${h ?? 15}/1, ${h ?? 15} корп. 2)`,
  notSingleHouse: "Это не частный дом",
  deadEnd: "Улица здесь кончается (тупик)",
  continuationTitle: "Точка продолжения от супервайзера",
  streetRu: "Улица (по-русски)",
  streetKk: "Улица (по-казахски)",
  numbersFrom: "Номера домов: от",
  numbersTo: "до",
  startHouse: "Стартовый дом",
  continueRoute: "Продолжить маршрут",
  addressesTitle: "Пройденные адреса",
  noAddresses: "Адресов пока нет.",
  addressStatus: { not_visited: "не посещён", open: "открыт", closed: "закрыт" },
  appointmentsTitle: "Назначенные встречи",
  appointmentAt: (when) => `встреча: ${when}`,
  finalCode: "Итоговый код",
  provisional: "предварительно",
  interviewStarted: "Интервью начато",
  openInterview: "Открыть интервью",
  visitTitle: "Визит по адресу",
  visitsTitle: "Визиты",
  noVisits: "Визитов пока не было.",
  toClose: "Чтобы закрыть адрес:",
  mayClose: "Адрес можно закрыть с этим итогом.",
  closeAddress: "Закрыть адрес",
  addressClosed: "Адрес закрыт",
  someoneOpened: "Дверь открыли: составить список взрослых",
  someoneOpenedHint: "Перечислите взрослых членов домохозяйства — программа выберет респондента.",
  outcomeTitle: "Итог визита",
  outcomeGroups: {
    interview: "Интервью",
    contact: "Контакт, интервью позже",
    no_contact: "Нет контакта",
    refusal: "Отказ",
    unable: "Не может участвовать",
    ineligible: "Не подходит",
    other: "Другое",
  },
  evidence: "Есть признаки, что здесь живут (свет, голоса, бельё, слова соседей)",
  householdsAtAddress: "Домохозяйств по адресу",
  appointmentWhen: "Время встречи",
  saveAppointment: "Сохранить время встречи",
  today: "Сегодня",
  tomorrow: "Завтра",
  weekdays: ["Вс", "Пн", "Вт", "Ср", "Чт", "Пт", "Сб"],
  refuserSex: "Пол отказавшегося",
  refuserAge: "Примерный возраст",
  reason: "Причина отказа",
  note: "Заметка",
  modeTitle: "Способ контакта",
  modes: { door: "у двери", intercom: "домофон", phone: "телефон" },
  saveVisit: "Сохранить визит",
  visitSaved: (n, label) => `Визит ${n} сохранён: ${label}`,
  chooseOutcome: "Выберите итог визита",
  screeningTitle: "Отбор респондента",
  drawTitle: "Шаг 1. Выбор домохозяйства",
  drawHint:
    "Спросите, сколько домохозяйств (семей со своим бюджетом) живёт по адресу, и пронумеруйте их в том порядке, в каком их называет открывший дверь. Программа выберет одно; его взрослых вы перечислите на следующем шаге.",
  drawHousehold: "Выбрать домохозяйство",
  listTitle: "Шаг 2. Взрослые выбранного домохозяйства",
  rescreenReason: "Почему список составляется заново",
  rescreenHint: "Повторный отбор сохраняет выбранное домохозяйство и отмечается для супервайзера.",
  rescreened: (at, reason) => `Повторный отбор ${at}: ${reason}`,
  adultsTitle: "Взрослые члены домохозяйства",
  age: "Возраст",
  female: "Женщина",
  male: "Мужчина",
  permanentMember: "Постоянно живёт здесь",
  headOfHousehold: "Глава домохозяйства",
  coDecisionMaker: "Принимает решения вместе с главой",
  atHomeNow: "Сейчас дома",
  addAdult: "Добавить взрослого",
  selectRespondent: "Выбрать респондента",
  fillEveryAdult: "Укажите имя, пол и возраст каждого взрослого.",
  proposalTitle: "Предложение программы",
  householdDrawn: (k, n) => `Выбрано домохозяйство ${k} из ${n}`,
  eligible: "подходит",
  notEligible: "не подходит",
  startInterview: "Начать интервью",
  overrideTitle: "Выбрать другого (с причиной)",
  overrideHint: "Выбор не по предложению программы отмечается для супервайзера.",
  overrideReason: "Причина",
  startOverride: "Начать интервью с выбранным",
  listAgain: "Изменить список",
  flagged: "Отмечено для супервайзера",
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
  groupBrokenOff: "Үзілген",
  groupRefused: "Бас тартулар",
  interviewStatus: { in_progress: "Жүріп жатыр", completed: "Аяқталды", broken_off: "Үзілді", refused: "Бас тартты" },
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
  specify: "Нақтылаңыз (жауапты жазыңыз)",
  rowOf: (row, of) => `${of} ішінен ${row}`,
  unnamedRow: (row) => `№ ${row}, аты жазылмаған`,
  answeredOf: (answered, total) => `${total} ішінен ${answered}`,
  errors: (n) => `қате: ${n}`,
  endTitle: "Сауалнаманың соңы",
  issuesTitle: "Не тексеру керек",
  noIssues: "Барлық сұрақтарға жауап берілді, қате жоқ.",
  issueKinds: { error: "Қате", invalid: "Басқа жауапқа қайшы", warning: "Ескерту", unanswered: "Жауап жоқ" },
  complete: "Сұхбатты аяқтау",
  cannotComplete: "Сұхбатты аяқтау үшін тізімдегі қателерді түзетіп, міндетті сұрақтарға жауап беріңіз.",
  completedBanner: "Сұхбат аяқталды.",
  completedReadOnly: "Сұхбат аяқталды, жауаптар енді өзгертілмейді.",
  brokenOffReadOnly: "Сұхбатты респондент үзді; жауаптар сақталды және енді өзгертілмейді.",
  breakOff: "Сұхбатты үзу",
  breakOffQuestion: "Респондент сұхбатты үзді ме?",
  breakOffExplain: "Жауаптар сақталады, бірақ оларды өзгерту мүмкін болмайды. Мекенжайға 43-кодты бару (үзілді) жазылады, маршрут квотасындағы орын босайды.",
  breakOffYes: "Иә, үзу",
  cancel: "Болдырмау",
  brokenOffNotice: "Сұхбат үзілді: 43-кодты бару жазылды.",
  autoRecorded: "Қосымша автоматты түрде жазады, өзгертуге болмайды.",
  autoPending: "Сұхбат аяқталғанда жазылады.",
  timeHint: "СС:ММ",
  endQuestion: "Сұхбатты бас тарту ретінде аяқтау керек пе?",
  endExplain: "Жауап пен аяқталу уақыты сақталады, сұхбат өзгертуге болмайтындай жабылады.",
  endYes: "Иә, аяқтау (бас тарту)",
  endChangeAnswer: "Жауапты өзгерту",
  refusedTitle: "Сұхбат аяқталды: респондент бас тартты",
  refusedReadOnly: "Респондент сұхбаттан бас тартты; жауаптар сақталды және енді өзгертілмейді.",
  refusedExplainField: "Мекенжайға 42-кодты бару (таңдалған респонденттің бас тартуы) жазылды, маршрут квотасындағы орын босатылды.",
  refusedExplain: "Бас тарту жазылды. Сұхбаттар тізіміне оралыңыз.",
  keypadBackspace: "Цифрды өшіру",
  keypadClear: "Тазалау",
  decimalMark: ",",
  row: "Жол",

  home: "Басты бет",
  myRoutes: "Менің маршруттарым",
  users: {
    open: "Пайдаланушылар",
    title: "Құрылғы пайдаланушылары",
    locked: "Кіру",
    name: "Пайдаланушы",
    pin: "ПИН-код",
    pinAgain: "ПИН-кодты қайталаңыз",
    signIn: "Кіру",
    add: "Пайдаланушы қосу",
    role: "Рөл",
    roles: { interviewer: "Интервьюер", supervisor: "Супервайзер", coordinator: "Үйлестіруші" },
    you: "сіз",
    demoHint: "Пайдаланушылар жоқ кезде қолданба бәріне ашық (демо). Бірінші пайдаланушының ПИН-коды құрылғыдағы дерекқорды шифрлайды; содан кейін ол тек ПИН-кодпен ашылады, ал қолданба әрекетсіз тұрғанда құлыпталады.",
    pinsDiffer: "ПИН-кодтар сәйкес келмейді.",
    lockNow: "Құлыптау",
    cannotOpen: "Дерекқорды ашу мүмкін болмады",
    cannotOpenHint: "Құрылғыдағы деректерге ешнәрсе болған жоқ. Осы дерекқорды ұстап тұрған басқа терезені немесе бағдарламаны жауып, «Қайта көру» түймесін басыңыз.",
    tryAgain: "Қайта көру",
    changePin: "Менің ПИН-кодымды өзгерту",
    currentPin: "Қазіргі ПИН-код",
    newPin: "Жаңа ПИН-код",
    newPinAgain: "Жаңа ПИН-кодты қайталаңыз",
    pinChanged: "ПИН-код өзгертілді.",
  },
  sync: {
    open: "Синхрондау",
    title: "Синхрондау: пакеттер",
    folder: "Пакеттер қалтасы (флешка, ортақ қалта)",
    folderHint: "мысалы, флешкадағы қалта",
    import: "Қалтадағы пакеттерді қабылдау",
    export: "Пакетті қалтаға жазу",
    progress: (done, total) => `${total} пакеттің ${done}-і`,
    none: "Бұл қалтада пакеттер жоқ.",
    result: (p, i, d, c) => `Қабылданған пакеттер: ${p}; жаңа жазбалар: ${i}; бұрыннан бар: ${d}; қайшылықтар: ${c}.`,
    rejected: "Қабылданбады (база өзгертілмеді):",
    written: "Жазылған пакеттер:",
    conflictsTitle: (n) => `Жауаптар қайшылығы: ${n}`,
    conflictsHint: "Бір жауап екі құрылғыда өзгертілген. Сіз шешкенше кейінгісі көрсетіледі; екеуі де сақталған.",
    shownNow: "қазір көрсетілген",
    choose: "Осыны таңдау",
  },
  exp: {
    open: "Деректерді экспорттау",
    title: "Талдауға арналған деректер экспорты",
    intro: "Үй шаруашылықтары, олардың мүшелері, басқа жерде тұратын мүшелер, мекенжайлар, келулер және парадеректер файлдары: айнымалылар мен мәндердің белгілері, салмақтар және код кітабы бар.",
    format: "Пішім",
    formats: {
      sav: "айнымалылар мен мәндердің белгілері, пайдаланушы өткізулері",
      zsav: "сол, сығылған файл",
      dta: "118 нұсқасы, кеңейтілген өткізулер",
      csv: "кодтар, белгілер файлдарымен",
      parquet: "үлкен деректерді талдау жүйелеріне арналған",
    },
    labels: "Белгілер тілі",
    langNames: { ru: "Орыс тілі", kk: "Қазақ тілі", en: "Ағылшын тілі" },
    anonymise: "Анонимдеу",
    anonymiseHint: "аттарды, мекенжайлар мен телефондарды алып тастау, квазиидентификаторларды жалпылау, кілттерді бүркеншік кілттермен ауыстыру",
    folder: "Файлдар қалтасы",
    folderHint: "мысалы, флешкадағы қалта",
    start: "Экспорттау",
    progress: (done, total) => `Сұхбаттар: ${done} / ${total}`,
    done: (folder) => `Дайын: файлдар ${folder} қалтасында`,
    file: "Файл",
    rows: "Жолдар",
    variables: "Айнымалылар",
    openFolder: "Қалтаны ашу",
  },
  backcheck: {
    open: "Қайта байланыс",
    title: "Қайта байланыс (бақылау)",
    intro: (share) => `Әр сауалнамашының аяқталған сұхбаттарының ${share} %-ы іріктеледі; супервайзер үй шаруашылығымен қайта байланысып, қысқа сұрақтар қояды. Сәйкессіздіктер супервайзер тақтасында белгіленеді.`,
    seed: "Іріктеу саны (міндетті емес)",
    seedHint: "бос: жаңасын таңдау",
    draw: "Сұхбаттарды іріктеу",
    drawn: (n, seed) => `Жаңадан іріктелген сұхбаттар: ${n} (іріктеу саны ${seed}; сол сан сол сұхбаттарды іріктейді).`,
    none: "Әлі ештеңе іріктелмеген.",
    interview: "Сұхбат",
    interviewer: "Интервьюер",
    drawnAt: "Іріктелді",
    state: "Нәтиже",
    notChecked: "тексерілмеген",
    matches: "сәйкес",
    mismatches: (n) => `сәйкессіздік: ${n}`,
    record: "Нәтижені жазу",
    visited: "Сауалнамашы үй шаруашылығына келді ме?",
    sameRespondent: "Сұхбатта жазылған адам жауап берді ме?",
    householdSize: "Қазір үй шаруашылығында неше адам бар?",
    yes: "Иә",
    no: "Жоқ",
    notAsked: "сұралмады",
    save: "Нәтижені сақтау",
    cancel: "Болдырмау",
    items: { visited: "келу", same_respondent: "респондент", household_size: "үй шаруашылығының мөлшері" },
    recorded: "сұхбатта",
    found: "бақылауда",
  },
  review: {
    panel: "Супервайзер тексеруі",
    text: "Түсініктеме немесе қайтару себебі",
    approve: "Мақұлдау",
    reject: "Интервьюерге қайтару",
    comment: "Осы сұраққа түсініктеме",
    needReason: "Нені түзету керегін жазыңыз.",
    rejectedBanner: "Супервайзер түзетуге қайтарды",
    correctedBanner: "Қайтарылғаннан кейін түзетілді, тексеруді күтуде",
    approvedBanner: "Супервайзер мақұлдады",
    notesHere: "Супервайзердің осы сұраққа ескертпелері",
  },
  dash: {
    open: "Супервайзер тақтасы",
    title: "Супервайзер тақтасы",
    filters: "Сүзгілер",
    city: "Қала",
    route: "Маршрут",
    interviewer: "Интервьюер",
    from: "Бастап",
    to: "Дейін",
    all: "Барлығы",
    provisional: "Ашық мекенжайларды есепке алу (алдын ала)",
    reset: "Тазарту",
    completes: "Сұхбаттар",
    target: "Жоспар",
    visits: "Барулар",
    awaiting: "Қайта баруды күтуде",
    atRisk: "Қауіптегі маршруттар",
    addresses: "Мекенжайлар",
    lastActivity: "Соңғы белсенділік",
    never: "—",
    reasons: "Себептері",
    women: "Әйелдер",
    men: "Ерлер",
    done: "Орындалды",
    remaining: "Жоспарға дейін қалды",
    quotaChart: "Қалалар бойынша квоталар: орындалғаны мен жоспар",
    perDayChart: "Интервьюерлер бойынша күніне сұхбаттар",
    dispositionsChart: "Интервьюерлер бойынша байланыс нәтижелері",
    routesTable: "Маршруттар",
    onlyWorked: "Тек басталған маршруттар",
    outcomesTitle: "Нәтижелер мен коэффициенттер",
    byCity: "Қалалар бойынша",
    byRoute: "Маршруттар бойынша",
    byInterviewer: "Интервьюерлер бойынша",
    interviewersTitle: "Интервьюерлер",
    interviews: "Басталды",
    medianLength: "Ұзақтықтың медианасы",
    minutes: (n) => `${n} мин`,
    gap: (who, missing, first, last) =>
      `${who}: журналдың ${missing} жазбасы алынбаған (алғашқы жоқ № ${first}, соңғы алынған № ${last}). Бұл құрылғының пакеті жоғалған немесе әлі қабылданбаған.`,
    flags: "Белгілер",
    noFlags: "Белгі жоқ",
    studyMedian: (n) => `Зерттеу бойынша медиана: ${n} мин`,
    nothing: "Таңдалған сүзгілер бойынша деректер жоқ.",
    classes: { i: "Толық", p: "Ішінара", r: "Бас тартулар", nc: "Байланыс жоқ", o: "Басқалары", uh: "Белгісіз (үй)", uo: "Белгісіз (басқа)", ne: "Сәйкес емес" },
  },
  myRoutesCount: (n) => `маршруттар: ${n}`,
  appointmentsDue: (n) => `белгіленген кездесулер: ${n}`,
  routeLabel: "Маршрут",
  directionWord: { ascending: "нөмірлер өсу ретімен", descending: "нөмірлер кему ретімен" },
  startAt: (house, direction) => `бастапқы үй ${house}, ${direction}`,
  women: "Әйелдер",
  men: "Ерлер",
  quotaTitle: "Жыныс бойынша квота",
  quotaOf: (done, target) => `${target} ішінен ${done}`,
  quotaNeeds: (sexes) => `Керек: ${sexes}`,
  quotaFull: "Маршрут квотасы орындалды",
  quotaHeld: (n) => `+${n} жүріп жатыр`,
  quotaOver: (n) => `квотадан тыс: ${n}`,
  statAddresses: "Мекенжайлар",
  statVisits: "Барулар",
  statCompletes: "Сұхбаттар",
  statAppointments: "Кездесулер",
  noMyRoutes: "Бұл құрылғыда сізге бекітілген маршруттар жоқ.",
  supervisorDraws: "Далалық жұмыста маршруттарды супервайзер іріктеп, сауалнамашыларға бекітеді.",
  demoExplain:
    "Көрсету үшін барлық қалалардың демо-маршруттарын іріктеуге болады (бастапқы сан 2010): әр қаланың екі маршруты осы құрылғыға бекітіледі. Бұл оқу деректері, нақты іріктеме емес.",
  drawDemo: "Демо-маршруттарды іріктеу",
  routesElsewhere: (n) => `Құрылғыда маршруттар бар (${n}), бірақ олар осы құрылғыға бекітілмеген. Супервайзерге хабарласыңыз.`,
  backToRoutes: "Маршруттар",
  backToRoute: "Маршрутқа",
  backToAddress: "Мекенжайға",
  nextAddressTitle: "Келесі мекенжай",
  dwellingKinds: { single_house: "жеке үй", flat: "пәтер" },
  recordVisit: "Баруды жазу",
  visitsCount: (n) => `барулар: ${n}`,
  nextAddress: "Келесі мекенжай",
  nextNeedsVisit: "Алдымен осы мекенжайға баруды жазыңыз.",
  describeTitle: "Ғимаратты сипаттаңыз",
  buildingKinds: {
    single_house: "Жеке үй",
    apartment_block: "Көппәтерлі үй",
    non_residential: "Тұрғын емес ғимарат",
    refused_access: "Үйге кіру мүмкін емес",
    no_such_number: "Мұндай нөмір жоқ",
  },
  lockedBlockNote:
    "Пәтерлерді кіреберіс тақтайшалары бойынша көрсетіңіз (бірінші және соңғы пәтер) немесе сырттан кіреберістер мен кіреберістегі пәтерлерді санаңыз (қабаттар × қабаттағы пәтерлер). Таңдалған пәтерлер мекенжай болады: домофонмен қоңырау шалыңыз, кіргізбесе, 32 немесе 33 келуін белгілеңіз.",
  lockedAddress: "Үй жабық: домофон, 32 немесе 33 коды",
  entrances: "Кіреберістер саны",
  flatsPerEntrance: "Бір кіреберістегі пәтерлер",
  firstFlat: "Бірінші пәтердің нөмірі",
  onlyFlatRange: "Тек пәтер нөмірлері белгілі",
  flatFrom: "Бірінші пәтер",
  flatTo: "Соңғы пәтер",
  confirmBuilding: "Растау",
  extraBuildingNumber: (h) => `Егер бұл № ${h ?? ""} үйдің қасындағы басқа ғимарат болса — оның нөмірі (${h ?? 15}А, ${h ?? 15}/1, ${h ?? 15} корп. 2)`,
  notSingleHouse: "Бұл жеке үй емес",
  deadEnd: "Көше осында бітеді (тұйық)",
  continuationTitle: "Супервайзердің жалғастыру нүктесі",
  streetRu: "Көше (орысша)",
  streetKk: "Көше (қазақша)",
  numbersFrom: "Үй нөмірлері: бастап",
  numbersTo: "дейін",
  startHouse: "Бастапқы үй",
  continueRoute: "Маршрутты жалғастыру",
  addressesTitle: "Барылған мекенжайлар",
  noAddresses: "Әзірге мекенжай жоқ.",
  addressStatus: { not_visited: "барылмаған", open: "ашық", closed: "жабық" },
  appointmentsTitle: "Белгіленген кездесулер",
  appointmentAt: (when) => `кездесу: ${when}`,
  finalCode: "Қорытынды код",
  provisional: "алдын ала",
  interviewStarted: "Сұхбат басталды",
  openInterview: "Сұхбатты ашу",
  visitTitle: "Мекенжайға бару",
  visitsTitle: "Барулар",
  noVisits: "Әзірге бару болған жоқ.",
  toClose: "Мекенжайды жабу үшін:",
  mayClose: "Мекенжайды осы қорытындымен жабуға болады.",
  closeAddress: "Мекенжайды жабу",
  addressClosed: "Мекенжай жабық",
  someoneOpened: "Есікті ашты: ересектердің тізімін жасау",
  someoneOpenedHint: "Үй шаруашылығының ересек мүшелерін тізіңіз — бағдарлама респондентті таңдайды.",
  outcomeTitle: "Барудың қорытындысы",
  outcomeGroups: {
    interview: "Сұхбат",
    contact: "Байланыс болды, сұхбат кейін",
    no_contact: "Байланыс жоқ",
    refusal: "Бас тарту",
    unable: "Қатыса алмайды",
    ineligible: "Сәйкес емес",
    other: "Басқа",
  },
  evidence: "Мұнда біреу тұратыны байқалады (жарық, дауыс, кептірілген кір, көршілердің сөзі)",
  householdsAtAddress: "Мекенжайдағы үй шаруашылықтары",
  appointmentWhen: "Кездесу уақыты",
  saveAppointment: "Кездесу уақытын сақтау",
  today: "Бүгін",
  tomorrow: "Ертең",
  weekdays: ["Жс", "Дс", "Сс", "Ср", "Бс", "Жм", "Сб"],
  refuserSex: "Бас тартқан адамның жынысы",
  refuserAge: "Шамамен жасы",
  reason: "Бас тарту себебі",
  note: "Ескертпе",
  modeTitle: "Байланыс тәсілі",
  modes: { door: "есік алдында", intercom: "домофон", phone: "телефон" },
  saveVisit: "Баруды сақтау",
  visitSaved: (n, label) => `${n}-бару сақталды: ${label}`,
  chooseOutcome: "Барудың қорытындысын таңдаңыз",
  screeningTitle: "Респондентті іріктеу",
  drawTitle: "1-қадам. Үй шаруашылығын таңдау",
  drawHint:
    "Мекенжайда неше үй шаруашылығы (өз бюджеті бар отбасы) тұратынын сұраңыз да, оларды есік ашқан адам атаған ретпен нөмірлеңіз. Бағдарлама біреуін таңдайды; келесі қадамда соның ересектерін тізімдейсіз.",
  drawHousehold: "Үй шаруашылығын таңдау",
  listTitle: "2-қадам. Таңдалған үй шаруашылығының ересектері",
  rescreenReason: "Тізім неге қайта жасалады",
  rescreenHint: "Қайта іріктеу таңдалған үй шаруашылығын сақтайды және супервайзерге белгіленеді.",
  rescreened: (at, reason) => `Қайта іріктеу ${at}: ${reason}`,
  adultsTitle: "Үй шаруашылығының ересек мүшелері",
  age: "Жасы",
  female: "Әйел",
  male: "Ер",
  permanentMember: "Осында тұрақты тұрады",
  headOfHousehold: "Үй шаруашылығының басшысы",
  coDecisionMaker: "Шешімдерді басшымен бірге қабылдайды",
  atHomeNow: "Қазір үйде",
  addAdult: "Ересек қосу",
  selectRespondent: "Респондентті таңдау",
  fillEveryAdult: "Әр ересектің атын, жынысын және жасын көрсетіңіз.",
  proposalTitle: "Бағдарламаның ұсынысы",
  householdDrawn: (k, n) => `${n} үй шаруашылығының ішінен ${k}-сі таңдалды`,
  eligible: "сәйкес",
  notEligible: "сәйкес емес",
  startInterview: "Сұхбатты бастау",
  overrideTitle: "Басқа адамды таңдау (себебін көрсетіп)",
  overrideHint: "Бағдарлама ұсынбаған адамды таңдау супервайзерге белгіленеді.",
  overrideReason: "Себебі",
  startOverride: "Таңдалған адаммен сұхбатты бастау",
  listAgain: "Тізімді өзгерту",
  flagged: "Супервайзерге белгіленді",
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
  groupBrokenOff: "Broken off",
  groupRefused: "Refused",
  interviewStatus: { in_progress: "In progress", completed: "Completed", broken_off: "Broken off", refused: "Refused" },
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
  specify: "Please specify (write the answer)",
  rowOf: (row, of) => `${row} of ${of}`,
  unnamedRow: (row) => `No. ${row}, no name yet`,
  answeredOf: (answered, total) => `${answered} of ${total}`,
  errors: (n) => (n === 1 ? "1 error" : `${n} errors`),
  endTitle: "End of the questionnaire",
  issuesTitle: "What is left to check",
  noIssues: "All questions are answered and there are no errors.",
  issueKinds: { error: "Error", invalid: "Contradicts another answer", warning: "Warning", unanswered: "Unanswered" },
  complete: "Complete the interview",
  cannotComplete: "To complete the interview, fix the errors and answer the required questions listed.",
  completedBanner: "The interview is completed.",
  completedReadOnly: "The interview is completed; its answers can no longer change.",
  brokenOffReadOnly: "The respondent broke the interview off; its answers are kept and can no longer change.",
  breakOff: "Break off interview",
  breakOffQuestion: "Did the respondent break the interview off?",
  breakOffExplain: "The answers are kept but can no longer be changed. The address gets a visit with code 43 (break-off) and the place in the route's quota is freed.",
  breakOffYes: "Yes, break off",
  cancel: "Cancel",
  brokenOffNotice: "Interview broken off: a visit with code 43 was recorded.",
  autoRecorded: "Recorded by the app automatically; it cannot be changed.",
  autoPending: "Recorded when the interview is completed.",
  timeHint: "HH:MM",
  endQuestion: "End the interview as a refusal?",
  endExplain: "The answer and the end time are kept, and the interview is closed: it can no longer be changed.",
  endYes: "Yes, end it (refusal)",
  endChangeAnswer: "Change the answer",
  refusedTitle: "Interview ended: the respondent refused",
  refusedReadOnly: "The respondent refused the interview; its answers are kept and can no longer change.",
  refusedExplainField: "The address got a visit with code 42 (selected respondent refused) and the place in the route's quota was freed.",
  refusedExplain: "The refusal is recorded. Go back to the list of interviews.",
  keypadBackspace: "Delete a digit",
  keypadClear: "Clear",
  decimalMark: ".",
  row: "Row",

  home: "Home",
  myRoutes: "My routes",
  users: {
    open: "Users",
    title: "Users of this device",
    locked: "Sign in",
    name: "User",
    pin: "PIN",
    pinAgain: "PIN again",
    signIn: "Sign in",
    add: "Add a user",
    role: "Role",
    roles: { interviewer: "Interviewer", supervisor: "Supervisor", coordinator: "Coordinator" },
    you: "you",
    demoHint: "While no user is set up the app is open to anyone (demo). The first user's PIN encrypts the database on this device; from then on it opens with a PIN only, and the app locks when left idle.",
    pinsDiffer: "The PINs differ.",
    lockNow: "Lock",
    cannotOpen: "The database could not be opened",
    cannotOpenHint: "The data on the device are untouched. Close the other Dala window or the program that holds this database, then press “Try again”.",
    tryAgain: "Try again",
    changePin: "Change my PIN",
    currentPin: "Current PIN",
    newPin: "New PIN",
    newPinAgain: "New PIN again",
    pinChanged: "The PIN is changed.",
  },
  sync: {
    open: "Sync",
    title: "Sync: packages",
    folder: "Folder with packages (USB stick, shared folder)",
    folderHint: "e.g. /media/usb/dala",
    import: "Import the packages in the folder",
    export: "Write a package to the folder",
    progress: (done, total) => `Package ${done} of ${total}`,
    none: "There are no packages (*.dala) in this folder.",
    result: (p, i, d, c) => `Packages imported: ${p}; new records: ${i}; already held: ${d}; conflicts: ${c}.`,
    rejected: "Rejected (the database was not changed):",
    written: "Packages written:",
    conflictsTitle: (n) => `Answers in conflict: ${n}`,
    conflictsHint: "The same answer was changed on two devices. Until you decide, the later one is shown; both are kept.",
    shownNow: "shown now",
    choose: "Choose this",
  },
  exp: {
    open: "Export data",
    title: "Export data for analysis",
    intro: "Files of households, household members, members living away, addresses, visits and paradata, with variable and value labels, weights and a codebook.",
    format: "Format",
    formats: {
      sav: "variable and value labels, user-missing values",
      zsav: "the same, compressed",
      dta: "release 118, extended missing values",
      csv: "codes, with labels files",
      parquet: "for big-data analysis systems",
    },
    labels: "Language of the labels",
    langNames: { ru: "Russian", kk: "Kazakh", en: "English" },
    anonymise: "Anonymise",
    anonymiseHint: "drop names, addresses and phones, coarsen quasi-identifiers, replace keys by pseudonyms",
    folder: "Folder for the files",
    folderHint: "e.g. a folder on a USB stick",
    start: "Export",
    progress: (done, total) => `Interviews: ${done} of ${total}`,
    done: (folder) => `Done: the files are in ${folder}`,
    file: "File",
    rows: "Rows",
    variables: "Variables",
    openFolder: "Open the folder",
  },
  backcheck: {
    open: "Back-checks",
    title: "Back-checks (quality control)",
    intro: (share) => `For each interviewer, ${share} % of their completed interviews are drawn; the supervisor contacts the household again and asks a few short questions. Mismatches flag the interviewer on the dashboard.`,
    seed: "Seed of the draw (optional)",
    seedHint: "empty: pick a new one",
    draw: "Draw interviews",
    drawn: (n, seed) => `Newly drawn interviews: ${n} (seed ${seed}; the same seed draws the same interviews).`,
    none: "Nothing drawn yet.",
    interview: "Interview",
    interviewer: "Interviewer",
    drawnAt: "Drawn",
    state: "Outcome",
    notChecked: "not checked",
    matches: "matches",
    mismatches: (n) => `mismatches: ${n}`,
    record: "Record the outcome",
    visited: "Did the interviewer visit the household?",
    sameRespondent: "Did the person recorded in the interview answer?",
    householdSize: "How many people live in the household now?",
    yes: "Yes",
    no: "No",
    notAsked: "not asked",
    save: "Save the outcome",
    cancel: "Cancel",
    items: { visited: "visit", same_respondent: "respondent", household_size: "household size" },
    recorded: "in the interview",
    found: "at the back-check",
  },
  review: {
    panel: "Supervisor's review",
    text: "Comment, or why it goes back",
    approve: "Approve",
    reject: "Send back to the interviewer",
    comment: "Comment on this question",
    needReason: "Write what has to be corrected.",
    rejectedBanner: "Sent back by the supervisor for correction",
    correctedBanner: "Corrected after being sent back; awaiting review",
    approvedBanner: "Approved by the supervisor",
    notesHere: "The supervisor's notes on this question",
  },
  dash: {
    open: "Supervisor dashboard",
    title: "Supervisor dashboard",
    filters: "Filters",
    city: "City",
    route: "Route",
    interviewer: "Interviewer",
    from: "From",
    to: "To",
    all: "All",
    provisional: "Count open addresses (provisional)",
    reset: "Reset",
    completes: "Completes",
    target: "Target",
    visits: "Visits",
    awaiting: "Awaiting call-back",
    atRisk: "Routes at risk",
    addresses: "Addresses",
    lastActivity: "Last activity",
    never: "—",
    reasons: "Reasons",
    women: "Women",
    men: "Men",
    done: "Completed",
    remaining: "Still to target",
    quotaChart: "Quotas by city: completed and target",
    perDayChart: "Completes per day by interviewer",
    dispositionsChart: "Contact outcomes by interviewer",
    routesTable: "Routes",
    onlyWorked: "Only routes started",
    outcomesTitle: "Outcomes and AAPOR rates",
    byCity: "By city",
    byRoute: "By route",
    byInterviewer: "By interviewer",
    interviewersTitle: "Interviewers",
    interviews: "Started",
    medianLength: "Median length",
    minutes: (n) => `${n} min`,
    gap: (who, missing, first, last) =>
      `${who}: ${missing} journal entries not received (first missing no. ${first}, last received no. ${last}). A package from this device is lost or not yet imported.`,
    flags: "Flags",
    noFlags: "No flags",
    studyMedian: (n) => `Study median: ${n} min`,
    nothing: "No data for these filters.",
    classes: { i: "Complete", p: "Partial", r: "Refusal", nc: "Non-contact", o: "Other", uh: "Unknown (household)", uo: "Unknown (other)", ne: "Not eligible" },
  },
  myRoutesCount: (n) => (n === 1 ? "1 route" : `${n} routes`),
  appointmentsDue: (n) => (n === 1 ? "1 appointment" : `${n} appointments`),
  routeLabel: "Route",
  directionWord: { ascending: "ascending numbers", descending: "descending numbers" },
  startAt: (house, direction) => `start house ${house}, ${direction}`,
  women: "Women",
  men: "Men",
  quotaTitle: "Gender quota",
  quotaOf: (done, target) => `${done} of ${target}`,
  quotaNeeds: (sexes) => `Still needed: ${sexes}`,
  quotaFull: "The route's quota is complete",
  quotaHeld: (n) => `+${n} in progress`,
  quotaOver: (n) => `over target: ${n}`,
  statAddresses: "Addresses",
  statVisits: "Visits",
  statCompletes: "Interviews",
  statAppointments: "Appointments",
  noMyRoutes: "No routes on this device are assigned to you.",
  supervisorDraws: "In fieldwork, routes are drawn by the supervisor and assigned to the interviewers.",
  demoExplain:
    "For a demonstration, draw demo routes for every city (seed 2010): two routes of each city are assigned to this device. This is training data, not a real sample.",
  drawDemo: "Draw demo routes",
  routesElsewhere: (n) => `This device holds ${n} routes, but none is assigned to it. Ask your supervisor.`,
  backToRoutes: "Routes",
  backToRoute: "To the route",
  backToAddress: "To the address",
  nextAddressTitle: "Next address",
  dwellingKinds: { single_house: "single house", flat: "flat" },
  recordVisit: "Record a visit",
  visitsCount: (n) => (n === 1 ? "1 visit" : `${n} visits`),
  nextAddress: "Next address",
  nextNeedsVisit: "First record a visit to this address.",
  describeTitle: "Describe the building",
  buildingKinds: {
    single_house: "Single house",
    apartment_block: "Apartment block",
    non_residential: "Non-residential",
    refused_access: "Cannot enter the block",
    no_such_number: "No such number",
  },
  lockedBlockNote:
    "Give the flats from the entrance signs (first and last flat), or count the entrances and the flats per entrance from outside (floors × flats per floor). The selected flats become addresses: ring them on the intercom, and if no one lets you in, log visit 32 or 33.",
  lockedAddress: "Locked block: intercom, code 32 or 33",
  entrances: "Entrances",
  flatsPerEntrance: "Flats per entrance",
  firstFlat: "First flat number",
  onlyFlatRange: "Only the flat numbers are known",
  flatFrom: "First flat",
  flatTo: "Last flat",
  confirmBuilding: "Confirm",
  extraBuildingNumber: (h) => `If this is another building next to No. ${h ?? ""}, its number (${h ?? 15}А, ${h ?? 15}/1, ${h ?? 15} корп. 2)`,
  notSingleHouse: "This is not a single house",
  deadEnd: "The street ends here (dead end)",
  continuationTitle: "The supervisor's continuation point",
  streetRu: "Street (Russian)",
  streetKk: "Street (Kazakh)",
  numbersFrom: "House numbers: from",
  numbersTo: "to",
  startHouse: "Start house",
  continueRoute: "Continue the route",
  addressesTitle: "Addresses approached",
  noAddresses: "No addresses yet.",
  addressStatus: { not_visited: "not visited", open: "open", closed: "closed" },
  appointmentsTitle: "Appointments",
  appointmentAt: (when) => `appointment: ${when}`,
  finalCode: "Final code",
  provisional: "provisional",
  interviewStarted: "Interview started",
  openInterview: "Open the interview",
  visitTitle: "Visit to the address",
  visitsTitle: "Visits",
  noVisits: "No visits yet.",
  toClose: "To close the address:",
  mayClose: "The address may be closed with this outcome.",
  closeAddress: "Close the address",
  addressClosed: "Address closed",
  someoneOpened: "Someone opened: list the adults",
  someoneOpenedHint: "List the household's adults — the app selects the respondent.",
  outcomeTitle: "Outcome of the visit",
  outcomeGroups: {
    interview: "Interview",
    contact: "Contact, interview later",
    no_contact: "No contact",
    refusal: "Refusal",
    unable: "Cannot take part",
    ineligible: "Not eligible",
    other: "Other",
  },
  evidence: "Signs that someone lives here (light, voices, washing, a neighbour's word)",
  householdsAtAddress: "Households at the address",
  appointmentWhen: "Appointment time",
  saveAppointment: "Save the appointment time",
  today: "Today",
  tomorrow: "Tomorrow",
  weekdays: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"],
  refuserSex: "Sex of the person refusing",
  refuserAge: "Approximate age",
  reason: "Reason for the refusal",
  note: "Note",
  modeTitle: "Contact by",
  modes: { door: "at the door", intercom: "intercom", phone: "phone" },
  saveVisit: "Save the visit",
  visitSaved: (n, label) => `Visit ${n} saved: ${label}`,
  chooseOutcome: "Choose the outcome of the visit",
  screeningTitle: "Respondent selection",
  drawTitle: "Step 1. Draw the household",
  drawHint:
    "Ask how many households (families with a budget of their own) live at the address and number them in the order the person at the door names them. The app draws one; you list its adults in the next step.",
  drawHousehold: "Draw the household",
  listTitle: "Step 2. The drawn household's adults",
  rescreenReason: "Why the list is made again",
  rescreenHint: "Listing again keeps the drawn household and is flagged for the supervisor.",
  rescreened: (at, reason) => `Screened again ${at}: ${reason}`,
  adultsTitle: "Adult household members",
  age: "Age",
  female: "Female",
  male: "Male",
  permanentMember: "Lives here permanently",
  headOfHousehold: "Head of household",
  coDecisionMaker: "Decides together with the head",
  atHomeNow: "At home now",
  addAdult: "Add an adult",
  selectRespondent: "Select the respondent",
  fillEveryAdult: "Enter each adult's name, sex and age.",
  proposalTitle: "The app's proposal",
  householdDrawn: (k, n) => `Household ${k} of ${n} was drawn`,
  eligible: "eligible",
  notEligible: "not eligible",
  startInterview: "Start the interview",
  overrideTitle: "Choose someone else (with a reason)",
  overrideHint: "A choice other than the app's proposal is flagged for the supervisor.",
  overrideReason: "Reason",
  startOverride: "Start the interview with this person",
  listAgain: "Change the list",
  flagged: "Flagged for the supervisor",
};

export const STRINGS: Record<Lang, Strings> = { ru, kk, en };

export const LANGS: Lang[] = ["ru", "kk", "en"];

/** The short code on the language switch. */
export const LANG_CODE: Record<Lang, string> = { ru: "RU", kk: "KK", en: "EN" };

export function t(lang: Lang): Strings {
  return STRINGS[lang];
}
