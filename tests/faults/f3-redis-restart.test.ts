// F3: the suite's own Redis restarted without persistence while a writer is in the middle of a
// typed letter, print jobs wait and a reply waits for delivery. A real bot+worker process
// (`src/main.ts all`, polling) runs against it. What the writer sees, what survives and what the
// reconciler repairs, counted. A database of its own: the reconciler scans whole tables.
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeGroup, type FakeTelegram, type FakeUser } from "../../src/fake-telegram/index.js";
import { conversationKey } from "../../src/messages/state-keys.js";
import { createQueues, type Queues } from "../../src/queues/index.js";
import { createFileStorage } from "../../src/storage/index.js";
import { testKeyring } from "../helpers/db.js";
import type { TestApp } from "../helpers/app.js";
import { isolatedDatabaseForSuite, uniqueTelegramId } from "../helpers/db.js";
import { createLetterFixture } from "../helpers/letter-fixtures.js";
import { createLetter, type TestLetter } from "../e2e/operators-helpers.js";
import { counted, deployment, spawnLifeline, startRedisServer, stopAll, tally, waitUntil, type Deployment, type RedisServer } from "./harness.js";
import { recordFault } from "./report.js";

const db = isolatedDatabaseForSuite();
const WAIT = { timeoutMs: 15_000 } as const;

let fake: FakeTelegram;
let group: FakeGroup;
let admin: FakeUser;
let redisServer: RedisServer;
let d: Deployment;

beforeAll(async () => {
  fake = await startFakeTelegram();
  group = fake.group({ title: "Operators" });
  admin = fake.user({ id: uniqueTelegramId(), firstName: "Admin", languageCode: "ru" });
  redisServer = await startRedisServer();
  d = deployment({ fake, databaseUrl: db.url, redisUrl: redisServer.url, operatorsChatId: group.id, adminIds: [admin.id] });
});

afterAll(async () => {
  await stopAll();
  await fake.close();
});

const TEXT = {
  first: "Здравствуйте, Пётр! Меня зовут Анна, я живу в Риге и работаю в библиотеке. Недавно перечитала «Мастера и Маргариту».",
  second: "Весной у нас распустились каштаны, и я каждый день гуляю с собакой у моря.",
};

async function jpeg(): Promise<Buffer> {
  return sharp({ create: { width: 40, height: 56, channels: 3, background: "#ffffff" } }).jpeg().toBuffer();
}

/** A reply stored and closed long enough ago that the reconciler treats its missing job as lost. */
async function pendingReply(letterId: number, pages: number, receivedAt: Date): Promise<number> {
  const storage = createFileStorage(d.storageDir, testKeyring());
  const reply = await db.prisma.reply.create({ data: { letterId, closedAt: receivedAt, receivedAt } });
  for (let index = 0; index < pages; index++) {
    const key = `replies/${letterId}/${randomBytes(8).toString("hex")}.jpg`;
    await storage.put(key, await jpeg());
    await db.prisma.replyPage.create({ data: { replyId: reply.id, index, storagePath: key, mimeType: "image/jpeg", sha256: randomBytes(32).toString("hex") } });
  }
  return reply.id;
}

