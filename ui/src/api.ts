// The only door to the Rust side: typed wrappers around Tauri's `invoke`.
//
// Calls run one after another in the order they were made (a queue), so an answer typed just
// before "Next" is stored before the move, whatever the timing of the IPC. Every failure comes
// back as a CommandError { kind, message } with the message already in `ui_lang`.

import { invoke } from "@tauri-apps/api/core";

import type { AnswerKey } from "./bindings/AnswerKey";
import type { CommandError } from "./bindings/CommandError";
import { commands } from "./bindings/commands";
import type { AnswerValue } from "./bindings/AnswerValue";
import type { Lang } from "./bindings/Lang";

/** An answer in the JSON form of docs/study-format.md (generated from the Rust `AnswerValue`). */
export type { AnswerValue };

let queue: Promise<unknown> = Promise.resolve();

/** When the last command left for the shell and when its reply came back (performance.now(), ms): the
 *  tap-to-paint benchmark splits a tap's reply with them (ui/src/main.ts `notePaint`). */
export const lastCall = { sent: 0, back: 0 };

function call<T>(cmd: string, args: Record<string, unknown>): Promise<T> {
  const run = () => {
    lastCall.sent = performance.now();
    return invoke<T>(cmd, args)
      .finally(() => (lastCall.back = performance.now()))
      .catch((e: unknown) => Promise.reject(asCommandError(e)));
  };
  const result = queue.then(run, run);
  queue = result.catch(() => undefined);
  return result;
}

export function isCommandError(e: unknown): e is CommandError {
  return typeof e === "object" && e !== null && typeof (e as CommandError).kind === "string" && typeof (e as CommandError).message === "string";
}

function asCommandError(e: unknown): CommandError {
  return isCommandError(e) ? e : { kind: "internal", message: String(e) };
}

// The wrappers are generated from the Rust commands (ui/src/bindings/commands.ts): a command, argument
// or type renamed in Rust no longer compiles here.
const c = commands(call);

export const api = {
  studyInfo: c.study_info,
  listInterviews: c.list_interviews,
  createInterview: c.create_interview,
  openInterview: c.open_interview,
  answer: (id: string, key: AnswerKey, value: AnswerValue, uiLang: Lang) => c.answer(id, key, value, uiLang),
  /** Records an answer that ends the interview (consent "no") once the interviewer confirmed it. */
  endInterview: (id: string, key: AnswerKey, value: AnswerValue, uiLang: Lang) => c.end_interview(id, key, value, uiLang),
  /** Reads a typed number by the interview language's rules; nothing is recorded. */
  readNumber: c.read_number,
  clear: c.clear,
  confirm: c.confirm,
  go: c.go,
  setLanguage: c.set_language,
  complete: c.complete,

  // Random-route fieldwork.
  myRoutes: c.fieldwork_routes,
  drawDemoRoutes: c.fieldwork_draw_demo,
  route: c.fieldwork_route,
  walk: c.fieldwork_walk,
  logVisit: c.fieldwork_log_visit,
  closeAddress: c.fieldwork_close_address,
  /** Screening, step 1: the household drawn among those at the address, stored before any adult is listed. */
  drawHousehold: c.fieldwork_draw_household,
  /** Screening, step 2: the drawn household's adults (a reason when listing again). */
  listAdults: c.fieldwork_list_adults,
  setAppointment: c.fieldwork_set_appointment,
  startInterview: c.fieldwork_start_interview,
  breakOff: c.fieldwork_break_off,
  outcomes: c.fieldwork_outcomes,

  /** The supervisor dashboard over this database, narrowed by the filter. */
  dashboard: c.dashboard,

  // Sync (package files) and the supervisor's review.
  syncListPackages: c.sync_list_packages,
  syncImport: c.sync_import,
  syncExport: c.sync_export,
  reviewInterview: c.review_interview,
  reviewComment: c.review_comment,
  conflicts: c.conflicts,
  resolveConflict: c.resolve_conflict,
  backchecks: c.backchecks,
  exportStart: c.export_start,
  exportStatus: c.export_status,
  exportOpenFolder: c.export_open_folder,
  /** Draws the back-check sample (a seed typed by the supervisor, or null for a new one). */
  backcheckDraw: c.backcheck_draw,
  backcheckRecord: c.backcheck_record,

  // Users and the lock.
  whoAmI: c.who_am_i,
  /** Opens the database again after it could not be opened at start. */
  retryOpen: c.retry_open,
  signIn: c.sign_in,
  addUser: c.add_user,
  changePin: c.change_pin,
  uiReady: c.ui_ready,
  lock: c.lock,
};
