// The controller: holds the last Screen (or the interview list, or the fieldwork view on screen),
// turns taps into commands and re-renders what comes back. Nothing is persisted here: every
// answer, position, language, status, visit and walk step lives in the session on the Rust side and
// arrives in the next Screen / RouteView / AddressView. The only state of its own is what is being
// typed into a form and which route an interview was started from (so "back" returns there).

import "./fonts.css";
import "./styles.css";

import { render } from "lit-html";

import { api, isCommandError, lastCall, type AnswerValue } from "./api";
import type { AddressView } from "./bindings/AddressView";
import type { AdultInput } from "./bindings/AdultInput";
import type { AnswerKey } from "./bindings/AnswerKey";
import type { ImportReport } from "./bindings/ImportReport";
import type { CommandError } from "./bindings/CommandError";
import type { BackcheckScreen } from "./bindings/BackcheckScreen";
import type { DashboardFilter } from "./bindings/DashboardFilter";
import type { DashboardView } from "./bindings/DashboardView";
import type { InterviewSummary } from "./bindings/InterviewSummary";
import type { Lang } from "./bindings/Lang";
import type { MyRoutes } from "./bindings/MyRoutes";
import type { Nav } from "./bindings/Nav";
import type { OutcomeOption } from "./bindings/OutcomeOption";
import type { RouteView } from "./bindings/RouteView";
import type { Screen } from "./bindings/Screen";
import type { StudyInfo } from "./bindings/StudyInfo";
import type { VisitInput } from "./bindings/VisitInput";
import type { WalkAction } from "./bindings/WalkAction";
import { t } from "./i18n";
import { dashboardScreen, mountCharts } from "./views/dashboard";
import type { FieldBase } from "./views/field-common";
import { homeScreen } from "./views/home";
import { interviewScreen, keyId, type InterviewCtx } from "./views/interview";
import { emptySync, syncScreen } from "./views/sync";
import { backcheckScreen, type BackcheckDraft } from "./views/backcheck";
import { exportScreen, type ExportDraft } from "./views/export";
import type { ExportProgress } from "./bindings/ExportProgress";
import { emptyUserForm, failedScreen, lockScreen, usersScreen } from "./views/lock";
import type { Access } from "./bindings/Access";
import type { NumberReadback } from "./views/question";
import { emptyBuildingForm, emptyContinuationForm, routeScreen } from "./views/route";
import { routesScreen } from "./views/routes";
import { screeningFormFor, screeningScreen } from "./views/screening";
import { emptyVisitForm, visitScreen } from "./views/visit";

interface Pending {
  key: AnswerKey;
  /** null: the field was emptied, so the stored answer is cleared. */
  value: AnswerValue | null;
  /** A typed number: recorded as the session reads it (its `answer`), never as typed. */
  typed?: { text: string; currency: string | null };
}

/** The session's last reading of a typed number, for the line under the field. */
interface Readback {
  key: string;
  text: string;
  currency: string | null;
  result: NumberReadback;
}

type View = "home" | "interview" | "routes" | "route" | "address" | "screening" | "dashboard" | "backchecks" | "export" | "sync" | "lock" | "users" | "failed";

