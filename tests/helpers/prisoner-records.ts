// Prisoner records in the import format (docs/prisoner-import.md), for import and search tests.
import type { PrisonerRecord } from "../../src/domain/prisoner-record.js";

/** A valid, reachable person; override any field. */
export function prisonerRecord(externalId: string, over: Partial<PrisonerRecord> = {}): PrisonerRecord {
  return {
    externalId,
    lastName: "Примеров",
    firstName: "Пётр",
    patronymic: "Петрович",
    lastNameLatin: "Primerov",
    firstNameLatin: "Pyotr",
    patronymicLatin: "Petrovich",
    birthDate: "1984-06-12",
    region: "Пермский край",
    regionEn: "Perm Krai",
    facilityName: "ФКУ ИК-28 УФСИН России по Пермскому краю",
    postalAddress: "614000, г. Пермь, ул. Примерная, д. 1",
    canReceiveLetters: true,
    cannotReceiveReason: null,
    releasedAt: null,
    caseSummaryRu: "Написал пост против войны.",
    caseSummaryEn: "Wrote a post against the war.",
    articles: ["ч. 2 ст. 207.3 УК РФ"],
    sentenceRu: "6 лет колонии",
    sentenceEn: "6 years in a penal colony",
    inCustodySince: "2023-02-01",
    interests: ["books"],
    views: ["anti-war"],
    professionRu: "учитель",
    professionEn: "teacher",
    ...over,
  };
}

export function jsonFile(records: PrisonerRecord[]): Buffer {
  return Buffer.from(JSON.stringify({ prisoners: records }, null, 2));
}
