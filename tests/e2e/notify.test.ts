import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findWriterById, getOrCreateWriter } from "../../src/db/repositories/writers.js";
import { NOTIFY_QUEUE, notifyJobId } from "../../src/queues/index.js";
import { checkRegistry, startWorkers } from "../../src/workers/index.js";
import { createI18n } from "../../src/messages/i18n.js";
import { startTestApp, type TestApp } from "../helpers/app.js";

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ roles: ["bot", "worker"] });
});
afterAll(async () => {
  await t.stop();
});

/** A writer who has started the bot (Telegram lets bots message only those). */
async function writerFor(language: "ru" | "en") {
  const user = t.user({ languageCode: language });
  const welcome = user.waitForMessage();
  await user.sendText("/start");
  await welcome;
  const writer = await getOrCreateWriter(t.app.prisma, { telegramId: user.id, language });
  expect(writer.language).toBe(language);
  return { user, writer };
}

function sentTo(chatId: number) {
  // The /start welcome is the first message of every chat here.
  return t.fake.calls("sendMessage").filter((c) => c.chatId === chatId).slice(1);
}

function job(id: string) {
  return t.app.queues.byName[NOTIFY_QUEUE].getJob(id);
}

async function finalState(id: string) {
  let state = "";
  await expect
    .poll(async () => (state = (await (await job(id))?.getState()) ?? "missing"), { timeout: 10_000, interval: 100 })
    .toMatch(/^(completed|failed)$/);
  return state;
}

describe("notify job", () => {
  it("sends the message in the writer's language, with buttons, once per dedupe key", async () => {
    const { user, writer } = await writerFor("ru");
    const payload = {
      writerId: writer.id,
      key: "language-changed",
      buttons: [{ key: "menu-settings", data: "menu:settings" }],
      dedupeKey: `test-${writer.id}-hello`,
    };
    const arrived = user.waitForMessage();
    const first = await t.app.queues.notify(payload);
    const second = await t.app.queues.notify(payload);
    expect(first).toBe(notifyJobId(payload));
    expect(second).toBe(first);

    const message = await arrived;
    expect(message.text).toBe("Готово: теперь мы говорим по-русски.");
    expect(message.inlineKeyboard.flat().map((b) => b.text)).toEqual(["⚙️ Настройки"]);
    expect(await finalState(first)).toBe("completed");

    // Enqueued again after completion: still recognised, nothing re-sent.
    await t.app.queues.notify(payload);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(user.messages()).toHaveLength(2);

    // The button works: the bot (same process) handles it.
    const settings = user.waitForMessage("Настройки. Что хотите изменить?", { includeEdits: true });
    await user.pressButton("⚙️ Настройки");
    await settings;
  });

  it("a letter status notice carries a My letters button that opens the list", async () => {
    const { user, writer } = await writerFor("en");
    const arrived = user.waitForMessage();
    await t.app.queues.notify({ writerId: writer.id, key: "letters-status-printed", params: { code: "L-ABCD" }, dedupeKey: `test-${writer.id}-printed` });
    const message = await arrived;
    expect(message.text).toBe("🖨 Your letter L-ABCD is printed and waiting to be posted.");
    expect(message.inlineKeyboard.flat().map((b) => b.text)).toEqual(["📬 My letters"]);
    const list = user.waitForMessage("You have not written any letters yet.", { includeEdits: true });
    await user.pressButton("📬 My letters");
    await list;
  });

  it("honours 429 retry_after before sending again", async () => {
    const { user, writer } = await writerFor("en");
    t.fake.failNext("sendMessage", { errorCode: 429, retryAfter: 1, chatId: user.id });
    const arrived = user.waitForMessage(undefined, { timeoutMs: 10_000 });
    await t.app.queues.notify({ writerId: writer.id, key: "cancel-nothing", dedupeKey: `test-${writer.id}-429` });
    expect((await arrived).text).toBe("There is nothing to cancel right now.");

    const calls = sentTo(user.id);
    expect(calls.map((c) => c.errorCode ?? "ok")).toEqual([429, "ok"]);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it("retries a server error with backoff", async () => {
    const { user, writer } = await writerFor("en");
    t.fake.failNext("sendMessage", { errorCode: 502, chatId: user.id });
    const arrived = user.waitForMessage(undefined, { timeoutMs: 10_000 });
    await t.app.queues.notify({ writerId: writer.id, key: "cancel-nothing", dedupeKey: `test-${writer.id}-502` });
    await arrived;
    const calls = sentTo(user.id);
    expect(calls.map((c) => c.errorCode ?? "ok")).toEqual([502, "ok"]);
  });

  it("a writer who blocked the bot: no retry, marked, and the job fails for good", async () => {
    const { user, writer } = await writerFor("en");
    t.fake.failNext("sendMessage", { errorCode: 403, description: "Forbidden: bot was blocked by the user", chatId: user.id, times: 5 });
    const id = await t.app.queues.notify({ writerId: writer.id, key: "cancel-nothing", dedupeKey: `test-${writer.id}-403` });
    expect(await finalState(id)).toBe("failed");
    const failed = await job(id);
    expect(failed?.attemptsMade).toBe(1);
    expect(failed?.failedReason).toMatch(/undeliverable/);
    expect(sentTo(user.id)).toHaveLength(1);
    expect((await findWriterById(t.app.prisma, writer.id))?.botBlockedAt).toBeInstanceOf(Date);
  });

  it("refuses payloads with anything but ids, codes and numbers", async () => {
    const { writer } = await writerFor("en");
    const base = { writerId: writer.id, key: "cancel-nothing", dedupeKey: "x" };
    await expect(t.app.queues.notify({ ...base, params: { name: "Иван Петров" } })).rejects.toThrow();
    await expect(t.app.queues.notify({ ...base, dedupeKey: "has:colon" })).rejects.toThrow();
    await expect(t.app.queues.notify({ ...base, key: "Not A Key" })).rejects.toThrow();
    await expect(t.app.queues.notify({ ...base, writerId: 0 })).rejects.toThrow();
  });

  it("a job with a malformed payload fails without retries; one for a deleted writer is dropped", async () => {
    const queue = t.app.queues.byName[NOTIFY_QUEUE];
    const bad = await queue.add(NOTIFY_QUEUE, { writerId: "nope" } as never, { jobId: "notify-test-bad-payload" });
    expect(await finalState(bad.id!)).toBe("failed");
    expect((await job(bad.id!))?.attemptsMade).toBe(1);
    // A writer who deleted their data: nothing to send and nothing to retry.
    const ghost = await t.app.queues.notify({ writerId: 2_000_000_000, key: "cancel-nothing", dedupeKey: "test-ghost" });
    expect(await finalState(ghost)).toBe("completed");
    expect((await job(ghost))?.attemptsMade).toBe(1);
  });
});

describe("worker registry", () => {
  it("refuses to start when a queue has no handler", () => {
    expect(() => checkRegistry({})).toThrow("No worker handler registered for queue(s): notify");
    expect(() =>
      startWorkers(
        {
          config: t.config,
          prisma: t.app.prisma,
          redis: t.app.redis,
          logger: t.app.logger,
          api: t.app.bot!.api,
          i18n: createI18n(),
          queues: t.app.queues,
          operatorsChat: t.app.operatorsChat,
        },
        {},
      ),
    ).toThrow(/notify/);
  });
});
