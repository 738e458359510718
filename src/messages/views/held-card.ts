// A held letter's card in the operators' chat: why it is held, and "Send it on" / "Cancel the
// letter". Posted by the import report for each letter it held and by the print worker when it
// holds one; a moderation card of a held letter shows the same buttons.
import { InlineKeyboard } from "grammy";
import { callback, id } from "../callbacks.js";
import type { Translate } from "../i18n.js";

/** Letter ids only. */
export const HELD_BUTTONS = {
  release: callback("hold:go", id),
  cancel: callback("hold:x", id),
};

export const HELD_CB = {
  release: (letterId: number) => HELD_BUTTONS.release.encode(letterId),
  cancel: (letterId: number) => HELD_BUTTONS.cancel.encode(letterId),
} as const;

export function heldKeyboard(t: Translate, letterId: number): InlineKeyboard {
  return new InlineKeyboard().text(t("held-button-release"), HELD_CB.release(letterId)).row().text(t("held-button-cancel"), HELD_CB.cancel(letterId));
}

/** "⏸ L-7K3Q is held: the recipient was released. ..." (plain text). */
export function heldCardText(t: Translate, letter: { code: string; reason: string | null }): string {
  return t("held-card", { code: letter.code, reasonText: t("letter-reason", { reason: letter.reason ?? "recipient-unreachable" }) });
}
