// Every number beside a noun must take the right plural form, in both languages: renders every
// message through the bot's real i18n with each of its variables set to 1, 2, 5, 11, 21 and 22,
// and checks the noun next to the number against a table of forms.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { FluentResource } from "@fluent/bundle";
import { describe, expect, it } from "vitest";
import { createI18n, LOCALES, LOCALES_DIR, type Locale } from "../src/messages/i18n.js";

const COUNTS = [1, 2, 5, 11, 21, 22];

/** Variables that carry words, not numbers; every other variable is rendered as a number. */
const TEXT_VARIABLES = new Set([
  "code", "codes", "name", "matches", "reason", "reasonText", "status", "statusText", "at", "query", "who",
  "recipient", "facility", "date", "signature", "role", "list", "externalId", "label", "title", "region",
  "printer", "person", "letter", "language", "kind", "batches",
]);

type Category = "one" | "few" | "many" | "other";

/**
 * Forms of the nouns (and the adjectives that stand between a number and its noun) the texts use.
 * Russian: the form after a bare number (nominative/accusative) and after a preposition that takes
 * the genitive ("до 21 знака", "не больше 5 знаков").
 */
const RU_WORDS: { plain: Record<"one" | "few" | "many", string>; genitive: Record<"one" | "few" | "many", string> }[] = [
  ["письмо", "письма", "писем", "письма", "писем", "писем"],
  ["знак", "знака", "знаков", "знака", "знаков", "знаков"],
  ["символ", "символа", "символов", "символа", "символов", "символов"],
  ["страница", "страницы", "страниц", "страницы", "страниц", "страниц"],
  ["печатная", "печатные", "печатных", "печатной", "печатных", "печатных"],
  ["человек", "человека", "человек", "человека", "человек", "человек"],
  ["год", "года", "лет", "года", "лет", "лет"],
  ["раз", "раза", "раз", "раза", "раз", "раз"],
  ["ответ", "ответа", "ответов", "ответа", "ответов", "ответов"],
  ["запрос", "запроса", "запросов", "запроса", "запросов", "запросов"],
  ["интерес", "интереса", "интересов", "интереса", "интересов", "интересов"],
  ["оператор", "оператора", "операторов", "оператора", "операторов", "операторов"],
  ["день", "дня", "дней", "дня", "дней", "дней"],
  ["партия", "партии", "партий", "партии", "партий", "партий"],
].map(([one, few, many, gOne, gFew, gMany]) => ({
  plain: { one: one!, few: few!, many: many! },
  genitive: { one: gOne!, few: gFew!, many: gMany! },
}));
const RU_GENITIVE_BEFORE = new Set(["до", "из", "от", "больше", "меньше", "более", "менее", "около", "длиннее", "короче"]);

const EN_WORDS: { one: string; other: string }[] = [
  ["letter", "letters"],
  ["character", "characters"],
  ["page", "pages"],
  ["person", "people"],
  ["year", "years"],
  ["time", "times"],
  ["reply", "replies"],
  ["request", "requests"],
  ["interest", "interests"],
  ["operator", "operators"],
  ["day", "days"],
  ["batch", "batches"],
  ["writer", "writers"],
].map(([one, other]) => ({ one: one!, other: other! }));

/** Words that may stand between a number and its noun without taking a number themselves. */
const EN_SKIP = new Set(["printed", "more", "new", "handwritten", "typed"]);

const WORD = /^[\p{L}]+/u;

/** The forms a noun may take after `n`, or undefined when `word` is not a noun we know. */
function allowedForms(locale: Locale, word: string, n: number, before: string | undefined): { allowed: string; known: true } | undefined {
  const lower = word.toLowerCase();
  const category = new Intl.PluralRules(locale).select(n) as Category;
  if (locale === "ru") {
    const entry = RU_WORDS.find((e) => Object.values(e.plain).includes(lower) || Object.values(e.genitive).includes(lower));
    if (!entry) return undefined;
    const table = before !== undefined && RU_GENITIVE_BEFORE.has(before.toLowerCase()) ? entry.genitive : entry.plain;
    return { allowed: table[category === "other" ? "many" : category], known: true };
  }
  const entry = EN_WORDS.find((e) => e.one === lower || e.other === lower);
  if (!entry) return undefined;
  return { allowed: category === "one" ? entry.one : entry.other, known: true };
}

export interface WrongForm {
  text: string;
  number: number;
  found: string;
  expected: string;
}

/**
 * Finds each standalone `n` in `text` and checks the noun right after it (skipping an adjective in
 * English) or a plural noun right before it ("писем 1" is wrong whatever the form).
 */
