import { randomBytes } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import type { PrisonerInput } from "../../../src/domain/prisoner-record.js";
import { normalizeName } from "../../../src/domain/names.js";
import { upsertPrisoners } from "../../../src/db/repositories/prisoners.js";
import { createTestPrisma } from "../../helpers/db.js";

const prisma = createTestPrisma();
afterAll(() => prisma.$disconnect());

const run = randomBytes(4).toString("hex");

function person(n: number, overrides: Partial<PrisonerInput> = {}): PrisonerInput {
  return {
    externalId: `t-${run}-${n}`,
    lastName: "Пробный",
    firstName: "Тест",
    patronymic: "Иванович",
    lastNameLatin: "Probny",
    firstNameLatin: "Test",
    patronymicLatin: "Ivanovich",
    birthDate: new Date("1985-04-23T00:00:00Z"),
    region: "Пермский край",
    regionEn: "Perm Krai",
    facilityName: "ФКУ ИК-77 УФСИН России по Пермскому краю",
    postalAddress: "614000, Пермский край, г. Пермь, ул. Примерная, д. 1, ФКУ ИК-77",
    canReceiveLetters: true,
    cannotReceiveReason: null,
    releasedAt: null,
    caseSummaryRu: "Вымышленное дело для теста.",
    caseSummaryEn: "A made-up case for a test.",
    articles: ["ч. 1 ст. 207.3 УК РФ"],
    sentenceRu: "3 года колонии общего режима",
    sentenceEn: "3 years in a general-regime penal colony",
    inCustodySince: new Date("2023-01-10T00:00:00Z"),
    interests: ["books"],
    views: ["anti-war"],
    professionRu: "инженер",
    professionEn: "engineer",
    ...overrides,
  };
}

describe("upsertPrisoners", () => {
  it("creates new people with a search name and the initial letters count", async () => {
    const result = await upsertPrisoners(prisma, [person(1, { lettersCount: 7 }), person(2)]);
    expect(result).toMatchObject({ created: 2, updated: 0, unchanged: 0 });
    const p1 = await prisma.prisoner.findUniqueOrThrow({ where: { externalId: `t-${run}-1` } });
    expect(p1.lettersCount).toBe(7);
    expect(p1.searchName).toBe("probny test ivanovich");
    expect(p1.birthDate.toISOString()).toBe("1985-04-23T00:00:00.000Z");
  });

  it("writes nothing when the same rows come again", async () => {
    const before = await prisma.prisoner.findUniqueOrThrow({ where: { externalId: `t-${run}-1` } });
    const result = await upsertPrisoners(prisma, [person(1, { lettersCount: 99 }), person(2)]);
    expect(result).toEqual({ created: 0, updated: 0, unchanged: 2, changes: [] });
    const after = await prisma.prisoner.findUniqueOrThrow({ where: { externalId: `t-${run}-1` } });
    expect(after.updatedAt).toEqual(before.updatedAt);
    expect(after.lettersCount).toBe(7); // Lifeline's own counter is never overwritten by an import
  });

  it("updates changed fields and reports them with the previous row (release, transfer)", async () => {
    const result = await upsertPrisoners(prisma, [
      person(1, {
        canReceiveLetters: false,
        cannotReceiveReason: "released",
        releasedAt: new Date("2025-02-01T00:00:00Z"),
        postalAddress: null,
      }),
      person(2, { facilityName: "ФКУ ИК-78 УФСИН России по Пермскому краю", interests: ["books", "chess"] }),
    ]);
    expect(result).toMatchObject({ created: 0, updated: 2, unchanged: 0 });
    const [released, moved] = result.changes;
    expect(released).toMatchObject({
      kind: "updated",
      changedFields: ["postalAddress", "canReceiveLetters", "cannotReceiveReason", "releasedAt"],
      previous: { canReceiveLetters: true },
      prisoner: { canReceiveLetters: false, cannotReceiveReason: "released" },
    });
    expect(moved).toMatchObject({ kind: "updated", changedFields: ["facilityName", "interests"] });
  });

  it("refuses duplicate external ids in one call", async () => {
    await expect(upsertPrisoners(prisma, [person(3), person(3)])).rejects.toThrow(/duplicate externalId/);
    expect(await prisma.prisoner.count({ where: { externalId: `t-${run}-3` } })).toBe(0);
  });

  it("search_name finds Cyrillic names from Latin queries and misspellings with pg_trgm", async () => {
    await upsertPrisoners(prisma, [
      person(10, { lastName: "Заозёрская", firstName: "Ксения", patronymic: "Петровна", lastNameLatin: "Zaozerskaya", firstNameLatin: "Kseniya", patronymicLatin: "Petrovna" }),
    ]);
    for (const query of ["Zaozerskaya", "Заозерская", "Zaozyorskaia", "Zaozerskja", "Ksenia Zaozerskaya"]) {
      const rows = await prisma.$queryRaw<{ external_id: string }[]>`
        SELECT external_id FROM prisoners
        WHERE ${normalizeName(query)} <% search_name
        ORDER BY word_similarity(${normalizeName(query)}, search_name) DESC LIMIT 3`;
      expect(rows.map((r) => r.external_id), query).toContain(`t-${run}-10`);
    }
  });

  it("the trigram GIN index serves word-similarity search", async () => {
    const plan = await prisma.$transaction(async (tx) => {
      // The test table is tiny; forbid the sequential scan to see that the index can answer.
      await tx.$executeRaw`SET LOCAL enable_seqscan = off`;
      return tx.$queryRaw<{ "QUERY PLAN": string }[]>`
        EXPLAIN SELECT id FROM prisoners WHERE ${"ivanova"} <% search_name`;
    });
    expect(plan.map((r) => r["QUERY PLAN"]).join("\n")).toContain("prisoners_search_name_trgm_idx");
  });
});
