// Three bot processes in webhook mode behind one load balancer (the fake's setWebhookTargets), one
// deployment (REDIS_PREFIX, database, STORAGE_DIR): every chat's updates are applied one at a time,
// in order, once, whichever process gets them (src/bot/chat-order.ts).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Composer } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BotContext } from "../../src/bot/index.js";
import { features, type Feature } from "../../src/bot/features/index.js";
import { startFakeTelegram, type FakeTelegram } from "../../src/fake-telegram/index.js";
import { startTestApp, uniqueRedisPrefix, type TestApp } from "../helpers/app.js";
import { chooseTyped, letterCodeIn, openLetter, pressSend, WAIT } from "./letter-helpers.js";

const CHATS = 200;
const PER_CHAT = 10;

let fake: FakeTelegram;
let storageDir: string;
let apps: TestApp[] = [];
/** When each "seq" text was applied, by "chatId:n" (the apps run in this process). */
const appliedAt = new Map<string, number>();
let overlaps = 0;

/** Appends "seq n" texts to the chat's Redis list; notes any moment two ran at once for one chat. */
const recordFeature: Feature = (deps) => {
  const composer = new Composer<BotContext>();
  const running = new Set<number>();
  composer.on("message:text", async (ctx, next) => {
    const match = /^seq (\d+)$/.exec(ctx.message.text);
    if (!match) return next();
    const key = `${deps.config.redisPrefix}:test:seq:${ctx.chat.id}`;
    // Across processes: a per-chat counter in Redis; in this process: the set.
    const live = await deps.redis.incr(`${key}:running`);
    if (live > 1 || running.has(ctx.chat.id)) overlaps++;
    running.add(ctx.chat.id);
    await new Promise((r) => setTimeout(r, Math.random() * 3));
    await deps.redis.rpush(key, match[1] ?? "");
    appliedAt.set(`${ctx.chat.id}:${match[1] ?? ""}`, Date.now());
    running.delete(ctx.chat.id);
    await deps.redis.decr(`${key}:running`);
  });
  return composer;
};

function webhookUrl(t: TestApp): string {
  if (t.config.bot.mode !== "webhook") throw new Error("the app is not in webhook mode");
  return t.config.bot.webhookUrl;
}

beforeAll(async () => {
  fake = await startFakeTelegram();
  storageDir = mkdtempSync(join(tmpdir(), "lifeline-multi-bot-"));
  // One deployment: the same Redis prefix, database, storage and webhook secret; each process its own port.
  const env = { REDIS_PREFIX: uniqueRedisPrefix(), STORAGE_DIR: storageDir, WEBHOOK_SECRET: randomBytes(16).toString("hex") };
  for (let i = 0; i < 3; i++) {
    apps.push(await startTestApp({ fake, roles: ["bot"], mode: "webhook", env, bot: { features: [recordFeature, ...features] } }));
  }
  fake.setWebhookTargets(apps.map(webhookUrl));
}, 60_000);

afterAll(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  apps = [];
  await fake.close();
  rmSync(storageDir, { recursive: true, force: true });
});

async function recordOf(t: TestApp, chatId: number): Promise<string[]> {
  return t.app.redis.lrange(`${t.config.redisPrefix}:test:seq:${chatId}`, 0, -1);
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
}

describe("three bot processes behind one webhook address", () => {
  it("applies 2,000 updates from 200 chats in each chat's order, none twice, none lost", { timeout: 300_000 }, async () => {
    const t = apps[0]!;
    const users = Array.from({ length: CHATS }, () => t.user({ languageCode: "en" }));
    const sentAt = new Map<string, number>();
    const started = Date.now();
    await Promise.all(
      users.map(async (user) => {
        for (let n = 0; n < PER_CHAT; n++) {
          sentAt.set(`${user.id}:${n}`, Date.now());
          await user.sendText(`seq ${n}`);
        }
      }),
    );
    const expected = Array.from({ length: PER_CHAT }, (_, n) => String(n));
    await waitFor(() => appliedAt.size >= CHATS * PER_CHAT && fake.pendingUpdateCount === 0, 240_000);
    const seconds = (Date.now() - started) / 1000;

    const records = await Promise.all(users.map((u) => recordOf(t, u.id)));
    const wrong = users.filter((_, i) => JSON.stringify(records[i]) !== JSON.stringify(expected));
    expect(wrong.map((u) => u.id)).toEqual([]);
    expect(overlaps).toBe(0);
    const waits = [...sentAt].map(([key, at]) => (appliedAt.get(key) ?? Infinity) - at);
    process.stdout.write(
      `multi-bot: ${CHATS * PER_CHAT} updates from ${CHATS} chats through 3 webhook processes in ${seconds.toFixed(1)} s ` +
        `(${((CHATS * PER_CHAT) / seconds).toFixed(0)} updates/s), max wait from send to applied ${Math.max(...waits)} ms\n`,
    );
  });

  it("applies the same update posted to two processes once", { timeout: 60_000 }, async () => {
    const t = apps[0]!;
    fake.setWebhookTargets(apps.map(webhookUrl), { duplicate: true });
    try {
      const users = Array.from({ length: 20 }, () => t.user({ languageCode: "en" }));
      await Promise.all(users.map(async (user) => {
        for (let n = 0; n < 5; n++) await user.sendText(`seq ${n}`);
      }));
      await waitFor(() => fake.pendingUpdateCount === 0 && users.every((u) => appliedAt.has(`${u.id}:4`)), 30_000);
      // Anything applied twice would have landed by now; give a late duplicate a moment anyway.
      await new Promise((r) => setTimeout(r, 300));
      const records = await Promise.all(users.map((u) => recordOf(t, u.id)));
      expect(records).toEqual(users.map(() => ["0", "1", "2", "3", "4"]));
    } finally {
      fake.setWebhookTargets(apps.map(webhookUrl));
    }
  });

  it("a typed letter written through three processes ends up whole and submitted once", { timeout: 120_000 }, async () => {
    const t = apps[0]!;
    const parts = [
      "Здравствуйте! Пишу вам из Риги, у нас сегодня тихий солнечный вечер.",
      "Весной распустились каштаны, и я каждый день гуляю с собакой у моря.",
      "Недавно перечитала «Мастера и Маргариту» и снова смеялась над котом.",
      "А какие книги любите вы? Напишите, если захочется, я буду рада ответу.",
    ];
    const total = parts.reduce((sum, p) => sum + p.length, 0) + 2 * (parts.length - 1);
    await Promise.all(
      Array.from({ length: 5 }, async () => {
        const user = t.user({ languageCode: "ru" });
        const f = await openLetter(t, user, { language: "ru", signatureName: "Анна" });
        await chooseTyped(user, "ru");
        // All parts at once: each may reach a different process while the one before is still running.
        const status = user.waitForMessage(new RegExp(`Сейчас в письме ${total} знак`), WAIT);
        for (const part of parts) await user.sendText(part);
        await status;
        const clean = user.waitForMessage("Проверьте письмо перед отправкой", WAIT);
        await user.pressButton("✅ Готово");
        await clean;
        const code = letterCodeIn(await pressSend(user, "ru"));
        const letters = await t.app.prisma.letter.findMany({ where: { writerId: f.writerId } });
        expect(letters).toHaveLength(1);
        expect(letters[0]).toMatchObject({ code, text: parts.join("\n\n"), status: "submitted", kind: "typed" });
      }),
    );
  });
});
