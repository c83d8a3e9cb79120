// The only door to the Rust side: typed wrappers around Tauri's `invoke`.
//
// Calls run one after another in the order they were made (a queue), so an answer typed just
// before "Next" is stored before the move, whatever the timing of the IPC. Every failure comes
// back as a CommandError { kind, message } with the message already in `ui_lang`.

import { invoke } from "@tauri-apps/api/core";

import type { AddressView } from "./bindings/AddressView";
import type { AdultInput } from "./bindings/AdultInput";
import type { AnswerKey } from "./bindings/AnswerKey";
import type { CommandError } from "./bindings/CommandError";
import type { InterviewSummary } from "./bindings/InterviewSummary";
import type { Lang } from "./bindings/Lang";
import type { MyRoutes } from "./bindings/MyRoutes";
import type { Nav } from "./bindings/Nav";
import type { NumberReading } from "./bindings/NumberReading";
import type { OutcomeOption } from "./bindings/OutcomeOption";
import type { RouteView } from "./bindings/RouteView";
import type { Screen } from "./bindings/Screen";
import type { StudyInfo } from "./bindings/StudyInfo";
import type { VisitInput } from "./bindings/VisitInput";
import type { WalkAction } from "./bindings/WalkAction";

/** An answer in the JSON form of docs/study-format.md. */
export type AnswerValue = number | string | number[] | string[] | { [key: string]: unknown };

let queue: Promise<unknown> = Promise.resolve();

function call<T>(cmd: string, args: Record<string, unknown>): Promise<T> {
  const run = () => invoke<T>(cmd, args).catch((e: unknown) => Promise.reject(asCommandError(e)));
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

export const api = {
  studyInfo: (uiLang: Lang) => call<StudyInfo>("study_info", { ui_lang: uiLang }),
  listInterviews: (uiLang: Lang) => call<InterviewSummary[]>("list_interviews", { ui_lang: uiLang }),
  createInterview: (lang: Lang) => call<Screen>("create_interview", { lang }),
  openInterview: (id: string, uiLang: Lang) => call<Screen>("open_interview", { id, ui_lang: uiLang }),
  answer: (id: string, key: AnswerKey, value: AnswerValue, uiLang: Lang) => call<Screen>("answer", { id, key, value, ui_lang: uiLang }),
  /** Reads a typed number by the interview language's rules; nothing is recorded. */
  readNumber: (id: string, key: AnswerKey, text: string, currency: string | null, uiLang: Lang) =>
    call<NumberReading>("read_number", { id, key, text, currency, ui_lang: uiLang }),
  clear: (id: string, key: AnswerKey, uiLang: Lang) => call<Screen>("clear", { id, key, ui_lang: uiLang }),
  confirm: (id: string, key: AnswerKey, rule: number, uiLang: Lang) => call<Screen>("confirm", { id, key, rule, ui_lang: uiLang }),
  go: (id: string, nav: Nav, uiLang: Lang) => call<Screen>("go", { id, nav, ui_lang: uiLang }),
  setLanguage: (id: string, lang: Lang) => call<Screen>("set_language", { id, lang }),
  complete: (id: string, uiLang: Lang) => call<Screen>("complete", { id, ui_lang: uiLang }),

  // Random-route fieldwork.
  myRoutes: (uiLang: Lang) => call<MyRoutes>("fieldwork_routes", { ui_lang: uiLang }),
  drawDemoRoutes: (uiLang: Lang) => call<MyRoutes>("fieldwork_draw_demo", { ui_lang: uiLang }),
  route: (id: string, uiLang: Lang) => call<RouteView>("fieldwork_route", { id, ui_lang: uiLang }),
  walk: (id: string, action: WalkAction, uiLang: Lang) => call<RouteView>("fieldwork_walk", { id, action, ui_lang: uiLang }),
  logVisit: (key: string, visit: VisitInput, uiLang: Lang) => call<AddressView>("fieldwork_log_visit", { key, visit, ui_lang: uiLang }),
  closeAddress: (key: string, uiLang: Lang) => call<AddressView>("fieldwork_close_address", { key, ui_lang: uiLang }),
  screenHousehold: (key: string, adults: AdultInput[], households: number, uiLang: Lang) =>
    call<AddressView>("fieldwork_screen", { key, adults, households, ui_lang: uiLang }),
  setAppointment: (key: string, appointment: string, uiLang: Lang) =>
    call<AddressView>("fieldwork_set_appointment", { key, appointment, ui_lang: uiLang }),
  startInterview: (key: string, overrideLine: number | null, overrideReason: string | null, lang: Lang) =>
    call<Screen>("fieldwork_start_interview", { key, override_line: overrideLine, override_reason: overrideReason, lang }),
  outcomes: (uiLang: Lang) => call<OutcomeOption[]>("fieldwork_outcomes", { ui_lang: uiLang }),
};
