// F5: PostgreSQL unreachable for 20 s. A real bot+worker process (`src/main.ts all`, polling) reaches
// PostgreSQL through the suite's TCP proxy; the proxy cuts every connection and refuses new ones,
// then comes back. Writers who write meanwhile get a polite answer in their language, the process
// stays up (no crash loop), and afterwards everything goes on: drafts kept, letters sent once, the
// print jobs that failed during the outage printed once.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeGroup, type FakeTelegram, type FakeUser } from "../../src/fake-telegram/index.js";
import { getOrCreateWriter } from "../../src/db/repositories/writers.js";
import { createQueues, type Queues } from "../../src/queues/index.js";
import type { TestApp } from "../helpers/app.js";
import { createTestPrisma, testDatabaseUrl, uniqueTelegramId } from "../helpers/db.js";
import { createLetterFixture } from "../helpers/letter-fixtures.js";
import { createLetter, type TestLetter } from "../e2e/operators-helpers.js";
import { counted, deployment, sleep, spawnLifeline, startPgProxy, stopAll, tally, waitUntil, type Deployment, type LifelineProcess, type PgProxy } from "./harness.js";
import { recordFault } from "./report.js";

const OUTAGE_MS = 20_000;
const WAIT = { timeoutMs: 15_000 } as const;
const prisma = createTestPrisma();

let fake: FakeTelegram;
let group: FakeGroup;
let admin: FakeUser;
let proxy: PgProxy;
let d: Deployment;
let redis: Redis;
let queues: Queues;

