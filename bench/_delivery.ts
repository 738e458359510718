// Helpers of bench/delivery.ts: the scratch world (database, Redis prefix, storage, fake Telegram
// with Telegram's flood limits) and the reading of the fake's log (pages arrived, lost, doubled).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deleteRedisKeys } from "./_redis.js";
import sharp from "sharp";
import { startApp, type App } from "../src/app.js";
import { loadConfig, type Config } from "../src/config.js";
import { DEFAULT_DATABASE_URL, applyMigrations, dropDatabase, withDatabase } from "../src/db/migrate.js";
import { upsertPrisoners } from "../src/db/repositories/prisoners.js";
import { createReply } from "../src/db/repositories/replies.js";
import { getOrCreateWriter } from "../src/db/repositories/writers.js";
import { parsePrisonerRecord } from "../src/domain/prisoner-record.js";
import { startFakeTelegram, type ApiCall, type FakeTelegram } from "../src/fake-telegram/index.js";
import { createLogger } from "../src/logger.js";
import { generateKeyBase64 } from "../src/privacy/cipher.js";
import { createFileStorage } from "../src/storage/index.js";
import { prisonerRecord } from "../tests/helpers/prisoner-records.js";

export interface DeliveryWorld {
  fake: FakeTelegram;
  config: Config;
  /** The first app: its Prisma client and queues make the fixture. */
  apps: App[];
  /** Stops the apps and the fake, deletes the Redis keys, the storage and the scratch database. */
  close(): Promise<void>;
}

/** A scratch database, a unique Redis prefix and `workers` worker apps (as separate processes would be) on one fake. */
export async function startDeliveryWorld(workers: number): Promise<DeliveryWorld> {
  const dbUrl = withDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, `lifeline_bench_${randomBytes(4).toString("hex")}`);
  const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
  const prefix = `lifeline-bench-delivery-${randomBytes(3).toString("hex")}`;
  const storageDir = mkdtempSync(join(tmpdir(), "lifeline-bench-delivery-"));
  await applyMigrations(dbUrl);
  const fake = await startFakeTelegram({ rateLimits: true });
  const apps: App[] = [];
  const close = async (): Promise<void> => {
    await Promise.all(apps.map((a) => a.stop()));
    await fake.close();
    await deleteRedisKeys(redisUrl, prefix);
    rmSync(storageDir, { recursive: true, force: true });
    await dropDatabase(dbUrl);
  };
  try {
    const config = loadConfig({
      BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATABASE_URL: dbUrl,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      STORAGE_DIR: storageDir,
      LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "silent",
      ENCRYPTION_KEY: generateKeyBase64(),
    });
    const logger = createLogger(config.logLevel);
    // Production's paces (TELEGRAM_PACES, the default) and no housekeeping: only the deliveries run.
    for (let i = 0; i < workers; i++) apps.push(await startApp(config, { roles: ["worker"], botInfo: fake.botInfo, logger, maintenance: false }));
    return { fake, config, apps, close };
  } catch (err) {
    await close();
    throw err;
  }
}

// Small scans: the fake (in this process) makes Telegram's thumbnails of every photo, and at full size
// that took the CPU the worker needs on a busy 2-core machine. What is measured is the pacing.
const SCAN_WIDTH = 300;
const SCAN_HEIGHT = 420;

export interface QueuedReply {
  replyId: number;
  chatId: number;
  pages: number;
}

/**
 * Writers who started the bot (Russian: no translation note follows the pages), each with a posted
 * letter and a stored reply of `pages` scans, as the intake leaves it. Not yet queued.
 */