const state = {
  view: "home" as View,
  homeLang: "ru" as Lang,
  study: null as StudyInfo | null,
  interviews: null as InterviewSummary[] | null,
  screen: null as Screen | null,
  error: null as CommandError | null,
  /** Text being typed in the current question's fields, by field name. */
  drafts: {} as Record<string, string>,
  pending: null as Pending | null,
  readback: null as Readback | null,
  /** The break-off confirmation is open. */
  confirmBreakOff: false,
  /** An answer the session did not record because it ends the interview (consent "no"), waiting for
   * the interviewer's confirmation, with the session's explanation. */
  endOffer: null as { key: AnswerKey; value: AnswerValue; message: string } | null,

  // Random-route fieldwork.
  myRoutes: null as MyRoutes | null,
  route: null as RouteView | null,
  address: null as AddressView | null,
  outcomes: null as OutcomeOption[] | null,
  outcomesLang: null as Lang | null,
  notice: null as string | null,
  /** The route an open interview was started from: "back" returns to it. */
  returnRoute: null as string | null,
  visitForm: emptyVisitForm(),
  buildingForm: emptyBuildingForm(),
  continuationForm: emptyContinuationForm(),
  screeningForm: screeningFormFor({ proposal: null } as AddressView),

  // The supervisor dashboard: the session's last view and the filter it was asked with.
  dashboard: null as DashboardView | null,
  dashFilter: { city: null, route: null, interviewer: null, from_date: null, to_date: null, provisional: false } as DashboardFilter,
  dashOnlyWorked: true,

  // Sync through package files, and the review text being typed on an interview.
  sync: emptySync(),
  // Back-checks: the session's last screen, the seed being typed and the outcome being filled in.
  backchecks: null as BackcheckScreen | null,
  backcheckSeed: "",
  backcheckDraft: null as BackcheckDraft | null,
  exportDraft: { format: "sav", dataLang: "ru", anonymise: false, folder: "" } as ExportDraft,
  exportProgress: null as ExportProgress | null,
  reviewText: "",

  // Users: who may use the app now (null until asked), and the set-up / sign-in form.
  access: null as Access | null,
  userForm: emptyUserForm(),
};

/** Review and the dashboard are for supervisors and coordinators (everyone in the open demo). */
function canSupervise(): boolean {
  const a = state.access;
  return !a || a.demo || (a.user !== null && a.user.role !== "interviewer");
}

let lastInput = Date.now();

/** Tap-to-paint times of the last answers (ms), for the latency benchmark (bench/app_latency.py reads
 *  `window.__dalaTaps`): from the tap to the frame after the new screen was drawn; and their phases
 *  (`window.__dalaPhases`: the reply to the command, the screen drawn, the frame painted after it). */
const taps: number[] = [];
const phases: number[][] = [];
const measured = window as unknown as { __dalaTaps: number[]; __dalaPhases: number[][] };
measured.__dalaTaps = taps;
measured.__dalaPhases = phases;
function notePaint(tapped: number, replied: number, drawn: number) {
  const { sent, back } = lastCall;
  requestAnimationFrame(() =>
    setTimeout(() => {
      const painted = performance.now();
      taps.push(painted - tapped);
      phases.push([replied - tapped, drawn - replied, painted - drawn, sent - tapped, back - sent]);
      if (taps.length > 2000) taps.shift();
      if (phases.length > 2000) phases.shift();
    }, 0),
  );
}
for (const ev of ["pointerdown", "keydown"]) window.addEventListener(ev, () => (lastInput = Date.now()), { capture: true });
/** Locks the app after the idle time the shell gives (only when users are set up and one is signed in). */
setInterval(() => {
  const a = state.access;
  if (!a || a.demo || !a.user || state.view === "lock") return;
  if (Date.now() - lastInput > a.idle_minutes * 60_000) void lockNow();
}, 15_000);

async function lockNow() {
  try {
    state.access = await api.lock(state.homeLang);
  } catch (e) {
    state.error = e as CommandError;
  }
  state.userForm = emptyUserForm();
  state.view = "lock";
  draw();
}

async function signIn() {
  try {
    state.access = await api.signIn(state.userForm.name, state.userForm.pin, state.homeLang);
    state.userForm = emptyUserForm();
    state.error = null;
    await goHome(state.homeLang);
  } catch (e) {
    state.userForm.pin = "";
    state.error = e as CommandError;
    draw();
  }
}

async function changePin() {
  const f = state.userForm;
  const s = t(state.homeLang).users;
  state.notice = null;
  if (f.newPin !== f.newPin2) {
    state.error = { kind: "sign_in", message: s.pinsDiffer } as CommandError;
    draw();
    return;
  }
  try {
    state.access = await api.changePin(f.current, f.newPin, state.homeLang);
    state.userForm = emptyUserForm();
    state.error = null;
    state.notice = s.pinChanged;
  } catch (e) {
    state.error = e as CommandError;
  }
  draw();
  // The form is at the bottom of a long screen: bring its outcome into view.
  document.querySelector('[data-testid="users-notice"], [data-testid="pin-error"]')?.scrollIntoView({ block: "nearest" });
}

