// Step 2, handwritten: 1-10 photographed pages, each downloaded, checked and stored as a draft file
// (inside conversation.external: the replay log keeps only keys and sizes, never image bytes).
import type { InlineKeyboard } from "grammy";
import type { Message } from "grammy/types";
import { HANDWRITTEN_MAX_PAGES } from "../../../domain/letter.js";
import { downloadLetterPage } from "../../../media/page-download.js";
import { offeredFileVerdict, type PageFailure } from "../../../media/page-intake.js";
import { saveDraftPage, type DraftPage } from "../../../storage/draft-pages.js";
import { draftPrefix } from "../../../storage/keys.js";
import type { ConversationContext } from "../../context.js";
import { cancelKeyboard, pagesKeyboard, type Action } from "./buttons.js";
import { notAccepted, outdated } from "./replies.js";
import type { LetterRun } from "./run.js";
import type { Draft } from "./types.js";
import { next } from "./updates.js";

type PageResult = { ok: true; page: DraftPage } | { ok: false; reason: PageFailure };

const keyboardFor = (run: LetterRun, draft: Draft, c: ConversationContext): InlineKeyboard =>
  draft.pages.length > 0 ? pagesKeyboard(c.t, run.scope) : cancelKeyboard(c.t);

/** Remove the last page, Start over; any other button of this letter is out of date here. */
async function onButton(run: LetterRun, draft: Draft, c: ConversationContext, action: Action): Promise<void> {
  const { conversation, storage } = run;
  if (action === "undo") {
    await c.answerCallbackQuery();
    const removed = draft.pages.pop();
    if (removed) await conversation.external(() => storage.delete(removed.key));
    draft.albumStatus = undefined;
    await c.reply(c.t("letter-page-removed", { count: draft.pages.length, max: HANDWRITTEN_MAX_PAGES }), { reply_markup: pagesKeyboard(c.t, run.scope) });
  } else if (action === "over") {
    await c.answerCallbackQuery();
    draft.pages.length = 0;
    draft.albumStatus = undefined;
    await conversation.external(() => storage.deletePrefix(draftPrefix(run.writerId)));
    await c.reply(c.t("letter-pages-started-over", { max: HANDWRITTEN_MAX_PAGES }), { reply_markup: cancelKeyboard(c.t) });
  } else {
    await outdated(c);
  }
}

/** Refuses what need not be downloaded, else downloads, checks and stores the page. */
async function intake(run: LetterRun, c: ConversationContext, message: Message): Promise<PageResult> {
  const document = message.document;
  const file = message.photo?.at(-1) ?? document;
  const verdict = offeredFileVerdict({
    kind: document ? "document" : "photo",
    size: file?.file_size,
    mimeType: document?.mime_type,
    fileName: document?.file_name,
  });
  if (verdict !== "download") return { ok: false, reason: verdict };
  const fileId = file?.file_id ?? "";
  await c.replyWithChatAction("upload_photo").catch(() => undefined);
  return run.conversation.external(async (): Promise<PageResult> => {
    const downloaded = await downloadLetterPage(run.pageSource, run.writerId, fileId);
    if (!downloaded.ok) return downloaded;
    return { ok: true, page: await saveDraftPage(run.storage, run.writerId, downloaded.page) };
  });
}

/** "Page n of 10": the pages of an album arrive one by one, so one status message serves the whole album. */
async function showStatus(run: LetterRun, draft: Draft, c: ConversationContext, group: string | undefined): Promise<void> {
  const text = c.t("letter-pages-status", { count: draft.pages.length, max: HANDWRITTEN_MAX_PAGES });
  const last = draft.albumStatus;
  if (group !== undefined && last?.mediaGroupId === group) {
    const edited = await c.api
      .editMessageText(c.chat?.id ?? 0, last.messageId, text, { reply_markup: pagesKeyboard(c.t, run.scope) })
      .then(() => true)
      .catch(() => false);
    if (edited) return;
  }
  const sent = await c.reply(text, { reply_markup: pagesKeyboard(c.t, run.scope) });
  draft.albumStatus = group !== undefined ? { messageId: sent.message_id, mediaGroupId: group } : undefined;
}

async function onMessage(run: LetterRun, draft: Draft, c: ConversationContext, message: Message): Promise<void> {
  if (!message.photo && !message.document) {
    await notAccepted(c, "pages", keyboardFor(run, draft, c));
    return;
  }
  if (draft.pages.length >= HANDWRITTEN_MAX_PAGES) {
    await c.reply(c.t("letter-pages-full", { max: HANDWRITTEN_MAX_PAGES }), { reply_markup: pagesKeyboard(c.t, run.scope) });
    return;
  }
  const result = await intake(run, c, message);
  if (!result.ok) {
    draft.albumStatus = undefined;
    const text = `${c.t(`letter-page-error-${result.reason}`)}\n${c.t("letter-page-go-on", { count: draft.pages.length })}`;
    await c.reply(text, { reply_markup: keyboardFor(run, draft, c) });
    return;
  }
  const page = result.page;
  if (draft.pages.some((p) => p.sha256 === page.sha256)) {
    await c.reply(c.t("letter-page-duplicate"), { reply_markup: pagesKeyboard(c.t, run.scope) });
    return;
  }
  draft.pages.push(page);
  await showStatus(run, draft, c, message.media_group_id);
}

/** Collects pages until Done with at least one; without a prompt key it goes on without asking again. */
export async function collectPages(run: LetterRun, draft: Draft, promptKey: string | undefined): Promise<void> {
  const { ctx } = run;
  if (promptKey !== undefined) await ctx.reply(ctx.t(promptKey, { max: HANDWRITTEN_MAX_PAGES, count: draft.pages.length }), { reply_markup: keyboardFor(run, draft, ctx) });
  for (;;) {
    const { c, action } = await next(run, { stage: "pages", draft, keyboard: (t) => (draft.pages.length > 0 ? pagesKeyboard(t, run.scope) : cancelKeyboard(t)) });
    if (action === "done") {
      await c.answerCallbackQuery();
      if (draft.pages.length > 0) return;
      await c.reply(c.t("letter-pages-none"), { reply_markup: cancelKeyboard(c.t) });
    } else if (action) await onButton(run, draft, c, action);
    else if (c.message) await onMessage(run, draft, c, c.message);
  }
}
