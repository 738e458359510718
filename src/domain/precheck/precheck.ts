/**
 * The censorship pre-check: finds what prison censors usually strike out or block in a typed letter.
 *
 * It only warns. The writer sees each warning with the fragments that caused it and decides whether
 * to rephrase or send as it is; the censor is arbitrary, so a check like this can never promise a
 * letter will pass. Deterministic and pure: no I/O beyond reading the bundled rules once.
 */
import * as chars from "./chars.js";
import type { PatternCode, PrecheckCode, PrecheckWarning } from "./codes.js";
import { normalizeForScan, type ScanText } from "./normalize.js";
import { getPrecheckRules, type CompiledSearch, type PrecheckRules } from "./rules.js";

// Local copies: these are read for every character, and reading an imported binding costs a
// getter call once the module is transpiled to CommonJS (as tsx does).
const { CYRILLIC, DIGIT, LATIN, LETTER, UPPER, WORD } = chars;

export interface PrecheckOptions {
  /** How many distinct fragments to quote per warning (default 3). */
  maxMatches?: number;
  /** Rules to use instead of the bundled rules.json (for tests of the rules themselves). */
  rules?: PrecheckRules;
}

interface Scan extends ScanText {
  readonly wordStarts: readonly number[];
}

interface Range {
  start: number;
  end: number;
}

const DEFAULT_MAX_MATCHES = 3;
const ROMAN_NUMERAL = /^(?:[IVXLCDM]+|[ХI]+)$/u;

/**
 * Checks a typed letter against the censorship rules. Returns the warnings found, most severe
 * first, each at most once; an empty array means nothing was found.
 */
export function precheckLetter(text: string, options: PrecheckOptions = {}): PrecheckWarning[] {
  const rules = options.rules ?? getPrecheckRules();
  const maxMatches = Math.max(1, options.maxMatches ?? DEFAULT_MAX_MATCHES);
  const normalized = normalizeForScan(text);
  const scan: Scan = { ...normalized, wordStarts: wordStarts(normalized.classes) };
  const found = new Map<PrecheckCode, Range[]>();

  const categoryRanges = (code: PatternCode): Range[] => {
    const category = rules.categories.get(code);
    if (!category) return [];
    const exceptions = category.exceptions.flatMap((search) => runSearch(scan, search));
    // An exception cancels every match it touches: "the trial version" cancels "the trial".
    return runAll(scan, category.searches).filter((range) => !exceptions.some((ex) => overlaps(range, ex)));
  };

  // Contact details first: an e-mail address is not also a link, and neither counts as foreign text.
  const emails = categoryRanges("email");
  const links = categoryRanges("link").filter((range) => !emails.some((email) => overlaps(range, email)));
  found.set("email", emails);
  found.set("link", links);
  found.set("phone", categoryRanges("phone"));

  for (const code of ["war", "case", "lgbt", "authorities", "swearing", "address", "slogans"] as const) {
    found.set(code, categoryRanges(code));
  }

  const language = checkLanguage(scan, [...emails, ...links], rules);
  const claimed = [...found.values()].flat();
  found.set("codes", findCodes(scan, rules, claimed, language, categoryRanges("codes")));
  // A marker range: this warning quotes nothing.
  if (language.notRussian) found.set("not-russian", [{ start: 0, end: 0 }]);

  const warnings: PrecheckWarning[] = [];
  for (const code of rules.severity) {
    const ranges = found.get(code) ?? [];
    if (ranges.length === 0) continue;
    warnings.push({ code, matches: code === "not-russian" ? [] : quotes(scan, ranges, maxMatches) });
  }
  return warnings;
}

function runAll(scan: Scan, searches: readonly CompiledSearch[]): Range[] {
  return searches.flatMap((search) => runSearch(scan, search));
}

