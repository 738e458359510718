/**
 * Text normalisation for the censorship pre-check.
 *
 * Writers (and sometimes autocorrect) produce text that looks right to a censor but would slip past
 * naive matching: "вoйна" typed with a Latin "o", "ё" vs "е", zero-width characters, "нуууу",
 * stress marks. The scanner works on a cleaned copy and keeps a map back to the writer's own text so
 * that warnings quote fragments exactly as the writer typed them.
 */
import * as chars from "./chars.js";

// Local copies: these are read for every character, and reading an imported binding costs a
// getter call once the module is transpiled to CommonJS (as tsx does).
const { CYRILLIC, LATIN, LETTER, WORD, classify } = chars;

/** A cleaned copy of a letter, plus the way back to the original characters. */
export interface ScanText {
  /** The input in Unicode NFC: what quotes are cut from. */
  readonly source: string;
  /** Cleaned text with the writer's letter case kept (abbreviations and addresses need it). */
  readonly cased: string;
  /** `cased` in lower case; always the same length as `cased`. */
  readonly folded: string;
  /** Flags from chars.ts for each character of `cased`. */
  readonly classes: Uint8Array;
  /** `map[i]` is the index in `source` of `cased[i]`; `map[cased.length] === source.length`. */
  readonly map: readonly number[];
}

// Latin letters that look like Cyrillic ones, both cases, paired position by position.
const LATIN_LOOKALIKES = "aAcCeEoOpPxXyYkKmMtTbBhH";
const CYRILLIC_LOOKALIKES = "аАсСеЕоОрРхХуУкКмМтТвВнН";
const LATIN_TO_CYRILLIC = new Map([...LATIN_LOOKALIKES].map((ch, i) => [ch, CYRILLIC_LOOKALIKES[i]!]));
const CYRILLIC_TO_LATIN = new Map([...CYRILLIC_LOOKALIKES].map((ch, i) => [ch, LATIN_LOOKALIKES[i]!]));
// Digits used in place of Cyrillic letters ("в0йна", "6ля"), only inside Cyrillic words.
const DIGIT_TO_CYRILLIC = new Map([
  ["0", "о"],
  ["3", "з"],
  ["6", "б"],
]);

// Invisible characters that split words without showing: zero-width, soft hyphen, BOM, bidi
// controls, stress marks and other combining marks left after NFC, and control characters.
const INVISIBLE = /[\u00AD\u180E\u200B-\u200D\u2060-\u2064\uFEFF\u200E\u200F\u202A-\u202E\u2066-\u2069\p{M}\p{Cc}]/u;
const ACCENTS = /[\u0300-\u0305\u0307\u0309-\u036F]/gu;
const SPACE = /[\s\u00A0\u2000-\u200A\u202F\u205F\u3000]/u;
const DASHES = /[\u2010-\u2015\u2212\uFE58\uFE63\uFF0D]/u;
const APOSTROPHES = /[\u2018\u2019\u02BC\u02B9\u0060\u00B4]/u;

/** Builds the cleaned, case-folded copy of `text` used by every pre-check rule. */
export function normalizeForScan(text: string): ScanText {
  const source = text.normalize("NFC");
  const out: string[] = [];
  const map: number[] = [];
  const pushSpace = (at: number) => {
    // Every run of spaces and line breaks becomes one space, so phrases match across lines.
    if (out.length > 0 && out[out.length - 1] !== " ") {
      out.push(" ");
      map.push(at);
    }
  };

  for (let at = 0; at < source.length; ) {
    const code = source.charCodeAt(at);
    // Fast paths: ASCII and the Russian alphabet need no Unicode lookups.
    if (code < 0x80) {
      if (code === 0x20 || (code >= 0x09 && code <= 0x0d)) pushSpace(at);
      else if (code >= 0x20 && code !== 0x7f) {
        out.push(code === 0x60 ? "'" : source[at]!);
        map.push(at);
      }
      at++;
      continue;
    }
    if (code >= 0x410 && code <= 0x44f) {
      out.push(source[at]!);
      map.push(at);
      at++;
      continue;
    }
    const raw = String.fromCodePoint(source.codePointAt(at)!);
    const start = at;
    at += raw.length;
    if (SPACE.test(raw)) {
      pushSpace(start);
      continue;
    }
    if (INVISIBLE.test(raw)) continue;
    // Stress marks and accents go ("во́йна", "café"); the marks that make й, ё and ї stay.
    let ch = raw.normalize("NFD").replace(ACCENTS, "").normalize("NFC");
    if (DASHES.test(ch)) ch = "-";
    else if (APOSTROPHES.test(ch)) ch = "'";
    else if (ch === "ё") ch = "е";
    else if (ch === "Ё") ch = "Е";
    for (let k = 0; k < ch.length; k++) {
      out.push(ch[k]!);
      map.push(start);
    }
  }
  while (out.length > 0 && out[out.length - 1] === " ") {
    out.pop();
    map.pop();
  }
  map.push(source.length);

  const lower = out.map((ch) => {
    const folded = ch.toLowerCase();
    return folded.length === ch.length ? folded : ch;
  });
  collapseLetterRuns(out, lower, map);
  const classes = Uint8Array.from(out, classify);
  fixMixedScripts(out, lower, classes);
  return { source, cased: out.join(""), folded: lower.join(""), classes, map };
}

