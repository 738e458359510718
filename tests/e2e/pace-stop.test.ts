// A send waiting for its turn in the outgoing pace when the app stops: the stop does not wait for
// the pace, the job is retried after the restart, and every message arrives exactly once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getOrCreateWriter } from "../../src/db/repositories/writers.js";
import { startFakeTelegram, type FakeTelegram } from "../../src/fake-telegram/index.js";
import { TELEGRAM_PACES } from "../../src/workers/telegram-pace.js";
import { startTestApp, type TestApp } from "../helpers/app.js";

let fake: FakeTelegram;
let t: TestApp;

beforeAll(async () => {
  fake = await startFakeTelegram();
  // Telegram's own paces: one message a second into a private chat, so sends queue up behind each other.
  t = await startTestApp({ fake, roles: ["worker"], paces: TELEGRAM_PACES });
});

afterAll(async () => {
  await t.stop();
  await fake.close();
});

const notice = (code: string): string => `About your letter ${code}: its recipient has been moved to another place.`;

describe("a paced send cut off by a stop", () => {
  it("gives up its turn at once when the app stops and is sent once after the restart", { timeout: 90_000 }, async () => {
    const user = t.user({ languageCode: "en" });
    await user.sendText("/start"); // Telegram lets a bot write only to people who started it
    const writer = await getOrCreateWriter(t.app.prisma, { telegramId: user.id, language: "en" });
    const codes = ["Q-1", "Q-2", "Q-3", "Q-4", "Q-5", "Q-6"];
    const first = user.waitForMessage(notice(codes[0]!), { timeoutMs: 10_000 });
    for (const code of codes) {
      await t.app.queues.notify({ writerId: writer.id, key: "import-notice-transferred-letter", params: { code }, dedupeKey: `stop-${code}` });
    }
    await first;

    // The others are waiting for their second in the chat's pace; the stop must not wait for them all.
    const stopStarted = Date.now();
    await t.app.stop();
    const stopMs = Date.now() - stopStarted;
    const beforeRestart = user.messages().length;
    expect(beforeRestart).toBeLessThan(codes.length);

    await t.restart();
    await expect
      .poll(() => user.messages().filter((m) => codes.some((code) => (m.text ?? "").startsWith(notice(code)))).length, { timeout: 60_000, interval: 250 })
      .toBe(codes.length);
    // Nothing trickles in twice afterwards.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    for (const code of codes) {
      expect(user.messages().filter((m) => (m.text ?? "").startsWith(notice(code)))).toHaveLength(1);
    }
    process.stdout.write(`paced stop: stopped in ${stopMs} ms with ${codes.length - beforeRestart} sends waiting; all sent once after the restart\n`);
    expect(stopMs).toBeLessThan(5_000);
  });
});
