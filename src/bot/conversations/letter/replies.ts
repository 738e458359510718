// Answers every step gives the same way: "this cannot go into a letter", an outdated button, and
// long text sent in pieces Telegram accepts.
import type { InlineKeyboard } from "grammy";
import type { Message } from "grammy/types";
import type { ConversationContext } from "../../context.js";

/** Telegram's message limit is 4096; leave room for a header line. */
const MESSAGE_CHUNK = 3800;

/** Splits long text at paragraph or line breaks, never above `max` characters. */
export function splitForTelegram(text: string, max = MESSAGE_CHUNK): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = Math.max(window.lastIndexOf("\n\n"), window.lastIndexOf("\n"));
    if (cut < max / 2) cut = window.lastIndexOf(" ");
    if (cut < max / 2) cut = max;
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, "");
  }
  if (rest !== "") chunks.push(rest);
  return chunks;
}

/** What kind of message arrived, for "this cannot go into a letter" answers. */
export function messageKindOf(message: Message): string {
  if (message.sticker) return "sticker";
  if (message.voice || message.audio) return "voice";
  if (message.video || message.video_note || message.animation) return "video";
  if (message.document) return "document";
  if (message.photo) return "photo";
  if (message.text !== undefined) return "text";
  return "other";
}

/** "Stickers can't go into a letter" + what this step expects. */
export async function notAccepted(
  c: ConversationContext,
  expected: "text" | "pages" | "buttons" | "signature",
  keyboard?: InlineKeyboard,
): Promise<void> {
  const kind = c.message ? messageKindOf(c.message) : "other";
  const intro = kind === "text" || kind === "photo" ? "" : `${c.t("letter-not-accepted", { kind })}\n`;
  await c.reply(`${intro}${c.t(`letter-expect-${expected}`)}`, keyboard ? { reply_markup: keyboard } : {});
}

export async function outdated(c: ConversationContext): Promise<void> {
  await c.answerCallbackQuery({ text: c.t("letter-button-outdated") });
}

/** Long text in several messages; the keyboard goes under the last one. */
export async function sendLong(c: ConversationContext, text: string, keyboard?: InlineKeyboard): Promise<void> {
  const chunks = splitForTelegram(text);
  for (const [i, chunk] of chunks.entries()) {
    await c.reply(chunk, i === chunks.length - 1 && keyboard ? { reply_markup: keyboard } : {});
  }
}

/** The typed letter as the writer wrote it, each piece headed "part i of n". */
export async function sendPreview(c: ConversationContext, text: string, keyboard?: InlineKeyboard): Promise<void> {
  const chunks = splitForTelegram(text);
  for (const [i, chunk] of chunks.entries()) {
    const header = c.t("letter-preview-header", { part: i + 1, total: chunks.length });
    await c.reply(`${header}\n\n${chunk}`, i === chunks.length - 1 && keyboard ? { reply_markup: keyboard } : {});
  }
}
