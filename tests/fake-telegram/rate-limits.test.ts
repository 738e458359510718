// The fake's optional flood limits: Telegram's 429 "Too Many Requests: retry after X" with
// parameters.retry_after, for 30 messages/s overall, 1/s per chat and 20/min per group.
import { Api, GrammyError } from "grammy";
import { afterEach, describe, expect, test } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "../../src/fake-telegram/index.js";

let fake: FakeTelegram | undefined;

afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

/** The error a call failed with, or undefined when it went through. */
async function refusal(call: Promise<unknown>): Promise<GrammyError | undefined> {
  try {
    await call;
    return undefined;
  } catch (err) {
    if (err instanceof GrammyError) return err;
    throw err;
  }
}

describe("Telegram's flood limits in the fake", () => {
  test("are off by default", async () => {
    fake = await startFakeTelegram();
    const api = new Api(fake.token, { apiRoot: fake.apiRoot });
    const ann = fake.user();
    await ann.sendText("/start");
    for (let i = 0; i < 5; i++) await api.sendMessage(ann.id, `m${i}`);
    expect(ann.messages()).toHaveLength(5);
    expect(fake.rateLimited).toBe(0);
  });

  test("a second message into one chat within a second gets 429 with retry_after; after it, the chat takes one again", async () => {
    fake = await startFakeTelegram({ rateLimits: true });
    const api = new Api(fake.token, { apiRoot: fake.apiRoot });
    const ann = fake.user();
    await ann.sendText("/start");

    await api.sendMessage(ann.id, "first");
    const err = await refusal(api.sendMessage(ann.id, "too soon"));
    expect(err?.error_code).toBe(429);
    expect(err?.description).toBe("Too Many Requests: retry after 1");
    expect(err?.parameters.retry_after).toBe(1);
    // Reading and editing are not limited.
    await api.sendChatAction(ann.id, "typing");
    await api.editMessageText(ann.id, ann.messages()[0]!.messageId, "first, edited");

    await new Promise((resolve) => setTimeout(resolve, (err?.parameters.retry_after ?? 1) * 1000));
    await api.sendMessage(ann.id, "later");
    expect(ann.messages().map((m) => m.text)).toEqual(["first, edited", "later"]);
    expect(fake.rateLimited).toBe(1);
    expect(fake.calls("sendMessage").map((c) => c.errorCode ?? "ok")).toEqual(["ok", 429, "ok"]);
  });

  test("more than 30 messages a second over all chats: the rest get 429 until the window moves on", async () => {
    fake = await startFakeTelegram({ rateLimits: true });
    const api = new Api(fake.token, { apiRoot: fake.apiRoot });
    const users = Array.from({ length: 40 }, () => fake!.user());
    for (const u of users) await u.sendText("/start");

    const started = Date.now();
    const results = await Promise.all(users.map((u) => refusal(api.sendMessage(u.id, "news"))));
    const refused = results.filter((r) => r !== undefined);
    // All 40 within one second (the fake answers in milliseconds): exactly 30 through.
    if (Date.now() - started < 500) expect(refused).toHaveLength(10);
    for (const r of refused) {
      expect(r?.error_code).toBe(429);
      expect(r?.parameters.retry_after).toBeGreaterThanOrEqual(1);
      expect(r?.description).toBe(`Too Many Requests: retry after ${r?.parameters.retry_after}`);
    }
    expect(fake.rateLimited).toBe(refused.length);
    expect(users.filter((u) => u.messages().length === 1)).toHaveLength(40 - refused.length);
  });

  test("a group takes 20 messages a minute; the 21st waits most of the minute", async () => {
    fake = await startFakeTelegram();
    fake.enforceRateLimits({ perChatPerSecond: 100 });
    const api = new Api(fake.token, { apiRoot: fake.apiRoot });
    const group = fake.group();
    for (let i = 0; i < 20; i++) await api.sendMessage(group.id, `card ${i}`);
    const err = await refusal(api.sendMessage(group.id, "one too many"));
    expect(err?.error_code).toBe(429);
    expect(err?.parameters.retry_after).toBeGreaterThan(50);
    expect(err?.parameters.retry_after).toBeLessThanOrEqual(60);
    // Switched off, the same call goes through.
    fake.enforceRateLimits(false);
    await api.sendMessage(group.id, "one too many");
    expect(group.messages()).toHaveLength(21);
  });
});
