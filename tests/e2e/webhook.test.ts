import { Api } from "grammy";
import { afterEach, describe, expect, it } from "vitest";
import { startTestApp, type TestApp } from "../helpers/app.js";

let running: TestApp | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

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
});