async function addUser() {
  const f = state.userForm;
  if (f.pin !== f.pin2) {
    state.error = { kind: "sign_in", message: t(state.homeLang).users.pinsDiffer } as CommandError;
    draw();
    return;
  }
  try {
    state.access = await api.addUser(f.role, f.name, f.pin, state.homeLang);
    state.userForm = emptyUserForm();
    state.error = null;
  } catch (e) {
    state.error = e as CommandError;
  }
  draw();
}

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
  if (state.screen?.interview.id !== screen.interview.id) {
    state.confirmBreakOff = false;
    state.endOffer = null;
  }
  state.screen = screen;
  state.view = "interview";
  state.error = null;
  const after = currentKeyId();
  if (before !== after) {
    state.drafts = {};
    state.pending = null;
    state.readback = null;
    storedSinceNext = false;
  }
  draw();
  if (before !== after) afterQuestionChange();
}

function fail(e: unknown) {
  // An answer that ends the interview is not an error: its confirmation is on screen (endOffer).
  state.error = isCommandError(e) && e.kind === "ends_interview" && state.endOffer ? null : (e as CommandError);
  draw();
}

/** Records an answer; one that would end the interview is kept, unrecorded, for the interviewer to confirm. */
async function record(id: string, key: AnswerKey, value: AnswerValue, lang: Lang): Promise<Screen> {
  try {
    return await api.answer(id, key, value, lang);
  } catch (e) {
    if (isCommandError(e) && e.kind === "ends_interview") state.endOffer = { key, value, message: e.message };
    throw e;
  }
}

