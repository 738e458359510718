import { UnrecoverableError } from "bullmq";
import { InputFile } from "grammy";
import type { InputMediaPhoto } from "grammy/types";
import { loadLetterForCard } from "../db/repositories/moderation.js";
import { createFileStorage } from "../storage/index.js";
import type { MODERATION_QUEUE } from "../queues/index.js";
import { cardHeader, cardKeyboard, chunkPrefix } from "../messages/views/moderation-card.js";
import { escapeHtml, splitText } from "../messages/text.js";
import { translatorFor, type Translate } from "../messages/i18n.js";
import { operatorsChatOrThrow, type WorkerDeps } from "./deps.js";
import type { QueueHandler } from "./registry.js";

/** How far earlier attempts got: the header's message id and how many content parts followed it. */
function cardProgress(progress: unknown): { header: number | undefined; parts: number } {
  if (typeof progress !== "object" || progress === null) return { header: undefined, parts: 0 };
  const { header, parts } = progress as { header?: unknown; parts?: unknown };
  return { header: typeof header === "number" ? header : undefined, parts: typeof parts === "number" ? parts : 0 };
}

/** Telegram albums hold 2-10 items. */
const ALBUM_MAX = 10;

/**
 * Posts a submitted letter's card to the operators' chat: the header with the decision buttons,
 * then the text (in pieces under Telegram's limit) or the page images. Without an operators' chat
 * the job fails loudly and stays in the queue's failed set, to be retried once one is configured.
 */
export function moderationHandler({ prisma, api, i18n, config, operatorsChat }: WorkerDeps): QueueHandler<typeof MODERATION_QUEUE> {
  const t: Translate = translatorFor(i18n, config.operatorsLanguage);
  const storage = createFileStorage(config.storageDir, config.keyring);
  const pageBytes = async (key: string): Promise<Buffer> => {
    const bytes = await storage.get(key);
    // A page that vanished from storage will not come back by retrying.
    if (!bytes) throw new UnrecoverableError(`page file ${key} is missing from storage`);
    return bytes;
  };
  return {
    // The operators' group takes about 20 messages a minute: the outgoing pace (telegram-pace.ts) spaces the cards.
    options: { concurrency: 2 },
    async process(data, { log, job }) {
      const chatId = await operatorsChatOrThrow(operatorsChat, log, "the moderation card", { letter_id: data.letterId });
      const letter = await loadLetterForCard(prisma, data.letterId);
      if (!letter) {
        // Deleted with its writer's data: no card to post, nothing to retry.
        log.info({ letter_id: data.letterId }, "letter no longer exists; no card posted");
        return;
      }
      if (letter.status !== "submitted") {
        log.info({ letter_id: letter.id, status: letter.status }, "letter already decided; no card posted");
        return;
      }
      // What earlier attempts of this job already posted (BullMQ keeps job progress across retries):
      // a 429 halfway through a long card resumes instead of posting the header twice.
      const done = cardProgress(job.progress);
      let headerId = done.header;
      if (headerId === undefined) {
        headerId = (await api.sendMessage(chatId, cardHeader(t, letter), { parse_mode: "HTML", reply_markup: cardKeyboard(t, letter) })).message_id;
        await job.updateProgress({ header: headerId, parts: 0 });
      }
      const reply = { reply_parameters: { message_id: headerId, allow_sending_without_reply: true } };
      const parts: Array<() => Promise<unknown>> = [];
      if (letter.kind === "typed") {
        const chunks = splitText(letter.text ?? "");
        for (const [index, chunk] of chunks.entries()) {
          parts.push(() => api.sendMessage(chatId, `<b>${chunkPrefix(letter.code, index, chunks.length)}</b>\n\n${escapeHtml(chunk)}`, { parse_mode: "HTML", ...reply }));
        }
      } else {
        const total = letter.pages.length;
        for (let start = 0; start < total; start += ALBUM_MAX) {
          const slice = letter.pages.slice(start, start + ALBUM_MAX);
          parts.push(async () => {
            const media: InputMediaPhoto[] = await Promise.all(
              slice.map(async (page, offset) => ({
                type: "photo" as const,
                media: new InputFile(await pageBytes(page.storagePath), `page-${page.index + 1}.jpg`),
                caption: chunkPrefix(letter.code, start + offset, total),
              })),
            );
            if (media.length === 1 && media[0]) return api.sendPhoto(chatId, media[0].media, { caption: media[0].caption ?? letter.code, ...reply });
            return api.sendMediaGroup(chatId, media, reply);
          });
        }
      }
      for (const [index, send] of parts.entries()) {
        if (index < done.parts) continue;
        await send();
        await job.updateProgress({ header: headerId, parts: index + 1 });
      }
      log.info({ letter_id: letter.id, message_id: headerId }, "moderation card posted");
    },
  };
}
