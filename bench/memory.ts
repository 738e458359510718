// Memory of `npm start` (bot and workers in one process, as a small installation runs it): resident
// set when idle, after 10,000 updates and after 50,000, from 1,000 writers sending /help (each a
// writer the bot creates on first contact), polled from a fake Bot API in this process. A leak per update shows as growth
// between 10,000 and 50,000 in the RSS after a full collection (the process is told to run one, see
// bench/_gc-on-signal.ts); the goal allows what a settling heap and allocator take (≤ 10 %).
// Flood limits are raised for the benchmark's writers (FLOOD_MESSAGES_PER_MINUTE); the counters run.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { DEFAULT_DATABASE_URL, applyMigrations, dropDatabase, withDatabase } from "../src/db/migrate.js";
import { startFakeTelegram, type FakeTelegram, type FakeUser } from "../src/fake-telegram/index.js";
import { generateKeyBase64 } from "../src/privacy/cipher.js";
import { helpBurst, spawnLifeline, type BotProcess } from "./_bots.js";
import { deleteRedisKeys } from "./_redis.js";
import { report } from "./_report.js";

const WRITERS = 1_000;
const PER_BURST = 5; // updates per writer per burst: 5,000 updates a burst

const databaseUrl = withDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, `lifeline_bench_${randomBytes(4).toString("hex")}`);
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redisPrefix = `lifeline-bench-${randomBytes(4).toString("hex")}`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** RSS once the process has settled: the lowest of several samples over a few seconds (MiB). */
async function settledRss(bot: BotProcess): Promise<number> {
  await sleep(2_000);
  let lowest = Infinity;
  for (let i = 0; i < 6; i++) {
    lowest = Math.min(lowest, bot.rssMiB());
    await sleep(500);
  }
  return lowest;
}

/** RSS after two full collections (bench/_gc-on-signal.ts): what the process retains (MiB). */
async function retainedRss(bot: BotProcess): Promise<number> {
  bot.child.kill("SIGUSR2");
  return settledRss(bot);
}

/** `updates` updates from the writers: /help bursts (the writers' chats stay in order, 5 each a burst). */
async function drive(fake: FakeTelegram, writers: FakeUser[], updates: number): Promise<number> {
  const started = performance.now();
  for (let sent = 0; sent < updates; sent += writers.length * PER_BURST) await helpBurst(fake, writers, PER_BURST);
  return updates / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  await applyMigrations(databaseUrl);
  const storageDir = mkdtempSync(join(tmpdir(), "lifeline-bench-storage-"));
  let fake: FakeTelegram | undefined;
  let bot: BotProcess | undefined;
  try {
    fake = await startFakeTelegram();
    bot = spawnLifeline(fake, "all", {
      databaseUrl,
      redisUrl,
      redisPrefix,
      storageDir,
      encryptionKey: generateKeyBase64(),
      extra: { FLOOD_MESSAGES_PER_MINUTE: "10000" },
      nodeArgs: ["--expose-gc", "--import", pathToFileURL(join(import.meta.dirname, "_gc-on-signal.ts")).href],
    });
    await bot.ready;
    const idle = await settledRss(bot);
    const writers = Array.from({ length: WRITERS }, () => fake!.user({ languageCode: "ru" }));
    const rate10k = await drive(fake, writers, 10_000);
    const after10k = await settledRss(bot);
    const kept10k = await retainedRss(bot);
    const rate50k = await drive(fake, writers, 40_000);
    const after50k = await settledRss(bot);
    const kept50k = await retainedRss(bot);
    console.log(`rates: ${rate10k.toFixed(0)} updates/s for the first 10,000, ${rate50k.toFixed(0)} for the next 40,000`);

    const bench = "memory (npm start)";
    report({ id: "memory.idle", benchmark: bench, measure: "RSS idle after start", value: idle, unit: "MiB" });
    report({ id: "memory.10k", benchmark: bench, measure: "RSS after 10,000 updates", value: after10k, unit: "MiB" });
    report({ id: "memory.50k", benchmark: bench, measure: "RSS after 50,000 updates", value: after50k, unit: "MiB" });
    report({ id: "memory.10k.retained", benchmark: bench, measure: "RSS after 10,000 updates and a full collection", value: kept10k, unit: "MiB" });
    report({ id: "memory.50k.retained", benchmark: bench, measure: "RSS after 50,000 updates and a full collection", value: kept50k, unit: "MiB" });
    // Between collections V8 lets garbage pile up to a limit that grows with the allocation rate, and
    // gives it back only after idle minutes: that growth is shown, but a leak is what survives a collection.
    report({ id: "memory.growth.raw", benchmark: bench, measure: "growth from 10,000 to 50,000 updates, as sampled", value: ((after50k - after10k) / after10k) * 100, unit: "%" });
    report({
      id: "memory.growth",
      benchmark: bench,
      measure: "growth from 10,000 to 50,000 updates, after a full collection",
      value: ((kept50k - kept10k) / kept10k) * 100,
      unit: "%",
      goal: { on: "value", op: "<=", target: 10 },
    });
  } finally {
    await bot?.stop();
    await fake?.close();
    await deleteRedisKeys(redisUrl, redisPrefix);
    await dropDatabase(databaseUrl);
    rmSync(storageDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