beforeAll(async () => {
  fake = await startFakeTelegram();
  group = fake.group({ title: "Operators" });
  admin = fake.user({ id: uniqueTelegramId(), firstName: "Admin", languageCode: "ru" });
  proxy = await startPgProxy(testDatabaseUrl());
  d = deployment({ fake, databaseUrl: proxy.url, redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379", operatorsChatId: group.id, adminIds: [admin.id] });
  redis = new Redis(d.redisUrl, { maxRetriesPerRequest: null });
  queues = createQueues(redis, d.redisPrefix);
});

afterAll(async () => {
  await stopAll();
  await queues.close();
  await redis.quit();
  await fake.close();
  await prisma.$disconnect();
});

const WORDS = {
  en: { write: "How would you like to write it?", type: "⌨️ Type it here", prompt: "Write your letter.", soFar: "Your letter so far", done: "✅ Done", review: "Please check your letter before it goes", send: "📨 Send", sent: "Your letter to", sorry: "Sorry, something went wrong on our side. Please try again in a moment" },
  ru: { write: "Как вы хотите его написать?", type: "⌨️ Набрать здесь", prompt: "Напишите письмо.", soFar: "Сейчас в письме", done: "✅ Готово", review: "Проверьте письмо перед отправкой", send: "📨 Отправить", sent: "Мы получили ваше письмо", sorry: "Простите, у нас что-то пошло не так. Попробуйте ещё раз чуть позже" },
} as const;

/** A writer with a typed letter on the summary screen, one press from Send. */
async function writerAtReview(language: "en" | "ru"): Promise<{ user: FakeUser; writerId: number }> {
  const w = WORDS[language];
  const user = fake.user({ id: uniqueTelegramId(), languageCode: language });
  const fixture = await createLetterFixture(prisma, { telegramId: user.id, language, signatureName: language === "ru" ? "Анна" : "Anna" });
  const goData = `write:go:${fixture.assignmentId}`;
  const card = user.waitForMessage((m) => m.inlineKeyboard.flat().some((b) => "callback_data" in b && b.callback_data === goData), WAIT);
  await user.sendText("/write");
  await card;
  const chooser = user.waitForMessage(w.write, WAIT);
  await user.pressButton(goData);
  await chooser;
  const prompt = user.waitForMessage(w.prompt, WAIT);
  await user.pressButton(w.type);
  await prompt;
  const soFar = user.waitForMessage(w.soFar, WAIT);
  // In Russian whatever the writer's language: the letter then goes to review without a pre-check stop.
  await user.sendText("Здравствуйте, Пётр! Меня зовут Анна, я живу в Риге и работаю в библиотеке. Недавно перечитала «Мастера и Маргариту».");
  await soFar;
  const review = user.waitForMessage(w.review, WAIT);
  await user.pressButton(w.done);
  await review;
  return { user, writerId: fixture.writerId };
}

describe("F5: PostgreSQL unreachable for 20 s", () => {
  it("polite answers in the writer's language, the process stays up, and everything goes on afterwards", async () => {
    const proc: LifelineProcess = spawnLifeline("all", d);
    await proc.ready;
    const writers = { en: await writerAtReview("en"), ru: await writerAtReview("ru") };
    // Approved letters whose print jobs run into the outage.
    const asTestApp = { app: { prisma } } as unknown as TestApp;
    const { id: writerId } = await getOrCreateWriter(prisma, { telegramId: uniqueTelegramId(), language: "ru" });
    const approved: TestLetter[] = [];
    for (let i = 0; i < 4; i++) approved.push(await createLetter(asTestApp, writerId, { status: "approved" }));

    const cutAt = Date.now();
    await proxy.cut();
    let exitedDuringOutage = false;
    void proc.exit.then(() => (exitedDuringOutage = true));
    for (const letter of approved) await queues.print({ letterId: letter.id });

    // Both writers press Send, and a newcomer sends /start, while PostgreSQL is away.
    const outage: Record<string, { user: FakeUser; language: "en" | "ru"; answeredMs: number }> = {};
    const newcomer = fake.user({ id: uniqueTelegramId(), languageCode: "en" });
    await Promise.all(
      (
        [
          ["en", writers.en.user, () => writers.en.user.pressButton(WORDS.en.send)],
          ["ru", writers.ru.user, () => writers.ru.user.pressButton(WORDS.ru.send)],
          ["newcomer", newcomer, () => newcomer.sendText("/start")],
        ] as const
      ).map(async ([name, user, act]) => {
        const language = name === "ru" ? "ru" : "en";
        const sorry = user.waitForMessage(WORDS[language].sorry, { timeoutMs: OUTAGE_MS - 2_000 });
        const at = Date.now();
        await act();
        await sorry;
        outage[name] = { user, language, answeredMs: Date.now() - at };
      }),
    );
    const answeredIn = Math.max(...Object.values(outage).map((o) => o.answeredMs));
    // Nothing was stored: no letter for either writer yet.
    expect(await prisma.letter.count({ where: { writerId: { in: [writers.en.writerId, writers.ru.writerId] } } })).toBe(0);

    await sleep(cutAt + OUTAGE_MS - Date.now());
    expect(proc.alive).toBe(true);
    expect(exitedDuringOutage).toBe(false);
    const restoredAt = Date.now();
    await proxy.restore();

    // Afterwards: the same Send button works (the draft was kept in Redis), the newcomer is welcomed,
    // the letters whose jobs failed during the outage are printed.
    const sent = {
      en: writers.en.user.waitForMessage(WORDS.en.sent, { timeoutMs: 30_000 }),
      ru: writers.ru.user.waitForMessage(WORDS.ru.sent, { timeoutMs: 30_000 }),
      newcomer: newcomer.waitForMessage("Hello! This is Lifeline", { timeoutMs: 30_000 }),
    };
    await writers.en.user.pressButton(WORDS.en.send);
    await writers.ru.user.pressButton(WORDS.ru.send);
    await newcomer.sendText("/start");
    await Promise.all(Object.values(sent));
    const answeredAgainMs = Date.now() - restoredAt;
    const printed = () => prisma.letterStatusEvent.findMany({ where: { letterId: { in: approved.map((l) => l.id) }, status: "printed" } });
    await waitUntil(async () => (await printed()).length >= approved.length, 60_000, "the approved letters printed").catch((err: unknown) => {
      throw new Error(`${String(err)}\n${proc.stdout().slice(-3000)}`);
    });
    const recoveryMs = Date.now() - restoredAt;

    // Counts: each writer's letter stored once, each approved letter printed once.
    const stored = await prisma.letter.findMany({ where: { writerId: { in: [writers.en.writerId, writers.ru.writerId] } }, select: { writerId: true, status: true } });
    const sentLetters = tally([String(writers.en.writerId), String(writers.ru.writerId)], stored.map((l) => String(l.writerId)));
    expect(sentLetters).toMatchObject({ lost: 0, duplicated: 0 });
    expect(stored.every((l) => l.status === "submitted")).toBe(true);
    const printedOnce = tally(approved.map((l) => String(l.id)), (await printed()).map((e) => String(e.letterId)));
    expect(printedOnce).toMatchObject({ lost: 0, duplicated: 0 });
    const letters = { total: sentLetters.total + printedOnce.total, lost: sentLetters.lost + printedOnce.lost, duplicated: sentLetters.duplicated + printedOnce.duplicated };
    // One apology each during the outage, nothing else out of place.
    for (const o of Object.values(outage)) expect(o.user.messages().filter((m) => (m.text ?? "").startsWith(WORDS[o.language].sorry))).toHaveLength(1);
    // The same process all along: it never exited, and logged the outage rather than dying of it.
    expect(proc.alive).toBe(true);
    // (A Send is caught inside the letter flow, which keeps the draft; the newcomer's /start reaches the error boundary.)
    const failures = proc.logLines().filter((l) => l.msg === "update handler failed" || l.msg === "could not store the letter; the draft is kept");
    expect(failures.length).toBeGreaterThanOrEqual(3);

    recordFault({
      id: "F5",
      title: "PostgreSQL unreachable for 20 s (connections cut, new ones refused)",
      happened:
        "Two writers pressed Send on a finished letter (one in English, one in Russian) and a newcomer sent /start while PostgreSQL " +
        `could not be reached. Each got one polite "something went wrong on our side, please try again in a moment" in their ` +
        `language within ${(answeredIn / 1000).toFixed(1)} s; nothing was stored half-way. Print jobs for ${approved.length} approved ` +
        "letters failed meanwhile and were retried with growing pauses. The process stayed up the whole time (no exit, no restart). " +
        `Once PostgreSQL was back, the same Send buttons sent both letters once (their drafts were kept in Redis), the newcomer was ` +
        `welcomed (${(answeredAgainMs / 1000).toFixed(1)} s after the return, both Sends included), and every approved letter was ` +
        "printed once. Recovery is from PostgreSQL's return to the last print job done.",
      letters: counted(letters),
      recoveryMs,
      limits: [
        "Jobs retry with pauses doubling from 1 s: a print job's 8 attempts span about 2 minutes (a reply delivery's 15 about an hour). A longer outage leaves print jobs in the failed set; the reconciler counts failed jobs as parked and does not re-add them, so such letters wait for someone to retry them.",
        "A writer's press during the outage is not replayed later: they are asked to try again, and their draft waits for them.",
      ],
    });
  }, 120_000);
});
