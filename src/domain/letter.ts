// The rules of a letter before it is sent: its code, its limits, and what text may go to print.
import { randomInt } from "node:crypto";

/**
 * Letter codes: no 0/O and 1/I, so a code read aloud or copied from paper is never ambiguous.
 * 32 symbols: 4 of them give about a million codes.
 */
export const LETTER_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
export const LETTER_CODE_PREFIX = "L-";
export const LETTER_CODE_PATTERN = /^L-[2-9A-HJ-NP-Z]{4,6}$/;

/** How many codes to try before giving up; later attempts use longer codes (see letterCodeLength). */
export const LETTER_CODE_MAX_ATTEMPTS = 10;

/** 4 symbols first; when the short space gets crowded and collisions repeat, 5, then 6. */
export function letterCodeLength(attempt: number): number {
  if (attempt < 5) return 4;
  if (attempt < 8) return 5;
  return 6;
}

/** A fresh random code like "L-7K3Q". Uniqueness is the database's job (unique index + retry). */
export function generateLetterCode(length = 4, random: (max: number) => number = randomInt): string {
  let code = LETTER_CODE_PREFIX;
  for (let i = 0; i < length; i++) code += LETTER_CODE_ALPHABET[random(LETTER_CODE_ALPHABET.length)] ?? "2";
  return code;
}

/** Accepts what a writer might type ("l-7k3q", " L 7K3Q ") and returns the canonical code, or undefined. */
export function parseLetterCode(input: string): string | undefined {
  const compact = input.trim().toUpperCase().replace(/[\s–—-]+/g, "");
  const body = compact.startsWith("L") ? compact.slice(1) : compact;
  const code = `${LETTER_CODE_PREFIX}${body}`;
  return LETTER_CODE_PATTERN.test(code) ? code : undefined;
}

// --- typed letters ---

/**
 * About 2,500 characters fill one printed A4 page at the size the PDF uses; 9,000 is 3-4 pages,
 * as long as a censor reads willingly and a person can answer.
 */
export const TYPED_LETTER_MAX_CHARS = 9_000;
/** Fewer characters than this is a note, not a letter ("Hi!"). */
export const TYPED_LETTER_MIN_CHARS = 30;
export const CHARS_PER_PRINTED_PAGE = 2_500;

/** Printed pages a typed letter of this length takes (at least 1). */
export function estimatePrintedPages(length: number): number {
  return Math.max(1, Math.ceil(length / CHARS_PER_PRINTED_PAGE));
}

/** Letter length as the limit counts it: code points, so an emoji or a Cyrillic letter is one. */
export function letterLength(text: string): number {
  let n = 0;
  for (const _ of text) n++;
  return n;
}

export type TypedLetterCheck =
  | { ok: true; length: number }
  | { ok: false; reason: "empty" | "too-short" | "too-long"; length: number };

/** Whether a typed letter may be sent as it is. */
export function checkTypedLetter(text: string): TypedLetterCheck {
  const length = letterLength(text);
  if (text.trim() === "") return { ok: false, reason: "empty", length };
  if (length < TYPED_LETTER_MIN_CHARS) return { ok: false, reason: "too-short", length };
  if (length > TYPED_LETTER_MAX_CHARS) return { ok: false, reason: "too-long", length };
  return { ok: true, length };
}

/** The letter's text from its parts (one per message the writer sent), blank line between parts. */
export function joinLetterParts(parts: readonly string[]): string {
  return parts.filter((p) => p !== "").join("\n\n");
}

// --- handwritten letters ---

export const HANDWRITTEN_MIN_PAGES = 1;
export const HANDWRITTEN_MAX_PAGES = 10;

// --- text cleaning ---

const LINE_BREAKS = /\r\n|[\r\u2028\u2029\u0085\v\f]/g;
// Controls (NUL included) except \n, format characters (bidi overrides, zero-width joiners),
// private use, lone surrogates and unassigned code points: invisible or unprintable.
const INVISIBLE = /(?![\n])[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}]/gu;
// Emoji with their modifiers, joiners, variation selectors and tags (skin tones, flags, keycaps).
// The print font has no emoji, so the PDF would silently drop them: we drop them at once and tell
// the writer.
const EMOJI_RUN =
  /([ \t]*)(?:[\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u{20E3}](?:\u{FE0E}|\u{FE0F}|\u{200D}|\u{20E3}|[\u{E0020}-\u{E007F}])*)+([ \t]*)/gu;
const LEFTOVER_SELECTORS = /\u{FE0E}|\u{FE0F}|\u{20E3}/gu;

/** Removes emoji so no gap or stray space is left: "Обнимаю 🤗! Кот 🐈 спит." → "Обнимаю! Кот спит." */
function removeEmoji(text: string): string {
  const out = text.replace(EMOJI_RUN, (match: string, before: string, after: string, offset: number) => {
    const prev = offset === 0 ? "\n" : (text[offset - 1] ?? "\n");
    const next = text[offset + match.length] ?? "\n";
    // Between two words one space stays; at a line's edge or before punctuation none does.
    if (prev === "\n" || next === "\n" || /[\p{P}]/u.test(next)) return "";
    return before !== "" || after !== "" ? " " : "";
  });
  return out.replace(LEFTOVER_SELECTORS, "");
}

export interface CleanedText {
  text: string;
  /** Emoji were removed (they cannot be printed). */
  removedEmoji: boolean;
  /** Control or invisible characters (NUL bytes, bidi overrides, ...) were removed. */
  removedInvisible: boolean;
}

/**
 * Text as the letter will store and print it: NFC, "\n" line breaks, tabs as spaces, no control,
 * invisible or emoji characters, no trailing spaces, at most one blank line between paragraphs,
 * no blank lines at the ends.
 */
export function sanitizeLetterText(input: string): CleanedText {
  const unified = input.normalize("NFC").replace(LINE_BREAKS, "\n");
  const plain = removeEmoji(unified);
  const visible = plain.replace(/\t/g, "    ").replace(INVISIBLE, "");
  const text = visible
    .split("\n")
    .map((line) => line.trimEnd())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .replace(/^\n+|\n+$/g, "");
  return {
    text: text.trim() === "" ? "" : text,
    removedEmoji: plain !== unified,
    removedInvisible: visible !== plain.replace(/\t/g, "    "),
  };
}

/** The name a letter is signed with. */
export const SIGNATURE_MAX_CHARS = 40;

/** A one-line signature: cleaned like letter text, whitespace collapsed, length-limited. */
export function sanitizeSignature(input: string): { ok: true; name: string } | { ok: false; reason: "empty" | "too-long" } {
  const name = sanitizeLetterText(input).text.replace(/\s+/g, " ").trim();
  if (name === "") return { ok: false, reason: "empty" };
  if (letterLength(name) > SIGNATURE_MAX_CHARS) return { ok: false, reason: "too-long" };
  return { ok: true, name };
}

/** Idle time after which a draft is closed (the writer is told when they come back). */
export const LETTER_IDLE_TIMEOUT_MS = 24 * 3600 * 1000;

/**
 * The language a typed letter is in, for translation: "ru" when Cyrillic letters are at least as
 * many as Latin ones, else "en" (translators work from English; any Latin-script letter needs them).
 */
export function typedLetterLanguage(text: string): "ru" | "en" {
  const cyrillic = text.match(/\p{Script=Cyrillic}/gu)?.length ?? 0;
  const latin = text.match(/\p{Script=Latin}/gu)?.length ?? 0;
  return cyrillic >= latin ? "ru" : "en";
}
