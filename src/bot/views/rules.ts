// The rules digest shown before a writer's first letter, and what happens after "I have read it".
import type { I18nFlavor } from "@grammyjs/i18n";
import { InlineKeyboard, type Context } from "grammy";
import { RULES_VERSION, rulesAcceptanceNeeded } from "../../domain/rules.js";
import type { Writer } from "../context.js";
import { CB } from "../keyboards/callbacks.js";
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
  const request = /^r(\d{1,10})$/.exec(code);
  if (request) return { kind: "letter", specificRequestId: Number(request[1]) };
  const letter = /^p(\d{1,10})(?:a(\d{1,10}))?$/.exec(code);
  if (letter) {
    const prisonerId = Number(letter[1]);
    return letter[2] === undefined ? { kind: "letter", prisonerId } : { kind: "letter", prisonerId, assignmentId: Number(letter[2]) };
  }
  return undefined;
}

export type RulesContext = Context & I18nFlavor & { writer: Writer | undefined };

/**
 * Shows the digest of the censorship rules with "I have read it". After the press the writer's
 * confirmation is stored with RULES_VERSION and the writer continues to `after`. Works from a
 * command, a button press (the pressed message is edited) or inside a conversation.
 */
export async function showRules(ctx: RulesContext, after: RulesContinuation = { kind: "menu" }): Promise<void> {
  const updated = ctx.writer?.rulesAcceptedVersion != null;
  const text = [updated ? ctx.t("rules-updated") : "", ctx.t("rules-digest")].filter(Boolean).join("\n\n");
  const keyboard = new InlineKeyboard()
    .text(ctx.t("rules-accept"), `${RULES_CB.acceptPrefix}${encodeContinuation(after)}`)
    .row()
    .text(ctx.t("rules-open-guide"), CB.guideNew);
  await renderScreen(ctx, text, { keyboard });
  await answerPress(ctx);
}
