import { Composer } from "grammy";
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
