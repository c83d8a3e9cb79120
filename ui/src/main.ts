// The controller: holds the last Screen (or the interview list), turns taps into commands and
// re-renders what comes back. Nothing is persisted here: every answer, position, language and
// status lives in the session on the Rust side and arrives in the next Screen.

import "./fonts.css";
import "./styles.css";

import { render } from "lit-html";

import { api, type AnswerValue } from "./api";
import type { AnswerKey } from "./bindings/AnswerKey";
import type { CommandError } from "./bindings/CommandError";
import type { InterviewSummary } from "./bindings/InterviewSummary";
import type { Lang } from "./bindings/Lang";
import type { Nav } from "./bindings/Nav";
import type { Screen } from "./bindings/Screen";
import type { StudyInfo } from "./bindings/StudyInfo";
import { t } from "./i18n";
import { homeScreen } from "./views/home";
import { interviewScreen, keyId, type InterviewCtx } from "./views/interview";

interface Pending {
  key: AnswerKey;
  /** null: the field was emptied, so the stored answer is cleared. */
  value: AnswerValue | null;
}

const state = {
  view: "home" as "home" | "interview",
  homeLang: "ru" as Lang,
  study: null as StudyInfo | null,
  interviews: null as InterviewSummary[] | null,
  screen: null as Screen | null,
  error: null as CommandError | null,
  /** Text being typed in the current question's fields, by field name. */
  drafts: {} as Record<string, string>,
  pending: null as Pending | null,
};

type Commit = "none" | "stored" | "refused";

/** A typed answer was stored on this question since the last "Next" (by Enter, leaving the field…). */
let storedSinceNext = false;

/** The last commit of a typed answer; moves wait for it. */
let inflight: Promise<Commit> = Promise.resolve("none");

const root = document.getElementById("app")!;

function uiLang(): Lang {
  return state.view === "interview" && state.screen ? state.screen.interview.language : state.homeLang;
}

function currentKeyId(): string | null {
  return state.screen?.current ? keyId(state.screen.current.key) : null;
}

/** Shows a new screen; typed drafts survive only while the question stays the same. */
function show(screen: Screen) {
  const before = currentKeyId();
  state.screen = screen;
  state.view = "interview";
  state.error = null;
  const after = currentKeyId();
  if (before !== after) {
    state.drafts = {};
    state.pending = null;
    storedSinceNext = false;
  }
  draw();
  if (before !== after) afterQuestionChange();
}

function fail(e: unknown) {
  state.error = e as CommandError;
  draw();
}

async function run(call: () => Promise<Screen>): Promise<boolean> {
  try {
    show(await call());
    return true;
  } catch (e) {
    fail(e);
    return false;
  }
}

/** Records the pending typed answer, if any, and says whether it was stored or refused. */
function commitPending(): Promise<Commit> {
  inflight = inflight.then(async (): Promise<Commit> => {
    const p = state.pending;
    const screen = state.screen;
    if (!p || !screen) return "none";
    const stored = screen.current && keyId(screen.current.key) === keyId(p.key) ? screen.current.value : undefined;
    state.pending = null;
    if (JSON.stringify(stored ?? null) === JSON.stringify(p.value)) return "none";
    const id = screen.interview.id;
    const lang = screen.interview.language;
    try {
      const next = p.value === null ? await api.clear(id, p.key, lang) : await api.answer(id, p.key, p.value, lang);
      // The field now shows the stored value; a later keystroke starts a new draft.
      if (state.pending === null) state.drafts = {};
      show(next);
      storedSinceNext = true;
      return "stored";
    } catch (e) {
      if (state.pending === null) state.pending = p;
      fail(e);
      return "refused";
    }
  });
  return inflight;
}

/**
 * Every move first records what was typed. A refused answer keeps the interviewer here; so does
 * "Next" right after an answer that trips a rule, so the error or warning is seen (and a warning
 * confirmed) before moving on. A second "Next" moves on: warnings never block.
 */
async function move(nav: Nav) {
  const commit = await commitPending();
  if (commit === "refused") return;
  const screen = state.screen!;
  const open = screen.current?.rules.some((r) => r.severity === "error" || !r.confirmed) ?? false;
  const justStored = storedSinceNext;
  storedSinceNext = false;
  if (justStored && nav.kind === "next" && open) return;
  await run(() => api.go(screen.interview.id, nav, screen.interview.language));
}

function afterQuestionChange() {
  document.querySelector(".question-pane")?.scrollTo({ top: 0 });
  // Typed answers: the cursor is in the field at once (numeric keypad on tablets).
  const field = document.querySelector<HTMLInputElement>(".question-pane input:not([disabled])");
  field?.focus({ preventScroll: true });
}

const interviewCtx = (): InterviewCtx => {
  const screen = state.screen!;
  const lang = screen.interview.language;
  const id = screen.interview.id;
  return {
    s: t(lang),
    lang,
    readOnly: screen.interview.status === "completed",
    error: state.error,
    answer: (key, value) => {
      state.pending = null;
      void commitPending().then(() => run(() => api.answer(id, key, value, lang)));
    },
    clear: (key) => {
      state.pending = null;
      state.drafts = {};
      void commitPending().then(() => run(() => api.clear(id, key, lang)));
    },
    confirm: (key, rule) => void commitPending().then(() => run(() => api.confirm(id, key, rule, lang))),
    setPending: (key, value) => {
      state.pending = { key, value };
    },
    commitPending: () => void commitPending(),
    commitAndNext: () => void move({ kind: "next" }),
    draft: (field) => state.drafts[field],
    setDraft: (field, text) => {
      state.drafts[field] = text;
    },
    redraw: draw,
    go: (nav) => void move(nav),
    next: () => void move({ kind: "next" }),
    previous: () => void move({ kind: "previous" }),
    complete: () => void run(() => api.complete(id, lang)),
    home: () =>
      void commitPending().then((commit) => {
        if (commit !== "refused") void goHome(lang);
      }),
    setLanguage: (next) =>
      void commitPending()
        .then(() => run(() => api.setLanguage(id, next)))
        .then((ok) => {
          if (ok) state.homeLang = next;
        }),
  };
};

async function goHome(lang: Lang) {
  state.homeLang = lang;
  state.view = "home";
  state.screen = null;
  state.error = null;
  state.drafts = {};
  state.pending = null;
  await refreshHome();
}

async function refreshHome() {
  draw();
  try {
    const [study, interviews] = await Promise.all([api.studyInfo(state.homeLang), api.listInterviews(state.homeLang)]);
    state.study = study;
    state.interviews = interviews;
    if (state.view === "home") state.error = null;
  } catch (e) {
    state.error = e as CommandError;
  }
  draw();
}

function draw() {
  document.documentElement.lang = uiLang();
  if (state.view === "interview" && state.screen) {
    render(interviewScreen(state.screen, interviewCtx()), root);
    return;
  }
  render(
    homeScreen(state.study, state.interviews, {
      s: t(state.homeLang),
      lang: state.homeLang,
      error: state.error,
      setLanguage: (lang) => {
        state.homeLang = lang;
        draw();
      },
      create: () => void run(() => api.createInterview(state.homeLang)),
      open: (id) => void run(() => api.openInterview(id, state.homeLang)),
    }),
    root,
  );
}

async function start() {
  draw();
  try {
    const study = await api.studyInfo(state.homeLang);
    state.study = study;
    state.homeLang = study.default_language;
  } catch (e) {
    state.error = e as CommandError;
  }
  await refreshHome();
}

void start();