/** The interviewer confirmed that the answer ends the interview: the session records it and ends it. */
async function endInterview() {
  const screen = state.screen;
  const offer = state.endOffer;
  if (!screen || !offer) return;
  state.endOffer = null;
  state.pending = null;
  await run(() => api.endInterview(screen.interview.id, offer.key, offer.value, screen.interview.language));
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
    const id = screen.interview.id;
    const lang = screen.interview.language;
    let value = p.value;
    if (p.typed) {
      // What the session cannot read, or reads two ways, stays in the field with the reason under
      // it and is never sent.
      const { text, currency } = p.typed;
      try {
        const reading = await api.readNumber(id, p.key, text, currency, lang);
        value = reading.answer;
        state.readback = { key: keyId(p.key), text, currency, result: { reading, error: null } };
      } catch (e) {
        if (state.pending === null) state.pending = p;
        state.readback = { key: keyId(p.key), text, currency, result: { reading: null, error: e as CommandError } };
        draw();
        return "refused";
      }
    }
    if (JSON.stringify(stored ?? null) === JSON.stringify(value)) return "none";
    try {
      const next = value === null ? await api.clear(id, p.key, lang) : await record(id, p.key, value, lang);
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
    readOnly: screen.interview.status !== "in_progress",
    error: state.error,
    answer: (key, value) => {
      state.pending = null;
      const tapped = performance.now();
      let replied = tapped;
      void commitPending()
        .then(() =>
          run(() =>
            record(id, key, value, lang).then((screen) => {
              replied = performance.now();
              return screen;
            }),
          ),
        )
        .then(() => notePaint(tapped, replied, performance.now()));
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
    storedNumber: screen.current_number,
    suggestedNumber: screen.suggested_number,
    typeNumber: (key, text, currency) => {
      if (text.trim() === "") {
        state.pending = { key, value: null };
        return;
      }
      state.pending = { key, value: null, typed: { text, currency } };
      const asked = { key: keyId(key), text, currency };
      const shown = (result: NumberReadback) => {
        // Readings come back in the order they were asked; a later one replaces an earlier one.
        state.readback = { ...asked, result };
        if (state.screen?.interview.id === id) draw();
      };
      api.readNumber(id, key, text, currency, lang).then(
        (reading) => shown({ reading, error: null }),
        (e: unknown) => shown({ reading: null, error: e as CommandError }),
      );
    },
    readback: (key, text, currency) => {
      const r = state.readback;
      return r && r.key === keyId(key) && r.text === text && r.currency === currency ? r.result : null;
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
    canReview: canSupervise(),
    reviewText: state.reviewText,
    setReviewText: (text) => {
      state.reviewText = text;
    },
    approve: () => void review(id, true),
    reject: () => void review(id, false),
    comment: () => {
      const text = state.reviewText.trim();
      if (!text) return;
      const key = state.screen?.current?.key ?? null;
      void run(() => api.reviewComment(id, key, text, lang)).then((ok) => {
        if (ok) state.reviewText = "";
        draw();
      });
    },
    backLabel: state.returnRoute ? t(lang).backToRoute : undefined,
    confirmingBreakOff: state.confirmBreakOff,
    askBreakOff: () => {
      state.confirmBreakOff = true;
      draw();
    },
    cancelBreakOff: () => {
      state.confirmBreakOff = false;
      draw();
    },
    breakOff: () => void breakOff(),
    endOffer: state.endOffer?.message ?? null,
    cancelEnd: () => {
      state.endOffer = null;
      draw();
    },
    confirmEnd: () => void endInterview(),
    home: () =>
      void commitPending().then((commit) => {
        if (commit !== "refused") void leaveInterview(lang);
      }),
    setLanguage: (next) =>
      void commitPending()
        .then(() => run(() => api.setLanguage(id, next)))
        .then((ok) => {
          if (ok) state.homeLang = next;
        }),
  };
};

/**
 * The respondent broke the interview off: what was typed is stored first, then the session records
 * the break-off (visit 43, the quota place freed) and the app shows the household's address on its
 * route, with the new visit.
 */
async function breakOff() {
  const screen = state.screen;
  if (!screen) return;
  state.confirmBreakOff = false;
  await commitPending();
  const lang = screen.interview.language;
  try {
    const address = await api.breakOff(screen.interview.id, lang);
    state.homeLang = lang;
    state.returnRoute = null;
    state.screen = null;
    state.drafts = {};
    state.pending = null;
    if (!address || !(await openRoute(address.route))) return goHome(lang);
    showAddress(address);
    state.notice = t(lang).brokenOffNotice;
    draw();
  } catch (e) {
    fail(e);
  }
}

/** Back from an interview: to the route it was started from, else home. */
async function leaveInterview(lang: Lang) {
  const route = state.returnRoute;
  if (!route) return goHome(lang);
  state.returnRoute = null;
  state.homeLang = lang;
  state.screen = null;
  state.drafts = {};
  state.pending = null;
  if (!(await openRoute(route))) await goHome(lang);
}

async function goHome(lang: Lang) {
  state.homeLang = lang;
  state.returnRoute = null;
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
    const lang = state.homeLang;
    const [study, interviews, mine] = await Promise.all([api.studyInfo(lang), api.listInterviews(lang), api.myRoutes(lang).catch(() => null)]);
    state.study = study;
    state.interviews = interviews;
    state.myRoutes = mine;
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
  // The lock and users screens share their context: language, the form being typed, sign-in.
  const accessCtx = () => ({
    s: t(state.homeLang),
    lang: state.homeLang,
    error: state.error,
    form: state.userForm,
    setLanguage: (lang: Lang) => {
      state.homeLang = lang;
      draw();
    },
    redraw: draw,
    signIn: () => void signIn(),
  });
  if (state.view === "failed" && state.error) {
    render(
      failedScreen({
        s: t(state.homeLang),
        lang: state.homeLang,
        error: state.error,
        setLanguage: (lang: Lang) => {
          state.homeLang = lang;
          void rewordFailure();
        },
        retry: () => void retryOpen(),
      }),
      root,
    );
    return;
  }
  if (state.view === "lock" && state.access) {
    render(lockScreen(state.access, accessCtx()), root);
    return;
  }
  if (state.view === "users" && state.access) {
    render(
      usersScreen(state.access, {
        ...accessCtx(),
        home: () => void goHome(state.homeLang),
        add: () => void addUser(),
        changePin: () => void changePin(),
        notice: state.notice,
      }),
      root,
    );
    return;
  }
  if (state.view === "sync") {
    render(
      syncScreen(state.sync, {
        ...fieldBase(),
        home: () => void goHome(state.homeLang),
        setFolder: (folder) => {
          state.sync.folder = folder;
          draw();
        },
        importAll: () => void importAll(),
        exportTo: () => void exportTo(),
        resolve: (c, value) =>
          void field(
            () => api.resolveConflict(c.interview, { question: c.question, roster: c.roster }, value as never, state.homeLang),
            (left) => (state.sync.conflicts = left),
          ),
      }),
      root,
    );
    return;
  }
  if (state.view === "export") {
    render(
      exportScreen(state.exportProgress, {
        ...fieldBase(),
        setLanguage: (lang) => {
          state.homeLang = lang;
          draw();
        },
        home: () => void goHome(state.homeLang),
        draft: state.exportDraft,
        edit: (draft) => {
          state.exportDraft = draft;
          draw();
        },
        start: () => {
          const d = state.exportDraft;
          void field(
            () => api.exportStart(d.format, d.dataLang, d.anonymise, d.folder.trim(), state.homeLang),
            (p) => {
              state.exportProgress = p;
              pollExport();
            },
          );
        },
        openFolder: () => void field(() => api.exportOpenFolder(state.homeLang), () => {}),
      }),
      root,
    );
    return;
  }
  if (state.view === "backchecks") {
    render(
      backcheckScreen(state.backchecks, {
        ...fieldBase(),
        setLanguage: (lang) => {
          state.homeLang = lang;
          void field(() => api.backchecks(lang), (v) => (state.backchecks = v));
        },
        home: () => void goHome(state.homeLang),
        seed: state.backcheckSeed,
        setSeed: (seed) => {
          state.backcheckSeed = seed;
          draw();
        },
        draw: () => void field(() => api.backcheckDraw(state.backcheckSeed.trim() || null, state.homeLang), (v) => (state.backchecks = v)),
        draft: state.backcheckDraft,
        edit: (draft) => {
          state.backcheckDraft = draft;
          draw();
        },
        save: (interview, outcome) =>
          void field(
            () => api.backcheckRecord(interview, outcome, state.homeLang),
            (v) => {
              state.backchecks = v;
              state.backcheckDraft = null;
            },
          ),
      }),
      root,
    );
    return;
  }
  if (state.view === "dashboard") {
    render(
      dashboardScreen(state.dashboard, {
        ...fieldBase(),
        setLanguage: (lang) => {
          state.homeLang = lang;
          void loadDashboard();
        },
        home: () => void goHome(state.homeLang),
        filter: (change) => {
          state.dashFilter = { ...state.dashFilter, ...change };
          void loadDashboard();
        },
        onlyWorked: state.dashOnlyWorked,
        toggleWorked: () => {
          state.dashOnlyWorked = !state.dashOnlyWorked;
          draw();
        },
      }),
      root,
    );
    mountCharts(state.dashboard, t(state.homeLang).dash);
    return;
  }
  if (state.view === "routes") {
    render(routesScreen(state.myRoutes, { ...fieldBase(), home: () => void goHome(state.homeLang), open: (id) => void openRoute(id), drawDemo }), root);
    return;
  }
  if (state.view === "route" && state.route) {
    render(
      routeScreen(state.route, {
        ...fieldBase(),
        building: state.buildingForm,
        continuation: state.continuationForm,
        back: () => void openRoutes(),
        walk: (action) => void walk(action),
        openAddress,
      }),
      root,
    );
    return;
  }
  if (state.view === "address" && state.address && state.route) {
    const route = state.route.route;
    render(
      visitScreen(state.address, {
        ...fieldBase(),
        form: state.visitForm,
        outcomes: state.outcomes,
        routeTitle: `${route.street} · ${route.id}`,
        back: () => void openRoute(route.id),
        save: (visit) => void saveVisit(visit),
        close: () => void closeAddress(),
        screening: openScreening,
        openInterview: () => void startInterview(null, null),
      }),
      root,
    );
    return;
  }
  if (state.view === "screening" && state.address) {
    render(
      screeningScreen(state.address, {
        ...fieldBase(),
        form: state.screeningForm,
        back: () => {
          state.view = "address";
          state.error = null;
          draw();
        },
        drawHousehold: (households) => void drawHousehold(households),
        submit: (adults, reason) => void listAdults(adults, reason),
        start: (line, reason) => void startInterview(line, reason),
        appoint: (when) => void setAppointment(when),
      }),
      root,
    );
    return;
  }
  render(
    homeScreen(state.study, state.interviews, {
      s: t(state.homeLang),
      lang: state.homeLang,
      error: state.error,
      myRoutes: state.myRoutes,
      openRoutes: () => void openRoutes(),
      openDashboard: () => void openDashboard(),
      openBackchecks: () => {
        state.view = "backchecks";
        state.error = null;
        state.notice = null;
        state.backcheckDraft = null;
        draw();
        void field(() => api.backchecks(state.homeLang), (v) => (state.backchecks = v));
      },
      openExport: () => {
        state.view = "export";
        state.error = null;
        state.notice = null;
        state.exportDraft = { ...state.exportDraft, dataLang: state.homeLang };
        draw();
        void field(() => api.exportStatus(state.homeLang), (p) => (state.exportProgress = p));
      },
      canSupervise: canSupervise(),
      access: state.access,
      openUsers: () => {
        state.view = "users";
        state.error = null;
        state.userForm = emptyUserForm();
        draw();
      },
      lock: () => void lockNow(),
      openSync: () => {
        state.view = "sync";
        state.error = null;
        draw();
        void field(() => api.conflicts(state.homeLang), (c) => (state.sync.conflicts = c));
      },
      openRoute: (id) => void openRoute(id),
      setLanguage: (lang) => {
        state.homeLang = lang;
        void refreshHome();
      },
      create: () => void run(() => api.createInterview(state.homeLang)),
      open: (id) => void run(() => api.openInterview(id, state.homeLang)),
    }),
    root,
  );
}

// ---- random-route fieldwork ---------------------------------------------------------------------

/** Polls a running export every 300 ms until it finishes (the shell runs it on a thread of its own). */
function pollExport(): void {
  if (!state.exportProgress?.running) return;
  window.setTimeout(() => {
    void field(
      () => api.exportStatus(state.homeLang),
      (p) => {
        state.exportProgress = p;
        if (state.view === "export") pollExport();
      },
    );
  }, 300);
}

function fieldBase(): FieldBase {
  return {
    s: t(state.homeLang),
    lang: state.homeLang,
    error: state.error,
    notice: state.notice,
    setLanguage: (lang) => void setFieldLanguage(lang),
    redraw: draw,
  };
}

/** Runs a fieldwork command; on success applies its result and redraws, on failure shows the error. */
async function field<T>(call: () => Promise<T>, apply: (value: T) => void): Promise<boolean> {
  try {
    const value = await call();
    state.error = null;
    apply(value);
    draw();
    return true;
  } catch (e) {
    fail(e);
    return false;
  }
}

function scrollTop() {
  document.querySelector(".field-body")?.scrollTo({ top: 0 });
}

/** Approves or rejects the open interview (a rejection needs the reason typed in the review box). */
async function review(id: string, approve: boolean) {
  const lang = uiLang();
  const reason = state.reviewText.trim();
  if (!approve && !reason) {
    state.error = { kind: "bad_input", message: t(lang).review.needReason } as CommandError;
    draw();
    return;
  }
  if (await run(() => api.reviewInterview(id, approve, reason || null, lang))) state.reviewText = "";
  draw();
}

/** Imports every package of the folder, one call per package, so the bar moves as each is applied. */
async function importAll() {
  const lang = state.homeLang;
  const st = state.sync;
  st.report = null;
  st.written = null;
  st.none = false;
  st.busy = true;
  draw();
  try {
    const packages = await api.syncListPackages(st.folder.trim(), lang);
    st.total = packages.length;
    st.done = 0;
    st.none = packages.length === 0;
    const sum = { packages: 0, imported_entries: 0, duplicates: 0, conflicts: 0, rejected: [] as ImportReport["rejected"] };
    for (const p of packages) {
      const r = await api.syncImport([p], lang);
      sum.packages += Number(r.packages);
      sum.imported_entries += Number(r.imported_entries);
      sum.duplicates += Number(r.duplicates);
      sum.conflicts += Number(r.conflicts);
      sum.rejected.push(...r.rejected);
      st.done += 1;
      draw();
    }
    st.report = sum as unknown as ImportReport;
    st.conflicts = await api.conflicts(lang);
    state.error = null;
  } catch (e) {
    state.error = e as CommandError;
  }
  st.busy = false;
  draw();
}

async function exportTo() {
  const st = state.sync;
  st.report = null;
  st.total = 0;
  st.busy = true;
  draw();
  try {
    st.written = await api.syncExport(st.folder.trim(), state.homeLang);
    state.error = null;
  } catch (e) {
    state.error = e as CommandError;
  }
  st.busy = false;
  draw();
}

async function openDashboard() {
  state.view = "dashboard";
  state.error = null;
  state.notice = null;
  draw();
  await loadDashboard();
}

/** Asks the session for the dashboard with the current filter, in the interface language. */
async function loadDashboard() {
  await field(() => api.dashboard(state.dashFilter, state.homeLang), (view) => (state.dashboard = view));
}

async function openRoutes() {
  state.view = "routes";
  state.error = null;
  state.notice = null;
  draw();
  await field(() => api.myRoutes(state.homeLang), (mine) => (state.myRoutes = mine));
}

function drawDemo() {
  void field(() => api.drawDemoRoutes(state.homeLang), (mine) => (state.myRoutes = mine));
}

/** A new route view: the forms start afresh (the building form on the building to describe). */
function setRoute(view: RouteView) {
  const sameTarget =
    state.route?.route.id === view.route.id && state.route.guidance.kind === view.guidance.kind && state.route.guidance.house === view.guidance.house;
  state.route = view;
  if (!sameTarget) {
    state.buildingForm = emptyBuildingForm();
    state.continuationForm = emptyContinuationForm();
  }
  if (view.guidance.kind === "describe_building") state.buildingForm.house = view.guidance.house;
}

async function openRoute(id: string): Promise<boolean> {
  const ok = await field(
    () => api.route(id, state.homeLang),
    (view) => {
      state.view = "route";
      state.notice = null;
      state.route = null;
      setRoute(view);
    },
  );
  if (ok) scrollTop();
  return ok;
}

async function walk(action: WalkAction) {
  const route = state.route;
  if (!route) return;
  const ok = await field(
    () => api.walk(route.route.id, action, state.homeLang),
    (view) => {
      state.notice = null;
      state.buildingForm = emptyBuildingForm();
      setRoute(view);
    },
  );
  if (ok) scrollTop();
}

function findAddress(view: RouteView, key: string): AddressView | null {
  if (view.guidance.address?.key === key) return view.guidance.address;
  return view.addresses.find((a) => a.key === key) ?? null;
}

async function ensureOutcomes() {
  if (state.outcomesLang === state.homeLang && state.outcomes) return;
  const lang = state.homeLang;
  await field(
    () => api.outcomes(lang),
    (options) => {
      state.outcomes = options;
      state.outcomesLang = lang;
    },
  );
}

function openAddress(key: string) {
  const address = state.route && findAddress(state.route, key);
  if (address) showAddress(address);
}

/** The visit screen of an address of the route on screen. */
function showAddress(address: AddressView) {
  state.address = address;
  state.visitForm = emptyVisitForm();
  state.notice = null;
  state.error = null;
  state.view = "address";
  draw();
  scrollTop();
  void ensureOutcomes();
}

async function saveVisit(visit: VisitInput) {
  const address = state.address;
  if (!address) return;
  const ok = await field(
    () => api.logVisit(address.key, visit, state.homeLang),
    (view) => {
      state.address = view;
      state.visitForm = emptyVisitForm();
      const last = view.visits[view.visits.length - 1];
      state.notice = last ? t(state.homeLang).visitSaved(last.n, `${last.outcome_label} (${last.outcome})`) : null;
    },
  );
  if (ok) scrollTop();
}

async function closeAddress() {
  const address = state.address;
  if (!address) return;
  await field(
    () => api.closeAddress(address.key, state.homeLang),
    (view) => {
      state.address = view;
      state.notice = null;
    },
  );
}

function openScreening() {
  if (!state.address) return;
  state.screeningForm = screeningFormFor(state.address);
  state.error = null;
  state.view = "screening";
  draw();
  scrollTop();
}

async function setAppointment(when: string) {
  const address = state.address;
  if (!address) return;
  await field(
    () => api.setAppointment(address.key, when, state.homeLang),
    (view) => {
      state.address = view;
    },
  );
}

/** Screening, step 1: the household is drawn (and stored) before its adults are listed. */
async function drawHousehold(households: number) {
  const address = state.address;
  if (!address) return;
  const ok = await field(
    () => api.drawHousehold(address.key, households, state.homeLang),
    (view) => {
      state.address = view;
      state.screeningForm = screeningFormFor(view);
    },
  );
  if (ok) scrollTop();
}

/** Screening, step 2: the drawn household's adults (a reason when listed again). */
async function listAdults(adults: AdultInput[], rescreenReason: string | null) {
  const address = state.address;
  if (!address) return;
  const ok = await field(
    () => api.listAdults(address.key, adults, rescreenReason, state.homeLang),
    (view) => {
      state.address = view;
      state.screeningForm = screeningFormFor(view);
    },
  );
  if (ok) scrollTop();
}

async function startInterview(overrideLine: number | null, overrideReason: string | null) {
  const address = state.address;
  const route = state.route?.route.id ?? null;
  if (!address) return;
  const lang = state.homeLang;
  try {
    const screen = await api.startInterview(address.key, overrideLine, overrideReason, lang);
    state.returnRoute = route;
    show(screen);
  } catch (e) {
    fail(e);
  }
}

/** One tap switches the language of the fieldwork screens: the views come again, worded anew. */
async function setFieldLanguage(lang: Lang) {
  state.homeLang = lang;
  state.notice = null;
  draw();
  if (state.view === "routes") {
    await field(() => api.myRoutes(lang), (mine) => (state.myRoutes = mine));
    return;
  }
  const route = state.route;
  if (!route) return;
  const key = state.address?.key ?? null;
  await field(
    () => api.route(route.route.id, lang),
    (view) => {
      setRoute(view);
      const address = key ? findAddress(view, key) : null;
      if (address) state.address = address;
    },
  );
  if (state.view === "address") await ensureOutcomes();
}

/** The start-up failure in the language just chosen (the shell words it; it stands until opened again). */
async function rewordFailure() {
  try {
    await api.whoAmI(state.homeLang);
  } catch (e) {
    state.error = e as CommandError;
  }
  draw();
}

/** "Try again" after the database could not be opened: on success the app starts as usual. */
async function retryOpen() {
  try {
    await api.retryOpen(state.homeLang);
  } catch (e) {
    state.error = e as CommandError;
    draw();
    return;
  }
  state.error = null;
  state.view = "home";
  await start();
}

async function start() {
  draw();
  try {
    state.access = await api.whoAmI(state.homeLang);
    if (!state.access.demo && !state.access.user) {
      state.view = "lock";
      draw();
      requestAnimationFrame(() => void api.uiReady(state.homeLang).catch(() => undefined));
      return;
    }
  } catch (e) {
    // The database could not be opened (another instance holds it, a read-only medium): say why, offer to try again.
    state.error = e as CommandError;
    state.view = "failed";
    draw();
    requestAnimationFrame(() => void api.uiReady(state.homeLang).catch(() => undefined));
    return;
  }
  try {
    const study = await api.studyInfo(state.homeLang);
    state.study = study;
    state.homeLang = study.default_language;
  } catch (e) {
    state.error = e as CommandError;
  }
  await refreshHome();
  // The first usable screen is painted at the next frame: tell the shell (start-up time, BENCHMARKS.md).
  requestAnimationFrame(() => void api.uiReady(state.homeLang).catch(() => undefined));
}

void start();
