import { describe, expect, it } from "vitest";
import type { LetterForCard } from "../../../src/db/repositories/moderation.js";
import { createI18n } from "../../../src/messages/i18n.js";
import { cardHeader } from "../../../src/messages/views/moderation-card.js";

const i18n = createI18n();
const t = (key: string, params?: Record<string, string | number>) => i18n.t("ru", key, params);

function letter(text: string | null, precheckWarnings: unknown[]): LetterForCard {
  return {
    id: 7, code: "AB12CD", kind: text === null ? "handwritten" : "typed", text, language: "ru", needsTranslation: false, translationText: null,
    precheckWarnings, status: "submitted", pages: [], specificRequest: null, _count: { statusEvents: 1 },
    prisoner: { lastName: "Примеров", firstName: "Пётр", patronymic: null, facilityName: "ИК-1" },
  } as unknown as LetterForCard;
}

describe("moderation card: the warnings the writer sent anyway", () => {
  it("quotes the fragments, found again in the text (only the codes are stored)", () => {
    const header = cardHeader(t, letter("Добрый день! Позвоните моей маме: +7 900 123-45-67, она ждёт.", [{ code: "phone" }]));
    expect(header).toContain("Проверка нашла");
    expect(header).toMatch(/телефон[^\n]*: «\+7 900 123-45-67»/);
  });

  it("shows a stored code without fragments when the text no longer has them (rules changed, text deleted)", () => {
    const header = cardHeader(t, letter(null, [{ code: "phone" }]));
    const line = header.split("\n").find((l) => l.startsWith("• "));
    expect(line).toBeDefined();
    expect(line).not.toContain("«");
  });

  it("a letter with no warnings says so", () => {
    expect(cardHeader(t, letter("Здравствуйте!", []))).not.toContain("Проверка нашла");
  });
});