/**
 * "войнааа", "fuuuck": a run of three or more of the same letter is read as one letter, except
 * exactly three capitals, which are an abbreviation ("СССР", "ООО").
 */
function collapseLetterRuns(chars: string[], lower: string[], map: number[]): void {
  let write = 0;
  let read = 0;
  while (read < chars.length) {
    const ch = lower[read]!;
    let end = read + 1;
    while (end < chars.length && lower[end] === ch) end++;
    const run = end - read;
    const collapse = run >= 3 && (classify(ch) & LETTER) !== 0 && !(run === 3 && chars[read] !== ch);
    const keep = collapse ? 1 : run;
    for (let k = 0; k < keep; k++) {
      chars[write] = chars[read + k]!;
      lower[write] = lower[read + k]!;
      map[write] = map[read + k]!;
      write++;
    }
    read = end;
  }
  // The sentinel entry (source length) moves down with the text.
  map[write] = map[map.length - 1]!;
  chars.length = write;
  lower.length = write;
  map.length = write + 1;
}

/**
 * In a word that mixes Cyrillic and Latin letters, rewrites the look-alike letters of the minority
 * script into the script the word is really written in. A word keeps its script when it holds
 * letters of both scripts that have no look-alike (then it is not a disguise).
 */
function fixMixedScripts(chars: string[], lower: string[], classes: Uint8Array): void {
  let start = 0;
  while (start < chars.length) {
    if ((classes[start]! & WORD) === 0) {
      start++;
      continue;
    }
    let end = start;
    let cyr = 0;
    let lat = 0;
    let digits = 0;
    for (; end < chars.length && (classes[end]! & WORD) !== 0; end++) {
      const flags = classes[end]!;
      if (flags & CYRILLIC) cyr++;
      else if (flags & LATIN) lat++;
      else if (DIGIT_TO_CYRILLIC.has(chars[end]!)) digits++;
    }
    if ((lat > 0 && cyr > 0) || (cyr > 0 && digits > 0)) fixWord(chars, lower, classes, start, end);
    start = end;
  }
}

function fixWord(chars: string[], lower: string[], classes: Uint8Array, start: number, end: number): void {
  let cyr = 0;
  let lat = 0;
  let cyrOnly = 0; // Cyrillic letters with no Latin look-alike (й, ы, л, д...)
  let latOnly = 0; // Latin letters with no Cyrillic look-alike (f, g, l, s...)
  let digits = 0;
  for (let k = start; k < end; k++) {
    const ch = chars[k]!;
    if (classes[k]! & CYRILLIC) {
      cyr++;
      if (!CYRILLIC_TO_LATIN.has(ch)) cyrOnly++;
    } else if (classes[k]! & LATIN) {
      lat++;
      if (!LATIN_TO_CYRILLIC.has(ch)) latOnly++;
    } else if (DIGIT_TO_CYRILLIC.has(ch)) digits++;
  }
  const replace = (k: number, ch: string) => {
    chars[k] = ch;
    lower[k] = ch.toLowerCase();
    classes[k] = classify(ch);
  };

  if (cyr > 0 && lat > 0) {
    if (latOnly === 0 && (cyrOnly > 0 || cyr >= lat)) {
      for (let k = start; k < end; k++) {
        const cyrillic = LATIN_TO_CYRILLIC.get(chars[k]!);
        if (cyrillic !== undefined) replace(k, cyrillic);
      }
    } else if (cyrOnly === 0 && (latOnly > 0 || lat > cyr)) {
      for (let k = start; k < end; k++) {
        const latin = CYRILLIC_TO_LATIN.get(chars[k]!);
        if (latin !== undefined) replace(k, latin);
      }
      return;
    } else return;
  }
  // Digits stand in for letters only inside real words ("в0йна"), not in "2024г" or "10км".
  if (digits === 0 || digits > 2 || cyr + lat < 2) return;
  const isLetterAt = (k: number) => k >= start && k < end && (classes[k]! & LETTER) !== 0;
  for (let k = start; k < end; k++) {
    const letter = DIGIT_TO_CYRILLIC.get(chars[k]!);
    if (letter === undefined) continue;
    const first = k === start;
    const last = k === end - 1;
    if ((first || isLetterAt(k - 1)) && isLetterAt(k + 1)) replace(k, letter);
    else if (last && isLetterAt(k - 1) && cyr + lat >= 3) replace(k, letter);
  }
}
