// Polling is single-instance: a second polling bot stops at start with one clear line instead of
// knocking the first one out with 409s; a restart after a crash waits for the dead one's lease.
import { afterEach, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "../../src/fake-telegram/index.js";
import { StartupError } from "../../src/telegram-startup.js";
import { pollingLeaseKey } from "../../src/telegram/polling-lease.js";
import { botIdOf } from "../../src/workers/telegram-pace.js";
import { startTestApp, uniqueRedisPrefix, type TestApp } from "../helpers/app.js";
import { capturedLogger } from "../helpers/logs.js";

const WELCOME_EN = "Hello! This is Lifeline.";

let fake: FakeTelegram | undefined;
let apps: TestApp[] = [];

afterEach(async () => {
  await Promise.all(apps.map((a) => a.stop()));
  apps = [];
  await fake?.close();
  fake = undefined;
});

async function startBot(prefix: string, logger?: ReturnType<typeof capturedLogger>["logger"]): Promise<TestApp> {
  fake ??= await startFakeTelegram();
  const t = await startTestApp({ fake, roles: ["bot"], env: { REDIS_PREFIX: prefix }, ...(logger ? { logger } : {}) });
  apps.push(t);
  return t;
}

async function answersStart(t: TestApp): Promise<void> {
  const user = t.user({ languageCode: "en" });
  const welcome = user.waitForMessage(WELCOME_EN, { timeoutMs: 5_000 });
  await user.sendText("/start");
  await welcome;
}

describe("one polling bot per token", () => {
  it("a second polling process stops at start with one clear line; the first keeps answering", async () => {
    const prefix = uniqueRedisPrefix();
    const first = await startBot(prefix);
    await answersStart(first);

    const second = startBot(prefix);
    await expect(second).rejects.toThrow(StartupError);
    await expect(second).rejects.toThrow(/^Another bot process \(host .+ pid \d+ [0-9a-f]+\) is already polling Telegram as this bot: polling allows one\. .*BOT_MODE=webhook/);
    // Nothing of the second one reached Telegram's getUpdates: the first was never cut off.
    await answersStart(first);
  });

  it("a clean stop gives the lease back: the next start does not wait", async () => {
    const prefix = uniqueRedisPrefix();
    const first = await startBot(prefix);
    const key = pollingLeaseKey(prefix, botIdOf(first.config.botToken));
    expect(await first.app.redis.get(key)).toMatch(/^host .+ pid \d+ /);
    await first.stop();
    apps = [];
    const { logger, lines } = capturedLogger();
    const next = await startBot(prefix, logger);
    await answersStart(next);
    expect(lines.some((l) => String(l.msg).startsWith("waiting for the polling lease"))).toBe(false);
  });

  it("a lease left by a killed process runs out, and the restart then starts normally", async () => {
    const prefix = uniqueRedisPrefix();
    fake = await startFakeTelegram();
    const key = pollingLeaseKey(prefix, botIdOf(fake.token));
    // What a process killed with SIGKILL leaves: a lease nobody renews any more.
    const probe = await startTestApp({ fake, roles: ["worker"], env: { REDIS_PREFIX: prefix } });
    apps.push(probe);
    await probe.app.redis.set(key, "host gone pid 1 dead", "PX", 2500);

    const { logger, lines } = capturedLogger();
    const restarted = await startBot(prefix, logger);
    await answersStart(restarted);
    expect(lines.filter((l) => String(l.msg).startsWith("waiting for the polling lease"))).toHaveLength(1);
    expect(await restarted.app.redis.get(key)).not.toBe("host gone pid 1 dead");
  });

  it("the same token polled from another installation: Telegram's 409 is reported in one plain line", async () => {
    const { logger, lines } = capturedLogger();
    const first = await startBot(uniqueRedisPrefix(), logger);
    await answersStart(first);
    // Another installation (its own Redis prefix) with the same BOT_TOKEN: Telegram ends the older request.
    const other = await startBot(uniqueRedisPrefix());
    await expect
      .poll(() => lines.filter((l) => l.level === 60).map((l) => String(l.msg)), { timeout: 10_000 })
      .toContain(
        "Telegram ended this bot's polling because another process polls with the same BOT_TOKEN: run one polling bot per token, or use BOT_MODE=webhook",
      );
    await answersStart(other);
  });
});