export function wrongForms(locale: Locale, text: string, n: number): { wrong: WrongForm[]; checked: number } {
  const wrong: WrongForm[] = [];
  let checked = 0;
  const pattern = new RegExp(`(?<![\\d#№.,-])${n}(?![\\d.,]\\d|\\d)`, "g");
  for (const match of text.matchAll(pattern)) {
    const start = match.index;
    const end = start + match[0].length;
    // The word right before the number, when only spaces separate them.
    const before = /(\p{L}+)[ \u00a0]+$/u.exec(text.slice(0, start))?.[1];
    // After the number: spaces only, then a word (for English, maybe after an adjective).
    let rest = text.slice(end);
    if (!/^[ \u00a0]+\p{L}/u.test(rest)) rest = "";
    for (let hop = 0; hop < 2 && rest !== ""; hop++) {
      rest = rest.replace(/^[ \u00a0]+/, "");
      const word = WORD.exec(rest)?.[0];
      if (!word) break;
      const check = allowedForms(locale, word, n, before);
      if (check) {
        checked++;
        if (check.allowed !== word.toLowerCase()) wrong.push({ text, number: n, found: word, expected: check.allowed });
        break;
      }
      if (locale !== "en" || !EN_SKIP.has(word.toLowerCase())) break;
      rest = rest.slice(word.length);
      if (!/^[ \u00a0]+\p{L}/u.test(rest)) break;
    }
    // "писем 1", "letters 5": a counted noun in a plural form placed before its number.
    if (before !== undefined) {
      const singular = allowedForms(locale, before, 1, undefined)?.allowed;
      if (singular !== undefined && singular !== before.toLowerCase()) {
        checked++;
        wrong.push({ text, number: n, found: `${before} ${n}`, expected: `${n} ${allowedForms(locale, before, n, undefined)?.allowed ?? ""}` });
      }
    }
  }
  return { wrong, checked };
}

/** Variable names of a message (value and selectors), from the runtime parser's tree. */
function variables(node: unknown, found = new Set<string>()): Set<string> {
  if (Array.isArray(node)) for (const item of node) variables(item, found);
  else if (node && typeof node === "object") {
    const record = node as Record<string, unknown>;
    if (record.type === "var" && typeof record.name === "string") found.add(record.name);
    for (const value of Object.values(record)) variables(value, found);
  }
  return found;
}

function messagesOf(locale: Locale): { id: string; vars: string[] }[] {
  const resource = new FluentResource(readFileSync(join(LOCALES_DIR, `${locale}.ftl`), "utf8"));
  return resource.body.filter((e) => !e.id.startsWith("-")).map((e) => ({ id: e.id, vars: [...variables(e)] }));
}

describe("plural forms beside numbers", () => {
  it("the checker catches wrong forms and passes right ones", () => {
    expect(wrongForms("en", "Your letters (1 letters)", 1).wrong).toHaveLength(1);
    expect(wrongForms("en", "1 characters", 1).wrong).toHaveLength(1);
    expect(wrongForms("en", "about 1 printed pages", 1).wrong).toHaveLength(1);
    expect(wrongForms("en", "about 2 printed pages", 2).wrong).toHaveLength(0);
    expect(wrongForms("ru", "21 писем", 21).wrong).toHaveLength(1);
    expect(wrongForms("ru", "9001 знаков", 9001).wrong).toHaveLength(1);
    expect(wrongForms("ru", "Партия №3: писем 1, все в одном PDF.", 1).wrong).toHaveLength(1);
    expect(wrongForms("ru", "не больше 21 знака", 21).wrong).toHaveLength(0);
    expect(wrongForms("ru", "не больше 21 знаков", 21).wrong).toHaveLength(1);
    expect(wrongForms("ru", "22 печатные страницы", 22).wrong).toHaveLength(0);
    expect(wrongForms("ru", "Страница 2 из 5", 2).wrong).toHaveLength(0);
  });

  it.each(LOCALES)("%s: every message with a number uses the right form for 1, 2, 5, 11, 21, 22", (locale) => {
    const i18n = createI18n();
    const wrong: (WrongForm & { key: string; variable: string })[] = [];
    let checked = 0;
    for (const { id, vars } of messagesOf(locale)) {
      for (const variable of vars.filter((v) => !TEXT_VARIABLES.has(v))) {
        for (const n of COUNTS) {
          // The other variables get a value with no digits, so only `n` is looked at.
          const args = Object.fromEntries(vars.map((v) => [v, v === variable ? n : "Ж"]));
          const result = wrongForms(locale, i18n.t(locale, id, args), n);
          checked += result.checked;
          wrong.push(...result.wrong.map((w) => ({ ...w, key: id, variable })));
        }
      }
    }
    expect(wrong.map((w) => `${w.key} ($${w.variable}=${w.number}): "${w.found}" should be "${w.expected}"`)).toEqual([]);
    // The test looked at real nouns: a renamed table or a broken renderer must not pass silently.
    expect(checked).toBeGreaterThan(100);
  });
});