function runSearch(scan: Scan, search: CompiledSearch): Range[] {
  const text = search.onCased ? scan.cased : scan.folded;
  if (search.requires && !search.requires.some((needle) => scan.folded.includes(needle))) return [];
  const regex = search.regex;
  const ranges: Range[] = [];
  const accept = (start: number, end: number, matched: string) => {
    if (search.digits && !plausiblePhone(matched, search.digits)) return false;
    ranges.push({ start, end });
    return true;
  };

  if (search.mode === "word") {
    // Sticky expression, tried at each word start; after a match, go on after its end.
    let after = 0;
    for (const start of scan.wordStarts) {
      if (start < after) continue;
      regex.lastIndex = start;
      const match = regex.exec(text);
      if (match === null || match[0].length === 0) continue;
      if (accept(start, start + match[0].length, match[0])) after = start + match[0].length;
    }
    return ranges;
  }

  regex.lastIndex = 0;
  for (let match = regex.exec(text); match !== null; match = regex.exec(text)) {
    let start = match.index;
    let end = start + match[0].length;
    if (end === start) {
      regex.lastIndex = start + 1;
      continue;
    }
    if (search.mode === "part") {
      while (start > 0 && (scan.classes[start - 1]! & WORD) !== 0) start--;
      while (end < text.length && (scan.classes[end]! & WORD) !== 0) end++;
    }
    accept(start, end, match[0]);
  }
  return ranges;
}

/** Where words (letters, digits and the "*" of "х*й") start in the scanned text. */
function wordStarts(classes: Uint8Array): number[] {
  const starts: number[] = [];
  let inWord = false;
  for (let i = 0; i < classes.length; i++) {
    const part = (classes[i]! & WORD) !== 0;
    if (part && !inWord) starts.push(i);
    inWord = part;
  }
  return starts;
}

/** Rejects digit runs that are lists of years, sums with thousand separators or counting. */
function plausiblePhone(fragment: string, digits: { min: number; max: number }): boolean {
  const groups = fragment.match(/\d+/g) ?? [];
  const total = groups.reduce((sum, group) => sum + group.length, 0);
  if (total < digits.min || total > digits.max) return false;
  const marked = /[+()]/.test(fragment);
  if (groups.length > (marked ? 6 : 5)) return false; // 12 45 78 33 91 06 17: a list, not a number
  if (marked || groups.length < 2) return true;
  if (groups.every((group) => group.length === 4)) return false; // 1941 1945 1953
  const [first, ...rest] = groups;
  if (/^[\d ]+$/.test(fragment) && first!.length <= 3 && rest.every((group) => group.length === 3)) return false; // 1 500 000 000
  if (groups.filter((group) => group.length === 1).length > 2) return false; // 1 2 3 4 5 6 7 8 9 10
  return true;
}

function overlaps(a: Range, b: Range): boolean {
  return a.start < b.end && b.start < a.end;
}

interface LanguageVerdict {
  notRussian: boolean;
  /** Enough Cyrillic to call it a Russian letter (then Latin words inside it are "foreign words"). */
  mostlyCyrillic: boolean;
}

function checkLanguage(scan: Scan, skip: readonly Range[], rules: PrecheckRules): LanguageVerdict {
  const settings = rules.language;
  let cyrillic = 0;
  let other = 0;
  let nonRussian = 0;
  const masked = new Uint8Array(scan.classes.length);
  for (const range of skip) masked.fill(1, range.start, range.end);
  for (let i = 0; i < scan.classes.length; i++) {
    const flags = scan.classes[i]!;
    if ((flags & LETTER) === 0 || masked[i]) continue;
    if (flags & CYRILLIC) {
      cyrillic++;
      if (settings.nonRussianCyrillic.includes(scan.folded[i]!)) nonRussian++;
    } else other++;
  }
  const letters = cyrillic + other;
  if (letters === 0) return { notRussian: false, mostlyCyrillic: false };

  let notRussian: boolean;
  if (letters < settings.shortTextLetters) {
    // Too short to judge by proportions: only a text with no Cyrillic at all counts as foreign.
    notRussian = cyrillic === 0 && other >= settings.shortTextMinForeignLetters;
  } else {
    notRussian = other / letters > settings.maxForeignShare;
  }
  // Ukrainian or Belarusian text is Cyrillic but still not Russian for the censor.
  if (nonRussian >= settings.minNonRussianCyrillic && nonRussian / cyrillic > settings.maxNonRussianCyrillicShare) {
    notRussian = true;
  }
  return { notRussian, mostlyCyrillic: cyrillic / letters >= 0.5 };
}

/**
 * Codes and abbreviations: prison jargon from the rules, capital-letter abbreviations outside the
 * allow-list, letter-digit ciphers, long runs of bare numbers, and Latin words inside a Russian
 * letter. Fragments already explained by another warning ("СВО", "ЛГБТ") are not repeated here.
 */
