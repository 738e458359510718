import { callback, id } from "../callbacks.js";
import type { Translate } from "../i18n.js";
import { escapeHtml } from "../text.js";

/** "Write back": a new letter to the prisoner of this letter. */
export const WRITE_BACK_BUTTON = callback("rep:wb", id);

/** Callback data around replies; ids only. */
export const REPLY_CB = {
  writeBack: (letterId: number) => WRITE_BACK_BUTTON.encode(letterId),
  /** Show a stored reply again (My letters). */
  open: (replyId: number) => `rep:open:${replyId}`,
} as const;

/** Telegram's limit is 4096 characters a message; the header and quote marks take the rest. */
const TRANSLATION_PIECE_CHARS = 3500;

/** Splits a long translation at paragraph, line or word ends into pieces Telegram takes. */
export function translationPieces(text: string, max = TRANSLATION_PIECE_CHARS): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut = [window.lastIndexOf("\n\n"), window.lastIndexOf("\n"), window.lastIndexOf(" ")].find((at) => at > max / 2) ?? max;
    pieces.push(rest.slice(0, cut).trim());
    rest = rest.slice(cut).trim();
  }
  if (rest !== "") pieces.push(rest);
  return pieces;
}

/**
 * The messages that carry a reply's translation to its writer (HTML): a header naming who wrote and
 * which letter it answers, then the operators' words quoted and escaped, in as many messages as needed.
 */
export function translationMessages(t: Translate, reply: { name: string; code: string; text: string }): string[] {
  const pieces = translationPieces(reply.text);
  return pieces.map((piece, i) => {
    const header = i === 0 ? `${t("reply-translation-header", { name: escapeHtml(reply.name), code: reply.code })}\n\n` : "";
    const footer = i === pieces.length - 1 ? `\n${t("reply-translation-footer")}` : "";
    return `${header}<blockquote>${escapeHtml(piece)}</blockquote>${footer}`;
  });
}
