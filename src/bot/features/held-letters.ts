// The held letter's card in the operators' chat: "Send it on" puts the letter back on its way (once
// its recipient can receive letters again), "Cancel the letter" gives up on it and tells the writer
// politely. The operator's role is checked at every press; only a letter still held changes, so a
// second press (or a second operator) is answered with what already happened.
import { Composer } from "../composer.js";
import { cancelHeldLetter, loadHeldLetterState, releaseHeldLetters } from "../../db/repositories/letter-holds.js";
import { HELD_BUTTONS } from "../../messages/views/held-card.js";
import { sendReleasedOnTheirWay } from "../../queues/held-letters.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { onCallback } from "../keyboards/on-callback.js";
import { answerPress } from "../views/screen.js";
import { requireOperator } from "./operators.js";

export function heldLettersFeature(deps: FeatureDeps): Composer<BotContext> {
  const { prisma, queues } = deps;
  const composer = new Composer<BotContext>();

  /** The card's buttons have done their work (or can do none): they go. */
  const clearButtons = (ctx: BotContext) => ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
  const underCard = (ctx: BotContext) => {
    const messageId = ctx.callbackQuery?.message?.message_id;
    return messageId === undefined ? {} : { reply_parameters: { message_id: messageId, allow_sending_without_reply: true } };
  };
  const notHeld = async (ctx: BotContext, code: string, status: string) => {
    await answerPress(ctx, ctx.t("held-not-held", { code, status }), true);
    await clearButtons(ctx);
  };

  onCallback(composer, HELD_BUTTONS.release, async (ctx, [letterId]) => {
    const op = await requireOperator(ctx, deps);
    if (!op) return;
    const letter = await loadHeldLetterState(prisma, letterId);
    if (!letter) return answerPress(ctx, ctx.t("mod-letter-missing"), true);
    if (letter.status !== "held") return notHeld(ctx, letter.code, letter.status);
    // Printing would only hold it again: the list must say the person can receive letters first.
    if (!letter.recipientCanReceive) return answerPress(ctx, ctx.t("held-still-unreachable", { code: letter.code }), true);
    const released = await prisma.$transaction((tx) => releaseHeldLetters(tx, { letterIds: [letterId], operatorId: op.id }));
    const done = released[0];
    if (!done) {
      const now = await loadHeldLetterState(prisma, letterId);
      return notHeld(ctx, letter.code, now?.status ?? letter.status);
    }
    await sendReleasedOnTheirWay(queues, released);
    ctx.logger.info({ letter_id: letterId, operator_id: op.id, status: done.status }, "held letter released");
    await answerPress(ctx, ctx.t("held-released-toast"));
    await clearButtons(ctx);
    await ctx.reply(ctx.t("held-released", { code: done.code, id: op.id, status: done.status }), underCard(ctx));
  });

  onCallback(composer, HELD_BUTTONS.cancel, async (ctx, [letterId]) => {
    const op = await requireOperator(ctx, deps);
    if (!op) return;
    const result = await cancelHeldLetter(prisma, { letterId, operatorId: op.id });
    if (!result.ok) {
      if (result.reason === "missing") return answerPress(ctx, ctx.t("mod-letter-missing"), true);
      const letter = await loadHeldLetterState(prisma, letterId);
      return notHeld(ctx, letter?.code ?? "", result.status);
    }
    await queues.notify({
      writerId: result.writerId,
      key: "letters-status-held-cancelled",
      params: { code: result.code, reason: result.reason },
      dedupeKey: `letter-${letterId}-held-cancelled`,
    });
    ctx.logger.info({ letter_id: letterId, operator_id: op.id }, "held letter cancelled");
    await answerPress(ctx, ctx.t("held-cancelled-toast"));
    await clearButtons(ctx);
    await ctx.reply(ctx.t("held-cancelled", { code: result.code, id: op.id }), underCard(ctx));
  });

  return composer;
}
