import { beforeAll, describe, expect, it } from "vitest";
import { Prisma } from "../../src/generated/prisma/client.js";
import { applyPrisonerImport } from "../../src/db/repositories/prisoner-import.js";
import {
  browsePrisoners,
  listFacetValues,
  nameSearchSql,
  searchableQuery,
  searchPrisonersByName,
  waitingPrisoners,
} from "../../src/db/repositories/search.js";
import { getStats, incrementCounter } from "../../src/db/repositories/stats.js";
import { parsePrisonerRecord } from "../../src/domain/prisoner-record.js";
import { isolatedDatabaseForSuite } from "../helpers/db.js";
import { prisonerRecord } from "../helpers/prisoner-records.js";

const db = isolatedDatabaseForSuite();
beforeAll(async () => {
  const people = [
    prisonerRecord("s-1", { lastName: "Иванова", firstName: "Анна", patronymic: "Сергеевна", lastNameLatin: "Ivanova", firstNameLatin: "Anna", patronymicLatin: "Sergeevna", interests: ["books", "music"], views: ["anti-war"], professionEn: "teacher", professionRu: "учитель", region: "Москва", regionEn: "Moscow", lettersCount: 3 }),
    prisonerRecord("s-2", { lastName: "Иванов", firstName: "Дмитрий", patronymic: "Олегович", lastNameLatin: "Ivanov", firstNameLatin: "Dmitriy", patronymicLatin: "Olegovich", interests: ["sport"], views: ["faith"], professionEn: "engineer", professionRu: "инженер", region: "Москва", regionEn: "Moscow", lettersCount: 0 }),
    prisonerRecord("s-3", { lastName: "Светлячков", firstName: "Фёдор", patronymic: "Павлович", lastNameLatin: "Svetlyachkov", firstNameLatin: "Fyodor", patronymicLatin: "Pavlovich", interests: ["games"], views: ["anti-war", "journalists"], professionEn: "journalist", professionRu: "журналист", region: "Калининградская область", regionEn: null }),
    prisonerRecord("s-4", { lastName: "Ёлкина", firstName: "Юлия", patronymic: null, lastNameLatin: "Yolkina", firstNameLatin: "Yuliya", patronymicLatin: null, canReceiveLetters: false, cannotReceiveReason: "asked_privacy", postalAddress: null, views: ["faith"], professionEn: "teacher", professionRu: "учительница" }),
    ...Array.from({ length: 7 }, (_, i) =>
      prisonerRecord(`s-p${i}`, { lastName: `Пеструхин${"а".repeat(i % 2)}`, firstName: ["Лев", "Ян", "Ия", "Ада", "Ной", "Ева", "Рем"][i]!, lastNameLatin: `Pestrukhin${"a".repeat(i % 2)}`, firstNameLatin: ["Lev", "Yan", "Iya", "Ada", "Noy", "Eva", "Rem"][i]!, interests: ["crafts"], professionEn: "cook", professionRu: "повар", lettersCount: i }),
    ),
  ];
  await applyPrisonerImport(db.prisma, people.map(parsePrisonerRecord));
});

const page = (offset = 0, limit = 5) => ({ limit, offset });
const names = (r: { items: { lastNameLatin: string; firstNameLatin: string }[] }) => r.items.map((p) => `${p.firstNameLatin} ${p.lastNameLatin}`);

