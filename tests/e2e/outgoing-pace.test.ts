// A 2,000-message burst (notices to many writers, moderation cards, reply scans) handled by two
// worker apps with their own Redis connections, as two worker processes would: the fake Bot API's
// own clock shows the bot stays within Telegram's limits, and every message arrives exactly once.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReply } from "../../src/db/repositories/replies.js";
import { getOrCreateWriter } from "../../src/db/repositories/writers.js";
import { startFakeTelegram, type ApiCall, type FakeGroup, type FakeTelegram } from "../../src/fake-telegram/index.js";
import { createFileStorage } from "../../src/storage/index.js";
import { TELEGRAM_PACES } from "../../src/workers/telegram-pace.js";
import { startTestApp, uniqueRedisPrefix, type TestApp } from "../helpers/app.js";
import { uniqueTelegramId } from "../helpers/db.js";
import { createLetter } from "./operators-helpers.js";

const TOTAL = 2000;
const WRITERS = 120;
const CARDS = 12; // header + one text part each: 24 messages into the operators' group
const REPLIES = 6;
const REPLY_PAGES = 3;
const NOTICES = TOTAL - CARDS * 2 - REPLIES * REPLY_PAGES;

const SENDS = new Set(["sendmessage", "sendphoto", "senddocument", "sendmediagroup"]);

/** Messages one logged call put into its chat. */
function messagesOf(call: ApiCall): number {
  const media = call.params.media;
  return call.method.toLowerCase() === "sendmediagroup" && Array.isArray(media) ? media.length : 1;
}

/** The most messages in any window of `windowMs`, over the arrival times the fake logged. */
function busiestWindow(calls: ApiCall[], windowMs: number): number {
  const sorted = [...calls].sort((a, b) => a.at - b.at);
  let best = 0;
  let sum = 0;
  let start = 0;
  for (const call of sorted) {
    sum += messagesOf(call);
    while ((sorted[start]?.at ?? Infinity) <= call.at - windowMs) sum -= messagesOf(sorted[start++]!);
    best = Math.max(best, sum);
  }
  return best;
}

let fake: FakeTelegram;
let group: FakeGroup;
let storageDir: string;
let apps: TestApp[] = [];

beforeAll(async () => {
  fake = await startFakeTelegram();
  group = fake.group({ title: "Operators" });
  storageDir = mkdtempSync(join(tmpdir(), "lifeline-pace-test-"));
  // Two worker apps on one Redis prefix, database and storage: one deployment, two processes.
  const env = { OPERATORS_CHAT_ID: String(group.id), REDIS_PREFIX: uniqueRedisPrefix(), STORAGE_DIR: storageDir };
  apps = [await startTestApp({ fake, roles: ["worker"], env, paces: TELEGRAM_PACES }), await startTestApp({ fake, roles: ["worker"], env, paces: TELEGRAM_PACES })];
});

afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  await fake.close();
  rmSync(storageDir, { recursive: true, force: true });
});

