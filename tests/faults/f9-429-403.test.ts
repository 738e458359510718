// F9: a 429 storm (Telegram answers every third message-sending call with Too Many Requests and
// retry_after for several seconds, in private chats and in the operators' group) during a burst of
// notices, a moderation card and reply deliveries, while one writer has blocked the bot (403).
// Every message arrives once after the storm; the bot stays within Telegram's limits (the real
// paces, measured on the fake's clock); the blocked writer's reply is kept, the operators are told
// once, and the reply goes out when the writer comes back.
import { randomBytes } from "node:crypto";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReply } from "../../src/db/repositories/replies.js";
import { getOrCreateWriter } from "../../src/db/repositories/writers.js";
import { startFakeTelegram, type ApiCall, type FakeGroup, type FakeTelegram, type FakeUser } from "../../src/fake-telegram/index.js";
import { createFileStorage } from "../../src/storage/index.js";
import { TELEGRAM_PACES } from "../../src/workers/telegram-pace.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { uniqueTelegramId } from "../helpers/db.js";
import { createLetter } from "../e2e/operators-helpers.js";
import { recordFault } from "./report.js";

const WRITERS = 20;
const NOTICES_EACH = 2;
const PAGES = 3;
const BLOCKED_PAGES = 2;
const STORM = { every: 3, retryAfter: 1, durationMs: 8_000 };

const SENDS = new Set(["sendmessage", "sendphoto", "senddocument", "sendmediagroup"]);

/** The most calls in any window of `windowMs`, over the arrival times the fake logged. */
function busiestWindow(calls: ApiCall[], windowMs: number): number {
  const times = calls.map((c) => c.at).sort((a, b) => a - b);
  let best = 0;
  let start = 0;
  for (let i = 0; i < times.length; i++) {
    while ((times[start] ?? Infinity) <= times[i]! - windowMs) start++;
    best = Math.max(best, i - start + 1);
  }
  return best;
}

let fake: FakeTelegram;
let group: FakeGroup;
let t: TestApp;
beforeAll(async () => {
  fake = await startFakeTelegram();
  group = fake.group({ title: "Operators" });
  // Telegram's own limits (not the tests' faster ones): the pace is part of what is measured.
  t = await startTestApp({ fake, env: { OPERATORS_CHAT_ID: String(group.id) }, paces: TELEGRAM_PACES });
}, 60_000);
afterAll(async () => {
  await t?.stop();
  await fake?.close();
});

async function writer(language: "en" | "ru" = "en"): Promise<{ user: FakeUser; writerId: number }> {
  const user = fake.user({ id: uniqueTelegramId(), languageCode: language });
  const welcome = user.waitForMessage(undefined, { timeoutMs: 15_000 });
  await user.sendText("/start");
  await welcome;
  return { user, writerId: (await getOrCreateWriter(t.app.prisma, { telegramId: user.id, language })).id };
}

async function reply(letterId: number, operatorId: number, pages: number): Promise<number> {
  const storage = createFileStorage(t.config.storageDir, t.config.keyring);
  const list = [];
  for (let p = 0; p < pages; p++) {
    const bytes = await sharp({ create: { width: 300 + p * 20, height: 400, channels: 3, background: "#dddddd" } }).jpeg().toBuffer();
    const storagePath = `replies/${letterId}/${randomBytes(6).toString("hex")}.jpg`;
    await storage.put(storagePath, bytes);
    list.push({ storagePath, mimeType: "image/jpeg", sha256: randomBytes(16).toString("hex") });
  }
  return (await createReply(t.app.prisma, { letterId, operatorId, pages: list })).replyId;
}

