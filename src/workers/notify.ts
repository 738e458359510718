import { InlineKeyboard } from "grammy";
import { UnrecoverableError } from "bullmq";
import { findWriterById, updateWriterProfile } from "../db/repositories/writers.js";
import { isLocale } from "../bot/i18n.js";
import type { NOTIFY_QUEUE } from "../queues/index.js";
import type { WorkerDeps } from "./deps.js";
import type { QueueHandler } from "./registry.js";
import { isUndeliverable } from "./telegram-errors.js";

/**
 * Sends one localized message to a writer. Delivery is at least once: a worker killed right after
 * sending may send again, acceptable for short notices (replies use a recorded delivery instead).
 */
export function notifyHandler({ prisma, api, i18n }: WorkerDeps): QueueHandler<typeof NOTIFY_QUEUE> {
  return {
    // About 30 messages/s is Telegram's overall limit; stay under it across all workers.
    options: { concurrency: 5, limiter: { max: 25, duration: 1000 } },
    async process(data, { log }) {
      const writer = await findWriterById(prisma, data.writerId);
      if (!writer) {
        // The writer deleted their data (or never existed): nobody to tell, nothing to retry.
        log.info({ writer_id: data.writerId }, "writer no longer exists; notification dropped");
        return;
      }
      const locale = isLocale(writer.language) ? writer.language : "en";
      const text = i18n.t(locale, data.key, data.params);
      // The i18n plugin answers a missing key with the key itself; a wrong key never fixes itself.
      if (text === data.key) throw new UnrecoverableError(`locale key ${data.key} is missing`);
      const keyboard = data.buttons?.length
        ? data.buttons.reduce((kb, button) => kb.text(i18n.t(locale, button.key), button.data).row(), new InlineKeyboard())
        : undefined;
      try {
        await api.sendMessage(Number(writer.telegramId), text, keyboard ? { reply_markup: keyboard } : {});
      } catch (err) {
        if (isUndeliverable(err)) {
          log.warn({ writer_id: writer.id, err }, "notification undeliverable: the writer blocked the bot or the chat is gone");
          await updateWriterProfile(prisma, writer.id, { botBlockedAt: new Date() });
          throw new UnrecoverableError("undeliverable: writer blocked the bot");
        }
        throw err;
      }
      log.info({ writer_id: writer.id }, "notification sent");
    },
  };
}
