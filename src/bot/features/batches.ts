// Print batches in the operators' chat: /batch closes the open batch and has the worker render it;
// "Mark as posted" on the batch message moves every letter in it to posted and tells the writers.
import { Composer } from "../composer.js";
import { closeOpenBatch, markBatchPosted } from "../../db/repositories/batches.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { onCallback } from "../keyboards/on-callback.js";
import { BATCH_POSTED_BUTTON } from "../../messages/views/moderation-card.js";
import { formatUtc } from "../../messages/text.js";
import { requireOperator } from "./operators.js";

export function batchesFeature(deps: FeatureDeps): Composer<BotContext> {
  const { prisma, queues } = deps;
  const composer = new Composer<BotContext>();

  composer.command("batch", async (ctx) => {
    const op = await requireOperator(ctx, deps);
    if (!op) return;
    const closed = await closeOpenBatch(prisma);
    if (!closed) {
      await ctx.reply(ctx.t("batch-empty"));
      return;
    }
    await queues.batch({ batchId: closed.batchId });
    ctx.logger.info({ batch_id: closed.batchId, operator_id: op.id, letters: closed.letters }, "batch closed for printing");
    await ctx.reply(ctx.t("batch-closed", { id: closed.batchId, count: closed.letters }));
  });

  onCallback(composer, BATCH_POSTED_BUTTON, async (ctx, [batchId]) => {
    const op = await requireOperator(ctx, deps);
    if (!op) return;
    const result = await markBatchPosted(prisma, { batchId, operatorId: op.id });
    if (!result.ok) {
      const text =
        result.reason === "already-posted"
          ? ctx.t("batch-already-posted", { id: batchId, at: result.postedAt ? formatUtc(result.postedAt) : "—" })
          : ctx.t("mod-letter-missing");
      await ctx.answerCallbackQuery({ text, show_alert: true });
      return;
    }
    ctx.logger.info({ batch_id: batchId, operator_id: op.id, letters: result.letters.length }, "batch posted");
    await ctx.answerCallbackQuery({ text: ctx.t("mod-decision-saved") });
    await ctx.editMessageReplyMarkup({ reply_markup: { inline_keyboard: [] } }).catch(() => undefined);
    // A confirmation of this operator's press: in their language, like the toast.
    await ctx.reply(ctx.t("batch-posted", { id: batchId, count: result.letters.length, who: ctx.t("mod-who-operator", { id: op.id }), at: formatUtc(new Date()) }));
    for (const letter of result.letters) {
      await queues.notify({ writerId: letter.writerId, key: "letters-status-posted", params: { code: letter.code }, dedupeKey: `letter-${letter.id}-posted` });
    }
  });

  return composer;
}
