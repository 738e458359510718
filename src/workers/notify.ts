import { InlineKeyboard } from "grammy";
import { UnrecoverableError } from "bullmq";
import { specificRequestDeclineReason } from "../db/repositories/specific-requests.js";
import { findWriterById, updateWriterProfile } from "../db/repositories/writers.js";
import type { Db } from "../db/client.js";
import { isLocale } from "../messages/i18n.js";
import { escapeHtml } from "../messages/text.js";
import type { NotifyJobData } from "../queues/index.js";
import { MY_CB } from "../messages/views/my-letters.js";
import type { NOTIFY_QUEUE } from "../queues/index.js";
import type { WorkerDeps } from "./deps.js";
import type { QueueHandler } from "./registry.js";
import { isUndeliverable } from "./telegram-errors.js";

/** Locale keys of the notices telling a writer their letter's new status (letters-status-approved, ...). */
const STATUS_NOTICE_PREFIX = "letters-status-";

/** The quoted free text a notice names (read now: the job carries only where it is stored). */
async function quotedText(prisma: Db, quote: NonNullable<NotifyJobData["quote"]>): Promise<string | null> {
  switch (quote.source) {
    case "request-decline":
      return specificRequestDeclineReason(prisma, quote.id);
  }
}

/**
 * Sends one localized message to a writer. Delivery is at least once: a worker killed right after
 * sending may send again, acceptable for short notices (replies use a recorded delivery instead).
 */
export function notifyHandler({ prisma, api, i18n }: WorkerDeps): QueueHandler<typeof NOTIFY_QUEUE> {
  return {
    // Telegram's limits are kept by the bot's outgoing pace (telegram-pace.ts), shared by every queue and process.
    options: { concurrency: 5 },
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
      // A notice about a letter's status always leads on to "My letters", where its whole way is shown.
      const buttons = [...(data.buttons ?? []), ...(data.key.startsWith(STATUS_NOTICE_PREFIX) ? [{ key: "menu-my-letters", data: MY_CB.list }] : [])];
      const keyboard = buttons.length
        ? buttons.reduce((kb, button) => kb.text(i18n.t(locale, button.key), button.data).row(), new InlineKeyboard())
        : undefined;
      // Someone's own words go below the message as a quote, escaped: they are never read as markup.
      const quote = data.quote ? await quotedText(prisma, data.quote) : null;
      const body = quote ? `${escapeHtml(text)}\n\n<blockquote>${escapeHtml(quote)}</blockquote>` : text;
      const extra = { ...(keyboard ? { reply_markup: keyboard } : {}), ...(quote ? { parse_mode: "HTML" as const } : {}) };
      try {
        await api.sendMessage(Number(writer.telegramId), body, extra);
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
