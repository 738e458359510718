// The flow's own buttons. Callback data is "ltr:<flow scope>:<action>": the scope (from the draft's
// nonce) tells a button of this letter from one of an earlier letter. Pure: keyboards are data.
import { InlineKeyboard } from "grammy";
import type { ConversationContext } from "../../context.js";
import { CB } from "../../../messages/keyboards/callbacks.js";

const CB_PREFIX = "ltr:";
const ACTIONS = ["typed", "hand", "prev", "over", "done", "undo", "fix", "anyway", "send", "edit", "cont", "quit", "back"] as const;
export type Action = (typeof ACTIONS)[number];

type Translate = ConversationContext["t"];

export function actionData(scope: string, action: Action): string {
  return `${CB_PREFIX}${scope}:${action}`;
}

/** The action of a pressed button; "foreign" for another feature's button, "old" for an earlier letter's. */
export function readButton(data: string | undefined, scope: string): Action | "foreign" | "old" {
  const match = /^ltr:([0-9a-f]+):([a-z]+)$/.exec(data ?? "");
  if (!match) return "foreign";
  if (match[1] !== scope || !(ACTIONS as readonly string[]).includes(match[2] ?? "")) return "old";
  return match[2] as Action;
}

/** Leave the letter (deletes the draft, like /cancel) or go on with it. */
export function leaveKeyboard(t: Translate, scope: string): InlineKeyboard {
  return new InlineKeyboard().text(t("letter-continue"), actionData(scope, "cont")).row().text(t("letter-leave"), CB.cancel);
}

/** The way out of a step with nothing written yet: leaving loses nothing, so no question. */
export function cancelKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("letter-cancel"), CB.cancel);
}

/** The way out of a step with a draft: asks before deleting it. */
export function withQuit(keyboard: InlineKeyboard, t: Translate, scope: string): InlineKeyboard {
  return keyboard.row().text(t("letter-cancel"), actionData(scope, "quit"));
}

export function kindKeyboard(t: Translate, scope: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("letter-kind-typed-button"), actionData(scope, "typed"))
    .row()
    .text(t("letter-kind-handwritten-button"), actionData(scope, "hand"))
    .row()
    .text(t("letter-cancel"), CB.cancel);
}

export function typedKeyboard(t: Translate, scope: string): InlineKeyboard {
  const keyboard = new InlineKeyboard()
    .text(t("letter-preview"), actionData(scope, "prev"))
    .text(t("letter-start-over"), actionData(scope, "over"))
    .row()
    .text(t("letter-done"), actionData(scope, "done"));
  return withQuit(keyboard, t, scope);
}

export function pagesKeyboard(t: Translate, scope: string): InlineKeyboard {
  const keyboard = new InlineKeyboard()
    .text(t("letter-done"), actionData(scope, "done"))
    .row()
    .text(t("letter-remove-last-page"), actionData(scope, "undo"))
    .text(t("letter-start-over"), actionData(scope, "over"));
  return withQuit(keyboard, t, scope);
}

export function precheckKeyboard(t: Translate, scope: string): InlineKeyboard {
  const keyboard = new InlineKeyboard().text(t("precheck-fix"), actionData(scope, "fix")).row().text(t("precheck-send-anyway"), actionData(scope, "anyway"));
  return withQuit(keyboard, t, scope);
}

export function signatureKeyboard(t: Translate, scope: string): InlineKeyboard {
  return withQuit(new InlineKeyboard().text(t("menu-back"), actionData(scope, "back")), t, scope);
}

export function summaryKeyboard(t: Translate, scope: string): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("letter-send"), actionData(scope, "send"))
    .row()
    .text(t("letter-edit"), actionData(scope, "edit"))
    .text(t("letter-cancel"), actionData(scope, "quit"));
}

/** The flow scope of a letter's "Send" button, or undefined for any other data. */
export function sendButtonScope(data: string | undefined): string | undefined {
  return /^ltr:([0-9a-f]+):send$/.exec(data ?? "")?.[1];
}