function findCodes(
  scan: Scan,
  rules: PrecheckRules,
  claimed: readonly Range[],
  language: LanguageVerdict,
  jargon: Range[],
): Range[] {
  const settings = rules.codes;
  const { classes } = scan;
  const taken = new Uint8Array(classes.length);
  for (const range of claimed) taken.fill(1, range.start, range.end);
  const free = (range: Range) => taken.subarray(range.start, range.end).indexOf(1) === -1;
  const found: Range[] = jargon.filter(free);

  let letters = 0;
  let upper = 0;
  for (const flags of classes) {
    if (flags & LETTER) letters++;
    if (flags & UPPER) upper++;
  }
  // A letter typed in capitals (block letters are common) has no telling abbreviations apart.
  const checkAbbreviations = letters > 0 && upper / letters <= settings.maxUppercaseShare;
  const { min: minLength, max: maxLength } = settings.abbreviationLength;

  const latinWords: Range[] = [];
  for (let start = 0; start < classes.length; ) {
    if ((classes[start]! & (LETTER | DIGIT)) === 0) {
      start++;
      continue;
    }
    // A token: a run of letters and digits. Count what it is made of.
    let end = start;
    let letterCount = 0;
    let digitCount = 0;
    let upperCount = 0;
    let latinCount = 0;
    let switches = 0;
    for (; end < classes.length && (classes[end]! & (LETTER | DIGIT)) !== 0; end++) {
      const flags = classes[end]!;
      if (flags & LETTER) letterCount++;
      else digitCount++;
      if (flags & UPPER) upperCount++;
      if (flags & LATIN) latinCount++;
      if (end > start && (flags & DIGIT) !== (classes[end - 1]! & DIGIT)) switches++;
    }
    const range = { start, end };
    start = end;
    if (letterCount === 0 || !free(range)) continue;
    if (digitCount > 0) {
      if (switches >= settings.cipherMinSwitches) found.push(range); // К7Л9М2
      continue;
    }
    const token = scan.cased.slice(range.start, range.end);
    if (ROMAN_NUMERAL.test(token)) continue;
    if (
      checkAbbreviations &&
      upperCount === letterCount &&
      letterCount >= minLength &&
      letterCount <= maxLength &&
      !settings.allowAbbreviations.has(token)
    ) {
      found.push(range);
    } else if (latinCount === letterCount && letterCount >= 2 && !settings.allowLatinWords.has(token.toLowerCase())) {
      latinWords.push(range);
    }
  }

  const numberRun = new RegExp(
    `(?=\\d)(?<![\\p{L}\\p{N}.,])\\d+(?:[ ,;]{1,2}\\d+){${settings.minNumberRun - 1},}(?![\\p{L}\\p{N}])`,
    "gu",
  );
  for (const match of scan.folded.matchAll(numberRun)) {
    const range = { start: match.index, end: match.index + match[0].length };
    if (free(range)) found.push(range);
  }

  // Latin words matter only inside a Russian letter; a letter mostly in another language gets the
  // "not-russian" warning instead.
  if (!language.notRussian && language.mostlyCyrillic && latinWords.length >= settings.minLatinWords) {
    found.push(...latinWords);
  }
  return found.sort((a, b) => a.start - b.start);
}

/** Distinct fragments, in order of appearance, cut from the writer's own text. */
function quotes(scan: ScanText, ranges: readonly Range[], max: number): string[] {
  const result: string[] = [];
  const seen = new Set<string>();
  for (const range of mergeOverlapping(ranges)) {
    if (result.length >= max) break;
    const from = scan.map[range.start]!;
    const to = scan.map[range.end]!;
    const fragment = scan.source
      .slice(from, to)
      .replace(/[\u00AD\u200B-\u200F\u2060-\u2064\uFEFF]/gu, "")
      .replace(/[\s.,;:!?)»"']+$/u, "")
      .trim();
    if (fragment.length === 0) continue;
    const key = scan.folded.slice(range.start, range.end).replace(/[.,;:!?)"']+$/u, "");
    if (seen.has(key)) continue;
    seen.add(key);
    result.push(fragment);
  }
  return result;
}

/** Two patterns may catch the same number or phrase: quote the union once. */
function mergeOverlapping(ranges: readonly Range[]): Range[] {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: Range[] = [];
  for (const range of sorted) {
    const last = merged[merged.length - 1];
    if (last && range.start < last.end) last.end = Math.max(last.end, range.end);
    else merged.push({ ...range });
  }
  return merged;
}
