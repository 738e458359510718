import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Bot, webhookCallback } from "grammy";
import { afterEach, expect, test } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "../../src/fake-telegram/index.js";

let fake: FakeTelegram | undefined;
let server: Server | undefined;

afterEach(async () => {
  await fake?.close();
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  fake = undefined;
  server = undefined;
});

test("updates are POSTed to the webhook with the secret header; getUpdates is refused meanwhile", async () => {
  fake = await startFakeTelegram();
  const bot = new Bot(fake.token, { botInfo: fake.botInfo, client: { apiRoot: fake.apiRoot } });
  bot.on("message:text", (ctx) => ctx.reply(`webhook got ${ctx.message.text}`));
  const handle = webhookCallback(bot, "http", { secretToken: "s3cret_Token" });
  const secrets: (string | undefined)[] = [];
  server = createServer((req, res) => {
    secrets.push(req.headers["x-telegram-bot-api-secret-token"] as string | undefined);
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram`;

  await bot.api.setWebhook(url, { secret_token: "s3cret_Token" });
  const ann = fake.user();
  await ann.sendText("hello");
  const reply = await ann.waitForMessage("webhook got hello");
  expect(reply.sender).toBe("bot");
  expect(secrets).toEqual(["s3cret_Token"]);
  expect(await bot.api.getWebhookInfo()).toMatchObject({ url, pending_update_count: 0, has_custom_certificate: false });
  await expect(bot.api.getUpdates()).rejects.toMatchObject({ error_code: 409 });

  await bot.api.deleteWebhook();
  await ann.sendText("after");
  const updates = await bot.api.getUpdates({ timeout: 0 });
  expect(updates.map((u) => u.message?.text)).toEqual(["after"]);
});

test("a webhook that rejects the secret is retried and reported in getWebhookInfo", async () => {
  fake = await startFakeTelegram();
  const bot = new Bot(fake.token, { botInfo: fake.botInfo, client: { apiRoot: fake.apiRoot } });
  bot.on("message:text", (ctx) => ctx.reply("ok"));
  const handle = webhookCallback(bot, "http", { secretToken: "right" });
  let attempts = 0;
  server = createServer((req, res) => {
    attempts++;
    void handle(req, res);
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;

  await bot.api.setWebhook(url, { secret_token: "wrong" });
  const ann = fake.user();
  await ann.sendText("hello");
  await expect.poll(() => attempts).toBeGreaterThanOrEqual(2);
  const info = await bot.api.getWebhookInfo();
  expect(info.pending_update_count).toBe(1);
  expect(info.last_error_message).toMatch(/^Wrong response from the webhook: 401/);
  expect(ann.messages()).toEqual([]);

  // Fixing the secret delivers the update that was waiting.
  await bot.api.setWebhook(url, { secret_token: "right" });
  await ann.waitForMessage("ok", { afterMessageId: 0 });
});

test("a webhook can answer with a method call in its response body", async () => {
  fake = await startFakeTelegram();
  const ann = fake.user();
  server = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ method: "sendMessage", chat_id: ann.id, text: "replied in the response" }));
  });
  await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
  const bot = new Bot(fake.token, { botInfo: fake.botInfo, client: { apiRoot: fake.apiRoot } });
  await bot.api.setWebhook(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
  await ann.sendText("hi");
  await ann.waitForMessage("replied in the response");
  expect(fake.calls("sendMessage")).toHaveLength(1);
});
