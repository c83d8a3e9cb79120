// Generated from src-tauri/src/commands.rs (`commands!`) by `cargo test -p dala-app`. Do not edit.

import type { Access } from "./Access";
import type { AddressView } from "./AddressView";
import type { AdultInput } from "./AdultInput";
import type { AnswerKey } from "./AnswerKey";
import type { AnswerValue } from "./AnswerValue";
import type { BackcheckOutcome } from "./BackcheckOutcome";
import type { BackcheckScreen } from "./BackcheckScreen";
import type { ConflictView } from "./ConflictView";
import type { DashboardFilter } from "./DashboardFilter";
import type { DashboardView } from "./DashboardView";
import type { ExportProgress } from "./ExportProgress";
import type { ImportReport } from "./ImportReport";
import type { InterviewSummary } from "./InterviewSummary";
import type { JsonValue } from "./serde_json/JsonValue";
import type { Lang } from "./Lang";
import type { MyRoutes } from "./MyRoutes";
import type { Nav } from "./Nav";
import type { NumberReading } from "./NumberReading";
import type { OutcomeOption } from "./OutcomeOption";
import type { RouteView } from "./RouteView";
import type { Screen } from "./Screen";
import type { StudyInfo } from "./StudyInfo";
import type { VisitInput } from "./VisitInput";
import type { WalkAction } from "./WalkAction";

/** Sends one command to the shell and resolves with its reply (api.ts queues the calls). */
export type Invoke = <T>(command: string, args: Record<string, unknown>) => Promise<T>;

