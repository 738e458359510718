// "My letters": each of the writer's letters with its status history and reasons, replies to
// open again, and "Fix and send again" after a request for changes (the same letter, edited).
import { Composer, InlineKeyboard, InputFile } from "grammy";
import { loadWriterLetter, loadWriterReply } from "../../db/repositories/letter-history.js";
import { countLettersByWriter, listLettersByWriter } from "../../db/repositories/letters.js";
import { createFileStorage } from "../../storage/index.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { localeOf } from "../i18n.js";
import { CB } from "../keyboards/callbacks.js";
import { escapeHtml } from "../views/moderation-card.js";
import { MY_CB } from "../views/my-letters.js";
import { answerPress, renderScreen } from "../views/screen.js";
import { enterLetter } from "./write-entry.js";

const PAGE_SIZE = 8;

function day(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(at.getUTCDate())}.${pad(at.getUTCMonth() + 1)}.${at.getUTCFullYear()}`;
}

function nameFor(locale: string, letter: { prisoner: { firstName: string; lastName: string; firstNameLatin: string; lastNameLatin: string } | null; specificRequest: { fullName: string } | null }): string {
  const p = letter.prisoner;
  if (p) return locale === "ru" ? `${p.firstName} ${p.lastName}` : `${p.firstNameLatin} ${p.lastNameLatin}`;
  return letter.specificRequest?.fullName ?? "—";
}

export function myLettersFeature(deps: FeatureDeps): Composer<BotContext> {
  const { prisma } = deps;
  const storage = createFileStorage(deps.config.storageDir);
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  const showList = async (ctx: BotContext, offset: number): Promise<void> => {
    const writer = ctx.writer;
    if (!writer) return;
    const locale = localeOf(ctx);
    const [letters, total] = await Promise.all([listLettersByWriter(prisma, writer.id, { limit: PAGE_SIZE, offset }), countLettersByWriter(prisma, writer.id)]);
    const kb = new InlineKeyboard();
    for (const letter of letters) {
      kb.text(ctx.t("letters-list-item", { code: letter.code, name: nameFor(locale, letter), statusText: ctx.t("letters-status-name", { status: letter.status }) }), MY_CB.letter(letter.id)).row();
    }
    if (offset + PAGE_SIZE < total) kb.text(ctx.t("letters-more"), MY_CB.page(offset + PAGE_SIZE)).row();
    kb.text(ctx.t("menu-back"), CB.menu);
    await renderScreen(ctx, total === 0 ? ctx.t("letters-none") : ctx.t("letters-title", { count: total }), { keyboard: kb });
    await answerPress(ctx);
  };

  privateChats.command("letters", (ctx) => showList(ctx, 0));
  privateChats.callbackQuery(MY_CB.list, (ctx) => showList(ctx, 0));
  privateChats.callbackQuery(/^my:list:(\d+)$/, (ctx) => showList(ctx, Number(ctx.match[1])));

  privateChats.callbackQuery(/^my:l:(\d+)$/, async (ctx) => {
    const writer = ctx.writer;
    const letter = writer ? await loadWriterLetter(prisma, writer.id, Number(ctx.match[1])) : null;
    if (!letter) return answerPress(ctx, ctx.t("letters-not-found"), true);
    const lines = [ctx.t("letters-detail-title", { code: letter.code, name: escapeHtml(nameFor(localeOf(ctx), letter)) }), ""];
    for (const event of letter.statusEvents) {
      lines.push(ctx.t("letters-history-line", { date: day(event.at), statusText: ctx.t("letters-status-name", { status: event.status }) }));
      if (event.reason) lines.push(`   ${ctx.t("letters-history-reason", { reasonText: ctx.t("letter-reason", { reason: event.reason }) })}`);
    }
    if (letter.statusEvents.length === 0) lines.push(ctx.t("letters-history-line", { date: day(letter.createdAt), statusText: ctx.t("letters-status-name", { status: letter.status }) }));
    const kb = new InlineKeyboard();
    letter.replies.forEach((reply, i) => kb.text(ctx.t("letters-open-reply", { n: i + 1, date: day(reply.receivedAt) }), MY_CB.openReply(reply.id)).row());
    if (letter.status === "needs_changes") kb.text(ctx.t("letters-button-resubmit"), MY_CB.resubmit(letter.id)).row();
    kb.text(ctx.t("menu-back"), MY_CB.list);
    await renderScreen(ctx, lines.join("\n"), { keyboard: kb, parseMode: "HTML" });
    await answerPress(ctx);
  });

  privateChats.callbackQuery(/^my:r:(\d+)$/, async (ctx) => {
    const writer = ctx.writer;
    const reply = writer ? await loadWriterReply(prisma, writer.id, Number(ctx.match[1])) : null;
    if (!reply) return answerPress(ctx, ctx.t("letters-not-found"), true);
    await answerPress(ctx);
    const total = reply.pages.length;
    for (const page of reply.pages) {
      const bytes = await storage.get(page.storagePath);
      if (!bytes) continue;
      const caption = ctx.t("letters-reply-page", { code: reply.letter.code, page: page.index + 1, total });
      if (page.mimeType === "application/pdf") await ctx.replyWithDocument(new InputFile(bytes, `reply-${reply.letter.code}-${page.index + 1}.pdf`), { caption });
      else await ctx.replyWithPhoto(new InputFile(bytes, `reply-${page.index + 1}.jpg`), { caption });
    }
  });

  privateChats.callbackQuery(/^my:rs:(\d+)$/, async (ctx) => {
    const writer = ctx.writer;
    const letter = writer ? await loadWriterLetter(prisma, writer.id, Number(ctx.match[1])) : null;
    if (!letter) return answerPress(ctx, ctx.t("letters-not-found"), true);
    // Already fixed and sent again (or decided): the button of the old notification does nothing more.
    if (letter.status !== "needs_changes") return answerPress(ctx, ctx.t("letter-resubmit-unavailable"), true);
    // The same letter (same code) is edited and goes back to moderation.
    return enterLetter(ctx, { resubmitLetterId: letter.id });
  });

  return composer;
}
