// Assignment draws per second on a realistic list: 1,500 prisoners (a third unreachable, letters
// skewed: many with none, a few with hundreds), 20,000 writers, 3,000 open assignments and 20,000
// past letters. Runs in a scratch database on the DATABASE_URL server, dropped at the end.
import { randomBytes } from "node:crypto";
import { createPrisma } from "../src/db/client.js";
import { DEFAULT_DATABASE_URL, applyMigrations, dropDatabase, withDatabase } from "../src/db/migrate.js";
import { assignPrisoner, lapseExpiredAssignments } from "../src/db/repositories/assignments.js";

const PRISONERS = 1_500;
const WRITERS = 20_000;
const OPEN_ASSIGNMENTS = 3_000;
const PAST_LETTERS = 20_000;
const INTERESTS = ["books", "music", "cinema", "art", "history", "science", "sport", "nature", "travel", "cooking", "faith", "languages", "poetry", "games", "technology", "crafts"];

const url = withDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, `lifeline_bench_${randomBytes(4).toString("hex")}`);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
}

async function main(): Promise<void> {
  await applyMigrations(url);
  const prisma = createPrisma(url, { max: 10 });
  try {
    const started = performance.now();
    // Fixture rows straight in SQL: the benchmark measures draws, not inserts.
    await prisma.$executeRawUnsafe(`
      INSERT INTO prisoners (external_id, last_name, first_name, last_name_latin, first_name_latin, search_name,
        birth_date, region, facility_name, postal_address, can_receive_letters, cannot_receive_reason,
        case_summary_ru, case_summary_en, interests, letters_count, updated_at)
      SELECT 'bench-' || i, 'Фамилия', 'Имя', 'Familiya', 'Imya', 'familiya imya', DATE '1980-01-01', 'Регион',
        'ИК-' || (i % 90), 'ул. Примерная, ' || i, i % 3 <> 0, CASE WHEN i % 3 = 0 THEN 'no_address'::"CannotReceiveReason" END,
        'Дело', 'Case', ARRAY(SELECT t FROM unnest($1::text[]) t WHERE random() < 0.2),
        -- Skewed: about 40% with none, most with a few, some with hundreds.
        CASE WHEN random() < 0.4 THEN 0 ELSE floor(exp(random() * 6))::int END, now()
      FROM generate_series(1, ${PRISONERS}) i`, INTERESTS);
    await prisma.$executeRawUnsafe(`
      INSERT INTO writers (telegram_id, language, interests, updated_at)
      SELECT 10000000 + i, 'ru', ARRAY(SELECT t FROM unnest($1::text[]) t WHERE random() < 0.15), now()
      FROM generate_series(1, ${WRITERS}) i`, INTERESTS);
    await prisma.$executeRawUnsafe(`
      INSERT INTO letters (code, writer_id, prisoner_id, kind, text, language, idempotency_key, created_at, updated_at)
      SELECT 'B-' || i, 1 + (i * 7919) % ${WRITERS}, 1 + (i * 104729) % ${PRISONERS}, 'typed', '-', 'ru', 'bench-' || i,
        now() - random() * interval '120 days', now()
      FROM generate_series(1, ${PAST_LETTERS}) i`);
    // Open assignments of the last writers (the first ones are left free to draw).
    await prisma.$executeRawUnsafe(`
      INSERT INTO assignments (writer_id, prisoner_id, status, expires_at, created_at, updated_at)
      SELECT ${WRITERS} - i, 1 + (i * 31) % ${PRISONERS}, 'active', now() + random() * interval '72 hours', now(), now()
      FROM generate_series(0, ${OPEN_ASSIGNMENTS - 1}) i`);
    await prisma.$executeRawUnsafe("ANALYZE");
    console.log(`fixture: ${PRISONERS} prisoners, ${WRITERS} writers, ${OPEN_ASSIGNMENTS} open assignments, ${PAST_LETTERS} letters in ${((performance.now() - started) / 1000).toFixed(1)} s`);

    let nextWriter = 1;
    const rows: Record<string, string | number>[] = [];
    async function measure(label: string, draws: number, inFlight: number): Promise<void> {
      const latencies: number[] = [];
      const writerIds = Array.from({ length: draws }, () => nextWriter++);
      let index = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (index < writerIds.length) {
            const writerId = writerIds[index++]!;
            const t = performance.now();
            const result = await assignPrisoner(prisma, { writerId });
            if (!result) throw new Error(`no prisoner for writer ${writerId}`);
            latencies.push(performance.now() - t);
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      latencies.sort((a, b) => a - b);
      rows.push({
        scenario: label,
        draws,
        "draws/s": Math.round(draws / seconds),
        "p50 ms": Number(percentile(latencies, 0.5).toFixed(1)),
        "p95 ms": Number(percentile(latencies, 0.95).toFixed(1)),
      });
    }

    await measure("warm-up", 100, 4);
    await measure("one at a time", 500, 1);
    await measure("10 in flight", 2_000, 10);
    await measure("50 at once", 50, 50);
    console.table(rows);
    const sweepStart = performance.now();
    const lapsed = await lapseExpiredAssignments(prisma, new Date(Date.now() + 100 * 3_600_000));
    console.log(`periodic sweep: lapsed ${lapsed} expired assignments in ${(performance.now() - sweepStart).toFixed(0)} ms`);
  } finally {
    await prisma.$disconnect();
    await dropDatabase(url);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
