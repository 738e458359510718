import { DelayedError, UnrecoverableError } from "bullmq";
import { InlineKeyboard, InputFile } from "grammy";
import { isLocale, translatorFor, type Locale } from "../messages/i18n.js";
import { formatUtc } from "../messages/text.js";
import { REPLY_CB, translationMessages } from "../messages/views/replies.js";
import { closeReplyForDelivery, loadReplyForDelivery, markReplyPageDelivered, recordDeliveryAttempt, setReplyDeliveryState, type ReplyForDelivery } from "../db/repositories/replies.js";
import { holdForTranslation, markTranslationDelivered, recordAcceptedMessage, translationState } from "../db/repositories/reply-translations.js";
import { updateWriterProfile } from "../db/repositories/writers.js";
import type { REPLY_DELIVERY_QUEUE } from "../queues/index.js";
import { ALBUM_QUIET_MS, albumsArriving } from "../replies/albums.js";
import { createFileStorage } from "../storage/index.js";
import type { WorkerDeps } from "./deps.js";
import { JobLockLostError, keepJobLock, SHORT_LOCK } from "./job-lock.js";
import { resumableSteps, type QueueHandler } from "./registry.js";
import { isUndeliverable } from "./telegram-errors.js";

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
 *
 * A reply takes scans until this job begins (see REPLY_GATHER_MS in src/replies/intake.ts): it waits
 * while an album is still arriving in the operators' chat, then closes the reply, so the writer gets
 * one sequence "Page k of N" and the operators one answer naming N.
 */
/** Whether an earlier run of this job finished the named step (see resumableSteps). */
function stepDone(job: { progress: unknown }, name: string): boolean {
  return Array.isArray(job.progress) && job.progress.includes(name);
}

/** Writers who read no Russian get the operators' translation of a reply. */
export function needsTranslationFor(locale: Locale): boolean {
  return locale !== "ru";
}