describe("F3: Redis restarted without persistence", () => {
  it("the writer mid-letter is told what was lost; the reconciler puts every letter and reply back on its way once", async () => {
    const proc = spawnLifeline("all", d);
    await proc.ready;
    const redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
    redis.on("error", () => undefined);
    const queues: Queues = createQueues(redis, d.redisPrefix);
    // The restart refuses their connection for a moment; they reconnect by themselves.
    for (const queue of Object.values(queues.byName)) queue.on("error", () => undefined);
    try {
      // A writer in the middle of a typed letter: one part typed, in the conversation's state in Redis.
      const writer = fake.user({ id: uniqueTelegramId(), languageCode: "ru" });
      const fixture = await createLetterFixture(db.prisma, { telegramId: writer.id, language: "ru", signatureName: "Анна" });
      const goData = `write:go:${fixture.assignmentId}`;
      const card = writer.waitForMessage((m) => m.inlineKeyboard.flat().some((b) => "callback_data" in b && b.callback_data === goData), WAIT);
      await writer.sendText("/write");
      await card;
      const chooser = writer.waitForMessage("Как вы хотите его написать?", WAIT);
      await writer.pressButton(goData);
      await chooser;
      const prompt = writer.waitForMessage("Напишите письмо.", WAIT);
      await writer.pressButton("⌨️ Набрать здесь");
      await prompt;
      const soFar = writer.waitForMessage("Сейчас в письме", WAIT);
      await writer.sendText(TEXT.first);
      await soFar;

      // Work on its way in Redis: approved letters waiting for print, a reply waiting for delivery.
      // Paused queues keep the jobs in Redis, away from the worker, until the restart takes them.
      const reader = fake.user({ id: uniqueTelegramId(), languageCode: "en" });
      const readerFixture = await createLetterFixture(db.prisma, { telegramId: reader.id, language: "en" });
      const welcome = reader.waitForMessage("Hello! This is Lifeline", WAIT);
      await reader.sendText("/start");
      await welcome;
      const asTestApp = { app: { prisma: db.prisma }, config: { storageDir: d.storageDir, keyring: testKeyring() } } as unknown as TestApp;
      await queues.byName.print.pause();
      await queues.byName["reply-delivery"].pause();
      const longAgo = new Date(Date.now() - 10 * 60_000);
      const approved: TestLetter[] = [];
      for (let i = 0; i < 3; i++) {
        const letter = await createLetter(asTestApp, readerFixture.writerId, { status: "approved" });
        await db.prisma.letter.update({ where: { id: letter.id }, data: { statusChangedAt: longAgo } });
        await queues.print({ letterId: letter.id });
        approved.push(letter);
      }
      const answered = await createLetter(asTestApp, readerFixture.writerId, { status: "posted" });
      const replyId = await pendingReply(answered.id, 3, longAgo);
      await queues.replyDelivery({ replyId });
      expect(await queues.byName.print.getWaitingCount()).toBeGreaterThanOrEqual(3);

      expect(await redis.exists(conversationKey(d.redisPrefix, writer.id))).toBe(1);
      // The restart: every key gone, the process's connections drop and come back.
      const restartedAt = Date.now();
      await redisServer.restart();
      // The writer's conversation (their unfinished letter) was in Redis, and is gone.
      await waitUntil(async () => (await redis.exists(conversationKey(d.redisPrefix, writer.id)).catch(() => -1)) === 0, 10_000, "Redis back, empty");

      // The writer carries on typing: the bot no longer has the letter, and says so.
      const lostNotice = writer.waitForMessage("Простите: письмо, которое вы писали, у нас потерялось", { timeoutMs: 20_000 });
      await writer.sendText(TEXT.second);
      const notice = await lostNotice;
      expect(notice.inlineKeyboard.flat().map((b) => b.text)).toContain("✉️ Написать письмо");
      // Once: the next stray message gets the ordinary menu.
      const ordinary = writer.waitForMessage("Не получилось разобрать это сообщение", WAIT);
      await writer.sendText("Алло?");
      await ordinary;

      // The reconciler: its schedule comes back with the connection, and its first run puts the lost jobs back.
      const printed = () => db.prisma.letterStatusEvent.findMany({ where: { letterId: { in: approved.map((l) => l.id) }, status: "printed" } });
      const photos = () => reader.messages().filter((m) => m.kind === "photo");
      await waitUntil(async () => (await printed()).length >= approved.length && photos().length >= 3, 60_000, "the letters printed and the reply delivered").catch((err: unknown) => {
        throw new Error(`${String(err)}\n${proc.stdout().slice(-4000)}`);
      });
      const recoveryMs = Date.now() - restartedAt;
      await waitUntil(async () => (await db.prisma.reply.findUniqueOrThrow({ where: { id: replyId } })).deliveryState === "delivered", 10_000, "the reply marked delivered");
      const summaries = group.messages().filter((m) => (m.text ?? "").startsWith("🔄 Сверка"));
      expect(summaries).toHaveLength(1);
      expect(summaries[0]?.text).toContain("3 письма на печать");
      expect(summaries[0]?.text).toContain("1 ответ на доставку");

      // The writer starts again and sends the letter: stored once.
      const card2 = writer.waitForMessage((m) => m.inlineKeyboard.flat().some((b) => "callback_data" in b && b.callback_data === goData), WAIT);
      await writer.sendText("/write");
      await card2;
      const chooser2 = writer.waitForMessage("Как вы хотите его написать?", WAIT);
      await writer.pressButton(goData);
      await chooser2;
      const prompt2 = writer.waitForMessage("Напишите письмо.", WAIT);
      await writer.pressButton("⌨️ Набрать здесь");
      await prompt2;
      const soFar2 = writer.waitForMessage("Сейчас в письме", WAIT);
      await writer.sendText(`${TEXT.first}\n\n${TEXT.second}`);
      await soFar2;
      const review = writer.waitForMessage("Проверьте письмо перед отправкой", WAIT);
      await writer.pressButton("✅ Готово");
      await review;
      const sent = writer.waitForMessage("Мы получили ваше письмо", WAIT);
      await writer.pressButton("📨 Отправить");
      await sent;
      const written = await db.prisma.letter.findMany({ where: { writerId: fixture.writerId } });
      expect(written.map((l) => l.status)).toEqual(["submitted"]);

      const printedOnce = tally(approved.map((l) => String(l.id)), (await printed()).map((e) => String(e.letterId)));
      const pages = tally(["Page 1 of 3", "Page 2 of 3", "Page 3 of 3"], photos().map((m) => /Page \d of \d/.exec(m.caption ?? "")?.[0] ?? "?"));
      expect(printedOnce).toMatchObject({ total: 3, lost: 0, duplicated: 0 });
      expect(pages).toMatchObject({ total: 3, lost: 0, duplicated: 0, unexpected: [] });
      recordFault({
        id: "F3",
        title: "Redis restarted without persistence in the middle of a writer's letter (replies counted in pages)",
        happened:
          "A writer had typed the first part of a letter (the unfinished letter lives in Redis); 3 approved letters waited for print " +
          "and a 3-page reply for delivery (their jobs in Redis). Redis was restarted empty. The process reconnected by itself. " +
          "The writer's next message got, in their language, an apology saying the unfinished letter was lost on our side and " +
          "what they sent is still above in the chat, with the menu; the next stray message got the ordinary menu. The writer " +
          "started again and sent the letter, stored once. What survived: every stored letter, reply and page (PostgreSQL and " +
          "the storage folder). What was lost: the unfinished draft, the writer's session, queued jobs. The reconciler's " +
          "schedule came back with the connection and its first run re-queued the 3 letters and the reply: each letter printed " +
          "once, each page delivered once, one summary in the operators' chat. Recovery is from the restart to the last page " +
          "delivered and the last letter printed.",
        letters: counted(printedOnce),
        replies: counted(pages),
        recoveryMs,
        limits: [
          "An unfinished letter (typed text, the list of pages) lives only in Redis until it is sent: a Redis that loses its data loses it, and the writer is told so. Run Redis with persistence (appendonly) to keep drafts across restarts.",
          "The reconciler re-queues a letter or reply only once its row is a minute old, and runs every 5 minutes (and at once when the connection to Redis comes back): work whose jobs were lost waits at most that long.",
        ],
      });
    } finally {
      await queues.close();
      redis.disconnect();
    }
  }, 150_000);
});
