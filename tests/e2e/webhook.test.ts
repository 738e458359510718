import { request } from "node:http";
import { Api } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app.js";

let running: TestApp | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

/**
 * POSTs a body (one buffer with its Content-Length, or chunks without one) over plain node:http and
 * returns the status; the server may close the connection before the whole body is sent.
 */
function post(url: string, headers: Record<string, string>, body: Buffer | Buffer[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers, ...(Buffer.isBuffer(body) ? { "content-length": String(body.length) } : {}) },
    });
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    // Writing the rest of a refused body fails once the server hangs up: expected after the answer.
    req.on("error", (err) => {
      if (!answered) reject(err);
    });
    if (Buffer.isBuffer(body)) {
      req.end(body);
      return;
    }
    for (const chunk of body) req.write(chunk);
    req.end();
  });
}

function webhookOf(t: TestApp) {
  if (t.config.bot.mode !== "webhook") throw new Error("expected webhook mode");
  return t.config.bot;
}

describe("webhook mode", () => {
  it("registers the webhook with the secret and answers updates Telegram posts", async () => {
    const t = (running = await startTestApp({ mode: "webhook", roles: ["bot"] }));
    const webhook = webhookOf(t);
    const [setWebhook] = t.fake.calls("setWebhook");
    expect(setWebhook?.params.url).toBe(webhook.webhookUrl);
    expect(setWebhook?.params.secret_token).toBe(webhook.webhookSecret);

    const user = t.user({ languageCode: "en-GB" });
    const welcome = user.waitForMessage();
    await user.sendText("/start");
    expect((await welcome).text).toContain("Hello! This is Lifeline.");
    // Webhook and long polling are exclusive.
    expect(t.fake.calls("getUpdates")).toHaveLength(0);

    const origin = new URL(webhook.webhookUrl).origin;
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    expect((await fetch(`${origin}/elsewhere`, { method: "POST", body: "{}" })).status).toBe(404);
  });

  it("rejects requests without the right secret token and handles nothing from them", async () => {
    const t = (running = await startTestApp({ mode: "webhook", roles: ["bot"] }));
    const webhook = webhookOf(t);
    const user = t.user({ languageCode: "en" });
    const forged = {
      update_id: 990_001,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: user.id, type: "private", first_name: "X" },
        from: { id: user.id, is_bot: false, first_name: "X" },
        text: "/start",
        entities: [{ type: "bot_command", offset: 0, length: 6 }],
      },
    };
    const attempts: Record<string, string>[] = [{}, { "x-telegram-bot-api-secret-token": "wrong-secret" }];
    for (const headers of attempts) {
      const res = await fetch(webhook.webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify(forged),
      });
      expect(res.status).toBe(401);
    }

    // Telegram itself with a wrong secret: rejected, kept pending, delivered once the secret is right.
    const api = new Api(t.fake.token, { apiRoot: t.fake.apiRoot });
    await api.setWebhook(webhook.webhookUrl, { secret_token: "not-the-configured-one" });
    await user.sendText("/help");
    await expect.poll(async () => (await api.getWebhookInfo()).last_error_message, { timeout: 5000 }).toMatch(/401/);
    expect(user.messages()).toHaveLength(0);
    expect(t.fake.calls("sendMessage").filter((c) => c.chatId === user.id)).toHaveLength(0);

    const help = user.waitForMessage();
    await api.setWebhook(webhook.webhookUrl, { secret_token: webhook.webhookSecret });
    expect((await help).text).toContain("How Lifeline works");
    expect(user.messages()).toHaveLength(1);
  });

  it("refuses an oversized body with 413 without handling it, and keeps serving", async () => {
    const t = (running = await startTestApp({ mode: "webhook", roles: ["bot"] }));
    const webhook = webhookOf(t);
    const user = t.user({ languageCode: "en" });
    const update = (text: string, padding: string) => ({
      update_id: 990_100 + text.length,
      message: {
        message_id: 1,
        date: Math.floor(Date.now() / 1000),
        chat: { id: user.id, type: "private", first_name: "X" },
        from: { id: user.id, is_bot: false, first_name: "X" },
        text,
        entities: [{ type: "bot_command", offset: 0, length: text.length }],
        padding,
      },
    });
    const secret = { "x-telegram-bot-api-secret-token": webhook.webhookSecret };
    const welcome = user.waitForMessage();
    await user.sendText("/start");
    await welcome;
    // The bodies are made before memory is measured: what is counted is the server's side only.
    const huge = Buffer.from(JSON.stringify(update("/help", "x".repeat(16 * 1024 * 1024))));
    const chunked = Buffer.from(JSON.stringify(update("/help", "y".repeat(2 * 1024 * 1024))));
    const chunks = Array.from({ length: Math.ceil(chunked.length / 65_536) }, (_, i) => chunked.subarray(i * 65_536, (i + 1) * 65_536));
    const before = process.memoryUsage().rss;

    // 16 MB declared up front: refused before a byte of it is read.
    expect(await post(webhook.webhookUrl, secret, huge)).toBe(413);
    // 2 MB sent in chunks without a Content-Length: refused once the count passes the limit.
    expect(await post(webhook.webhookUrl, secret, chunks)).toBe(413);
    // Without the secret a large body is refused the same way.
    expect(await post(webhook.webhookUrl, {}, huge)).toBe(413);
    // Reading the 16 MB body would add at least 16 MB here.
    expect(process.memoryUsage().rss - before).toBeLessThan(16 * 1024 * 1024);

    // Nothing of them was handled; a normal update right after is.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(t.fake.calls("sendMessage").filter((c) => c.chatId === user.id)).toHaveLength(1);
    const small = Buffer.from(JSON.stringify(update("/help", "")));
    const help = user.waitForMessage();
    expect(await post(webhook.webhookUrl, secret, small)).toBe(200);
    expect((await help).text).toContain("How Lifeline works");
    // A body that is not JSON is a client error, not a crash.
    expect(await post(webhook.webhookUrl, secret, Buffer.from("{not json"))).toBe(400);
  });
});