export function replyDeliveryHandler({ prisma, api, i18n, config, logger, operatorsChat, redis, queues }: WorkerDeps): QueueHandler<typeof REPLY_DELIVERY_QUEUE> {
  const storage = createFileStorage(config.storageDir, config.keyring);
  // Posted to everyone in the operators' chat (and answered there with translations): the chat's language.
  const groupT = translatorFor(i18n, config.operatorsLanguage);
  const tellOperators = async (key: string, vars: Record<string, string | number>): Promise<void> => {
    try {
      const operatorsChatId = await operatorsChat.id();
      if (operatorsChatId === undefined) return;
      await api.sendMessage(operatorsChatId, groupT(key, vars));
    } catch (err) {
      logger.warn({ err }, "could not tell the operators about a reply delivery problem");
    }
  };
  /** Like tellOperators, but a refusal (a 429, an outage) throws, so the job retries the notice. */
  const noticeToOperators = async (key: string, vars: Record<string, string | number>): Promise<void> => {
    const operatorsChatId = await operatorsChat.id();
    if (operatorsChatId !== undefined) await api.sendMessage(operatorsChatId, groupT(key, vars));
  };
  const confirmToOperators = async (reply: ReplyForDelivery, chatId: number, translateInto: Locale | undefined): Promise<void> => {
    const t = groupT;
    // The operators read the full Russian name, as on the letter's card.
    const p = reply.letter.prisoner;
    const request = reply.letter.specificRequest;
    const name = p ? [p.lastName, p.firstName, p.patronymic].filter(Boolean).join(" ") : (request?.fullName ?? "—");
    const facility = p ? p.facilityName : (request?.facility ?? "—");
    const text = t("reply-op-accepted", {
      code: reply.letter.code,
      name: name.replace(/[<>&]/g, ""),
      facility: facility.replace(/[<>&]/g, ""),
      writerId: reply.letter.writerId,
      pages: reply.pages.length,
      replyId: reply.id,
      at: formatUtc(reply.receivedAt),
    });
    // A writer who reads no Russian: the operators are asked for the translation as a reply to this very message.
    const ask = translateInto
      ? `\n\n${t(config.translateBeforeDelivering ? "reply-op-needs-translation-held" : "reply-op-needs-translation", { language: translateInto })}`
      : "";
    const first = reply.pages.map((p) => p.sourceMessageId).find((id) => id !== null);
    const replyTo = first != null ? { reply_parameters: { message_id: first, allow_sending_without_reply: true } } : {};
    const sent = await api.sendMessage(chatId, text + ask, { parse_mode: "HTML", ...replyTo });
    await recordAcceptedMessage(prisma, reply.id, sent.message_id, translateInto !== undefined);
  };
  /** The translation's messages to the writer; only the "translation" job calls it, so it goes once. */
  const deliverTranslation = async (replyId: number, log: Pick<typeof logger, "info" | "warn">): Promise<void> => {
    const state = await translationState(prisma, replyId);
    if (!state?.translationText || state.translationDeliveredAt) return;
    // Not delivered yet: the delivery queues this job again when it has sent the pages.
    if (state.deliveryState !== "delivered") {
      log.info({ reply_id: replyId, state: state.deliveryState }, "translation waits for the reply's pages");
      return;
    }
    const reply = await loadReplyForDelivery(prisma, replyId);
    if (!reply) return;
    const writer = reply.letter.writer;
    const locale: Locale = isLocale(writer.language) ? writer.language : "en";
    const t = (key: string, vars?: Record<string, string | number>) => i18n.t(locale, key, vars);
    const messages = translationMessages(t, { name: senderName(reply, locale), code: reply.letter.code, text: state.translationText });
    const chatId = Number(writer.telegramId);
    try {
      for (const [i, text] of messages.entries()) {
        const last = i === messages.length - 1;
        const markup = last ? { reply_markup: new InlineKeyboard().text(t("reply-button-write-back"), REPLY_CB.writeBack(reply.letterId)) } : {};
        await api.sendMessage(chatId, text, { parse_mode: "HTML", ...markup });
      }
    } catch (err) {
      if (isUndeliverable(err)) {
        await updateWriterProfile(prisma, writer.id, { botBlockedAt: new Date() });
        log.warn({ reply_id: replyId, writer_id: writer.id }, "writer blocked the bot; translation kept");
        return;
      }
      throw err;
    }
    await markTranslationDelivered(prisma, replyId);
    log.info({ reply_id: replyId, messages: messages.length }, "reply translation delivered");
  };
  return {
    // Pages go about one a second into the writer's chat, and within the bot's overall limit: the
    // outgoing pace (telegram-pace.ts) every worker's Api goes through sees to both. A reply of
    // three pages holds its slot for over two seconds, waiting for its chat's turn: with 5 slots a
    // backlog of replies went out at 14 pages/s; 30 keep the bot's whole pace busy (bench/delivery.ts).
    // A short lock: after a crash, another worker takes the delivery over within seconds (job-lock.ts).
    options: { concurrency: 30, ...SHORT_LOCK },
    async process(data, { log, job, token }) {
      if (data.part === "translation") return deliverTranslation(data.replyId, log);
      let reply = await loadReplyForDelivery(prisma, data.replyId);
      if (!reply) {
        // Deleted with its writer's data: nobody to deliver to, nothing to retry.
        log.info({ reply_id: data.replyId }, "reply no longer exists; nothing to deliver");
        return;
      }
      // A kept reply ("blocked") goes again only with a job queued when its writer came back.
      const resumed = data.resume !== undefined;
      if (reply.deliveryState === "delivered" || (reply.deliveryState === "blocked" && !resumed)) {
        // An earlier run of this job settled the reply, but Telegram refused its notice to the operators: it goes now.
        const vars = { code: reply.letter.code, replyId: reply.id, writerId: reply.letter.writer.id };
        if (reply.deliveryState === "blocked" && stepDone(job, "kept")) {
          await resumableSteps(job)("kept-told", () => noticeToOperators("reply-op-blocked", vars));
        }
        if (reply.deliveryState === "delivered" && resumed && stepDone(job, "delivered")) {
          await resumableSteps(job)("late-told", () => noticeToOperators("reply-op-delivered-late", vars));
        }
        log.info({ reply_id: reply.id, state: reply.deliveryState }, "reply delivery already settled");
        return;
      }
      const operatorsChatId = await operatorsChat.id();
      if (reply.closedAt === null) {
        // An album still arriving in the operators' chat may hold more pages of this reply: wait for it.
        if (operatorsChatId !== undefined && (await albumsArriving(redis, config.redisPrefix, operatorsChatId))) {
          await job.moveToDelayed(Date.now() + ALBUM_QUIET_MS, token);
          throw new DelayedError();
        }
        // From here on, new scans for the letter make a new reply; pages read after closing are final.
        await closeReplyForDelivery(prisma, reply.id);
        reply = (await loadReplyForDelivery(prisma, reply.id)) ?? reply;
      }
      const writer = reply.letter.writer;
      const locale: Locale = isLocale(writer.language) ? writer.language : "en";
      const translate = needsTranslationFor(locale);
      const afterTranslation = data.part === "translated";
      if (!resumed && !afterTranslation && operatorsChatId !== undefined) {
        const settled = reply;
        // One answer per reply, however many albums it came in, naming the whole page count.
        await resumableSteps(job)("confirmed", () => confirmToOperators(settled, operatorsChatId, translate ? locale : undefined));
      }
      if (translate && config.translateBeforeDelivering && !resumed && !afterTranslation && operatorsChatId !== undefined) {
        // The scans wait for the translation; an operator's translation restarts the delivery ("translated").
        if (await holdForTranslation(prisma, reply.id)) {
          log.info({ reply_id: reply.id }, "reply held until the operators translate it");
          return;
        }
        reply = (await loadReplyForDelivery(prisma, reply.id)) ?? reply;
      }
      const translationComing = translate && reply.translationText === null && reply.translationDeliveredAt === null;
      await recordDeliveryAttempt(prisma, reply.id);
      const chatId = Number(writer.telegramId);
      const total = reply.pages.length;
      const from = senderName(reply, locale);
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
          // Only while this run still owns the job: a run given up as stalled must not race its successor.
          await keepJobLock(job, token);
          if (page.mimeType === "application/pdf") {
            await api.sendDocument(chatId, new InputFile(bytes, `reply-${reply.letter.code}-${page.index + 1}.pdf`), { caption, ...markup });
          } else {
            await api.sendPhoto(chatId, new InputFile(bytes, `reply-${page.index + 1}.jpg`), { caption, ...markup });
          }
          await markReplyPageDelivered(prisma, page.id);
          log.info({ reply_id: reply.id, page: page.index }, "reply page delivered");
        }
      } catch (err) {
        // Another run owns the delivery now and carries on from the first page not yet delivered.
        if (err instanceof JobLockLostError) {
          log.warn({ reply_id: reply.id }, "reply delivery handed to another worker; this run stops");
          throw err;
        }
        if (isUndeliverable(err)) {
          const kept = reply;
          await resumableSteps(job)("kept", async () => {
            await setReplyDeliveryState(prisma, kept.id, "blocked");
            await updateWriterProfile(prisma, writer.id, { botBlockedAt: new Date() });
          });
          log.warn({ reply_id: reply.id, writer_id: writer.id }, "writer blocked the bot; reply kept");
          // Never lost: when Telegram refuses the notice, the job is retried and sends only the notice.
          await resumableSteps(job)("kept-told", () => noticeToOperators("reply-op-blocked", { code: kept.letter.code, replyId: kept.id, writerId: writer.id }));
          return;
        }
        const attempts = job.opts.attempts ?? 1;
        if (err instanceof UnrecoverableError || job.attemptsMade + 1 >= attempts) {
          await setReplyDeliveryState(prisma, reply.id, "failed");
          await tellOperators("reply-op-failed", { code: reply.letter.code, replyId: reply.id });
        }
        throw err;
      }
      if (translationComing) {
        // The scans are in Russian: the writer is told, once, that the translation follows.
        await resumableSteps(job)("translation-note", () =>
          api.sendMessage(chatId, i18n.t(locale, "reply-delivery-translation-coming")).catch((err: unknown) => {
            // The pages got there; a writer who blocked the bot since misses only the note.
            if (!isUndeliverable(err)) throw err;
          }),
        );
      }
      const delivered = reply;
      await resumableSteps(job)("delivered", () => setReplyDeliveryState(prisma, delivered.id, "delivered"));
      log.info({ reply_id: reply.id, pages: total, resumed }, "reply delivered");
      // Read after "delivered" is stored: a translation saved before it is sent from here, one saved
      // after it sees "delivered" and queues the same job (one job id, one sender).
      const translation = await translationState(prisma, reply.id);
      if (translation?.translationText && !translation.translationDeliveredAt) await queues.replyDelivery({ replyId: reply.id, part: "translation" });
      if (resumed) {
        await resumableSteps(job)("late-told", () => noticeToOperators("reply-op-delivered-late", { code: delivered.letter.code, replyId: delivered.id, writerId: writer.id }));
      }
    },
  };
}
