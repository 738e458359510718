import { describe, expect, it } from "vitest";
import { createI18n } from "../../../src/messages/i18n.js";
import { ageOn, prisonerCardKeyboard, prisonerCardText, type CardPrisoner } from "../../../src/messages/views/prisoner-card.js";

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
  cannotReceiveReason: null,
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

  it("English, from a Russian-only list: the Russian texts, marked as such", () => {
    const text = prisonerCardText(tr("en"), "en", { ...prisoner, caseSummaryEn: null, sentenceRu: "6 лет колонии" }, new Date("2025-03-01T00:00:00Z"));
    expect(text).toContain("Persecuted for:</b> Пост &lt;b&gt;против&lt;/b&gt; войны\n<i>We only have this in Russian for now. You can still write in English: we translate every letter before it is posted.</i>");
    expect(text).toContain("Sentence:</b> 6 лет колонии (in Russian)");
    // An English sentence is preferred when there is one.
    expect(prisonerCardText(tr("en"), "en", { ...prisoner, sentenceRu: "6 лет", sentenceEn: "6 years" }, new Date())).toContain("Sentence:</b> 6 years\n");
  });

  it.each(["identity_protected", "asked_privacy"] as const)("never says where a person is held when the reason is %s", (reason) => {
    for (const locale of ["ru", "en"] as const) {
      const text = prisonerCardText(tr(locale), locale, { ...prisoner, cannotReceiveReason: reason }, new Date("2025-03-01T00:00:00Z"));
      expect(text).not.toMatch(/СИЗО|Коми|komi|Where held|Где находится/i);
      expect(text).toContain(locale === "ru" ? "\n35 лет\n" : "\n35 years old\n");
    }
  });

  it("a released person: the region, not the facility they left", () => {
    const text = prisonerCardText(tr("ru"), "ru", { ...prisoner, cannotReceiveReason: "released" }, new Date("2025-03-01T00:00:00Z"));
    expect(text).toContain("35 лет · Республика Коми");
    expect(text).not.toContain("СИЗО");
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
