// The reconciler against real PostgreSQL (a database of its own: it scans whole tables) and Redis:
// each kind of drift repaired, nothing doubled, the Redis-wipe scenario end to end, the summary text.
import { randomBytes } from "node:crypto";
import { Api } from "grammy";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeGroup, type FakeTelegram } from "../../src/fake-telegram/index.js";
import { createI18n, DEFAULT_OPERATORS_LOCALE } from "../../src/messages/i18n.js";
import { reconcileSummary } from "../../src/messages/views/reconcile.js";
import { PRINT_QUEUE, printJobId, replyDeliveryJobId } from "../../src/queues/index.js";
import { MAINTENANCE_TASKS } from "../../src/queues/maintenance.js";
import { createFileStorage } from "../../src/storage/index.js";
import { reconcile, runReconcile } from "../../src/workers/reconcile.js";
import type { WorkerDeps } from "../../src/workers/deps.js";
import { deleteRedisKeys, startTestApp, type TestApp } from "../helpers/app.js";
import { isolatedDatabaseForSuite } from "../helpers/db.js";
import { createLetter, startedWriter } from "../e2e/operators-helpers.js";

const i18n = createI18n();
const db = isolatedDatabaseForSuite();
// Rows made by a test are seconds old; the reconciler leaves rows younger than a minute to the normal path.
const later = (): Date => new Date(Date.now() + 2 * 60_000);

let fake: FakeTelegram;
let group: FakeGroup;
let t: TestApp;
let deps: WorkerDeps;

beforeAll(async () => {
  fake = await startFakeTelegram();
  group = fake.group({ title: "Operators" });
  t = await startTestApp({ fake, maintenance: true, env: { DATABASE_URL: db.url, OPERATORS_CHAT_ID: String(group.id) } });
  const { config, prisma, redis, logger, queues, operatorsChat } = t.app;
  deps = { config, prisma, redis, logger, queues, operatorsChat, i18n, api: new Api(config.botToken, { apiRoot: config.telegramApiRoot }) };
}, 30_000);

afterAll(async () => {
  await t.stop();
  await fake.close();
});

/** A run as the maintenance job makes it, retried while the scheduled run at the app's start holds the lock. */
async function runNow(): Promise<NonNullable<Awaited<ReturnType<typeof reconcile>>>> {
  for (let tries = 0; tries < 50; tries++) {
    const counts = await runReconcile(deps, t.app.logger, { now: later() });
    if (counts) return counts;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error("the reconciler lock was never free");
}

const cardsOf = (code: string): number => group.messages().filter((m) => (m.text ?? "").startsWith(`📨 Письмо ${code}`)).length;
const summaries = (): string[] => group.messages().map((m) => m.text ?? "").filter((text) => text.startsWith("🔄 Сверка"));

async function jpeg(): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 56, channels: 3, background: "#ffffff" } }).jpeg().toBuffer();
}

/** A stored, closed reply with `pages` scans nobody has delivered yet. */
async function pendingReply(letterId: number, pages: number): Promise<number> {
  const storage = createFileStorage(t.config.storageDir, t.config.keyring);
  const reply = await db.prisma.reply.create({ data: { letterId, closedAt: new Date() } });
  for (let index = 0; index < pages; index++) {
    const key = `replies/${letterId}/${randomBytes(8).toString("hex")}.jpg`;
    await storage.put(key, await jpeg());
    await db.prisma.replyPage.create({ data: { replyId: reply.id, index, storagePath: key, mimeType: "image/jpeg", sha256: randomBytes(32).toString("hex") } });
  }
  return reply.id;
}

const printedEvents = (letterId: number) => db.prisma.letterStatusEvent.count({ where: { letterId, status: "printed" } });
const undeliveredPages = (replyId: number) => db.prisma.replyPage.count({ where: { replyId, deliveredAt: null } });

describe("reconcileSummary", () => {
  const ru = (key: string, vars?: Record<string, string | number>) => i18n.t(DEFAULT_OPERATORS_LOCALE, key, vars);
  const en = (key: string, vars?: Record<string, string | number>) => i18n.t("en", key, vars);

  it("names only the kinds it re-queued, with Russian plurals, and stays silent when all is well", () => {
    expect(reconcileSummary(ru, { letters: 3, cards: 0, replies: 1, batches: 5, parked: 0 })).toBe(
      "🔄 Сверка: вернули в очередь 3 письма на печать, 1 ответ на доставку, 5 партий к печати.",
    );
    expect(reconcileSummary(ru, { letters: 1, cards: 2, replies: 0, batches: 0, parked: 21 })).toBe(
      "🔄 Сверка: вернули в очередь 1 письмо на печать, 2 карточки на модерацию.\nЕщё 21 задание осталось среди сбойных — их не трогали, о них сообщали отдельно.",
    );
    expect(reconcileSummary(en, { letters: 0, cards: 1, replies: 2, batches: 0, parked: 0 })).toBe("🔄 Reconciliation: re-queued 1 moderation card, 2 replies for delivery.");
    expect(reconcileSummary(ru, { letters: 0, cards: 0, replies: 0, batches: 0, parked: 4 })).toBeUndefined();
  });
});

