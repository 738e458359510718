// The rules digest shown before a writer's first letter, and what happens after "Got it".
import type { I18nFlavor } from "@grammyjs/i18n";
import { InlineKeyboard, type Context } from "grammy";
import { RULES_VERSION, rulesAcceptanceNeeded } from "../../domain/rules.js";
import type { Writer } from "../context.js";
import { id } from "../../messages/callbacks.js";
import { CB } from "../../messages/keyboards/callbacks.js";
import { answerPress, renderScreen } from "./screen.js";

/** Where the writer goes once the rules are confirmed. */
export type RulesContinuation =
  | { kind: "menu" }
  /** The "Write a letter" path: interests offer, then an assigned person. */
  | { kind: "assignment" }
  /** Straight into the letter conversation: ctx.conversation.enter("letter", args). */
  | { kind: "letter"; prisonerId: number; assignmentId?: number }
  | { kind: "letter"; specificRequestId: number };

export const RULES_CB = {
  /** Followed by an encoded continuation: "rules:ok:w", "rules:ok:p12a34". */
  acceptPrefix: "rules:ok:",
  /** "More": the same screen with the rest of the rules; followed by the continuation too. */
  morePrefix: "rules:more:",
} as const;

/** True when the writer must (re)confirm the rules before writing: never confirmed, or an older version. */
export function needsRulesAcceptance(writer: Pick<Writer, "rulesAcceptedVersion"> | null | undefined): boolean {
  return rulesAcceptanceNeeded(writer?.rulesAcceptedVersion, RULES_VERSION);
}

/** Short enough for callback data (64 bytes). */
export function encodeContinuation(after: RulesContinuation): string {
  switch (after.kind) {
    case "menu":
      return "m";
    case "assignment":
      return "w";
    case "letter":
      if ("specificRequestId" in after) return `r${after.specificRequestId}`;
      return after.assignmentId === undefined ? `p${after.prisonerId}` : `p${after.prisonerId}a${after.assignmentId}`;
  }
}

export function decodeContinuation(code: string): RulesContinuation | undefined {
  if (code === "m") return { kind: "menu" };
  if (code === "w") return { kind: "assignment" };
  // Ids go through the codec's bounds: a forged "p2147483648" is refused here, not by the database.
  const request = /^r(\d{1,10})$/.exec(code);
  if (request) {
    const specificRequestId = id.parse(request[1] ?? "");
    return specificRequestId === undefined ? undefined : { kind: "letter", specificRequestId };
  }
  const letter = /^p(\d{1,10})(?:a(\d{1,10}))?$/.exec(code);
  if (!letter) return undefined;
  const prisonerId = id.parse(letter[1] ?? "");
  if (prisonerId === undefined) return undefined;
  if (letter[2] === undefined) return { kind: "letter", prisonerId };
  const assignmentId = id.parse(letter[2]);
  return assignmentId === undefined ? undefined : { kind: "letter", prisonerId, assignmentId };
}

export type RulesContext = Context & I18nFlavor & { writer: Writer | undefined };

/**
 * Shows the digest of the censorship rules: one phone screen, with "More" for the reasons and the
 * advice, "Got it" (the writer's confirmation is stored with RULES_VERSION, then the writer
 * continues to `after`) and "Cancel" (back to the menu, nothing stored). Works from a command, a
 * button press (the pressed message is edited) or inside a conversation.
 */
export async function showRules(ctx: RulesContext, after: RulesContinuation = { kind: "menu" }, opts: { expanded?: boolean } = {}): Promise<void> {
  const updated = ctx.writer?.rulesAcceptedVersion != null;
  const text = [updated ? ctx.t("rules-updated") : "", ctx.t("rules-digest"), opts.expanded ? ctx.t("rules-more") : ""].filter(Boolean).join("\n\n");
  const continuation = encodeContinuation(after);
  const keyboard = new InlineKeyboard().text(ctx.t("rules-accept"), `${RULES_CB.acceptPrefix}${continuation}`);
  if (!opts.expanded) keyboard.text(ctx.t("rules-more-button"), `${RULES_CB.morePrefix}${continuation}`);
  keyboard.row().text(ctx.t("rules-open-guide"), CB.guideNew).row().text(ctx.t("rules-cancel"), CB.menu);
  await renderScreen(ctx, text, { keyboard });
  await answerPress(ctx);
}
