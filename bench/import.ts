// Prisoner import speed: N realistic rows (default 10,000; `tsx bench/import.ts 20000`) imported
// through the same function as `npm run cli -- prisoners import` — a first import (all new), the
// same list again (nothing to write) and the list with 10% of the rows changed (a new sentence,
// some transfers and releases). Runs in a scratch database on the DATABASE_URL server, dropped at the end.
import { randomBytes } from "node:crypto";
import { report } from "./_report.js";
import { createPrisma } from "../src/db/client.js";
import { DEFAULT_DATABASE_URL, applyMigrations, dropDatabase, withDatabase } from "../src/db/migrate.js";
import { applyPrisonerImport } from "../src/db/repositories/prisoner-import.js";
import type { PrisonerInput } from "../src/domain/prisoner-record.js";

const N = Number(process.argv[2] ?? 10_000);
const INTERESTS = ["books", "music", "cinema", "art", "history", "science", "sport", "nature", "travel", "cooking", "faith", "languages", "poetry", "games", "technology", "crafts"];
const VIEWS = ["anti-war", "faith", "journalists", "students", "artists", "opposition", "human-rights", "environment", "scientists", "lawyers"];
const LAST = ["Иванов", "Петров", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Козлов", "Новиков", "Морозов", "Волков", "Алексеев"];
const LAST_LATIN = ["Ivanov", "Petrov", "Smirnov", "Kuznetsov", "Popov", "Sokolov", "Lebedev", "Kozlov", "Novikov", "Morozov", "Volkov", "Alekseev"];
const FIRST = ["Алексей", "Мария", "Дмитрий", "Анна", "Сергей", "Ольга", "Игорь", "Елена"];
const FIRST_LATIN = ["Aleksei", "Mariya", "Dmitrii", "Anna", "Sergei", "Olga", "Igor", "Elena"];

const url = withDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, `lifeline_bench_${randomBytes(4).toString("hex")}`);

function pick<T>(list: readonly T[], i: number): T {
  return list[i % list.length]!;
}

function row(i: number): PrisonerInput {
  const reachable = i % 3 !== 0;
  return {
    externalId: `bench-${i}`,
    lastName: pick(LAST, i),
    firstName: pick(FIRST, i * 7),
    patronymic: i % 5 === 0 ? null : "Сергеевич",
    lastNameLatin: pick(LAST_LATIN, i),
    firstNameLatin: pick(FIRST_LATIN, i * 7),
    patronymicLatin: i % 5 === 0 ? null : "Sergeevich",
    birthDate: new Date(Date.UTC(1950 + (i % 50), i % 12, 1 + (i % 28))),
    region: "Пермский край",
    regionEn: "Perm Krai",
    facilityName: `ФКУ ИК-${i % 90} УФСИН России`,
    postalAddress: reachable ? `614000, г. Пермь, ул. Примерная, д. ${i}` : null,
    canReceiveLetters: reachable,
    cannotReceiveReason: reachable ? null : "no_address",
    releasedAt: null,
    caseSummaryRu: `Дело №${i}: пост против войны в социальной сети, обвинение в «фейках» об армии.`.repeat(3),
    caseSummaryEn: `Case #${i}: a post against the war on social media, charged with "fakes" about the army.`.repeat(3),
    articles: ["ч. 2 ст. 207.3 УК РФ"],
    sentenceRu: "6 лет колонии",
    sentenceEn: "6 years in a penal colony",
    inCustodySince: new Date(Date.UTC(2022, i % 12, 1)),
    interests: INTERESTS.filter((_, k) => (i + k) % 5 === 0),
    views: [pick(VIEWS, i)],
    professionRu: "учитель",
    professionEn: "teacher",
  };
}

/** 10% of the rows changed: mostly a new sentence, every tenth of those a transfer, every twentieth a release. */
function changed(r: PrisonerInput, i: number): PrisonerInput {
  if (i % 10 !== 0) return r;
  const k = i / 10;
  if (r.canReceiveLetters && k % 20 === 1) {
    return { ...r, canReceiveLetters: false, cannotReceiveReason: "released", releasedAt: new Date(Date.UTC(2026, 0, 15)), postalAddress: null };
  }
  if (r.canReceiveLetters && k % 10 === 2) return { ...r, facilityName: `${r.facilityName} (перевод)`, postalAddress: `${r.postalAddress} (новый)` };
  return { ...r, sentenceRu: "7 лет колонии", sentenceEn: "7 years in a penal colony" };
}

async function main(): Promise<void> {
  await applyMigrations(url);
  const prisma = createPrisma(url, { max: 4 });
  try {
    const rows = Array.from({ length: N }, (_, i) => row(i));
    const results: Record<string, string | number>[] = [];
    async function measure(scenario: string, list: PrisonerInput[]): Promise<void> {
      const t0 = performance.now();
      const outcome = await applyPrisonerImport(prisma, list);
      const seconds = (performance.now() - t0) / 1000;
      results.push({
        scenario,
        rows: list.length,
        created: outcome.created,
        updated: outcome.updated,
        unchanged: outcome.unchanged,
        seconds: Number(seconds.toFixed(2)),
        "rows/s": Math.round(list.length / seconds),
      });
    }
    await measure("first import (all new)", rows);
    await measure("re-import unchanged", rows);
    await measure("10% changed", rows.map((r, i) => changed(r, i)));
    console.table(results);
    for (const r of results) {
      report({ id: `import.${String(r.scenario).replace(/[^a-z0-9]+/gi, "-")}`, benchmark: "prisoner list import", measure: `${r.scenario}, ${r.rows} people`, value: Number(r["rows/s"]), unit: "rows/s" });
    }
  } finally {
    await prisma.$disconnect();
    await dropDatabase(url);
  }
}

await main();