describe("search by name", () => {
  it("finds Cyrillic names typed in Latin letters and the other way round, best match first", async () => {
    expect(names(await searchPrisonersByName(db.prisma, "Ivanova", page()))[0]).toBe("Anna Ivanova");
    expect(names(await searchPrisonersByName(db.prisma, "Иванова", page()))[0]).toBe("Anna Ivanova");
    expect(names(await searchPrisonersByName(db.prisma, "Ivanov", page()))[0]).toBe("Dmitriy Ivanov");
    expect(names(await searchPrisonersByName(db.prisma, "иванов", page()))[0]).toBe("Dmitriy Ivanov");
    // Another transliteration scheme and the letter ё.
    expect(names(await searchPrisonersByName(db.prisma, "Fedor Svetlyachkov", page()))[0]).toBe("Fyodor Svetlyachkov");
    expect(names(await searchPrisonersByName(db.prisma, "Елкина", page()))[0]).toBe("Yuliya Yolkina");
    expect(names(await searchPrisonersByName(db.prisma, "Dmitry Ivanov", page()))[0]).toBe("Dmitriy Ivanov");
  });

  it("tolerates typos", async () => {
    expect(names(await searchPrisonersByName(db.prisma, "Svetlyachkof", page()))[0]).toBe("Fyodor Svetlyachkov");
    expect(names(await searchPrisonersByName(db.prisma, "Светлячков", page()))[0]).toBe("Fyodor Svetlyachkov");
    expect(names(await searchPrisonersByName(db.prisma, "Светлчков", page()))[0]).toBe("Fyodor Svetlyachkov");
    expect(names(await searchPrisonersByName(db.prisma, "Ivanva", page()))).toContain("Anna Ivanova");
    expect((await searchPrisonersByName(db.prisma, "Zzyzx Qwerty", page())).total).toBe(0);
  });

  it("pages through many matches and reports the total past the end", async () => {
    const first = await searchPrisonersByName(db.prisma, "Pestrukhin", page(0, 3));
    expect(first.total).toBe(7);
    const all = [first, await searchPrisonersByName(db.prisma, "Pestrukhin", page(3, 3)), await searchPrisonersByName(db.prisma, "Pestrukhin", page(6, 3))];
    const ids = all.flatMap((r) => r.items.map((p) => p.externalId));
    expect(ids).toHaveLength(7);
    expect(new Set(ids).size).toBe(7);
    const past = await searchPrisonersByName(db.prisma, "Pestrukhin", page(30, 3));
    expect(past).toEqual({ total: 7, items: [] });
  });

  it("treats SQL and markup characters as plain text and ignores what is not a letter", async () => {
    expect(searchableQuery("'; DROP TABLE prisoners; --")).toBe("drop table prisoners");
    expect((await searchPrisonersByName(db.prisma, "'; DROP TABLE prisoners; --", page())).total).toBe(0);
    expect(await db.prisma.prisoner.count()).toBe(11);
    expect(names(await searchPrisonersByName(db.prisma, "<b>Ivanova</b>", page()))[0]).toBe("Anna Ivanova");
    expect(names(await searchPrisonersByName(db.prisma, "*_Ivanova_*%", page()))[0]).toBe("Anna Ivanova");
    expect(await searchPrisonersByName(db.prisma, "%%%", page())).toEqual({ total: 0, items: [] });
    expect(await searchPrisonersByName(db.prisma, "😀😀", page())).toEqual({ total: 0, items: [] });
    expect((await searchPrisonersByName(db.prisma, "Ivanova ".repeat(500), page())).total).toBeGreaterThanOrEqual(0);
  });
});

