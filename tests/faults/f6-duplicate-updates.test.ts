// F6: every update reaches the bot twice, as when Telegram does not get (or loses) the bot's
// confirmation: in polling (each getUpdates answer comes again in the next one), to one webhook
// process (each update posted twice in a row), and to two webhook processes behind a load balancer
// (each update posted to both at once). Writers walk a typed letter from /write to Send: every
// step is applied once (the letter's text is whole, not doubled), one letter per Send, and the bot
// answers each message and press exactly as often as when every update arrives once.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram, type FakeUser } from "../../src/fake-telegram/index.js";
import { startTestApp, uniqueRedisPrefix, type TestApp } from "../helpers/app.js";
import { chooseTyped, letterCodeIn, openLetter, pressSend, typePart, WAIT } from "../e2e/letter-helpers.js";
import { recordFault, type Counted } from "./report.js";

const WRITERS = 3;
/** /write, "Write to", "Type it here", two parts, "Done", "Send". */
const UPDATES_PER_WRITER = 7;
const PARTS = [
  "Здравствуйте! Пишу вам из Казани, у нас сегодня тихий солнечный вечер.",
  "Весной распустились каштаны, и я каждый день гуляю с собакой у реки.",
];

interface World {
  fake: FakeTelegram;
  t: TestApp;
  /** Turns duplicate delivery on. */
  duplicate(): void;
  stop(): Promise<void>;
}

let world: World | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

async function pollingWorld(): Promise<World> {
  const fake = await startFakeTelegram();
  const t = await startTestApp({ fake, roles: ["bot"] });
  return { fake, t, duplicate: () => fake.deliverTwice(), stop: async () => (await t.stop(), await fake.close()) };
}

async function webhookWorld(): Promise<World> {
  const fake = await startFakeTelegram();
  const t = await startTestApp({ fake, roles: ["bot"], mode: "webhook" });
  return { fake, t, duplicate: () => fake.deliverTwice(), stop: async () => (await t.stop(), await fake.close()) };
}

async function balancedWorld(): Promise<World> {
  const fake = await startFakeTelegram();
  const storageDir = mkdtempSync(join(tmpdir(), "lifeline-f6-"));
  const env = { REDIS_PREFIX: uniqueRedisPrefix(), STORAGE_DIR: storageDir, WEBHOOK_SECRET: randomBytes(16).toString("hex") };
  const apps = [await startTestApp({ fake, roles: ["bot"], mode: "webhook", env }), await startTestApp({ fake, roles: ["bot"], mode: "webhook", env })];
  const urls = apps.map((a) => (a.config.bot.mode === "webhook" ? a.config.bot.webhookUrl : ""));
  fake.setWebhookTargets(urls);
  return {
    fake,
    t: apps[0]!,
    duplicate: () => fake.setWebhookTargets(urls, { duplicate: true }),
    stop: async () => {
      await Promise.all(apps.map((a) => a.stop()));
      await fake.close();
      rmSync(storageDir, { recursive: true, force: true });
    },
  };
}

/** One writer from /write to Send; returns the letter's code. */
async function writeLetter(t: TestApp, user: FakeUser): Promise<{ code: string; writerId: number }> {
  const f = await openLetter(t, user, { language: "ru", signatureName: "Анна" });
  await chooseTyped(user, "ru");
  for (const part of PARTS) await typePart(user, "ru", part);
  const summary = user.waitForMessage("Проверьте письмо перед отправкой", WAIT);
  await user.pressButton("✅ Готово");
  await summary;
  return { code: letterCodeIn(await pressSend(user, "ru")), writerId: f.writerId };
}

/** What the bot did in these chats, by method (successful calls only). */
function callsTo(fake: FakeTelegram, chatIds: number[], since: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of fake.calls().slice(since)) {
    if (!c.ok || c.method === "getUpdates") continue;
    if (c.chatId !== undefined && !chatIds.includes(c.chatId)) continue;
    counts[c.method] = (counts[c.method] ?? 0) + 1;
  }
  return counts;
}

function times(counts: Record<string, number>, n: number): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v * n]));
}

const results: { mode: string; counted: Counted; updates: Counted }[] = [];

