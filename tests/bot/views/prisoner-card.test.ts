import { describe, expect, it } from "vitest";
import { createI18n } from "../../../src/bot/i18n.js";
import { decodeContinuation, encodeContinuation, type RulesContinuation } from "../../../src/bot/views/rules.js";
import { ageOn, prisonerCardKeyboard, prisonerCardText, type CardPrisoner } from "../../../src/bot/views/prisoner-card.js";

const i18n = createI18n();
const tr = (locale: string) => (key: string, params?: Record<string, string | number>) => i18n.t(locale, key, params);

const prisoner: CardPrisoner = {
  id: 42,
  lastName: "Пряникова",
  firstName: "Ольга",
  patronymic: null,
  lastNameLatin: "Pryanikova",
  firstNameLatin: "Olga",
  patronymicLatin: null,
  birthDate: new Date("1990-02-28T00:00:00Z"),
  region: "Республика Коми",
  regionEn: null,
  facilityName: "ФКУ СИЗО-1 <Коми> & Ко",
  caseSummaryRu: "Пост <b>против</b> войны",
  caseSummaryEn: "A post <b>against</b> the war",
  articles: ["ч. 1 ст. 282.2 УК РФ"],
  sentenceRu: null,
  sentenceEn: null,
  inCustodySince: null,
  interests: ["crafts", "unknown-key", "books"],
  lettersCount: 0,
};

describe("prisoner card", () => {
  it("escapes every value and leaves out what is unknown", () => {
    const text = prisonerCardText(tr("ru"), "ru", prisoner, new Date("2025-02-27T12:00:00Z"));
    expect(text).toContain("<b>Пряникова Ольга</b>");
    expect(text).toContain("34 года · Республика Коми");
    expect(text).toContain("ФКУ СИЗО-1 &lt;Коми&gt; &amp; Ко");
    expect(text).toContain("Пост &lt;b&gt;против&lt;/b&gt; войны");
    expect(text).toContain("Приговор:</b> пока не вынесен");
    expect(text).not.toContain("Под стражей");
    expect(text).toContain("Книги, Рукоделие");
    expect(text).toContain("ваше станет первым");
  });

  it("English: Latin name first, a transliterated region when there is no English one", () => {
    const text = prisonerCardText(tr("en"), "en", prisoner, new Date("2025-02-28T00:00:00Z"));
    expect(text.split("\n")[0]).toBe("<b>Olga Pryanikova</b>");
    expect(text).toContain("In Russian: Пряникова Ольга");
    expect(text).toContain("35 years old · Respublika komi");
    expect(text).toContain("A post &lt;b&gt;against&lt;/b&gt; the war");
  });

  it("counts full years", () => {
    expect(ageOn(new Date("2000-03-01T00:00:00Z"), new Date("2025-02-28T23:00:00Z"))).toBe(24);
    expect(ageOn(new Date("2000-03-01T00:00:00Z"), new Date("2025-03-01T00:00:00Z"))).toBe(25);
  });

  it("adds the charges button by itself, and only the actions asked for", () => {
    const rows = prisonerCardKeyboard(tr("en"), "en", prisoner, { write: "x:1" }).inline_keyboard;
    expect(rows.flat().map((b) => b.text)).toEqual(["✉️ Write to Olga Pryanikova", "❓ About the charges"]);
    const plain = prisonerCardKeyboard(tr("ru"), "ru", { ...prisoner, articles: ["ч. 2 ст. 207.3 УК РФ"] }, { back: { data: "b" } });
    expect(plain.inline_keyboard.flat().map((b) => b.text)).toEqual(["‹ Назад"]);
  });
});

describe("rules continuation", () => {
  it.each<RulesContinuation>([
    { kind: "menu" },
    { kind: "assignment" },
    { kind: "letter", prisonerId: 12 },
    { kind: "letter", prisonerId: 12, assignmentId: 3456789 },
    { kind: "letter", specificRequestId: 7 },
  ])("round-trips %j within callback data limits", (after) => {
    const code = encodeContinuation(after);
    expect(`rules:ok:${code}`.length).toBeLessThanOrEqual(64);
    expect(decodeContinuation(code)).toEqual(after);
  });

  it("refuses garbage", () => {
    expect(decodeContinuation("p")).toBeUndefined();
    expect(decodeContinuation("x12")).toBeUndefined();
  });
});