describe("browse", () => {
  it("by interest, views, profession and region, waiting people first", async () => {
    // Reachable people first, whatever their letters.
    expect(names(await browsePrisoners(db.prisma, "interest", "books", page()))).toEqual(["Anna Ivanova", "Yuliya Yolkina"]);
    const faith = await browsePrisoners(db.prisma, "view", "faith", page());
    // Reachable before unreachable.
    expect(names(faith)).toEqual(["Dmitriy Ivanov", "Yuliya Yolkina"]);
    expect(names(await browsePrisoners(db.prisma, "profession", "journalist", page()))).toEqual(["Fyodor Svetlyachkov"]);
    expect((await browsePrisoners(db.prisma, "region", "Москва", page())).total).toBe(2);
    const cooks = await browsePrisoners(db.prisma, "profession", "cook", page(0, 10));
    expect(cooks.items.map((p) => p.lettersCount)).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it("lists the values of each facet with counts", async () => {
    const views = await listFacetValues(db.prisma, "view");
    expect(views.find((v) => v.value === "anti-war")?.count).toBe(9);
    const professions = await listFacetValues(db.prisma, "profession");
    expect(professions[0]).toEqual({ value: "cook", labelRu: "повар", labelEn: "cook", count: 7 });
    const regions = await listFacetValues(db.prisma, "region");
    expect(regions.find((r) => r.value === "Калининградская область")).toMatchObject({ labelEn: null, count: 1 });
  });

  it("offers waiting people for an empty inline query", async () => {
    const waiting = await waitingPrisoners(db.prisma, page(0, 3));
    expect(waiting.items.every((p) => p.canReceiveLetters)).toBe(true);
    expect(waiting.items[0]?.lettersCount).toBe(0);
  });
});

describe("on 10,000 prisoners", () => {
  const big = isolatedDatabaseForSuite();
  beforeAll(async () => {
    // Generated in SQL: importing 10,000 rows through Prisma takes too long for a unit test. The
    // names are plain Latin, so search_name is just their lower case (as searchNameFor makes it).
    // The same query on a table of tiny rows would be a cheap sequential scan, hence real-sized rows.
    await big.prisma.$executeRawUnsafe(`
      WITH syl AS (SELECT ARRAY['ka','ro','vi','na','le','mo','za','tu','be','shi','dro','pla','gor','sen','tav','lin'] AS s),
      gen AS (
        SELECT i,
          s[1 + (i * 7919) % 16] || s[1 + (i * 7919 / 16) % 16] || s[1 + (i * 7919 / 256) % 16] || s[1 + (i * 7919 / 4096) % 16] || 'ov' AS last,
          s[1 + (i * 104729) % 16] || s[1 + (i * 104729 / 16) % 16] AS first
        FROM generate_series(0, 9999) AS i, syl)
      INSERT INTO prisoners (external_id, last_name, first_name, last_name_latin, first_name_latin, search_name, birth_date,
        region, facility_name, postal_address, can_receive_letters, case_summary_ru, case_summary_en, letters_count, updated_at)
      SELECT 'big-' || i, 'Тест', 'Тест', initcap(last), initcap(first), last || ' ' || first, DATE '1980-01-01' + (i % 9000),
        'Регион ' || (i % 80), 'ИК-' || (i % 300), 'адрес', true,
        -- Case summaries of a realistic size (incompressible), so the table has realistic pages.
        (SELECT string_agg(md5(i::text || '-' || k), ' ') FROM generate_series(1, 20) AS k),
        (SELECT string_agg(md5(k || '-' || i::text), ' ') FROM generate_series(1, 20) AS k),
        CASE WHEN i % 50 = 0 THEN 0 ELSE 1 + i % 40 END, now()
      FROM gen`);
    await big.prisma.$executeRawUnsafe("ANALYZE prisoners");
  }, 120_000);

  async function plan(sql: Prisma.Sql): Promise<string> {
    const rows = await big.prisma.$queryRaw<{ "QUERY PLAN": string }[]>(Prisma.sql`EXPLAIN ${sql}`);
    return rows.map((r) => r["QUERY PLAN"]).join("\n");
  }

  it("the name search uses the trigram index", async () => {
    const text = await plan(nameSearchSql(searchableQuery("Karoviov"), { limit: 5, offset: 0 }));
    expect(text).toContain("prisoners_search_name_trgm_idx");
    expect(text).not.toMatch(/Seq Scan on prisoners/);
    // And it still finds a typo'd name among 10,000.
    const target = await big.prisma.prisoner.findUniqueOrThrow({ where: { externalId: "big-1234" } });
    const typo = target.lastNameLatin.slice(0, 3) + target.lastNameLatin.slice(4);
    const found = await searchPrisonersByName(big.prisma, `${target.firstNameLatin} ${typo}`, { limit: 5, offset: 0 });
    expect(found.items.map((p) => p.externalId)).toContain("big-1234");
  });

  it("'waiting for a first letter' is counted from the (canReceiveLetters, lettersCount) index", async () => {
    const text = await plan(Prisma.sql`SELECT count(*) FROM prisoners WHERE can_receive_letters AND letters_count = 0`);
    expect(text).toContain("prisoners_can_receive_letters_letters_count_idx");
    await incrementCounter(big.prisma, "letters_written", 5);
    expect(await getStats(big.prisma)).toMatchObject({ lettersWritten: 5, waitingForFirstLetter: 200 });
  });
});
