import { DelayedError } from "bullmq";
import { Api } from "grammy";
import { retryTransformer } from "../telegram/retry.js";
import { authorizeOperator } from "../db/repositories/operators.js";
import { isLocale, translatorFor } from "../messages/i18n.js";
import type { REPLY_ALBUM_QUEUE } from "../queues/index.js";
import { ALBUM_QUIET_MS, albumDueAt, lockAlbum, markAlbumStored, readAlbum, settleAlbumPages, unlockAlbum } from "../replies/albums.js";
import { acceptReplyScans } from "../replies/intake.js";
import type { WorkerDeps } from "./deps.js";
import type { QueueHandler } from "./registry.js";
import { botApiClientOptions } from "../telegram/bot-api-fetch.js";

/**
 * Closes an album of reply scans once no page has come for ALBUM_QUIET_MS (and the bot has been up
 * long enough to have received what Telegram held during a restart): its pages, read from Redis,
 * become one reply. Pages are dropped from Redis only after the reply is stored, and the reply is
 * keyed by its source, so a worker killed halfway stores it once when the job runs again.
 */
export function replyAlbumHandler({ prisma, i18n, config, redis, queues, logger }: WorkerDeps): QueueHandler<typeof REPLY_ALBUM_QUEUE> {
  // Downloads and answers wait out a 429 or a blip here, like the bot's own calls: a failed
  // download would otherwise refuse the whole album.
  const api = new Api(config.botToken, botApiClientOptions(config.telegramApiRoot));
  api.config.use(retryTransformer());
  const prefix = config.redisPrefix;
  return {
    options: { concurrency: 2 },
    async process({ chatId, mediaGroupId }, { job, log, token }) {
      const postpone = async (until: number): Promise<never> => {
        await job.moveToDelayed(until, token);
        throw new DelayedError();
      };
      const dueAt = await albumDueAt(redis, prefix, chatId, mediaGroupId);
      if (Date.now() < dueAt) await postpone(dueAt);
      const owner = job.id ?? `album-${Date.now()}`;
      if (!(await lockAlbum(redis, prefix, chatId, mediaGroupId, owner))) await postpone(Date.now() + ALBUM_QUIET_MS);
      try {
        // Pages stored while this runs (late ones) are taken in the next round, as their own reply.
        for (;;) {
          const album = await readAlbum(redis, config.keyring, prefix, chatId, mediaGroupId);
          const first = album.pages[0];
          if (!first) {
            if (album.read > 0) await settleAlbumPages(redis, prefix, chatId, mediaGroupId, { read: album.read, messageIds: [] });
            await markAlbumStored(redis, prefix, chatId, mediaGroupId);
            return;
          }
          // The role is checked again now: an operator removed meanwhile cannot add a reply.
          const op = await authorizeOperator(prisma, first.fromId, config.adminIds);
          // Answers go to the operator who sent the album, in their language: chosen with /lang, else as the bot saw it.
          const t = translatorFor(i18n, op?.language ?? (isLocale(first.locale) ? first.locale : config.operatorsLanguage));
          let code: string | undefined;
          if (!op) {
            log.info({ chat_id: chatId }, "album sender is no longer an operator; album dropped");
            await api.sendMessage(chatId, t("op-refused"), { reply_parameters: { message_id: first.messageId, allow_sending_without_reply: true } });
          } else {
            const result = await acceptReplyScans(
              { prisma, queues, config, logger: log, api, t },
              {
                chatId,
                operatorId: op.id,
                uploads: album.pages,
                cardCode: album.pages.find((p) => p.cardCode)?.cardCode,
                albumCode: album.code,
                sourceKey: `album-${chatId}-${mediaGroupId}-${first.messageId}`,
              },
            );
            if (result.ok) code = result.code;
          }
          await settleAlbumPages(redis, prefix, chatId, mediaGroupId, { read: album.read, messageIds: album.pages.map((p) => p.messageId), code });
        }
      } finally {
        await unlockAlbum(redis, prefix, chatId, mediaGroupId, owner).catch((err: unknown) => logger.warn({ err }, "could not release an album lock"));
      }
    },
  };
}
