import { UnrecoverableError } from "bullmq";
import { InputFile } from "grammy";
import type { InputMediaPhoto } from "grammy/types";
import { loadLetterForCard } from "../db/repositories/moderation.js";
import { createFileStorage } from "../storage/index.js";
import type { MODERATION_QUEUE } from "../queues/index.js";
import { cardHeader, cardKeyboard, chunkPrefix, escapeHtml, OPERATORS_LOCALE, splitText, type Translate } from "../bot/views/moderation-card.js";
import type { WorkerDeps } from "./deps.js";
import type { QueueHandler } from "./registry.js";

/** Telegram albums hold 2-10 items. */
const ALBUM_MAX = 10;

/**
 * Posts a submitted letter's card to the operators' chat: the header with the decision buttons,
 * then the text (in pieces under Telegram's limit) or the page images. Without an operators' chat
 * the job fails loudly and stays in the queue's failed set, to be retried once one is configured.
 */
export function moderationHandler({ prisma, api, i18n, config }: WorkerDeps): QueueHandler<typeof MODERATION_QUEUE> {
  const t: Translate = (key, vars) => i18n.t(OPERATORS_LOCALE, key, vars);
  const storage = createFileStorage(config.storageDir);
  const pageBytes = async (key: string): Promise<Buffer> => {
    const bytes = await storage.get(key);
    // A page that vanished from storage will not come back by retrying.
    if (!bytes) throw new UnrecoverableError(`page file ${key} is missing from storage`);
    return bytes;
  };
  return {
    options: { concurrency: 2, limiter: { max: 25, duration: 1000 } },
    async process(data, { log }) {
      const chatId = config.operatorsChatId;
      if (chatId === undefined) {
        log.error({ letter_id: data.letterId }, "OPERATORS_CHAT_ID is not configured: the moderation card cannot be posted; the job stays retryable");
        throw new Error("OPERATORS_CHAT_ID is not configured");
      }
      const letter = await loadLetterForCard(prisma, data.letterId);
      if (!letter) throw new UnrecoverableError(`letter ${data.letterId} does not exist`);
      if (letter.status !== "submitted") {
        log.info({ letter_id: letter.id, status: letter.status }, "letter already decided; no card posted");
        return;
      }
      const header = await api.sendMessage(chatId, cardHeader(t, letter), { parse_mode: "HTML", reply_markup: cardKeyboard(t, letter) });
      const reply = { reply_parameters: { message_id: header.message_id, allow_sending_without_reply: true } };
      if (letter.kind === "typed") {
        const chunks = splitText(letter.text ?? "");
        for (const [index, chunk] of chunks.entries()) {
          await api.sendMessage(chatId, `<b>${chunkPrefix(letter.code, index, chunks.length)}</b>\n\n${escapeHtml(chunk)}`, { parse_mode: "HTML", ...reply });
        }
      } else {
        const total = letter.pages.length;
        for (let start = 0; start < total; start += ALBUM_MAX) {
          const slice = letter.pages.slice(start, start + ALBUM_MAX);
          const media: InputMediaPhoto[] = await Promise.all(
            slice.map(async (page, offset) => ({
              type: "photo" as const,
              media: new InputFile(await pageBytes(page.storagePath), `page-${page.index + 1}.jpg`),
              caption: chunkPrefix(letter.code, start + offset, total),
            })),
          );
          if (media.length === 1 && media[0]) {
            await api.sendPhoto(chatId, media[0].media, { caption: media[0].caption ?? letter.code, ...reply });
          } else {
            await api.sendMediaGroup(chatId, media, reply);
          }
        }
      }
      log.info({ letter_id: letter.id, message_id: header.message_id }, "moderation card posted");
    },
  };
}
