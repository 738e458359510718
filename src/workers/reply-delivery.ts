import { UnrecoverableError } from "bullmq";
import { InlineKeyboard, InputFile } from "grammy";
import type { Redis } from "ioredis";
import { isLocale, type Locale } from "../bot/i18n.js";
import { OPERATORS_LOCALE } from "../bot/views/moderation-card.js";
import { REPLY_CB } from "../bot/views/replies.js";
import { loadReplyForDelivery, markReplyPageDelivered, recordDeliveryAttempt, setReplyDeliveryState, type ReplyForDelivery } from "../db/repositories/replies.js";
import { updateWriterProfile } from "../db/repositories/writers.js";
import type { REPLY_DELIVERY_QUEUE } from "../queues/index.js";
import { createFileStorage } from "../storage/index.js";
import type { WorkerDeps } from "./deps.js";
import type { QueueHandler } from "./registry.js";
import { isUndeliverable } from "./telegram-errors.js";

/** Telegram allows about one message per second in one chat. */
export const PER_CHAT_INTERVAL_MS = 1100;

/**
 * Waits until this chat may get another message, across every worker process: a Redis key with a
 * TTL is the chat's "recently sent" mark, taken atomically with SET NX.
 */
export async function paceChat(redis: Redis, key: string, intervalMs = PER_CHAT_INTERVAL_MS): Promise<void> {
  for (;;) {
    const taken = await redis.set(key, "1", "PX", intervalMs, "NX");
    if (taken === "OK") return;
    const ttl = await redis.pttl(key);
    await new Promise((resolve) => setTimeout(resolve, Math.max(50, ttl)));
  }
}

/** The prisoner's name as the writer reads it: Cyrillic for Russian, Latin otherwise. */
export function senderName(reply: ReplyForDelivery, locale: Locale): string {
  const p = reply.letter.prisoner;
  if (p) return locale === "ru" ? `${p.firstName} ${p.lastName}` : `${p.firstNameLatin} ${p.lastNameLatin}`;
  return reply.letter.specificRequest?.fullName ?? "—";
}

/**
 * Delivers a stored reply: every page goes as its own photo or document, the first one saying who
 * it is from, the last one carrying "Write back". Each page's deliveredAt is recorded right after
 * Telegram accepts it and before the job is acknowledged, so a retry (429, crash, restart) resumes
 * with the first page not yet delivered and never sends one twice.
 */
export function replyDeliveryHandler({ prisma, api, i18n, config, redis, logger }: WorkerDeps): QueueHandler<typeof REPLY_DELIVERY_QUEUE> {
  const storage = createFileStorage(config.storageDir);
  const tellOperators = async (key: string, vars: Record<string, string | number>): Promise<void> => {
    if (config.operatorsChatId === undefined) return;
    try {
      await api.sendMessage(config.operatorsChatId, i18n.t(OPERATORS_LOCALE, key, vars));
    } catch (err) {
      logger.warn({ err }, "could not tell the operators about a reply delivery problem");
    }
  };
  return {
    // Telegram's bulk limit is about 30 messages/s: stay under it across all workers.
    options: { concurrency: 5, limiter: { max: 25, duration: 1000 } },
    async process(data, { log, job }) {
      const reply = await loadReplyForDelivery(prisma, data.replyId);
      if (!reply) {
        // Deleted with its writer's data: nobody to deliver to, nothing to retry.
        log.info({ reply_id: data.replyId }, "reply no longer exists; nothing to deliver");
        return;
      }
      // A kept reply ("blocked") goes again only with a job queued when its writer came back.
      const resumed = data.resume !== undefined;
      if (reply.deliveryState === "delivered" || (reply.deliveryState === "blocked" && !resumed)) {
        log.info({ reply_id: reply.id, state: reply.deliveryState }, "reply delivery already settled");
        return;
      }
      await recordDeliveryAttempt(prisma, reply.id);
      const writer = reply.letter.writer;
      const locale: Locale = isLocale(writer.language) ? writer.language : "en";
      const chatId = Number(writer.telegramId);
      const total = reply.pages.length;
      const from = senderName(reply, locale);
      const paceKey = `${config.redisPrefix}:pace:${chatId}`;
      try {
        for (const page of reply.pages) {
          if (page.deliveredAt) continue;
          const bytes = await storage.get(page.storagePath);
          if (!bytes) throw new UnrecoverableError(`page ${page.index} of reply ${reply.id} is missing from storage`);
          const caption =
            page.index === 0
              ? i18n.t(locale, "reply-delivery-first", { name: from, code: reply.letter.code, page: 1, total })
              : i18n.t(locale, "reply-delivery-page", { page: page.index + 1, total });
          const last = page.index === total - 1;
          const markup = last ? { reply_markup: new InlineKeyboard().text(i18n.t(locale, "reply-button-write-back"), REPLY_CB.writeBack(reply.letterId)) } : {};
          await paceChat(redis, paceKey);
          if (page.mimeType === "application/pdf") {
            await api.sendDocument(chatId, new InputFile(bytes, `reply-${reply.letter.code}-${page.index + 1}.pdf`), { caption, ...markup });
          } else {
            await api.sendPhoto(chatId, new InputFile(bytes, `reply-${page.index + 1}.jpg`), { caption, ...markup });
          }
          await markReplyPageDelivered(prisma, page.id);
          log.info({ reply_id: reply.id, page: page.index }, "reply page delivered");
        }
      } catch (err) {
        if (isUndeliverable(err)) {
          await setReplyDeliveryState(prisma, reply.id, "blocked");
          await updateWriterProfile(prisma, writer.id, { botBlockedAt: new Date() });
          log.warn({ reply_id: reply.id, writer_id: writer.id }, "writer blocked the bot; reply kept");
          await tellOperators("reply-op-blocked", { code: reply.letter.code, replyId: reply.id, writerId: writer.id });
          return;
        }
        const attempts = job.opts.attempts ?? 1;
        if (err instanceof UnrecoverableError || job.attemptsMade + 1 >= attempts) {
          await setReplyDeliveryState(prisma, reply.id, "failed");
          await tellOperators("reply-op-failed", { code: reply.letter.code, replyId: reply.id });
        }
        throw err;
      }
      await setReplyDeliveryState(prisma, reply.id, "delivered");
      log.info({ reply_id: reply.id, pages: total, resumed }, "reply delivered");
      if (resumed) await tellOperators("reply-op-delivered-late", { code: reply.letter.code, replyId: reply.id, writerId: writer.id });
    },
  };
}
