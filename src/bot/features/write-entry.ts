// "Write a letter": the rules (if not yet confirmed), the interests offer (first time only), then an
// assigned person's card with "Write to <name>", "Someone else" and "About the charges".
import { Composer } from "../composer.js";
import { assignPrisoner, declineAssignment, getActiveAssignment } from "../../db/repositories/assignments.js";
import { findPrisonerById } from "../../db/repositories/prisoners.js";
import { callback, id } from "../../messages/callbacks.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { localeOf } from "../../messages/i18n.js";
import { CB } from "../../messages/keyboards/callbacks.js";
import { backToMenuKeyboard } from "../../messages/keyboards/main-menu.js";
import { onCallback } from "../keyboards/on-callback.js";
import { interestsKeyboard, interestsText } from "../../messages/views/interests.js";
import { escapeHtml } from "../../messages/text.js";
import { prisonerCardKeyboard, prisonerCardText, shortName } from "../../messages/views/prisoner-card.js";
import { needsRulesAcceptance, showRules } from "../views/rules.js";
import { answerPress, renderScreen } from "../views/screen.js";

declare module "../context.js" {
  interface SessionData {
    /** The interests screen was offered on the way to the first assignment (it is offered once). */
    interestsOffered?: boolean;
  }
}

export const WRITE_BUTTONS = {
  /** Enter the letter conversation for this assignment. */
  go: callback("write:go", id),
  /** Decline this assignment and draw someone else. */
  other: callback("write:other", id),
};

/** The id of the conversation that writes the letter (built by the letter feature). */
export const LETTER_CONVERSATION_ID = "letter";

export type LetterConversationArgs =
  | { prisonerId: number; assignmentId?: number }
  | { specificRequestId: number }
  /** Fix and send again a letter sent back for changes (see conversations/letter/). */
  | { resubmitLetterId: number };

interface WriteOptions {
  /** "send" after a screen that should stay (the rules digest); "edit" replaces the pressed message. */
  mode?: "edit" | "send";
  /** A short line above the card ("Here is someone else"). */
  noticeKey?: string;
  /** A toast on the pressed button once the card is shown. */
  toast?: string;
}

/**
 * Enters the letter conversation, unless the writer is already in the middle of one (a second
 * press on an old card must not throw away a draft).
 */
export async function enterLetter(ctx: BotContext, args: LetterConversationArgs): Promise<void> {
  if (Object.keys(ctx.conversation.active()).length > 0) {
    await answerPress(ctx, ctx.t("write-already-in-flow"), true);
    if (!ctx.callbackQuery) await ctx.reply(ctx.t("write-already-in-flow"));
    return;
  }
  await answerPress(ctx);
  await ctx.conversation.enter(LETTER_CONVERSATION_ID, args);
}

/** Draws (or re-shows) the writer's assigned person and shows the card. */
export async function offerAssignment(ctx: BotContext, { prisma, prisonerList }: FeatureDeps, opts: WriteOptions = {}): Promise<void> {
  const writer = ctx.writer;
  if (!writer) return;
  const assigned = await assignPrisoner(prisma, { writerId: writer.id });
  const prisoner = assigned ? await findPrisonerById(prisma, assigned.prisonerId) : null;
  if (!assigned || !prisoner) {
    // Nobody for this writer: either nobody at all can be written to (say so, tell the operators),
    // or this writer has recently written to or passed over everyone who can.
    const list = await prisonerList.state();
    const listEmpty = list.assignable === 0;
    ctx.logger.info({ writer_id: writer.id, assignable: list.assignable }, "nobody available to assign");
    const key = listEmpty ? "write-list-empty" : "write-nobody-available";
    await renderScreen(ctx, ctx.t(key), { keyboard: backToMenuKeyboard(ctx.t), mode: opts.mode ?? "edit" });
    await answerPress(ctx);
    if (listEmpty) await prisonerList.tellOperatorsIfEmpty(ctx.api, list);
    return;
  }
  ctx.logger.info({ writer_id: writer.id, assignment_id: assigned.assignmentId, reused: assigned.reused }, "assignment shown");
  const locale = localeOf(ctx);
  const introKey = opts.noticeKey ?? (assigned.reused ? "write-same-person" : "write-assigned");
  const text = `${escapeHtml(ctx.t(introKey))}\n\n${prisonerCardText(ctx.t, locale, prisoner, new Date())}`;
  const keyboard = prisonerCardKeyboard(ctx.t, locale, prisoner, {
    write: WRITE_BUTTONS.go.encode(assigned.assignmentId),
    someoneElse: WRITE_BUTTONS.other.encode(assigned.assignmentId),
    back: { data: CB.menu },
  });
  await renderScreen(ctx, text, { keyboard, parseMode: "HTML", mode: opts.mode ?? "edit" });
  await answerPress(ctx, opts.toast);
}

