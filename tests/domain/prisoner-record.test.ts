import { describe, expect, it } from "vitest";
import { prisonerRecordSchema } from "../../src/domain/prisoner-record.js";

const valid = {
  externalId: "x-1",
  lastName: "Пробный", firstName: "Тест", patronymic: "Иванович",
  lastNameLatin: "Probny", firstNameLatin: "Test", patronymicLatin: "Ivanovich",
  birthDate: "1985-04-23",
  region: "Пермский край", regionEn: "Perm Krai",
  facilityName: "ФКУ ИК-77", postalAddress: "614000, г. Пермь, ул. Примерная, д. 1",
  canReceiveLetters: true, cannotReceiveReason: null, releasedAt: null,
  caseSummaryRu: "Вымышленное дело.", caseSummaryEn: "A made-up case.",
  articles: ["ст. 275 УК РФ"], sentenceRu: null, sentenceEn: null, inCustodySince: "2024-01-31",
  interests: ["Books", "books", "music"], views: ["anti-war"], professionRu: "инженер", professionEn: "engineer",
};

function errorsOf(record: unknown): string[] {
  const r = prisonerRecordSchema.safeParse(record);
  return r.success ? [] : r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
}

describe("prisonerRecordSchema", () => {
  it("parses dates to UTC midnight and normalises tag lists", () => {
    const r = prisonerRecordSchema.parse(valid);
    expect(r.birthDate.toISOString()).toBe("1985-04-23T00:00:00.000Z");
    expect(r.interests).toEqual(["books", "music"]);
    expect(r.patronymic).toBe("Иванович");
  });

  it("reads dates as a spreadsheet in Russian writes them", () => {
    const r = prisonerRecordSchema.parse({ ...valid, birthDate: "23.04.1985", inCustodySince: " 31.01.2024 " });
    expect(r.birthDate.toISOString()).toBe("1985-04-23T00:00:00.000Z");
    expect(r.inCustodySince?.toISOString()).toBe("2024-01-31T00:00:00.000Z");
  });

  it("fills missing Latin names by transliteration and leaves a missing English summary empty", () => {
    const r = prisonerRecordSchema.parse({
      ...valid,
      lastName: "Щукина-Ёлкина", firstName: "Юлия", patronymic: "Андреевна",
      lastNameLatin: undefined, firstNameLatin: "", patronymicLatin: null, caseSummaryEn: undefined,
    });
    expect([r.lastNameLatin, r.firstNameLatin, r.patronymicLatin]).toEqual(["Shchukina-Elkina", "Yuliya", "Andreevna"]);
    expect(r.caseSummaryEn).toBeNull();
    // A Latin spelling from the list wins over ours; no patronymic, no Latin patronymic.
    const own = prisonerRecordSchema.parse({ ...valid, firstNameLatin: "Yulia", patronymic: null, patronymicLatin: null });
    expect([own.firstNameLatin, own.patronymicLatin]).toEqual(["Yulia", null]);
  });

  it.each([
    [{ birthDate: "1985-02-30" }, "birthDate: is not a real calendar date"],
    [{ birthDate: "1985/04/23" }, "birthDate: is not a date like 1990-04-23 or 23.04.1990"],
    [{ birthDate: "30.02.1985" }, "birthDate: is not a real calendar date"],
    [{ birthDate: "2999-01-01" }, "birthDate: is before 1900 or in the future"],
    [{ lastName: "  " }, "lastName: is empty"],
    [{ canReceiveLetters: false }, "cannotReceiveReason: is required when canReceiveLetters is false"],
    [{ cannotReceiveReason: "asked_privacy" }, "cannotReceiveReason: must be empty when canReceiveLetters is true"],
    [{ postalAddress: null }, "postalAddress: is required when canReceiveLetters is true"],
    [{ canReceiveLetters: false, cannotReceiveReason: "released" }, "releasedAt: is required when the reason is released"],
    [{ views: ["Anti War"] }, "views.0: must be a lower-case key like anti-war"],
    [{ nickname: "x" }, ': Unrecognized key: "nickname"'],
  ])("refuses %j", (patch, message) => {
    expect(errorsOf({ ...valid, ...patch })).toContain(message);
  });
});
