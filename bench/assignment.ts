// Assignment draws at scale (issue 13): 1,500 prisoners (a fifth unreachable, the newest tenth with
// no letter yet), 40,000 writers, 1,000,000 letters over two years, 300,000 finished assignments
// (used, lapsed, declined) and 3,000 open ones, in a
// scratch database (bench/_db-fixture.ts) dropped at the end.
//
// Measured: assignPrisoner (src/db/repositories/assignments.ts), each call a new draw for a writer
// without an open assignment, one at a time and with 10 in flight, p50 and p95. Goal: p95 <= 10 ms
// in both. Shown beside it, measured the same way in alternating rounds: the bare indexed query a
// developer would write for "someone with the fewest letters" through the same Prisma client.
// The draw's statements are explained (auto_explain, nested statements included): the letters it
// reads must come through an index, never a sequential scan of letters; the benchmark fails if not.
import { assignPrisoner, lapseExpiredAssignments } from "../src/db/repositories/assignments.js";
import { addAssignmentHistory, addLetters, addPrisoners, addWriters, analyze, openScratch } from "./_db-fixture.js";
import { explainAll, indexesUsedOn, seqScannedTables } from "./_explain.js";
import { interleaved, ms } from "./_latency.js";
import { report } from "./_report.js";

const PRISONERS = 1_500;
const WRITERS = 40_000;
const LETTERS = 1_000_000;
const OPEN_ASSIGNMENTS = 3_000;
const GOAL_P95_MS = 10;
const BENCHMARK = "assignment at scale";
const BASELINE_LABEL = "bare indexed SELECT (fewest letters first)";

async function main(): Promise<void> {
  const s = await openScratch(12);
  const { prisma } = s;
  let failed = false;
  try {
    const started = performance.now();
    await addPrisoners(s, PRISONERS);
    await addWriters(s, WRITERS);
    await addLetters(s, LETTERS);
    await addAssignmentHistory(s);
    // Open assignments of the last writers (the others are free to draw).
    await prisma.$executeRawUnsafe(`
      INSERT INTO assignments (writer_id, prisoner_id, status, expires_at, created_at, updated_at)
      SELECT ${WRITERS} - i, 1 + (i * 31) % ${PRISONERS}, 'active', now() + random() * interval '72 hours', now(), now()
      FROM generate_series(0, ${OPEN_ASSIGNMENTS - 1}) i`);
    await analyze(s);
    console.log(`fixture: ${PRISONERS} prisoners, ${WRITERS} writers, ${LETTERS} letters, ${OPEN_ASSIGNMENTS} open assignments in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    // Every draw is a different writer with no open assignment, in a scattered order: prolific
    // writers (low ids, hundreds of letters) and occasional ones alike.
    const free = WRITERS - OPEN_ASSIGNMENTS;
    let drawn = 0;
    const nextWriter = () => 1 + ((drawn++ * 7919) % free);
    const draw = async () => {
      const writerId = nextWriter();
      const result = await assignPrisoner(prisma, { writerId });
      if (!result || result.reused) throw new Error(`writer ${writerId}: expected a new draw, got ${JSON.stringify(result)}`);
    };
    const bare = () => prisma.$queryRaw`SELECT id FROM prisoners WHERE can_receive_letters ORDER BY letters_count LIMIT 1`;

    // The plans, on a warm cache.
    for (let i = 0; i < 50; i++) await Promise.all([draw(), bare()]);
    const statements = await explainAll(s.url, async (client) => {
      const writerId = nextWriter();
      if (!(await assignPrisoner(client, { writerId }))) throw new Error("no prisoner drawn while explaining");
    });
    for (const st of statements) console.log(`\n--- ${st.query.replace(/\s+/g, " ").slice(0, 160)}\n${st.plan}`);
    const seq = seqScannedTables(statements);
    const letterIndexes = indexesUsedOn(statements, "letters");
    const usesIndex = !seq.has("letters") && letterIndexes.size > 0;
    console.log(`\nsequential scans on: ${[...seq].join(", ") || "none"}; indexes on letters: ${[...letterIndexes].join(", ") || "none"}`);
    report({
      id: "assignment.plan.letters-index",
      benchmark: BENCHMARK,
      measure: "the draw reads letters through an index, no sequential scan of letters (1 = yes)",
      value: usesIndex ? 1 : 0,
      unit: "uses index",
      goal: { on: "value", op: ">=", target: 1 },
    });
    if (!usesIndex) {
      console.error("FAIL: the draw scans the letters table sequentially or uses no index on it (plans above)");
      failed = true;
    }

    for (const [key, label, inFlight, rounds, perRound] of [
      ["alone", "one at a time", 1, 8, 60],
      ["10-in-flight", "10 in flight", 10, 6, 200],
    ] as const) {
      const t = await interleaved({ app: draw, bare }, { rounds, perRound, inFlight });
      console.log(`${label}: draw p50 ${ms(t.app.p50)} p95 ${ms(t.app.p95)} ms | bare p50 ${ms(t.bare.p50)} p95 ${ms(t.bare.p95)} ms (${t.app.calls} calls each)`);
      for (const [stat, goal] of [["p95", true], ["p50", false]] as const) {
        report({
          id: `assignment.${key}.${stat}`,
          benchmark: BENCHMARK,
          measure: `assignPrisoner ${stat}, ${label} (1,500 prisoners, 1M letters)`,
          value: t.app[stat],
          unit: "ms",
          baseline: t.bare[stat],
          baselineLabel: BASELINE_LABEL,
          lowerIsBetter: true,
          ...(goal ? { goal: { on: "value" as const, op: "<=" as const, target: GOAL_P95_MS } } : {}),
        });
      }
    }

    const sweepStart = performance.now();
    const lapsed = await lapseExpiredAssignments(prisma, new Date(Date.now() + 100 * 3_600_000));
    console.log(`periodic sweep: lapsed ${lapsed} expired assignments in ${(performance.now() - sweepStart).toFixed(0)} ms`);
  } finally {
    await s.close();
  }
  if (failed) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
