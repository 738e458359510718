import { type MiddlewareFn } from "grammy";
import { Composer } from "../composer.js";
import { blockedRepliesOfWriter } from "../../db/repositories/replies.js";
import { findWriterByTelegramId, updateWriterProfile } from "../../db/repositories/writers.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";

/**
 * A writer blocking or unblocking the bot (my_chat_member in their private chat): remembered so
 * deliveries can tell "blocked" from "failed" and operators can be told.
 */
export function membershipFeature({ prisma }: FeatureDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.chatType("private").on("my_chat_member", async (ctx) => {
    const writer = await findWriterByTelegramId(prisma, ctx.myChatMember.from.id);
    if (!writer) return;
    const blocked = ctx.myChatMember.new_chat_member.status === "kicked";
    await updateWriterProfile(prisma, writer.id, { botBlockedAt: blocked ? new Date() : null });
    ctx.logger.info({ writer_id: writer.id, blocked }, "writer changed the bot's membership");
  });
  return composer;
}

/**
 * A writer marked as having blocked the bot is back (unblocked it, or simply wrote again): their
 * kept replies are queued for delivery again, then the mark is cleared. Runs before conversations,
 * so a message to a waiting flow counts too. Jobs first, mark last: if Redis fails, the next
 * update tries again; two tries enqueue the same job ids.
 */
export function writerComesBack({ prisma, queues }: FeatureDeps): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const writer = ctx.writer;
    const leaving = ctx.myChatMember !== undefined && ctx.myChatMember.new_chat_member.status === "kicked";
    if (writer?.botBlockedAt && !leaving) {
      try {
        const replies = await blockedRepliesOfWriter(prisma, writer.id);
        for (const reply of replies) await queues.replyDelivery({ replyId: reply.id, resume: reply.deliveryAttempts });
        await updateWriterProfile(prisma, writer.id, { botBlockedAt: null });
        ctx.writer = { ...writer, botBlockedAt: null };
        ctx.logger.info({ writer_id: writer.id, replies: replies.length }, "writer came back; kept replies queued again");
      } catch (err) {
        // The update itself must still be answered; the mark stays, so the next one retries.
        ctx.logger.error({ err, writer_id: writer.id }, "could not re-queue the replies of a returning writer");
      }
    }
    await next();
  };
}