export async function createReplies(world: DeliveryWorld, pageCounts: number[]): Promise<QueuedReply[]> {
  const prisma = world.apps[0]!.prisma;
  const storage = createFileStorage(world.config.storageDir, world.config.keyring);
  const externalId = `bench-delivery-${randomBytes(4).toString("hex")}`;
  await upsertPrisoners(prisma, [parsePrisonerRecord(prisonerRecord(externalId))]);
  const prisonerId = (await prisma.prisoner.findUniqueOrThrow({ where: { externalId } })).id;
  const operator = await prisma.operator.create({ data: { telegramId: 5_000_000_001n } });
  // A page with some detail to compress.
  const scan = await sharp({ create: { width: SCAN_WIDTH, height: SCAN_HEIGHT, channels: 3, background: "#eeeeee", noise: { type: "gaussian", mean: 200, sigma: 20 } } })
    .jpeg({ quality: 70 })
    .toBuffer();
  const replies: QueuedReply[] = [];
  const make = async (pages: number, n: number): Promise<QueuedReply> => {
    const user = world.fake.user({ languageCode: "ru" });
    await user.sendText("/start"); // Telegram lets a bot write only to people who started it
    const writer = await getOrCreateWriter(prisma, { telegramId: user.id, language: "ru" });
    const code = `B-${randomBytes(4).toString("hex").toUpperCase()}`;
    const letter = await prisma.letter.create({
      data: { code, writerId: writer.id, prisonerId, kind: "typed", text: "Здравствуйте!", language: "ru", status: "posted", idempotencyKey: `bench-${code}` },
    });
    const stored = [];
    for (let p = 0; p < pages; p++) {
      const storagePath = `replies/${letter.id}/${randomBytes(6).toString("hex")}.jpg`;
      await storage.put(storagePath, scan);
      stored.push({ storagePath, mimeType: "image/jpeg", width: SCAN_WIDTH, height: SCAN_HEIGHT, sha256: randomBytes(16).toString("hex"), sourceMessageId: 1000 * n + p });
    }
    const reply = await createReply(prisma, { letterId: letter.id, operatorId: operator.id, pages: stored });
    return { replyId: reply.replyId, chatId: user.id, pages };
  };
  // A few at a time: the fixture is not what is measured.
  for (let i = 0; i < pageCounts.length; i += 8) {
    replies.push(...(await Promise.all(pageCounts.slice(i, i + 8).map((pages, k) => make(pages, i + k)))));
  }
  return replies;
}

export interface Tally {
  /** Pages that arrived (each page counted once). */
  arrived: number;
  /** Pages queued that never arrived. */
  lost: number;
  /** Extra copies of pages that arrived more than once. */
  doubled: number;
  /** Arrival times of each page's first copy, sorted. */
  times: number[];
  /** Sending calls the fake refused with 429 (its flood limits). */
  refused: number;
  /** For each reply of several pages: its page count and the ms from its first page to its last. */
  spans: Array<{ pages: number; ms: number }>;
}

const PAGE_CAPTION = /Страница (\d+) из (\d+)/;

/** What the fake's log says about the queued replies' pages since `since`. */
export function tally(calls: ApiCall[], replies: QueuedReply[], since: number): Tally {
  const expected = new Map(replies.map((r) => [r.chatId, r.pages]));
  const copies = new Map<string, number[]>();
  let refused = 0;
  for (const call of calls) {
    if (call.at < since || call.chatId === undefined || !expected.has(call.chatId)) continue;
    const method = call.method.toLowerCase();
    if (method !== "sendphoto" && method !== "senddocument") continue;
    if (!call.ok) {
      if (call.errorCode === 429) refused++;
      continue;
    }
    const caption = call.params.caption;
    const page = typeof caption === "string" ? PAGE_CAPTION.exec(caption)?.[1] : undefined;
    if (page === undefined) continue;
    const key = `${call.chatId}:${page}`;
    copies.set(key, [...(copies.get(key) ?? []), call.at]);
  }
  let lost = 0;
  for (const [chatId, pages] of expected) for (let p = 1; p <= pages; p++) if (!copies.has(`${chatId}:${p}`)) lost++;
  let doubled = 0;
  for (const times of copies.values()) doubled += times.length - 1;
  const times = [...copies.values()].map((t) => Math.min(...t)).sort((a, b) => a - b);
  const spans: Tally["spans"] = [];
  for (const [chatId, pages] of expected) {
    const ends = [copies.get(`${chatId}:1`)?.[0], copies.get(`${chatId}:${pages}`)?.[0]];
    if (pages > 1 && ends[0] !== undefined && ends[1] !== undefined) spans.push({ pages, ms: ends[1] - ends[0] });
  }
  return { arrived: copies.size, lost, doubled, times, refused, spans };
}
