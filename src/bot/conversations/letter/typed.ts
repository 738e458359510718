// Step 2a: a typed letter, in one or several messages, until Done with a sendable text. Telegram's
// own "Edit" on one of the letter's messages replaces that part.
import type { InlineKeyboard } from "grammy";
import type { Message } from "grammy/types";
import {
  checkTypedLetter,
  estimatePrintedPages,
  joinLetterParts,
  letterLength,
  sanitizeLetterText,
  TYPED_LETTER_MAX_CHARS,
  TYPED_LETTER_MIN_CHARS,
} from "../../../domain/letter.js";
import type { ConversationContext } from "../../context.js";
import { cancelKeyboard, typedKeyboard, type Action } from "./buttons.js";
import { notAccepted, outdated, sendPreview } from "./replies.js";
import type { LetterRun } from "./run.js";
import { letterText, type Draft, type Part } from "./types.js";
import { next } from "./updates.js";

type Translate = ConversationContext["t"];
type Cleaned = ReturnType<typeof sanitizeLetterText>;

/** Notes about what cleaning removed from a message, shown above the status. */
export function cleanNotes(t: Translate, cleaned: Pick<Cleaned, "removedEmoji" | "removedInvisible">): string[] {
  return [...(cleaned.removedInvisible ? [t("letter-removed-invisible")] : []), ...(cleaned.removedEmoji ? [t("letter-removed-emoji")] : [])];
}

/** A new message as the next part: refused when empty after cleaning or when the letter would grow too long. */
export function addedPart(
  parts: readonly Part[],
  raw: string,
): { ok: true; cleaned: Cleaned } | { ok: false; reason: "empty" } | { ok: false; reason: "too-long"; length: number; left: number } {
  const cleaned = sanitizeLetterText(raw);
  if (cleaned.text === "") return { ok: false, reason: "empty" };
  const length = letterLength(joinLetterParts([...parts.map((p) => p.text), cleaned.text]));
  if (length <= TYPED_LETTER_MAX_CHARS) return { ok: true, cleaned };
  const current = letterLength(letterText({ parts: [...parts] }));
  return { ok: false, reason: "too-long", length, left: Math.max(0, TYPED_LETTER_MAX_CHARS - current) };
}

/** Part `index` rewritten by an edit: refused when the letter would grow too long. */
export function editedPart(parts: readonly Part[], index: number, raw: string): { ok: true; cleaned: Cleaned } | { ok: false; length: number } {
  const cleaned = sanitizeLetterText(raw);
  const without = parts.filter((_, i) => i !== index).map((p) => p.text);
  const length = letterLength(joinLetterParts([...without.slice(0, index), cleaned.text, ...without.slice(index)]));
  return length > TYPED_LETTER_MAX_CHARS ? { ok: false, length } : { ok: true, cleaned };
}

const keyboardFor = (run: LetterRun, draft: Draft, t: Translate): InlineKeyboard =>
  draft.parts.length > 0 ? typedKeyboard(t, run.scope) : cancelKeyboard(t);

async function status(run: LetterRun, draft: Draft, c: ConversationContext, notes: string[]): Promise<void> {
  const length = letterLength(letterText(draft));
  const line = c.t("letter-typed-status", { length, max: TYPED_LETTER_MAX_CHARS, pages: estimatePrintedPages(length) });
  await c.reply([...notes, line].join("\n"), { reply_markup: typedKeyboard(c.t, run.scope) });
}

/** Preview and Start over; any other button of this letter is out of date here. */
async function onButton(run: LetterRun, draft: Draft, c: ConversationContext, action: Action): Promise<void> {
  if (action === "prev") {
    await c.answerCallbackQuery();
    const text = letterText(draft);
    if (text === "") await c.reply(c.t("letter-empty"), { reply_markup: cancelKeyboard(c.t) });
    else await sendPreview(c, text, typedKeyboard(c.t, run.scope));
  } else if (action === "over") {
    await c.answerCallbackQuery();
    draft.parts.length = 0;
    await c.reply(c.t("letter-started-over", { max: TYPED_LETTER_MAX_CHARS }), { reply_markup: cancelKeyboard(c.t) });
  } else {
    await outdated(c);
  }
}

/** Done: true when the letter is long enough to go on. */
async function onDone(run: LetterRun, draft: Draft, c: ConversationContext): Promise<boolean> {
  await c.answerCallbackQuery();
  const check = checkTypedLetter(letterText(draft));
  if (check.ok) return true;
  const text = check.reason === "too-short" ? c.t("letter-too-short", { length: check.length, min: TYPED_LETTER_MIN_CHARS }) : c.t("letter-empty");
  await c.reply(text, { reply_markup: keyboardFor(run, draft, c.t) });
  return false;
}

async function onEdit(run: LetterRun, draft: Draft, c: ConversationContext, edited: Message): Promise<void> {
  const index = draft.parts.findIndex((p) => p.messageId === edited.message_id);
  if (index < 0 || edited.text === undefined) return;
  const result = editedPart(draft.parts, index, edited.text);
  if (!result.ok) {
    await c.reply(c.t("letter-edit-too-long", { length: result.length, max: TYPED_LETTER_MAX_CHARS }));
    return;
  }
  const part = draft.parts[index];
  if (part) part.text = result.cleaned.text;
  await status(run, draft, c, [c.t("letter-part-updated"), ...cleanNotes(c.t, result.cleaned)]);
}

async function onMessage(run: LetterRun, draft: Draft, c: ConversationContext): Promise<void> {
  const message = c.message;
  if (!message || message.text === undefined) {
    await notAccepted(c, "text", keyboardFor(run, draft, c.t));
    return;
  }
  const result = addedPart(draft.parts, message.text);
  if (!result.ok && result.reason === "empty") {
    await c.reply(c.t("letter-part-empty"), { reply_markup: keyboardFor(run, draft, c.t) });
  } else if (!result.ok) {
    await c.reply(c.t("letter-too-long", { length: result.length, max: TYPED_LETTER_MAX_CHARS, left: result.left }), {
      reply_markup: typedKeyboard(c.t, run.scope),
    });
  } else {
    draft.parts.push({ messageId: message.message_id, text: result.cleaned.text });
    await status(run, draft, c, cleanNotes(c.t, result.cleaned));
  }
}

/** Collects the text until Done with a sendable letter; without a prompt key it goes on without asking again. */
export async function collectTyped(run: LetterRun, draft: Draft, promptKey: string | undefined): Promise<void> {
  const { ctx } = run;
  if (promptKey !== undefined) await ctx.reply(ctx.t(promptKey, { max: TYPED_LETTER_MAX_CHARS, min: TYPED_LETTER_MIN_CHARS }), { reply_markup: keyboardFor(run, draft, ctx.t) });
  for (;;) {
    const { c, action } = await next(run, { stage: "typed", draft, keyboard: (t) => keyboardFor(run, draft, t) });
    if (action === "done") {
      if (await onDone(run, draft, c)) return;
    } else if (action) await onButton(run, draft, c, action);
    else if (c.editedMessage) await onEdit(run, draft, c, c.editedMessage);
    else await onMessage(run, draft, c);
  }
}
