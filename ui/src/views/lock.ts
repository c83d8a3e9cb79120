// The lock screen and user set-up. With users set up on the device the app opens here: choose your
// name, type your PIN. "Users" on the home screen sets up a user (the first one from the open demo):
// role, name, PIN twice; a signed-in user changes their own PIN there. The shell checks PINs (through the
// encrypted database's keyring, or the Argon2 hash of a plain one); this view only collects what is typed.

import { html, nothing, type TemplateResult } from "lit-html";

import type { Access } from "../bindings/Access";
import type { CommandError } from "../bindings/CommandError";
import type { Lang } from "../bindings/Lang";
import type { Strings } from "../i18n";
import { languageSwitch } from "./common";

export interface UserForm {
  name: string;
  role: string;
  pin: string;
  pin2: string;
  /** Changing one's own PIN: the current one and the new one twice. */
  current: string;
  newPin: string;
  newPin2: string;
}

export function emptyUserForm(): UserForm {
  return { name: "", role: "interviewer", pin: "", pin2: "", current: "", newPin: "", newPin2: "" };
}

export interface LockCtx {
  s: Strings;
  lang: Lang;
  error: CommandError | null;
  form: UserForm;
  setLanguage(lang: Lang): void;
  redraw(): void;
  signIn(): void;
}

export function lockScreen(access: Access, ctx: LockCtx): TemplateResult {
  const { s, form } = ctx;
  const u = s.users;
  // The select shows its first user until another is picked: the form must hold that same name, or a
  // user who only types a PIN would be signed in as nobody.
  if (!access.users.includes(form.name)) form.name = access.users[0] ?? "";
  return html`<div class="screen lock" data-testid="lock-screen" lang=${ctx.lang}>
    <header class="topbar">
      <div class="brand">Dala</div>
      <div class="where"><div class="study-title">${u.locked}</div></div>
      ${languageSwitch(ctx.lang, s, ctx.setLanguage)}
    </header>
    <main class="field-body lock-body">
      ${ctx.error ? html`<div class="message error" role="alert" data-testid="command-error">${ctx.error.message}</div>` : nothing}
      <label class="field-label">${u.name}
        <select data-testid="lock-user" @change=${(e: Event) => {
          form.name = (e.target as HTMLSelectElement).value;
        }}>
          ${access.users.map((n) => html`<option value=${n} ?selected=${n === form.name}>${n}</option>`)}
        </select>
      </label>
      <label class="field-label">${u.pin}
        <input type="password" inputmode="numeric" autocomplete="off" data-testid="lock-pin" .value=${form.pin}
          @input=${(e: Event) => {
            form.pin = (e.target as HTMLInputElement).value;
          }}
          @keydown=${(e: KeyboardEvent) => e.key === "Enter" && ctx.signIn()} />
      </label>
      <button class="primary big" data-testid="lock-sign-in" @click=${ctx.signIn}>${u.signIn}</button>
    </main>
  </div>`;
}

export interface UsersCtx extends LockCtx {
  home(): void;
  add(): void;
  changePin(): void;
  /** Shown after a change went through. */
  notice: string | null;
}

export function usersScreen(access: Access, ctx: UsersCtx): TemplateResult {
  const { s, form } = ctx;
  const u = s.users;
  const set = (field: keyof UserForm) => (e: Event) => {
    form[field] = (e.target as HTMLInputElement).value;
  };
  return html`<div class="screen users" data-testid="users-screen" lang=${ctx.lang}>
    <header class="topbar">
      <button class="secondary back" data-testid="home" @click=${ctx.home}>‹ ${s.backToList}</button>
      <div class="where"><div class="study-title">${u.title}</div></div>
      ${languageSwitch(ctx.lang, s, ctx.setLanguage)}
    </header>
    <main class="field-body">
      ${ctx.error ? html`<div class="message error" role="alert" data-testid="command-error">${ctx.error.message}</div>` : nothing}
      ${access.demo ? html`<p class="hint" data-testid="users-demo">${u.demoHint}</p>` : nothing}
      ${access.users.length
        ? html`<ul data-testid="users-list">${access.users.map((n) => html`<li>${n}${access.user?.name === n ? html` — <strong>${u.you}</strong>` : nothing}</li>`)}</ul>`
        : nothing}
      ${access.may_add.length
        ? html`<h2>${u.add}</h2>
            <label class="field-label">${u.role}
              <select data-testid="user-role" @change=${set("role")}>
                ${access.may_add.map((r) => html`<option value=${r} ?selected=${r === form.role}>${u.roles[r as keyof typeof u.roles] ?? r}</option>`)}
              </select>
            </label>
            <label class="field-label">${u.name}<input type="text" data-testid="user-name" .value=${form.name} @input=${set("name")} /></label>
            <label class="field-label">${u.pin}<input type="password" inputmode="numeric" data-testid="user-pin" .value=${form.pin} @input=${set("pin")} /></label>
            <label class="field-label">${u.pinAgain}<input type="password" inputmode="numeric" data-testid="user-pin2" .value=${form.pin2} @input=${set("pin2")} /></label>
            <button class="primary big" data-testid="user-add" @click=${ctx.add}>${u.add}</button>`
        : nothing}
      ${access.user
        ? html`<h2>${u.changePin}</h2>
            <label class="field-label">${u.currentPin}<input type="password" inputmode="numeric" autocomplete="off" data-testid="pin-current" .value=${form.current} @input=${set("current")} /></label>
            <label class="field-label">${u.newPin}<input type="password" inputmode="numeric" autocomplete="off" data-testid="pin-new" .value=${form.newPin} @input=${set("newPin")} /></label>
            <label class="field-label">${u.newPinAgain}<input type="password" inputmode="numeric" autocomplete="off" data-testid="pin-new2" .value=${form.newPin2} @input=${set("newPin2")} /></label>
            <button class="secondary big" data-testid="pin-change" @click=${ctx.changePin}>${u.changePin}</button>
            ${ctx.error ? html`<div class="message error" role="alert" data-testid="pin-error">${ctx.error.message}</div>` : nothing}
            ${ctx.notice ? html`<div class="message" role="status" data-testid="users-notice">${ctx.notice}</div>` : nothing}`
        : nothing}
    </main>
  </div>`;
}

export interface FailedCtx {
  s: Strings;
  lang: Lang;
  error: CommandError;
  setLanguage(lang: Lang): void;
  retry(): void;
}

/** The database could not be opened at start: why (the shell's message, in the chosen language), that
 * nothing was touched, and a button to try again once the other program has let it go. */
export function failedScreen(ctx: FailedCtx): TemplateResult {
  const u = ctx.s.users;
  return html`<div class="screen lock" data-testid="failed-screen" lang=${ctx.lang}>
    <header class="topbar">
      <div class="brand">Dala</div>
      <div class="where"><div class="study-title">${u.cannotOpen}</div></div>
      ${languageSwitch(ctx.lang, ctx.s, ctx.setLanguage)}
    </header>
    <main class="field-body lock-body">
      <div class="message error" role="alert" data-testid="start-error" data-kind=${ctx.error.kind}>${ctx.error.message}</div>
      <p class="hint">${u.cannotOpenHint}</p>
      <div class="actions">
        <button class="primary" data-testid="retry-open" @click=${() => ctx.retry()}>${u.tryAgain}</button>
      </div>
    </main>
  </div>`;
}