async function runCase(mode: string, make: () => Promise<World>): Promise<void> {
  world = await make();
  const { fake, t } = world;
  // The baseline: one writer, every update delivered once.
  const first = t.user({ languageCode: "ru" });
  let mark = fake.calls().length;
  await writeLetter(t, first);
  await new Promise((r) => setTimeout(r, 300));
  const once = callsTo(fake, [first.id], mark);

  world.duplicate();
  const users = Array.from({ length: WRITERS }, () => t.user({ languageCode: "ru" }));
  mark = fake.calls().length;
  const deliveriesBefore = fake.updateDeliveries;
  const written = await Promise.all(users.map((u) => writeLetter(t, u)));
  // A late duplicate would land by now.
  await new Promise((r) => setTimeout(r, 500));
  const twice = callsTo(fake, users.map((u) => u.id), mark);
  const deliveries = fake.updateDeliveries - deliveriesBefore;

  // Every update really did reach the bot twice.
  expect(deliveries).toBe(2 * UPDATES_PER_WRITER * WRITERS);
  // The bot answered exactly as with single delivery: the same messages, edits and button answers.
  expect(twice).toEqual(times(once, WRITERS));
  let lost = 0;
  let duplicated = 0;
  for (const [i, w] of written.entries()) {
    const letters = await t.app.prisma.letter.findMany({ where: { writerId: w.writerId } });
    lost += letters.length === 0 ? 1 : 0;
    duplicated += Math.max(0, letters.length - 1);
    expect(letters).toHaveLength(1);
    // Each part applied once: the text is whole, not doubled or missing a part.
    expect(letters[0]).toMatchObject({ code: w.code, text: PARTS.join("\n\n"), status: "submitted" });
    const user = users[i]!;
    expect(user.messages().filter((m) => (m.text ?? "").includes(w.code))).toHaveLength(1);
  }
  expect(lost).toBe(0);
  expect(duplicated).toBe(0);
  const extraAnswers = Object.entries(twice).reduce((n, [k, v]) => n + Math.max(0, v - (times(once, WRITERS)[k] ?? 0)), 0);
  results.push({
    mode,
    counted: { total: WRITERS, lost, duplicated },
    updates: { total: UPDATES_PER_WRITER * WRITERS, lost: 0, duplicated: extraAnswers },
  });
  process.stdout.write(`F6 ${mode}: ${deliveries} deliveries of ${UPDATES_PER_WRITER * WRITERS} updates; bot calls ${JSON.stringify(twice)}\n`);
}

describe("F6: the same update delivered twice", () => {
  it("polling: each getUpdates answer comes again", { timeout: 60_000 }, async () => {
    await runCase("polling", pollingWorld);
  });

  it("webhook: each update posted twice in a row", { timeout: 60_000 }, async () => {
    await runCase("webhook", webhookWorld);
  });

  it("two webhook processes: each update posted to both at once", { timeout: 60_000 }, async () => {
    await runCase("two webhook processes", balancedWorld);
    const sum = (f: (r: (typeof results)[number]) => Counted): Counted =>
      results.reduce((a, r) => ({ total: a.total + f(r).total, lost: a.lost + f(r).lost, duplicated: a.duplicated + f(r).duplicated }), { total: 0, lost: 0, duplicated: 0 });
    expect(results.map((r) => r.mode)).toEqual(["polling", "webhook", "two webhook processes"]);
    recordFault({
      id: "F6",
      title: "The same update delivered twice (polling, webhook, two webhook processes at once)",
      happened:
        `In each of three set-ups (polling where every getUpdates answer comes again; one webhook process that gets every update posted twice; two webhook processes behind a load balancer that posts every update to both at once) ` +
        `${WRITERS} writers wrote a two-part typed letter from /write to Send while every update reached the bot twice (the fake counted ${2 * UPDATES_PER_WRITER * WRITERS} deliveries of ${UPDATES_PER_WRITER * WRITERS} updates per set-up). ` +
        `Each conversation step was applied once: every letter's text is its two parts once, each writer has one letter and one confirmation, and the bot sent, edited and answered exactly as many times as for a writer whose updates arrived once. ` +
        `A redelivered update is recognised by its update_id (a "done" mark in Redis for 24 h, src/bot/chat-order.ts), also while the first copy is still being handled.`,
      letters: sum((r) => r.counted),
      updates: sum((r) => r.updates),
      limits: [
        "An update whose handler failed or whose process died mid-way is not marked done, so its redelivery is handled again (a step of a conversation may then run twice; sends are guarded by the letter's idempotency key).",
        "The done marks live 24 hours in Redis; Telegram redelivers within that time. If Redis loses them (restart without persistence) a redelivery in that moment is handled again.",
      ],
    });
  });
});
