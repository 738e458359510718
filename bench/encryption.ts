// What encrypting the letter columns costs (issue 10): a typed letter of about 3,000 characters
// submitted and read back through the repositories, with the encrypted-columns client and with a
// plain one, one after the other (medians of 400 each) on a scratch database (dropped at the end). Goal: under 10 %.
import { randomBytes } from "node:crypto";
import { createPrisma } from "../src/db/client.js";
import { DEFAULT_DATABASE_URL, applyMigrations, dropDatabase, withDatabase } from "../src/db/migrate.js";
import { getLetterById, submitLetter } from "../src/db/repositories/letters.js";
import { generateKeyBase64, parseKeyring } from "../src/privacy/cipher.js";
import type { PrismaClient } from "../src/generated/prisma/client.js";
import { median, report } from "./_report.js";

const SAMPLES = 400;
const TEXT = "Здравствуйте, Алексей! Пишу вам из Тулы. У нас выпал первый снег, и я вспомнила вас. ".repeat(35);

const url = withDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, `lifeline_bench_${randomBytes(4).toString("hex")}`);

/** Milliseconds for one letter: submit (one transaction), then read it back. */
async function once(prisma: PrismaClient, writerId: number): Promise<number> {
  const started = performance.now();
  const { letter } = await submitLetter(prisma, {
    writerId,
    kind: "typed",
    text: TEXT,
    language: "ru",
    signatureName: "Мария",
    idempotencyKey: `bench-${randomBytes(8).toString("hex")}`,
  });
  const read = await getLetterById(prisma, letter.id);
  if (read?.text !== TEXT) throw new Error("the letter did not read back");
  return performance.now() - started;
}


async function main(): Promise<void> {
  await applyMigrations(url);
  const plain = createPrisma(url, { max: 4 });
  const encrypted = createPrisma(url, { max: 4, keyring: parseKeyring(generateKeyBase64()) });
  try {
    const writer = await plain.writer.create({ data: { telegramId: 777, language: "ru" } });
    for (let i = 0; i < 30; i++) await Promise.all([once(plain, writer.id), once(encrypted, writer.id)]);
    // Interleaved one by one, in alternating order: a machine busy with other work slows both alike.
    const times = { plain: [] as number[], encrypted: [] as number[] };
    for (let i = 0; i < SAMPLES; i++) {
      if (i % 2 === 0) {
        times.plain.push(await once(plain, writer.id));
        times.encrypted.push(await once(encrypted, writer.id));
      } else {
        times.encrypted.push(await once(encrypted, writer.id));
        times.plain.push(await once(plain, writer.id));
      }
    }
    const [p, e] = [median(times.plain), median(times.encrypted)];
    console.log(`letter create+read (${TEXT.length} chars): ${p.toFixed(2)} ms without encryption, ${e.toFixed(2)} ms with`);
    console.log(`encryption cost: ${(((e - p) / p) * 100).toFixed(1)} % (ratio ${(e / p).toFixed(3)}; goal under 10 %)`);
    report({
      id: "columns.letter",
      benchmark: "columns encrypted at rest",
      measure: `a ${TEXT.length}-character letter stored and read back`,
      value: e,
      unit: "ms",
      baseline: p,
      baselineLabel: "the same without encryption",
      // Shown, not judged here: issue 10's "under 10 %" was met when measured; the figure is kept to watch.
      lowerIsBetter: true,
    });
  } finally {
    await plain.$disconnect();
    await encrypted.$disconnect();
    await dropDatabase(url);
  }
}

await main();
