// "My letters": one entry per pen pal with the whole exchange in order (my letter, their reply, my
// answer...) and "Write again"; each letter with its status history and reasons, replies to open
// again (and their translation, or a request for one), and "Fix and send again" after a request for
// changes (the same letter, edited).
import { InlineKeyboard, InputFile } from "grammy";
import { Composer } from "../composer.js";
import { loadWriterLetter, loadWriterReply, type LetterWithHistory } from "../../db/repositories/letter-history.js";
import { listPenPals, loadThread, type PenPal, type PenPalKey, type ThreadEntry } from "../../db/repositories/pen-pals.js";
import { recordTranslationAsk, requestTranslation } from "../../db/repositories/reply-translations.js";
import { createFileStorage } from "../../storage/index.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { localeOf, translatorFor, type Locale } from "../../messages/i18n.js";
import { CB } from "../../messages/keyboards/callbacks.js";
import { escapeHtml } from "../../messages/text.js";
import { onCallback } from "../keyboards/on-callback.js";
import { MY_BUTTONS, MY_CB, shortLabel, threadPage } from "../../messages/views/my-letters.js";
import { REPLY_CB, translationMessages } from "../../messages/views/replies.js";
import { answerPress, renderScreen } from "../views/screen.js";
import { enterLetter } from "./write-entry.js";

const PAGE_SIZE = 8;

