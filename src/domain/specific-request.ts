// Checks for the "write to someone specific" form: the person's full name, birth year and, if
// known, where they are held. The operators look the person up with these, so they must be usable.
import { cleanText } from "./interests.js";

export const FULL_NAME_MAX_CHARS = 150;
export const FACILITY_MAX_CHARS = 300;
/** Youngest age at which someone can be in a Russian prison colony or detention centre. */
export const MIN_PRISONER_AGE = 14;
export const MIN_BIRTH_YEAR = 1900;

export type FieldResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Two or more words of letters (Cyrillic or Latin), hyphens and apostrophes allowed. */
export function parseFullName(text: string): FieldResult<string> {
  const name = cleanText(text);
  if (name === "") return { ok: false, reason: "empty" };
  if ([...name].length > FULL_NAME_MAX_CHARS) return { ok: false, reason: "too-long" };
  const words = name.split(" ");
  if (!words.every((w) => /^[\p{L}][\p{L}'’.-]*$/u.test(w))) return { ok: false, reason: "letters-only" };
  if (words.length < 2) return { ok: false, reason: "one-word" };
  return { ok: true, value: name };
}

/** A four-digit year between 1900 and (this year - 14). */
export function parseBirthYear(text: string, now: Date): FieldResult<number> {
  const trimmed = text.trim();
  if (!/^\d{4}$/.test(trimmed)) return { ok: false, reason: "not-a-year" };
  const year = Number(trimmed);
  if (year < MIN_BIRTH_YEAR || year > now.getUTCFullYear() - MIN_PRISONER_AGE) return { ok: false, reason: "out-of-range" };
  return { ok: true, value: year };
}

export function parseFacility(text: string): FieldResult<string> {
  const facility = cleanText(text);
  if (facility === "") return { ok: false, reason: "empty" };
  if ([...facility].length > FACILITY_MAX_CHARS) return { ok: false, reason: "too-long" };
  return { ok: true, value: facility };
}