describe("reconciler", () => {
  it("is scheduled with the maintenance tasks, every five minutes", async () => {
    expect(await t.app.queues.byName.maintenance.getJobScheduler("reconcile")).toMatchObject({ every: 5 * 60_000 });
  });

  it("repairs every kind of drift once, tells the operators once, and finds nothing on the next run", async () => {
    const { user, writerId } = await startedWriter(t, "ru");
    const approved = await createLetter(t, writerId, { status: "approved" });
    const untranslated = await createLetter(t, writerId, { status: "approved", language: "en", text: "Hello from Leeds, I hope this finds you well." });
    await db.prisma.letter.update({ where: { id: untranslated.id }, data: { needsTranslation: true } });
    const submitted = await createLetter(t, writerId);
    const replied = await createLetter(t, writerId, { status: "printed" });
    const replyId = await pendingReply(replied.id, 2);
    const inBatch = await createLetter(t, writerId, { status: "printed" });
    const batch = await db.prisma.printBatch.create({ data: { status: "printed", printedAt: new Date(Date.now() - 20 * 60_000) } });
    await db.prisma.letter.update({ where: { id: inBatch.id }, data: { batchId: batch.id } });

    expect(await runNow()).toEqual({ letters: 1, cards: 1, replies: 1, batches: 1, parked: 0 });
    expect(summaries()).toEqual(["🔄 Сверка: вернули в очередь 1 письмо на печать, 1 карточку на модерацию, 1 ответ на доставку, 1 партию к печати."]);

    await expect.poll(() => printedEvents(approved.id), { timeout: 20_000 }).toBe(1);
    await expect.poll(() => cardsOf(submitted.code), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => undeliveredPages(replyId), { timeout: 15_000 }).toBe(0);
    await expect.poll(async () => (await db.prisma.printBatch.findUniqueOrThrow({ where: { id: batch.id } })).pdfPath, { timeout: 20_000 }).not.toBeNull();
    await expect.poll(() => group.messages().filter((m) => m.document && (m.caption ?? "").includes(`№${batch.id}`)).length, { timeout: 15_000 }).toBe(2);

    // Everything is on its way or done: the completed card job stands for the posted card.
    expect(await runNow()).toEqual({ letters: 0, cards: 0, replies: 0, batches: 0, parked: 0 });
    expect(summaries()).toHaveLength(1);
    expect(user.messages().filter((m) => m.photo)).toHaveLength(2);
    expect(cardsOf(submitted.code)).toBe(1);
    expect((await db.prisma.letter.findUniqueOrThrow({ where: { id: untranslated.id } })).status).toBe("approved");
  }, 60_000);

  it("lets only one of two concurrent runs act, and a later run adds nothing twice", async () => {
    const { writerId } = await startedWriter(t, "en");
    const letters = await Promise.all([1, 2, 3].map(() => createLetter(t, writerId, { status: "approved" })));
    const before = summaries().length;
    const runs = await Promise.all([reconcile(deps, { now: later() }), reconcile(deps, { now: later() })]);
    expect(runs.filter((run) => run === undefined)).toHaveLength(1);
    expect(runs.find((run) => run !== undefined)).toEqual({ letters: 3, cards: 0, replies: 0, batches: 0, parked: 0 });
    for (const letter of letters) await expect.poll(() => printedEvents(letter.id), { timeout: 20_000 }).toBe(1);
    expect(await runNow()).toEqual({ letters: 0, cards: 0, replies: 0, batches: 0, parked: 0 });
    for (const letter of letters) expect(await printedEvents(letter.id)).toBe(1);
    expect(summaries()).toHaveLength(before);
  }, 60_000);

  it("leaves a failed job parked in the failed set and says nothing about it alone", async () => {
    const { writerId } = await startedWriter(t, "ru");
    const letter = await createLetter(t, writerId, { status: "approved" });
    // A print job that failed for good (here: a payload the worker refuses at once, without retries).
    const jobId = printJobId({ letterId: letter.id });
    await t.app.queues.byName.print.add(PRINT_QUEUE, { letterId: String(letter.id) } as unknown as { letterId: number }, { jobId });
    await expect.poll(() => t.app.queues.byName.print.getJobState(jobId), { timeout: 10_000 }).toBe("failed");
    const before = summaries().length;
    expect(await runNow()).toEqual({ letters: 0, cards: 0, replies: 0, batches: 0, parked: 1 });
    expect(await t.app.queues.byName.print.getJobState(printJobId({ letterId: letter.id }))).toBe("failed");
    expect(summaries()).toHaveLength(before);
    expect(await printedEvents(letter.id)).toBe(0);
  }, 30_000);

  it("after Redis lost everything, one run brings every letter and reply back, each printed and delivered once", async () => {
    const { user, writerId } = await startedWriter(t, "ru");
    // Paused queues keep the jobs in Redis, away from the workers, until the wipe (which unpauses them too).
    const paused = [t.app.queues.byName.print, t.app.queues.byName["reply-delivery"]];
    for (const queue of paused) await queue.pause();
    const letters = await Promise.all([1, 2, 3, 4, 5].map(() => createLetter(t, writerId, { status: "approved" })));
    const replies: number[] = [];
    for (const pages of [1, 2, 3]) {
      const printed = await createLetter(t, writerId, { status: "printed" });
      replies.push(await pendingReply(printed.id, pages));
    }
    for (const letter of letters) await t.app.queues.print({ letterId: letter.id });
    for (const replyId of replies) await t.app.queues.replyDelivery({ replyId });
    expect(await t.app.queues.byName.print.getJobState(printJobId({ letterId: letters[0]!.id }))).not.toBe("unknown");
    expect(await t.app.queues.byName.print.isPaused()).toBe(true);

    // A Redis restart without persistence, confined to this app's keys (the Redis is shared).
    await deleteRedisKeys(t.config.redisUrl, t.config.redisPrefix);
    expect(await t.app.queues.byName.print.getJobState(printJobId({ letterId: letters[0]!.id }))).toBe("unknown");
    expect(await t.app.queues.byName["reply-delivery"].getJobState(replyDeliveryJobId({ replyId: replies[0]! }))).toBe("unknown");
    for (const queue of paused) expect(await queue.isPaused()).toBe(false);

    // The wipe took the earlier tests' jobs too (a parked failed job, a posted card's finished job): what
    // the database still holds approved or submitted is back on its way as well.
    const approvedNow = await db.prisma.letter.count({ where: { status: "approved", NOT: { needsTranslation: true, translationText: null } } });
    const submittedNow = await db.prisma.letter.count({ where: { status: "submitted" } });
    expect(approvedNow).toBeGreaterThanOrEqual(letters.length);
    const before = summaries().length;
    const counts = await runNow();
    expect(counts).toEqual({ letters: approvedNow, cards: submittedNow, replies: 3, batches: 0, parked: 0 });
    expect(summaries().slice(before)).toEqual([reconcileSummary((key, vars) => i18n.t(DEFAULT_OPERATORS_LOCALE, key, vars), counts)]);
    for (const letter of letters) await expect.poll(() => printedEvents(letter.id), { timeout: 30_000 }).toBe(1);
    for (const replyId of replies) await expect.poll(() => undeliveredPages(replyId), { timeout: 30_000 }).toBe(0);

    expect(await runNow()).toEqual({ letters: 0, cards: 0, replies: 0, batches: 0, parked: 0 });
    for (const letter of letters) expect(await printedEvents(letter.id)).toBe(1);
    // Every page reached the writer exactly once: 1 + 2 + 3 photos, each "page k of n" once.
    const captions = user.messages().filter((m) => m.photo).map((m) => m.caption ?? "");
    expect(captions).toHaveLength(6);
    expect(new Set(captions).size).toBe(6);
    const states = await db.prisma.reply.findMany({ where: { id: { in: replies } }, select: { deliveryState: true } });
    expect(states.map((s) => s.deliveryState)).toEqual(["delivered", "delivered", "delivered"]);
  }, 90_000);

  it("puts the schedulers back when the Redis connection returns, so the next reconciler run comes at once", async () => {
    const maintenance = t.app.queues.byName.maintenance;
    await deleteRedisKeys(t.config.redisUrl, t.config.redisPrefix);
    expect(await maintenance.getJobScheduler("reconcile")).toBeUndefined();
    // What a restarted Redis looks like to the app: the connection drops and comes back.
    t.app.redis.disconnect(true);
    await expect.poll(() => maintenance.getJobScheduler("reconcile"), { timeout: 10_000 }).toMatchObject({ every: 5 * 60_000 });
    expect(await maintenance.getJobSchedulersCount()).toBe(MAINTENANCE_TASKS.length);
  }, 30_000);
});
