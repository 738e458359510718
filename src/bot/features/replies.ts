// Scanned replies: an operator sends photos or a PDF into the operators' chat (replying to the
// letter's card, or with the code in the caption); the bot stores them and queues the delivery.
// In private chats: "Write back" under a delivered reply.
import { Composer } from "../composer.js";
import { loadLetterForCard } from "../../db/repositories/moderation.js";
import { ALBUM_QUIET_MS, addAlbumPage } from "../../replies/albums.js";
import { acceptReplyScans, codeInText, scanUploadOf } from "../../replies/intake.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { onCallback } from "../keyboards/on-callback.js";
import { localeOf } from "../../messages/i18n.js";
import { WRITE_BACK_BUTTON } from "../../messages/views/replies.js";
import { actingOperator, isOperatorsChat, refuse } from "./operators.js";
import { enterLetter } from "./write-entry.js";

export { levenshtein, REPLY_MAX_BYTES, REPLY_MAX_PAGES } from "../../replies/intake.js";
export { ALBUM_QUIET_MS } from "../../replies/albums.js";

export function repliesFeature(deps: FeatureDeps): Composer<BotContext> {
  const { prisma, queues, config, redis } = deps;
  /** Albums already refused, so a stranger's 10 photos get one answer, not ten (a repeat answer after a restart is harmless). */
  const refusedAlbums = new Set<string>();

  const composer = new Composer<BotContext>();
  composer.on(["message:photo", "message:document"], async (ctx, next) => {
    if (!(await isOperatorsChat(ctx, deps))) return next();
    // Uploading scans is an operator action: anyone else is told politely, once per album.
    const op = await actingOperator(ctx, deps);
    if (!op) {
      const group = ctx.msg.media_group_id;
      if (group && refusedAlbums.has(group)) return;
      if (group) {
        refusedAlbums.add(group);
        setTimeout(() => refusedAlbums.delete(group), 60_000).unref();
      }
      await refuse(ctx);
      return;
    }
    const upload = scanUploadOf(ctx.msg);
    if (!upload) return next();
    const replied = ctx.msg.reply_to_message;
    const cardCode = replied?.from?.id === ctx.me.id ? codeInText(replied.text ?? replied.caption) : undefined;
    const chatId = ctx.chat.id;
    const groupId = ctx.msg.media_group_id;
    if (!groupId || !/^[A-Za-z0-9_-]{1,64}$/.test(groupId)) {
      await acceptReplyScans(
        // Problems with the upload are answered in the uploader's language.
        { prisma, queues, config, logger: ctx.logger, api: ctx.api, t: ctx.t },
        { chatId, operatorId: op.id, uploads: [upload], cardCode, sourceKey: `msg-${chatId}-${upload.messageId}` },
      );
      return;
    }
    // An album: the page waits in Redis; the album's delayed job (pushed back by every page) closes it.
    await addAlbumPage(redis, config.keyring, config.redisPrefix, chatId, groupId, { ...upload, fromId: ctx.from?.id ?? 0, locale: localeOf(ctx), ...(cardCode ? { cardCode } : {}) });
    await queues.replyAlbum({ chatId, mediaGroupId: groupId }, ALBUM_QUIET_MS);
    ctx.logger.info({ message_id: upload.messageId, media_group_id: groupId }, "reply album page stored");
  });

  onCallback(composer.chatType("private"), WRITE_BACK_BUTTON, async (ctx, [letterId]) => {
    const letter = await loadLetterForCard(prisma, letterId);
    const writer = ctx.writer;
    if (!letter || !writer || letter.writerId !== writer.id) {
      await ctx.answerCallbackQuery({ text: ctx.t("op-refused"), show_alert: true });
      return;
    }
    // Writing back goes to the person (no assignment drawn), also when they were reached through a request matched since.
    const prisonerId = letter.prisonerId ?? letter.specificRequest?.prisonerId ?? null;
    if (prisonerId !== null) await enterLetter(ctx, { prisonerId });
    else if (letter.specificRequestId !== null) await enterLetter(ctx, { specificRequestId: letter.specificRequestId });
    else await ctx.answerCallbackQuery();
  });

  return composer;
}

