// The interests screen: a multi-select of the fixed interests (checkmarks toggled in place) and the
// writer's own ones. Two modes: from Settings ("s", back to settings) and on the way to the first
// assignment ("w", continue or skip to the assigned person).
import { InlineKeyboard } from "grammy";
import { INTEREST_KEYS, customInterests, fixedInterests } from "../../domain/interests.js";
import { CB } from "../keyboards/callbacks.js";
import type { Translate } from "../i18n.js";
import { INTEREST_EMOJI } from "./prisoner-card.js";

export type InterestsMode = "s" | "w";

export function isInterestsMode(value: unknown): value is InterestsMode {
  return value === "s" || value === "w";
}

export const INTERESTS_CB = {
  /** "int:t:<key>:<mode>": toggle one fixed interest. */
  togglePrefix: "int:t:",
  /** "int:own:<mode>": type your own interests. */
  ownPrefix: "int:own:",
  /** "int:clear:<mode>": forget your own interests. */
  clearPrefix: "int:clear:",
  /** "int:done:<mode>": back to settings, or on to the assignment. */
  donePrefix: "int:done:",
  /** Settings → Interests. */
  open: CB.interests,
} as const;

export function interestsText(t: Translate, stored: readonly string[], mode: InterestsMode): string {
  const own = customInterests(stored);
  const parts = [t(mode === "w" ? "interests-intro-first" : "interests-intro")];
  parts.push(own.length > 0 ? t("interests-own-current", { list: own.join(", ") }) : t("interests-own-hint"));
  return parts.join("\n\n");
}

export function interestsKeyboard(t: Translate, stored: readonly string[], mode: InterestsMode): InlineKeyboard {
  const chosen = new Set<string>(fixedInterests(stored));
  const keyboard = new InlineKeyboard();
  INTEREST_KEYS.forEach((key, i) => {
    const mark = chosen.has(key) ? "✅" : INTEREST_EMOJI[key];
    keyboard.text(`${mark} ${t(`interest-${key}`)}`, `${INTERESTS_CB.togglePrefix}${key}:${mode}`);
    if (i % 2 === 1) keyboard.row();
  });
  keyboard.text(t("interests-own-button"), `${INTERESTS_CB.ownPrefix}${mode}`);
  if (customInterests(stored).length > 0) keyboard.text(t("interests-own-clear"), `${INTERESTS_CB.clearPrefix}${mode}`);
  keyboard.row();
  if (mode === "w") {
    keyboard.text(t(stored.length > 0 ? "interests-continue" : "interests-skip"), `${INTERESTS_CB.donePrefix}w`);
  } else {
    keyboard.text(t("interests-save"), `${INTERESTS_CB.donePrefix}s`);
  }
  return keyboard;
}