function day(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(at.getUTCDate())}.${pad(at.getUTCMonth() + 1)}.${at.getUTCFullYear()}`;
}

/** Whole days from one moment to another: how long retention kept something before deleting it. */
function daysKept(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / (24 * 3600_000));
}

/** When the letter was posted (its retention clock), from its history. */
function postedAt(letter: LetterWithHistory): Date {
  return letter.statusEvents.findLast((e) => e.status === "posted")?.at ?? letter.statusChangedAt;
}

function nameFor(locale: string, letter: { prisoner: { firstName: string; lastName: string; firstNameLatin: string; lastNameLatin: string } | null; specificRequest: { fullName: string } | null }): string {
  const p = letter.prisoner;
  if (p) return locale === "ru" ? `${p.firstName} ${p.lastName}` : `${p.firstNameLatin} ${p.lastNameLatin}`;
  return letter.specificRequest?.fullName ?? "—";
}

export function myLettersFeature(deps: FeatureDeps): Composer<BotContext> {
  const { prisma } = deps;
  const storage = createFileStorage(deps.config.storageDir, deps.config.keyring);
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  const palName = (locale: Locale, pal: PenPal): string => (locale === "ru" ? pal.nameRu : pal.nameLatin);

  const showList = async (ctx: BotContext, offset: number): Promise<void> => {
    const writer = ctx.writer;
    if (!writer) return;
    const locale = localeOf(ctx);
    const pals = await listPenPals(prisma, writer.id);
    const letters = pals.reduce((sum, pal) => sum + pal.letters, 0);
    const kb = new InlineKeyboard();
    for (const pal of pals.slice(offset, offset + PAGE_SIZE)) {
      kb.text(ctx.t("letters-pal-item", { name: shortLabel(palName(locale, pal)), letters: pal.letters, replies: pal.replies }), MY_CB.thread(pal.key)).row();
    }
    if (offset + PAGE_SIZE < pals.length) kb.text(ctx.t("letters-more"), MY_CB.page(offset + PAGE_SIZE)).row();
    kb.text(ctx.t("menu-back"), CB.menu);
    await renderScreen(ctx, letters === 0 ? ctx.t("letters-none") : ctx.t("letters-title", { count: letters, people: pals.length }), { keyboard: kb });
    await answerPress(ctx);
  };

  const entryLine = (ctx: BotContext, entry: ThreadEntry): string => {
    if (entry.kind === "letter") return ctx.t("letters-thread-mine", { date: day(entry.at), code: entry.code, statusText: ctx.t("letters-status-name", { status: entry.status }) });
    return ctx.t("letters-thread-theirs", { date: day(entry.at), pages: entry.pages, translation: entry.translation });
  };

  const showThread = async (ctx: BotContext, key: PenPalKey, pageBack: number): Promise<void> => {
    const writer = ctx.writer;
    const thread = writer ? await loadThread(prisma, writer.id, key) : null;
    if (!thread) return answerPress(ctx, ctx.t("letters-not-found"), true);
    const locale = localeOf(ctx);
    const { pal, entries } = thread;
    const shown = threadPage(entries, pageBack);
    const lines = [ctx.t("letters-thread-title", { name: escapeHtml(palName(locale, pal)), letters: pal.letters, replies: pal.replies })];
    if (shown.pages > 1) lines.push(ctx.t("letters-thread-page", { page: shown.pages - shown.pageBack, pages: shown.pages }));
    lines.push("", ...shown.shown.map((entry) => entryLine(ctx, entry)));
    const kb = new InlineKeyboard();
    // One button per letter and per reply shown, three to a row; a reply's translation next to it.
    const buttons: [string, string][] = [];
    for (const entry of shown.shown) {
      if (entry.kind === "letter") buttons.push([ctx.t("letters-button-letter", { code: entry.code }), MY_CB.letter(entry.letterId)]);
      else {
        buttons.push([ctx.t("letters-button-reply", { date: day(entry.at) }), MY_CB.openReply(entry.replyId)]);
        if (locale !== "ru" || entry.translation !== "none") buttons.push([ctx.t("letters-button-translation", { date: day(entry.at) }), MY_CB.translation(entry.replyId)]);
      }
    }
    buttons.forEach(([text, data], i) => {
      kb.text(text, data);
      if (i % 3 === 2) kb.row();
    });
    if (buttons.length % 3 !== 0) kb.row();
    if (shown.pageBack < shown.pages - 1) kb.text(ctx.t("letters-thread-earlier"), MY_CB.thread(key, shown.pageBack + 1));
    if (shown.pageBack > 0) kb.text(ctx.t("letters-thread-later"), MY_CB.thread(key, shown.pageBack - 1));
    if (shown.pages > 1) kb.row();
    if (pal.canWrite && "prisonerId" in key) kb.text(ctx.t("letters-button-write-again"), MY_CB.writeAgain(key.prisonerId)).row();
    kb.text(ctx.t("menu-back"), MY_CB.list);
    await renderScreen(ctx, lines.join("\n"), { keyboard: kb, parseMode: "HTML" });
    await answerPress(ctx);
  };

  privateChats.command("letters", (ctx) => showList(ctx, 0));
  privateChats.callbackQuery(MY_CB.list, (ctx) => showList(ctx, 0));
  onCallback(privateChats, MY_BUTTONS.page, (ctx, [offset]) => showList(ctx, offset));
  onCallback(privateChats, MY_BUTTONS.thread, (ctx, [prisonerId, pageBack]) => showThread(ctx, { prisonerId }, pageBack));
  onCallback(privateChats, MY_BUTTONS.requestThread, (ctx, [specificRequestId, pageBack]) => showThread(ctx, { specificRequestId }, pageBack));
  // Writing again to a pen pal: straight to the letter, no assignment drawn (the thread is the person).
  onCallback(privateChats, MY_BUTTONS.writeAgain, async (ctx, [prisonerId]) => {
    const writer = ctx.writer;
    const thread = writer ? await loadThread(prisma, writer.id, { prisonerId }) : null;
    if (!thread) return answerPress(ctx, ctx.t("letters-not-found"), true);
    await enterLetter(ctx, { prisonerId });
  });

  // A reply's translation: shown again when the writer has it, else asked of the operators (once).
  onCallback(privateChats, MY_BUTTONS.translation, async (ctx, [replyId]) => {
    const writer = ctx.writer;
    const reply = writer ? await loadWriterReply(prisma, writer.id, replyId) : null;
    if (!writer || !reply) return answerPress(ctx, ctx.t("letters-not-found"), true);
    if (reply.translationText !== null && reply.translationDeliveredAt !== null) {
      await answerPress(ctx);
      const name = nameFor(localeOf(ctx), reply.letter);
      const messages = translationMessages(ctx.t.bind(ctx), { name, code: reply.letter.code, text: reply.translationText });
      for (const [i, text] of messages.entries()) {
        const last = i === messages.length - 1;
        await ctx.reply(text, { parse_mode: "HTML", ...(last ? { reply_markup: new InlineKeyboard().text(ctx.t("reply-button-write-back"), REPLY_CB.writeBack(reply.letterId)) } : {}) });
      }
      return;
    }
    if (reply.needsTranslation || reply.translationRequestedAt !== null) return answerPress(ctx, ctx.t("letters-translation-coming"), true);
    const chatId = await deps.operatorsChat.id();
    if (chatId === undefined) return answerPress(ctx, ctx.t("letters-translation-unavailable"), true);
    if (!(await requestTranslation(prisma, writer.id, reply.id))) return answerPress(ctx, ctx.t("letters-translation-coming"), true);
    // The operators answer by replying to this message; it points at the scans they sent, when still there.
    const scan = reply.pages.find((p) => p.sourceMessageId !== null)?.sourceMessageId;
    const t = translatorFor(deps.i18n, deps.config.operatorsLanguage);
    const asked = await ctx.api.sendMessage(
      chatId,
      t("reply-op-translation-asked", { code: reply.letter.code, replyId: reply.id, writerId: writer.id, language: localeOf(ctx) }),
      { parse_mode: "HTML", ...(scan != null ? { reply_parameters: { message_id: scan, allow_sending_without_reply: true } } : {}) },
    );
    await recordTranslationAsk(prisma, reply.id, asked.message_id);
    ctx.logger.info({ reply_id: reply.id, writer_id: writer.id }, "writer asked for a reply's translation");
    await answerPress(ctx);
    await ctx.reply(ctx.t("letters-translation-asked", { code: reply.letter.code }));
  });

  onCallback(privateChats, MY_BUTTONS.letter, async (ctx, [letterId]) => {
    const writer = ctx.writer;
    const letter = writer ? await loadWriterLetter(prisma, writer.id, letterId) : null;
    if (!letter) return answerPress(ctx, ctx.t("letters-not-found"), true);
    const lines = [ctx.t("letters-detail-title", { code: letter.code, name: escapeHtml(nameFor(localeOf(ctx), letter)) }), ""];
    for (const event of letter.statusEvents) {
      lines.push(ctx.t("letters-history-line", { date: day(event.at), statusText: ctx.t("letters-status-name", { status: event.status }) }));
      if (event.reason) lines.push(`   ${ctx.t("letters-history-reason", { reasonText: ctx.t("letter-reason", { reason: event.reason }) })}`);
    }
    if (letter.statusEvents.length === 0) lines.push(ctx.t("letters-history-line", { date: day(letter.createdAt), statusText: ctx.t("letters-status-name", { status: letter.status }) }));
    if (letter.contentDeletedAt) lines.push("", ctx.t("letters-content-deleted", { kind: letter.kind, days: daysKept(postedAt(letter), letter.contentDeletedAt) }));
    const kb = new InlineKeyboard();
    letter.replies.forEach((reply, i) => kb.text(ctx.t("letters-open-reply", { n: i + 1, date: day(reply.receivedAt) }), MY_CB.openReply(reply.id)).row());
    if (letter.status === "needs_changes") kb.text(ctx.t("letters-button-resubmit"), MY_CB.resubmit(letter.id)).row();
    // Back to the exchange this letter belongs to.
    const back = letter.prisonerId !== null ? MY_CB.thread({ prisonerId: letter.prisonerId }) : letter.specificRequestId !== null ? MY_CB.thread({ specificRequestId: letter.specificRequestId }) : MY_CB.list;
    kb.text(ctx.t("menu-back"), back);
    await renderScreen(ctx, lines.join("\n"), { keyboard: kb, parseMode: "HTML" });
    await answerPress(ctx);
  });

  onCallback(privateChats, MY_BUTTONS.openReply, async (ctx, [replyId]) => {
    const writer = ctx.writer;
    const reply = writer ? await loadWriterReply(prisma, writer.id, replyId) : null;
    if (!reply) return answerPress(ctx, ctx.t("letters-not-found"), true);
    await answerPress(ctx);
    if (reply.scansDeletedAt) {
      const days = daysKept(reply.deliveredAt ?? reply.receivedAt, reply.scansDeletedAt);
      return void (await ctx.reply(ctx.t("letters-reply-deleted", { code: reply.letter.code, days })));
    }
    const total = reply.pages.length;
    for (const page of reply.pages) {
      const bytes = await storage.get(page.storagePath);
      if (!bytes) continue;
      const caption = ctx.t("letters-reply-page", { code: reply.letter.code, page: page.index + 1, total });
      if (page.mimeType === "application/pdf") await ctx.replyWithDocument(new InputFile(bytes, `reply-${reply.letter.code}-${page.index + 1}.pdf`), { caption });
      else await ctx.replyWithPhoto(new InputFile(bytes, `reply-${page.index + 1}.jpg`), { caption });
    }
  });

  onCallback(privateChats, MY_BUTTONS.resubmit, async (ctx, [letterId]) => {
    const writer = ctx.writer;
    const letter = writer ? await loadWriterLetter(prisma, writer.id, letterId) : null;
    if (!letter) return answerPress(ctx, ctx.t("letters-not-found"), true);
    // Already fixed and sent again (or decided): the button of the old notification does nothing more.
    if (letter.status !== "needs_changes") return answerPress(ctx, ctx.t("letter-resubmit-unavailable"), true);
    // The same letter (same code) is edited and goes back to moderation.
    return enterLetter(ctx, { resubmitLetterId: letter.id });
  });

  return composer;
}