describe("F9: 429 storms and a writer who blocked the bot", () => {
  it("everything arrives once after the storm, within Telegram's limits; the blocked writer's reply is kept and the operators told once", { timeout: 120_000 }, async () => {
    const prisma = t.app.prisma;
    const writers: { user: FakeUser; writerId: number }[] = [];
    for (let i = 0; i < WRITERS; i++) writers.push(await writer());
    const operator = await prisma.operator.create({ data: { telegramId: BigInt(uniqueTelegramId()) } });
    const card = await createLetter(t, writers[0]!.writerId);
    const answered = await createLetter(t, writers[1]!.writerId, { status: "posted" });
    const replyId = await reply(answered.id, operator.id, PAGES);
    const blocked = await writer("ru");
    const blockedLetter = await createLetter(t, blocked.writerId, { status: "posted" });
    const blockedReplyId = await reply(blockedLetter.id, operator.id, BLOCKED_PAGES);
    blocked.user.block();
    await expect.poll(async () => (await prisma.writer.findUniqueOrThrow({ where: { id: blocked.writerId } })).botBlockedAt, { timeout: 10_000 }).not.toBeNull();

    // The storm, then the burst into it.
    const started = Date.now();
    fake.storm(STORM);
    const stormEnds = started + STORM.durationMs;
    const expected = new Map<number, string[]>(writers.map((w) => [w.user.id, []]));
    const jobs: Promise<unknown>[] = [];
    for (let n = 0; n < NOTICES_EACH; n++) {
      for (const w of writers) {
        const code = `F9-${w.writerId}-${n}`;
        expected.get(w.user.id)!.push(code);
        jobs.push(t.app.queues.notify({ writerId: w.writerId, key: "import-notice-transferred-letter", params: { code }, dedupeKey: `f9-${code}` }));
      }
    }
    jobs.push(t.app.queues.moderation({ letterId: card.id }));
    jobs.push(t.app.queues.replyDelivery({ replyId }));
    jobs.push(t.app.queues.replyDelivery({ replyId: blockedReplyId }));
    await Promise.all(jobs);

    const noticesOf = (chatId: number): string[] =>
      fake.messagesIn(chatId).flatMap((m) => /^About your letter (F9-\d+-\d): its recipient has been moved/.exec(m.text ?? "")?.[1] ?? []);
    const photosTo = (user: FakeUser) => user.messages().filter((m) => m.photo !== undefined);
    const cardMessages = () => group.messages().filter((m) => (m.text ?? "").includes(card.code));
    const blockedNotices = () => group.messages().filter((m) => (m.text ?? "").includes(`Ответ #${blockedReplyId} на письмо ${blockedLetter.code} не доставлен`));
    const state = async () => ({
      notices: writers.reduce((n, w) => n + noticesOf(w.user.id).length, 0),
      card: cardMessages().length,
      pages: photosTo(writers[1]!.user).length,
      reply: (await prisma.reply.findUniqueOrThrow({ where: { id: replyId } })).deliveryState,
      blockedReply: (await prisma.reply.findUniqueOrThrow({ where: { id: blockedReplyId } })).deliveryState,
      operatorsTold: blockedNotices().length,
    });
    const want = { notices: WRITERS * NOTICES_EACH, card: 2, pages: PAGES, reply: "delivered", blockedReply: "blocked", operatorsTold: 1 };
    await expect.poll(state, { timeout: 60_000, interval: 250 }).toEqual(want);
    const doneAt = Date.now();
    // Anything doubled (a retried job sending again) would trickle in now.
    await new Promise((r) => setTimeout(r, 2_000));

    const sends = fake.calls().filter((c) => SENDS.has(c.method.toLowerCase()) && c.at >= started);
    const storm429 = sends.filter((c) => c.errorCode === 429).length;
    expect(storm429).toBeGreaterThan(5);

    // A refused send came again only after retry_after (the next call into that chat).
    let earliestRetryMs = Infinity;
    for (const [i, refused] of sends.entries()) {
      if (refused.errorCode !== 429) continue;
      const next = sends.slice(i + 1).find((c) => c.chatId === refused.chatId && c.method === refused.method);
      if (next) earliestRetryMs = Math.min(earliestRetryMs, next.at - refused.at);
    }
    expect(earliestRetryMs).toBeGreaterThanOrEqual(STORM.retryAfter * 1000 - 50);

    // Every message once: notices and the card (messages), reply pages (replies).
    const messages = { total: 0, lost: 0, duplicated: 0 };
    const pagesCounted = { total: 0, lost: 0, duplicated: 0 };
    const tally = (into: typeof messages, got: number, want: number): void => {
      into.total += want;
      into.lost += Math.max(0, want - got);
      into.duplicated += Math.max(0, got - want);
    };
    for (const [chatId, codes] of expected) {
      const got = noticesOf(chatId);
      expect(got.sort()).toEqual([...codes].sort());
      tally(messages, got.length, codes.length);
    }
    tally(messages, cardMessages().length, 2);
    expect(cardMessages()).toHaveLength(2);
    const pages = photosTo(writers[1]!.user);
    expect(pages.map((m) => /(\d) of \d/.exec(m.caption ?? "")?.[1])).toEqual(["1", "2", "3"]);
    tally(pagesCounted, pages.length, PAGES);
    // The blocked writer: nothing went through, the reply is kept whole, the operators told once.
    expect(photosTo(blocked.user)).toHaveLength(0);
    const kept = await prisma.replyPage.findMany({ where: { replyId: blockedReplyId } });
    expect(kept.filter((p) => p.deliveredAt === null)).toHaveLength(BLOCKED_PAGES);
    expect(blockedNotices()).toHaveLength(1);
    expect(blockedNotices()[0]?.text).toContain("заблокировал бота. Ответ сохранён");

    // Within Telegram's limits, counting every call that reached it (the refused ones too).
    const perSecond = busiestWindow(sends, 1000);
    const groupPerMinute = busiestWindow(sends.filter((c) => c.chatId === group.id), 60_000);
    let closestInChat = Infinity;
    for (const chatId of [...expected.keys(), blocked.user.id]) {
      const times = sends.filter((c) => c.chatId === chatId && c.ok).map((c) => c.at).sort((a, b) => a - b);
      for (let i = 1; i < times.length; i++) closestInChat = Math.min(closestInChat, times[i]! - times[i - 1]!);
    }
    expect(perSecond).toBeLessThanOrEqual(30);
    expect(groupPerMinute).toBeLessThanOrEqual(20);
    expect(closestInChat).toBeGreaterThanOrEqual(700);

    // The writer comes back: the kept reply goes out whole, once, and the operators hear it did.
    const backAt = Date.now();
    blocked.user.unblock();
    await expect.poll(() => photosTo(blocked.user).length, { timeout: 30_000, interval: 200 }).toBe(BLOCKED_PAGES);
    const late = () => group.messages().filter((m) => (m.text ?? "").includes(`Ответ #${blockedReplyId} на письмо ${blockedLetter.code} всё-таки доставлен`));
    await expect.poll(() => late().length, { timeout: 20_000 }).toBe(1);
    const comebackMs = Date.now() - backAt;
    await new Promise((r) => setTimeout(r, 1_000));
    tally(pagesCounted, photosTo(blocked.user).length, BLOCKED_PAGES);
    expect(late()).toHaveLength(1);
    expect(blockedNotices()).toHaveLength(1);
    expect((await prisma.reply.findUniqueOrThrow({ where: { id: blockedReplyId } })).deliveryState).toBe("delivered");

    expect(messages).toEqual({ total: WRITERS * NOTICES_EACH + 2, lost: 0, duplicated: 0 });
    expect(pagesCounted).toEqual({ total: PAGES + BLOCKED_PAGES, lost: 0, duplicated: 0 });
    const recoveryMs = Math.max(0, doneAt - stormEnds);
    process.stdout.write(
      `F9: ${sends.length} send calls, ${storm429} answered 429 during the ${STORM.durationMs / 1000} s storm; all delivered ${recoveryMs} ms after it ended; ` +
        `busiest second ${perSecond}, busiest group minute ${groupPerMinute}, closest two in one private chat ${closestInChat} ms; comeback delivery ${comebackMs} ms\n`,
    );
    recordFault({
      id: "F9",
      title: "429 storms in private chats and the operators' group; a writer who blocked the bot (403)",
      happened:
        `For ${STORM.durationMs / 1000} s Telegram (the fake) answered every ${STORM.every}rd message-sending call with 429 and retry_after ${STORM.retryAfter} s while the workers sent ` +
        `${WRITERS * NOTICES_EACH} notices to ${WRITERS} writers, a moderation card to the operators' group and a ${PAGES}-page reply; ${storm429} calls were refused. ` +
        `Each refused send was tried again no sooner than retry_after (the earliest after ${earliestRetryMs} ms) and all ${messages.total} messages and ${pagesCounted.total} reply pages arrived exactly once (${messages.lost + pagesCounted.lost} lost, ${messages.duplicated + pagesCounted.duplicated} doubled), the pages in order; all was delivered ${(recoveryMs / 1000).toFixed(1)} s after the storm ended. ` +
        `Measured on the fake's clock the bot stayed within Telegram's limits throughout: at most ${perSecond} messages in any second (limit 30), ${groupPerMinute} in any minute into the group (limit 20), ` +
        `and ${closestInChat} ms between two messages into one private chat. ` +
        `A writer who had blocked the bot got a ${BLOCKED_PAGES}-page reply: Telegram refused it with 403, the reply was kept in PostgreSQL (no page marked delivered) and the operators were told once; ` +
        `when the writer unblocked the bot the reply went out whole within ${(comebackMs / 1000).toFixed(1)} s and the operators were told it arrived.`,
      replies: pagesCounted,
      recoveryMs,
      limits: [
        "A 429 makes the job wait exactly retry_after and try again; after 8 attempts a notice is given up (logged). A storm that lasts longer than that would lose notices, not replies (a reply is marked failed and the operators told).",
        "Notices to a writer who blocked the bot are not kept (only replies are); the writer sees the letter's status in “My letters” when they come back.",
      ],
    });
  });
});