/** Every command of the shell, typed as the Rust side declares it. */
export function commands(invoke: Invoke) {
  return {
    who_am_i: (ui_lang: Lang) => invoke<Access>("who_am_i", { ui_lang }),
    sign_in: (name: string, pin: string, ui_lang: Lang) => invoke<Access>("sign_in", { name, pin, ui_lang }),
    add_user: (role: string, name: string, pin: string, ui_lang: Lang) => invoke<Access>("add_user", { role, name, pin, ui_lang }),
    retry_open: (ui_lang: Lang) => invoke<Access>("retry_open", { ui_lang }),
    ui_ready: (ui_lang: Lang) => invoke<boolean>("ui_ready", { ui_lang }),
    change_pin: (current: string, new_pin: string, ui_lang: Lang) => invoke<Access>("change_pin", { current, new_pin, ui_lang }),
    lock: (ui_lang: Lang) => invoke<Access>("lock", { ui_lang }),
    sync_list_packages: (folder: string, ui_lang: Lang) => invoke<Array<string>>("sync_list_packages", { folder, ui_lang }),
    sync_import: (packages: Array<string>, ui_lang: Lang) => invoke<ImportReport>("sync_import", { packages, ui_lang }),
    sync_export: (folder: string, ui_lang: Lang) => invoke<Array<string>>("sync_export", { folder, ui_lang }),
    conflicts: (ui_lang: Lang) => invoke<Array<ConflictView>>("conflicts", { ui_lang }),
    resolve_conflict: (id: string, key: AnswerKey, value: JsonValue, ui_lang: Lang) => invoke<Array<ConflictView>>("resolve_conflict", { id, key, value, ui_lang }),
    review_interview: (id: string, approve: boolean, reason: string | null, ui_lang: Lang) => invoke<Screen>("review_interview", { id, approve, reason, ui_lang }),
    review_comment: (id: string, key: AnswerKey | null, text: string, ui_lang: Lang) => invoke<Screen>("review_comment", { id, key, text, ui_lang }),
    backchecks: (ui_lang: Lang) => invoke<BackcheckScreen>("backchecks", { ui_lang }),
    backcheck_draw: (seed: string | null, ui_lang: Lang) => invoke<BackcheckScreen>("backcheck_draw", { seed, ui_lang }),
    backcheck_record: (interview: string, outcome: BackcheckOutcome, ui_lang: Lang) => invoke<BackcheckScreen>("backcheck_record", { interview, outcome, ui_lang }),
    study_info: (ui_lang: Lang) => invoke<StudyInfo>("study_info", { ui_lang }),
    list_interviews: (ui_lang: Lang) => invoke<Array<InterviewSummary>>("list_interviews", { ui_lang }),
    create_interview: (lang: Lang) => invoke<Screen>("create_interview", { lang }),
    open_interview: (id: string, ui_lang: Lang) => invoke<Screen>("open_interview", { id, ui_lang }),
    answer: (id: string, key: AnswerKey, value: AnswerValue, ui_lang: Lang) => invoke<Screen>("answer", { id, key, value, ui_lang }),
    end_interview: (id: string, key: AnswerKey, value: AnswerValue, ui_lang: Lang) => invoke<Screen>("end_interview", { id, key, value, ui_lang }),
    read_number: (id: string, key: AnswerKey, text: string, currency: string | null, ui_lang: Lang) => invoke<NumberReading>("read_number", { id, key, text, currency, ui_lang }),
    clear: (id: string, key: AnswerKey, ui_lang: Lang) => invoke<Screen>("clear", { id, key, ui_lang }),
    confirm: (id: string, key: AnswerKey, rule: number, ui_lang: Lang) => invoke<Screen>("confirm", { id, key, rule, ui_lang }),
    go: (id: string, nav: Nav, ui_lang: Lang) => invoke<Screen>("go", { id, nav, ui_lang }),
    set_language: (id: string, lang: Lang) => invoke<Screen>("set_language", { id, lang }),
    complete: (id: string, ui_lang: Lang) => invoke<Screen>("complete", { id, ui_lang }),
    export_start: (format: string, data_lang: Lang, anonymise: boolean, folder: string, ui_lang: Lang) => invoke<ExportProgress>("export_start", { format, data_lang, anonymise, folder, ui_lang }),
    export_status: (ui_lang: Lang) => invoke<ExportProgress>("export_status", { ui_lang }),
    export_open_folder: (ui_lang: Lang) => invoke<boolean>("export_open_folder", { ui_lang }),
    dashboard: (filter: DashboardFilter, ui_lang: Lang) => invoke<DashboardView>("dashboard", { filter, ui_lang }),
    fieldwork_routes: (ui_lang: Lang) => invoke<MyRoutes>("fieldwork_routes", { ui_lang }),
    fieldwork_draw_demo: (ui_lang: Lang) => invoke<MyRoutes>("fieldwork_draw_demo", { ui_lang }),
    fieldwork_route: (id: string, ui_lang: Lang) => invoke<RouteView>("fieldwork_route", { id, ui_lang }),
    fieldwork_walk: (id: string, action: WalkAction, ui_lang: Lang) => invoke<RouteView>("fieldwork_walk", { id, action, ui_lang }),
    fieldwork_log_visit: (key: string, visit: VisitInput, ui_lang: Lang) => invoke<AddressView>("fieldwork_log_visit", { key, visit, ui_lang }),
    fieldwork_close_address: (key: string, ui_lang: Lang) => invoke<AddressView>("fieldwork_close_address", { key, ui_lang }),
    fieldwork_draw_household: (key: string, households: number, ui_lang: Lang) => invoke<AddressView>("fieldwork_draw_household", { key, households, ui_lang }),
    fieldwork_list_adults: (key: string, adults: Array<AdultInput>, rescreen_reason: string | null, ui_lang: Lang) => invoke<AddressView>("fieldwork_list_adults", { key, adults, rescreen_reason, ui_lang }),
    fieldwork_set_appointment: (key: string, appointment: string, ui_lang: Lang) => invoke<AddressView>("fieldwork_set_appointment", { key, appointment, ui_lang }),
    fieldwork_start_interview: (key: string, override_line: number | null, override_reason: string | null, lang: Lang) => invoke<Screen>("fieldwork_start_interview", { key, override_line, override_reason, lang }),
    fieldwork_break_off: (id: string, ui_lang: Lang) => invoke<AddressView | null>("fieldwork_break_off", { id, ui_lang }),
    fieldwork_outcomes: (ui_lang: Lang) => invoke<Array<OutcomeOption>>("fieldwork_outcomes", { ui_lang }),
    fieldwork_report: (ui_lang: Lang) => invoke<JsonValue>("fieldwork_report", { ui_lang }),
  };
}
