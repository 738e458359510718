// Flood control: one person sending far too much is slowed down with one polite notice in their
// language, and the people writing at the same time are answered as usual.
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { startTestAppPerTest } from "../helpers/app.js";

const start = startTestAppPerTest();

const FLOOD_RU = "Слишком много сообщений сразу";
const FLOOD_EN = "That's a lot of messages at once";
const UPLOADS_EN = "You've sent a great many photos and files in the past hour";
const WELCOME_EN = "Hello! This is Lifeline.";

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("flood control", () => {
  it("1,000 messages in a minute: the flooder gets one notice in their language, a second writer is answered as usual", { timeout: 120_000 }, async () => {
    const t = await start({ roles: ["bot"], env: { FLOOD_MESSAGES_PER_MINUTE: "30" } });
    const flooder = t.user({ languageCode: "ru" });
    const other = t.user({ languageCode: "en" });
    const answered = other.waitForMessage(WELCOME_EN, { timeoutMs: 10_000 });

    let otherLatencyMs = -1;
    const flood = (async () => {
      for (let i = 0; i < 1000; i++) {
        await flooder.sendText(`spam ${i}`);
        if (i === 200) {
          const sentAt = Date.now();
          await other.sendText("/start");
          await answered;
          otherLatencyMs = Date.now() - sentAt;
        }
      }
    })();
    await flood;
    await answered;
    // Let the bot finish whatever it accepted.
    await sleep(1500);

    const toFlooder = flooder.messages();
    const notices = toFlooder.filter((m) => (m.text ?? "").startsWith(FLOOD_RU));
    expect(notices).toHaveLength(1);
    // Only the first 30 were read at all: each got at most one answer, the rest nothing.
    expect(toFlooder.length).toBeLessThanOrEqual(30 + 1);
    // The other writer is not held up by the flood (a normal answer takes well under a second here).
    expect(otherLatencyMs).toBeGreaterThanOrEqual(0);
    expect(otherLatencyMs).toBeLessThan(5_000);
    process.stdout.write(`flood: ${toFlooder.length} messages to the flooder, ${notices.length} notice; second writer answered in ${otherLatencyMs} ms\n`);

    // The counter lives in Redis with an expiry, so every bot process shares it and it never sticks.
    const keys = await t.app.redis.keys(`${t.config.redisPrefix}:flood:updates:*`);
    expect(keys).toContain(`${t.config.redisPrefix}:flood:updates:${flooder.id}`);
    const ttl = await t.app.redis.pttl(`${t.config.redisPrefix}:flood:updates:${flooder.id}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it("button presses count too: past the limit they are not acted on, and the notice comes once", async () => {
    const t = await start({ roles: ["bot"], env: { FLOOD_MESSAGES_PER_MINUTE: "5" } });
    const user = t.user({ languageCode: "en" });
    const welcome = user.waitForMessage(WELCOME_EN);
    await user.sendText("/start");
    const messageId = (await welcome).messageId;
    let answered = 0;
    for (let i = 0; i < 12; i++) {
      // Help and back again on the same message; a press that is not read is never answered.
      const button = i % 2 === 0 ? "ℹ️ Help" : "‹ Back";
      const ok = await user.pressButton(button, { messageId, timeoutMs: 700 }).then(() => true, () => false);
      if (!ok) break;
      answered++;
    }
    // /start and four presses are read; the sixth update gets the notice (its press answered), then nothing.
    expect(answered).toBe(5);
    await sleep(300);
    expect(user.messages().filter((m) => (m.text ?? "").startsWith(FLOOD_EN))).toHaveLength(1);
  });

  it("uploads over the hourly cap get one notice and are not processed", { timeout: 60_000 }, async () => {
    const t = await start({ roles: ["bot"], env: { UPLOADS_PER_HOUR: "3" } });
    const user = t.user({ languageCode: "en" });
    const photo = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#eee" } }).jpeg().toBuffer();
    for (let i = 0; i < 3; i++) {
      const answer = user.waitForMessage();
      await user.sendPhoto(photo);
      // Within the cap each photo is read (outside a letter, the bot explains what to do).
      expect((await answer).text ?? "").not.toContain(UPLOADS_EN);
    }
    const notice = user.waitForMessage(UPLOADS_EN);
    await user.sendPhoto(photo);
    await notice;
    const before = user.messages().length;
    await user.sendPhoto(photo);
    await sleep(800);
    expect(user.messages()).toHaveLength(before);
    // Text still works: the cap is on uploads only.
    const welcome = user.waitForMessage(WELCOME_EN);
    await user.sendText("/start");
    await welcome;
  });

  it("the operators' group is not limited: volunteers' messages there are not even counted", async () => {
    const t = await start({ roles: ["bot"], env: { UPLOADS_PER_HOUR: "1", FLOOD_MESSAGES_PER_MINUTE: "5" } });
    const group = t.fake.group({ title: "Operators" });
    await t.app.operatorsChat.bind(group.id, 1);
    const volunteer = t.user({ languageCode: "ru" });
    for (let i = 0; i < 10; i++) await group.sendText(volunteer, `заметка ${i}`);
    await sleep(500);
    expect(await t.app.redis.keys(`${t.config.redisPrefix}:flood:*`)).toEqual([]);
  });
});