describe("the outgoing pace shared by every worker", () => {
  it("keeps a 2,000-message burst from two worker apps within Telegram's limits, none lost or doubled", { timeout: 400_000 }, async () => {
    const t = apps[0]!;
    const prisma = t.app.prisma;
    const users = await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        const user = fake.user({ id: uniqueTelegramId(), languageCode: "en" });
        await user.sendText("/start"); // Telegram lets a bot write only to people who started it
        const writer = await getOrCreateWriter(prisma, { telegramId: user.id, language: "en" });
        return { user, writerId: writer.id };
      }),
    );

    const cards: Array<Awaited<ReturnType<typeof createLetter>>> = [];
    for (let i = 0; i < CARDS; i++) cards.push(await createLetter(t, users[i]!.writerId, { text: `Здравствуйте! Письмо номер ${i + 1}.` }));

    const storage = createFileStorage(storageDir, t.config.keyring);
    const page = await sharp({ create: { width: 60, height: 80, channels: 3, background: "#dddddd" } }).jpeg().toBuffer();
    const operator = await prisma.operator.create({ data: { telegramId: BigInt(uniqueTelegramId()) } });
    const replies = [];
    for (let i = 0; i < REPLIES; i++) {
      const letter = await createLetter(t, users[i]!.writerId, { status: "posted" });
      const pages = [];
      for (let p = 0; p < REPLY_PAGES; p++) {
        const storagePath = `replies/${letter.id}/${randomBytes(6).toString("hex")}.jpg`;
        await storage.put(storagePath, page);
        pages.push({ storagePath, mimeType: "image/jpeg", sha256: randomBytes(16).toString("hex") });
      }
      replies.push({ ...(await createReply(prisma, { letterId: letter.id, operatorId: operator.id, pages })), chatId: users[i]!.user.id });
    }

    // The burst: every job at once, notices spread over the writers in turn.
    const expected = new Map<number, string[]>(users.map((u) => [u.user.id, []]));
    const jobs: Array<() => Promise<string>> = [];
    for (let i = 0; i < NOTICES; i++) {
      const target = users[i % WRITERS]!;
      const code = `P-${i}`;
      expected.get(target.user.id)!.push(code);
      jobs.push(() => t.app.queues.notify({ writerId: target.writerId, key: "import-notice-transferred-letter", params: { code }, dedupeKey: `pace-${code}` }));
    }
    for (const card of cards) jobs.push(() => t.app.queues.moderation({ letterId: card.id }));
    for (const reply of replies) jobs.push(() => t.app.queues.replyDelivery({ replyId: reply.replyId }));
    // Which app sent what: both take part.
    const completed = apps.map(() => 0);
    apps.forEach((a, index) => a.app.workers!.workers.get("notify")!.on("completed", () => completed[index]!++));
    const started = Date.now();
    for (let i = 0; i < jobs.length; i += 200) await Promise.all(jobs.slice(i, i + 200).map((add) => add()));

    const sends = (): ApiCall[] => fake.calls().filter((c) => SENDS.has(c.method.toLowerCase()) && c.at >= started);
    // Only the burst's own chats: a start-up notice elsewhere (e.g. an empty prisoner list) is not part of it.
    const burstChats = new Set<number | undefined>([...expected.keys(), group.id]);
    const delivered = (): number => sends().filter((c) => c.ok && burstChats.has(c.chatId)).reduce((n, c) => n + messagesOf(c), 0);
    await expect.poll(delivered, { timeout: 200_000, interval: 1000 }).toBeGreaterThanOrEqual(TOTAL);
    // Nothing more trickles in (a retried job sending twice would).
    await new Promise((resolve) => setTimeout(resolve, 2000));
    const all = sends();
    const seconds = (Math.max(...all.map((c) => c.at)) - started) / 1000;

    const perSecond = busiestWindow(all, 1000);
    const groupCalls = all.filter((c) => c.chatId === group.id);
    const groupPerMinute = busiestWindow(groupCalls, 60_000);
    let closestInChat = Infinity;
    for (const chatId of expected.keys()) {
      const times = all.filter((c) => c.chatId === chatId).map((c) => c.at).sort((a, b) => a - b);
      for (let i = 1; i < times.length; i++) closestInChat = Math.min(closestInChat, times[i]! - times[i - 1]!);
    }
    process.stdout.write(
      `outgoing pace: ${TOTAL} messages in ${seconds.toFixed(1)} s (${(TOTAL / seconds).toFixed(1)}/s); busiest second ${perSecond}, ` +
        `busiest minute in the group ${groupPerMinute}, closest two in one private chat ${closestInChat} ms; 429s ${all.filter((c) => c.errorCode === 429).length}\n`,
    );

    expect(all.every((c) => c.ok)).toBe(true);
    // At least the burst; exactly-once per chat is checked message by message below.
    expect(delivered()).toBeGreaterThanOrEqual(TOTAL);
    expect(perSecond).toBeLessThanOrEqual(30);
    expect(groupPerMinute).toBeLessThanOrEqual(20);
    expect(closestInChat).toBeGreaterThanOrEqual(700);

    // Every notice exactly once, in the right chat.
    for (const [chatId, texts] of expected) {
      const codes = fake.messagesIn(chatId).flatMap((m) => /^About your letter (P-\d+): its recipient has been moved/.exec(m.text ?? "")?.[1] ?? []);
      expect(codes.sort()).toEqual([...texts].sort());
    }
    // Every card (header and text) once, in the operators' group.
    // (other notices to the group, such as reply confirmations, are not part of the burst)
    const cardTexts = (): string[] => group.messages().map((m) => m.text ?? "").filter((text) => cards.some((card) => text.includes(card.code)));
    // Every test file of a run posts into the same operators' group id, so cards may still be on their way.
    await expect.poll(() => cardTexts().length, { timeout: 120_000, interval: 1000 }).toBeGreaterThanOrEqual(CARDS * 2);
    const groupTexts = cardTexts();
    expect(groupTexts).toHaveLength(CARDS * 2);
    for (const card of cards) expect(groupTexts.filter((text) => text.includes(card.code))).toHaveLength(2);
    // Every reply page once; each reply settled as delivered.
    for (const reply of replies) {
      expect(fake.messagesIn(reply.chatId).filter((m) => m.photo !== undefined)).toHaveLength(REPLY_PAGES);
      expect((await prisma.reply.findUniqueOrThrow({ where: { id: reply.replyId } })).deliveryState).toBe("delivered");
    }
    expect(completed.every((count) => count > 0)).toBe(true);
    expect(completed.reduce((a, b) => a + b, 0)).toBe(NOTICES);
  });
});
