// How search and /stats slow down as Lifeline grows (issue 13): one scratch database grown step by
// step from 1,500 prisoners and 100,000 letters to 15,000 prisoners and 1,000,000 letters (rows
// appended between steps, then ANALYZE; bench/_db-fixture.ts), dropped at the end.
//
// At each size, 50 calls of each (median and p95, shown as information rows):
// - search: the bot's name search (searchPrisonersByName, a page of SEARCH_PAGE_SIZE), typed queries
//   in Cyrillic and Latin, with typos, a very common surname and a name nobody has;
// - browse: a tap on an interest (listFacetValues to resolve the button, then browsePrisoners);
// - /stats: getStats, what /stats and /start show.
// Goal at the largest size: search p95 <= 50 ms, browse p95 <= 100 ms and /stats p95 <= 200 ms.
import { getStats } from "../src/db/repositories/stats.js";
import { browsePrisoners, listFacetValues, searchPrisonersByName } from "../src/db/repositories/search.js";
import { SEARCH_PAGE_SIZE, facetValueKey } from "../src/domain/search.js";
import { latinName } from "../src/domain/names.js";
import { addLetters, addPrisoners, addWriters, analyze, openScratch, personName } from "./_db-fixture.js";
import { sample, summarize, ms, type Summary } from "./_latency.js";
import { report } from "./_report.js";

const STEPS = [
  { prisoners: 1_500, letters: 100_000 },
  { prisoners: 3_000, letters: 200_000 },
  { prisoners: 7_500, letters: 500_000 },
  { prisoners: 15_000, letters: 1_000_000 },
];
/** About 25 letters per writer. */
const LETTERS_PER_WRITER = 25;
const CALLS = 50;
const GOALS = { search: 50, browse: 100, stats: 200 } as const;
const BENCHMARK = "growth";
const LABELS = { search: "name search", browse: "browse by interest", stats: "/stats" } as const;

/** Queries people type: names of fixture people (present from the first step), misspelt or not. */
function queries(): string[] {
  const a = personName(17), b = personName(404), c = personName(1_111), d = personName(1_499);
  return [
    `${a.lastName} ${a.firstName}`,
    b.lastName,
    latinName(c.lastName),
    `${d.firstName} ${d.lastName.slice(0, -2)}`, // the ending left off
    b.lastName.slice(0, 2) + b.lastName.slice(3), // a letter dropped
    `${latinName(a.firstName)} ${latinName(a.lastName)}`,
    "Иванов", // the most common surname of the list
    "Zzyzx Qwerty", // nobody
  ];
}

async function main(): Promise<void> {
  const s = await openScratch(4);
  const { prisma } = s;
  const qs = queries();
  const table: Record<string, string | number>[] = [];
  const last: Partial<Record<keyof typeof LABELS, Summary>> = {};
  const started = performance.now();
  let fixtureSeconds = 0;
  try {
    for (const step of STEPS) {
      const t0 = performance.now();
      await addPrisoners(s, step.prisoners);
      await addWriters(s, Math.ceil(step.letters / LETTERS_PER_WRITER));
      await addLetters(s, step.letters);
      await analyze(s);
      const grow = (performance.now() - t0) / 1000;
      fixtureSeconds += grow;

      const interests = await listFacetValues(prisma, "interest");
      const subjects = {
        search: async (k: number) => {
          const page = await searchPrisonersByName(prisma, qs[k % qs.length]!, { limit: SEARCH_PAGE_SIZE, offset: 0 });
          if (k % qs.length === 0 && page.total === 0) throw new Error(`search found nobody for "${qs[0]}"`);
        },
        browse: async (k: number) => {
          const key = facetValueKey(interests[k % interests.length]!.value);
          const value = (await listFacetValues(prisma, "interest")).find((v) => facetValueKey(v.value) === key);
          if (!value) throw new Error(`interest ${key} vanished`);
          await browsePrisoners(prisma, "interest", value.value, { limit: SEARCH_PAGE_SIZE, offset: (k % 3) * SEARCH_PAGE_SIZE });
        },
        stats: async () => {
          const stats = await getStats(prisma);
          if (stats.lettersWritten !== step.letters) throw new Error(`/stats says ${stats.lettersWritten} letters, not ${step.letters}`);
        },
      };
      const row: Record<string, string | number> = { prisoners: step.prisoners, letters: step.letters, "grow s": Number(grow.toFixed(1)) };
      const size = `${step.prisoners / 1000}k prisoners, ${step.letters / 1000}k letters`.replace("1.5k", "1,500");
      for (const name of Object.keys(subjects) as (keyof typeof subjects)[]) {
        await sample(subjects[name], 10, 1); // warm-up
        const t = summarize(await sample(subjects[name], CALLS, 1));
        last[name] = t;
        row[`${name} p50`] = Number(ms(t.p50));
        row[`${name} p95`] = Number(ms(t.p95));
        const id = `growth.${name}.${step.prisoners}p`;
        report({ id, benchmark: BENCHMARK, measure: `${LABELS[name]} p95, ${size}`, value: t.p95, unit: "ms" });
        report({ id: `${id}.p50`, benchmark: BENCHMARK, measure: `${LABELS[name]} median, ${size}`, value: t.p50, unit: "ms" });
      }
      table.push(row);
      if (step === STEPS.at(-1)) {
        // Which queries make the p95: each one alone, median of 5.
        for (const q of qs) {
          const t = summarize(await sample(() => searchPrisonersByName(prisma, q, { limit: SEARCH_PAGE_SIZE, offset: 0 }), 5, 1));
          const { total } = await searchPrisonersByName(prisma, q, { limit: 1, offset: 0 });
          console.log(`  search "${q}": ${total} found, median ${ms(t.p50)} ms`);
        }
      }
    }
    console.table(table);
    const biggest = STEPS.at(-1)!;
    for (const name of Object.keys(GOALS) as (keyof typeof GOALS)[]) {
      report({
        id: `growth.${name}.largest`,
        benchmark: BENCHMARK,
        measure: `${LABELS[name]} p95 at the largest size (${biggest.prisoners} prisoners, ${biggest.letters / 1e6}M letters)`,
        value: last[name]!.p95,
        unit: "ms",
        goal: { on: "value", op: "<=", target: GOALS[name] },
      });
    }
    console.log(`growth took ${((performance.now() - started) / 1000).toFixed(0)} s (${fixtureSeconds.toFixed(0)} s of it inserting rows)`);
  } finally {
    await s.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
