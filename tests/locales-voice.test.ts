// One voice: the bot speaks for the team, as «мы» / "we", never as a person of its own ("я не
// понял", "send me"). Buttons and answers the writer gives in their own voice ("My letters",
// "I don't know") and quoted words are theirs, not the bot's.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOCALES_DIR } from "../src/messages/i18n.js";

/** Every message's text by key: the value line and its indented continuation lines. */
function messageTexts(locale: string): Map<string, string> {
  const texts = new Map<string, string>();
  let key: string | undefined;
  for (const line of readFileSync(join(LOCALES_DIR, `${locale}.ftl`), "utf8").split("\n")) {
    const start = /^([a-z][a-z0-9-]*)\s*=\s*(.*)$/.exec(line);
    if (start) {
      key = start[1]!;
      texts.set(key, start[2]!);
    } else if (key !== undefined && /^\s+\S/.test(line)) {
      texts.set(key, `${texts.get(key)}\n${line.trim()}`);
    } else if (!/^\s*$/.test(line)) {
      key = undefined;
    }
  }
  return texts;
}

/** What the writer says in their own voice: answers offered on a button. */
const WRITER_VOICE = new Set(["specific-skip"]);

/** The text without quotations («…», “…”, "…"): a quoted button label is the writer's. */
function unquoted(text: string): string {
  return text.replace(/«[^»]*»|“[^”]*”|"[^"\n]*"/g, "");
}

const FIRST_PERSON: Record<string, RegExp> = {
  ru: /(?<!\p{L})(я|меня|мне|мной|мною)(?!\p{L})/iu,
  en: /\b(I|I'm|I’m|I'll|I’ll|I've|I’ve|me|myself)\b/,
};

function firstPersonLines(locale: string): string[] {
  const pattern = FIRST_PERSON[locale]!;
  return [...messageTexts(locale)]
    .filter(([key, text]) => !WRITER_VOICE.has(key) && pattern.test(unquoted(text)))
    .map(([key, text]) => `${key}: ${text.slice(0, 120)}`);
}

describe("the bot's voice", () => {
  it("finds a first-person message, and leaves quoted and writer-voice words alone", () => {
    expect(FIRST_PERSON.ru!.test(unquoted("Простите, я не понял."))).toBe(true);
    expect(FIRST_PERSON.ru!.test(unquoted("Добавьте меня в группу."))).toBe(true);
    expect(FIRST_PERSON.ru!.test(unquoted("Нажмите «Я не знаю». Мы поможем, мнение важно."))).toBe(false);
    expect(FIRST_PERSON.en!.test(unquoted("Send me its text."))).toBe(true);
    expect(FIRST_PERSON.en!.test(unquoted("Press “I don’t know”. My letters. Media, time."))).toBe(false);
    expect(messageTexts("ru").get("specific-skip")).toBe("Не знаю");
    expect(messageTexts("en").get("privacy-text")).toContain("\n");
  });

  it.each(["ru", "en"])("%s: the bot speaks as the team, never as «я» / I", (locale) => {
    expect(firstPersonLines(locale)).toEqual([]);
  });
});

describe("one word for each thing (ru)", () => {
  // A writer's request to write to someone is a «запрос», a print batch a «партия»: the
  // same thing under two names reads as two things.
  const SYNONYMS: [RegExp, string][] = [
    [/заявк/i, "запрос"],
    [/пачк/i, "партия"],
  ];
  it.each(SYNONYMS)("no %s (the word is «%s»)", (pattern) => {
    const found = [...messageTexts("ru")].filter(([, text]) => pattern.test(text)).map(([key]) => key);
    expect(found).toEqual([]);
  });
});