/**
 * The "Write a letter" path: rules first when needed, then (once, while the writer has no
 * interests and no assigned person) the interests screen, then the assigned person.
 */
export async function startWriting(
  ctx: BotContext,
  deps: FeatureDeps,
  opts: WriteOptions & { skipInterestsOffer?: boolean } = {},
): Promise<void> {
  const writer = ctx.writer;
  if (!writer) return;
  if (needsRulesAcceptance(writer)) {
    await showRules(ctx, { kind: "assignment" });
    return;
  }
  if (!opts.skipInterestsOffer && writer.interests.length === 0 && ctx.session.interestsOffered !== true) {
    const active = await getActiveAssignment(deps.prisma, writer.id);
    if (!active) {
      ctx.session.interestsOffered = true;
      await renderScreen(ctx, interestsText(ctx.t, writer.interests, "w"), {
        keyboard: interestsKeyboard(ctx.t, writer.interests, "w"),
        mode: opts.mode ?? "edit",
      });
      await answerPress(ctx);
      return;
    }
  }
  await offerAssignment(ctx, deps, opts);
}

export function writeEntryFeature(deps: FeatureDeps): Composer<BotContext> {
  const { prisma } = deps;
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  privateChats.command("write", (ctx) => startWriting(ctx, deps, { mode: "send" }));
  privateChats.callbackQuery(CB.write, (ctx) => startWriting(ctx, deps));

  onCallback(privateChats, WRITE_BUTTONS.go, async (ctx, [assignmentId]) => {
    const writer = ctx.writer;
    const active = writer ? await getActiveAssignment(prisma, writer.id) : null;
    if (!writer || !active || active.assignmentId !== assignmentId) {
      await answerPress(ctx, ctx.t("write-offer-stale"), true);
      return;
    }
    if (needsRulesAcceptance(writer)) {
      await showRules(ctx, { kind: "letter", prisonerId: active.prisonerId, assignmentId: active.assignmentId });
      return;
    }
    await enterLetter(ctx, { prisonerId: active.prisonerId, assignmentId: active.assignmentId });
  });

  onCallback(privateChats, WRITE_BUTTONS.other, async (ctx, [assignmentId]) => {
    const writer = ctx.writer;
    if (!writer) {
      await answerPress(ctx, ctx.t("write-offer-stale"), true);
      return;
    }
    const result = await declineAssignment(prisma, assignmentId, { writerId: writer.id });
    if (result.status === "not_active") {
      await answerPress(ctx, ctx.t("write-offer-stale"), true);
      return;
    }
    if (result.status === "limit_reached") {
      const active = await getActiveAssignment(prisma, writer.id);
      const prisoner = active ? await findPrisonerById(prisma, active.prisonerId) : null;
      const name = prisoner ? shortName(prisoner, localeOf(ctx)) : "";
      await answerPress(ctx, ctx.t("write-decline-limit", { name }), true);
      return;
    }
    ctx.logger.info({ writer_id: writer.id, assignment_id: assignmentId, declines_left: result.declinesLeft }, "assignment declined");
    await offerAssignment(ctx, deps, {
      noticeKey: "write-someone-else",
      toast: ctx.t("write-declines-left", { count: result.declinesLeft }),
    });
  });

  return composer;
}
