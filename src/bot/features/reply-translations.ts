// Translating replies: in the operators' chat, an operator's text reply to the bot's "reply accepted"
// message (or to a writer's request for a translation) is that reply's translation. It is stored
// encrypted and goes to the writer once, by the reply-delivery queue ("translation" job, ids only).
// Installed before the moderation feature: those messages name a letter code too, and a reply to
// them is not a letter's translation.
import { Composer } from "../composer.js";
import { findReplyByOperatorsMessage, saveTranslation } from "../../db/repositories/reply-translations.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { actingOperator, isOperatorsChat, refuse } from "./operators.js";

export function replyTranslationsFeature(deps: FeatureDeps): Composer<BotContext> {
  const { prisma, queues } = deps;
  const composer = new Composer<BotContext>();

  composer.on("message:text", async (ctx, next) => {
    const replied = ctx.msg.reply_to_message;
    if (!replied || replied.from?.id !== ctx.me.id || ctx.msg.text.startsWith("/")) return next();
    if (!(await isOperatorsChat(ctx, deps))) return next();
    const reply = await findReplyByOperatorsMessage(prisma, replied.message_id);
    if (!reply) return next();
    const answer = (text: string) => ctx.reply(text, { reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true } });
    // Checked on every translation: only an active operator's words reach a writer.
    const op = await actingOperator(ctx, deps);
    if (!op) return refuse(ctx);
    const vars = { code: reply.letter.code, replyId: reply.id };
    if (!reply.needsTranslation && reply.translationRequestedAt === null) return void (await answer(ctx.t("reply-op-translation-not-needed", vars)));
    const text = ctx.msg.text.trim();
    if (text === "") return;
    const saved = await saveTranslation(prisma, reply.id, text, op.id);
    if (!saved.saved) return void (await answer(ctx.t("reply-op-translation-already-sent", vars)));
    ctx.logger.info({ reply_id: reply.id, operator_id: op.id, delivery: saved.deliveryState, held: saved.heldForTranslation }, "reply translation saved");
    if (saved.deliveryState === "delivered") {
      await queues.replyDelivery({ replyId: reply.id, part: "translation" });
      return void (await answer(ctx.t("reply-op-translation-sending", vars)));
    }
    if (saved.deliveryState === "pending" && saved.heldForTranslation) {
      // The scans waited for this: they go now, the translation right after them.
      await queues.replyDelivery({ replyId: reply.id, part: "translated" });
      return void (await answer(ctx.t("reply-op-translation-with-scans", vars)));
    }
    // The delivery is still under way (or waits for the writer to come back): it sends the translation when it ends.
    await answer(ctx.t("reply-op-translation-after-scans", vars));
  });

  return composer;
}
