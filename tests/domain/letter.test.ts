import { describe, expect, it } from "vitest";
import {
  checkTypedLetter,
  estimatePrintedPages,
  generateLetterCode,
  joinLetterParts,
  LETTER_CODE_ALPHABET,
  LETTER_CODE_PATTERN,
  letterCodeLength,
  letterLength,
  parseLetterCode,
  sanitizeLetterText,
  sanitizeSignature,
  TYPED_LETTER_MAX_CHARS,
  TYPED_LETTER_MIN_CHARS,
  typedLetterLanguage,
} from "../../src/domain/letter.js";

describe("letter codes", () => {
  it("never use the ambiguous 0, O, 1 or I", () => {
    for (const ch of "0O1I") expect(LETTER_CODE_ALPHABET).not.toContain(ch);
    expect(new Set(LETTER_CODE_ALPHABET).size).toBe(32);
    for (let i = 0; i < 2000; i++) {
      const code = generateLetterCode();
      expect(code).toMatch(LETTER_CODE_PATTERN);
      expect(code).toMatch(/^L-[^01OI]{4}$/);
    }
  });

  it("are spread over the alphabet", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) for (const ch of generateLetterCode().slice(2)) seen.add(ch);
    expect(seen.size).toBe(32);
  });

  it("grow longer when collisions repeat", () => {
    expect([0, 4, 5, 7, 8, 9].map(letterCodeLength)).toEqual([4, 4, 5, 5, 6, 6]);
    expect(generateLetterCode(6, () => 0)).toBe("L-222222");
  });

  it("are parsed from what a person types", () => {
    expect(parseLetterCode(" l-7k3q ")).toBe("L-7K3Q");
    expect(parseLetterCode("7K3Q")).toBe("L-7K3Q");
    expect(parseLetterCode("L 7K3Q")).toBe("L-7K3Q");
    expect(parseLetterCode("L-7K0Q")).toBeUndefined();
    expect(parseLetterCode("hello")).toBeUndefined();
  });
});

describe("typed letter limits", () => {
  it("refuses empty, too short and too long letters with their lengths", () => {
    expect(checkTypedLetter("   \n ")).toEqual({ ok: false, reason: "empty", length: 5 });
    expect(checkTypedLetter("Привет!")).toEqual({ ok: false, reason: "too-short", length: 7 });
    expect(checkTypedLetter("я".repeat(TYPED_LETTER_MIN_CHARS))).toEqual({ ok: true, length: TYPED_LETTER_MIN_CHARS });
    expect(checkTypedLetter("я".repeat(TYPED_LETTER_MAX_CHARS))).toMatchObject({ ok: true });
    expect(checkTypedLetter("я".repeat(TYPED_LETTER_MAX_CHARS + 1))).toEqual({
      ok: false,
      reason: "too-long",
      length: TYPED_LETTER_MAX_CHARS + 1,
    });
  });

  it("counts code points and estimates printed pages", () => {
    expect(letterLength("ё👍a")).toBe(3);
    expect(estimatePrintedPages(0)).toBe(1);
    expect(estimatePrintedPages(2500)).toBe(1);
    expect(estimatePrintedPages(2501)).toBe(2);
    expect(estimatePrintedPages(TYPED_LETTER_MAX_CHARS)).toBe(4);
  });

  it("joins parts with a blank line", () => {
    expect(joinLetterParts(["Здравствуйте!", "", "Пишу вам из Риги."])).toBe("Здравствуйте!\n\nПишу вам из Риги.");
  });

  it("knows Russian from Latin-script letters", () => {
    expect(typedLetterLanguage("Здравствуйте, Пётр! Меня зовут Anna.")).toBe("ru");
    expect(typedLetterLanguage("Dear Pyotr, I live in Riga.")).toBe("en");
  });
});

describe("sanitizeLetterText", () => {
  it("removes NUL bytes, controls and bidi overrides, and says so", () => {
    const cleaned = sanitizeLetterText("При\u0000вет\u0007,\u202e мир\u200b!");
    expect(cleaned).toEqual({ text: "Привет, мир!", removedEmoji: false, removedInvisible: true });
  });

  it("normalises line breaks, tabs, trailing spaces and blank lines", () => {
    const cleaned = sanitizeLetterText("\r\n\r\nПервая строка   \r\nвторая\tстрока\r\r\r\r\nтретья\u2028четвёртая\n\n");
    expect(cleaned.text).toBe("Первая строка\nвторая    строка\n\nтретья\nчетвёртая");
    expect(cleaned.removedInvisible).toBe(false);
  });

  it("drops emoji (the print font has none) and says so", () => {
    const cleaned = sanitizeLetterText("Обнимаю 🤗! Кот 🐈‍⬛ спит. 👍🏽 ❤️ 🇷🇺\n🙂 Привет 1️⃣");
    expect(cleaned).toEqual({ text: "Обнимаю! Кот спит.\nПривет 1", removedEmoji: true, removedInvisible: false });
  });

  it("keeps ordinary punctuation, Cyrillic and Latin", () => {
    const text = "«Ёлки» — 100% (см. стр. 2); e-mail? Nope: ‘quotes’ & …";
    expect(sanitizeLetterText(text)).toEqual({ text, removedEmoji: false, removedInvisible: false });
  });

  it("turns text of only emoji or invisible characters into nothing", () => {
    expect(sanitizeLetterText("🙂\u0000 \n\u200b").text).toBe("");
  });
});

describe("sanitizeSignature", () => {
  it("gives one clean line, or a reason", () => {
    expect(sanitizeSignature("  Анна\n из\tРиги \u0000")).toEqual({ ok: true, name: "Анна из Риги" });
    expect(sanitizeSignature(" 🙂 ")).toEqual({ ok: false, reason: "empty" });
    expect(sanitizeSignature("А".repeat(41))).toEqual({ ok: false, reason: "too-long" });
  });
});
