// F2: SIGTERM to a bot+worker process (`src/main.ts all`, webhook mode) in the middle of a burst of
// 500 updates. It stops taking updates, finishes the ones it holds, and exits in bounded time; the
// process that replaces it (same address, as a restart behind a load balancer) gets the rest from
// Telegram's queue. Every update is answered once and its effect (the writer's row) stored.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram, type FakeUser } from "../../src/fake-telegram/index.js";
import { createTestPrisma, testDatabaseUrl, uniqueTelegramId } from "../helpers/db.js";
import { freePort } from "../helpers/app.js";
import { counted, deployment, spawnLifeline, stopAll, tally, waitUntil, type Deployment } from "./harness.js";
import { recordFault } from "./report.js";

const BURST = 500;
const prisma = createTestPrisma();

let fake: FakeTelegram;
let d: Deployment;
let url: string;

beforeAll(async () => {
  fake = await startFakeTelegram();
  const port = await freePort();
  url = `http://127.0.0.1:${port}/telegram/${randomBytes(4).toString("hex")}`;
  d = deployment({
    fake,
    databaseUrl: testDatabaseUrl(),
    redisUrl: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    // One address for the bot, whichever process listens on it (a restart keeps PORT and WEBHOOK_URL).
    env: { BOT_MODE: "webhook", PORT: String(port), WEBHOOK_URL: url, WEBHOOK_SECRET: randomBytes(16).toString("hex") },
  });
});

afterAll(async () => {
  await stopAll();
  await fake.close();
  await prisma.$disconnect();
});

describe("F2: SIGTERM during a burst of updates", () => {
  it("drains and exits in bounded time; its successor answers the rest; every update answered once", async () => {
    const first = spawnLifeline("all", d);
    await first.ready;
    // Up to max_connections updates at once, as Telegram posts them, to the one address.
    fake.setWebhookTargets([url]);

    const users: FakeUser[] = Array.from({ length: BURST }, (_, i) => fake.user({ id: uniqueTelegramId(), languageCode: i % 2 ? "ru" : "en" }));
    const welcomed = (u: FakeUser) => u.messages().filter((m) => /^(Hello! This is Lifeline|Здравствуйте)/.test(m.text ?? "")).length;
    const answered = () => users.filter((u) => u.messages().length > 0).length;
    for (const user of users) await user.sendText("/start");

    // SIGTERM once a fifth of the burst is answered: the rest is in flight or still at Telegram.
    await waitUntil(() => answered() >= BURST / 5, 60_000, "a fifth of the burst answered").catch((err: unknown) => {
      throw new Error(`${String(err)}\n${first.stdout().slice(-3000)}${first.stderr().slice(-2000)}`);
    });
    const termAt = Date.now();
    const answeredAtTerm = answered();
    first.child.kill("SIGTERM");
    const exit = await first.exit;
    const drainMs = Date.now() - termAt;
    const answeredByFirst = answered();
    process.stdout.write(`F2: SIGTERM with ${answeredAtTerm} answered; exit after ${drainMs} ms with ${answeredByFirst} answered\n`);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(first.stdout()).toContain('"msg":"stopped"');
    expect(answeredByFirst).toBeLessThan(BURST);

    const second = spawnLifeline("all", d);
    const restartAt = Date.now();
    await second.ready;
    await waitUntil(() => answered() === BURST && fake.pendingUpdateCount === 0, 90_000, "every update answered").catch((err: unknown) => {
      throw new Error(`${String(err)} (${answered()} answered)\n${second.stdout().slice(-3000)}`);
    });
    const recoveryMs = Date.now() - restartAt;
    // A late duplicate would land within moments: look again after one.
    await new Promise((resolve) => setTimeout(resolve, 500));

    const ids = users.map((u) => String(u.id));
    const answers = tally(ids, users.flatMap((u) => Array.from({ length: welcomed(u) }, () => String(u.id))));
    expect(answers).toMatchObject({ total: BURST, lost: 0, duplicated: 0, unexpected: [] });
    // Nothing but the welcome, once, in each chat.
    expect(users.filter((u) => u.messages().length !== 1).map((u) => u.id)).toEqual([]);
    const writers = await prisma.writer.findMany({ where: { telegramId: { in: users.map((u) => BigInt(u.id)) } }, select: { telegramId: true } });
    expect(tally(ids, writers.map((w) => String(w.telegramId)))).toMatchObject({ lost: 0, duplicated: 0 });
    // Bounded: far inside the 30 s the drain allows itself (and any supervisor's stop timeout).
    expect(drainMs).toBeLessThan(10_000);

    recordFault({
      id: "F2",
      title: `SIGTERM to a bot+worker process (webhook) during a burst of ${BURST} updates`,
      happened:
        `${BURST} new writers sent /start at once. With ${answeredAtTerm} answered, the process got SIGTERM: it stopped listening, ` +
        `finished the updates it held (${answeredByFirst - answeredAtTerm} more were answered during the drain), closed its workers, ` +
        `Redis and PostgreSQL, and exited with code 0 after ${(drainMs / 1000).toFixed(1)} s. Telegram kept the rest (a refused ` +
        "webhook post is retried); a new process on the same address took them and answered every one. Each writer got the welcome " +
        "once and has one stored row. Recovery is from the new process's spawn to the last update answered.",
      updates: counted(answers),
      recoveryMs,
      limits: [
        "The drain waits at most 30 s for updates in flight, then exits anyway; an update cut off then is posted again by Telegram (its webhook got no answer) and handled by the next process.",
        "Between the old process's exit and the new one's start, updates wait at Telegram (it retries with growing pauses, so the first ones after the restart may wait a few seconds more).",
      ],
    });
  }, 180_000);
});
