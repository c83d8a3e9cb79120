// The only door to the Rust side: typed wrappers around Tauri's `invoke`.
//
// Calls run one after another in the order they were made (a queue), so an answer typed just
// before "Next" is stored before the move, whatever the timing of the IPC. Every failure comes
// back as a CommandError { kind, message } with the message already in `ui_lang`.

import { invoke } from "@tauri-apps/api/core";

import type { AnswerKey } from "./bindings/AnswerKey";
import type { CommandError } from "./bindings/CommandError";
import type { InterviewSummary } from "./bindings/InterviewSummary";
import type { Lang } from "./bindings/Lang";
import type { Nav } from "./bindings/Nav";
import type { Screen } from "./bindings/Screen";
import type { StudyInfo } from "./bindings/StudyInfo";

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
  clear: (id: string, key: AnswerKey, uiLang: Lang) => call<Screen>("clear", { id, key, ui_lang: uiLang }),
  confirm: (id: string, key: AnswerKey, rule: number, uiLang: Lang) => call<Screen>("confirm", { id, key, rule, ui_lang: uiLang }),
  go: (id: string, nav: Nav, uiLang: Lang) => call<Screen>("go", { id, nav, ui_lang: uiLang }),
  setLanguage: (id: string, lang: Lang) => call<Screen>("set_language", { id, lang }),
  complete: (id: string, uiLang: Lang) => call<Screen>("complete", { id, ui_lang: uiLang }),
};
