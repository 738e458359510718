// The fake's load balancer: updates spread over several webhook URLs, concurrently, with retries.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update } from "grammy/types";
import { afterEach, expect, test } from "vitest";
import { startFakeTelegram, type FakeTelegram } from "../../src/fake-telegram/index.js";

let fake: FakeTelegram | undefined;
const servers: Server[] = [];

afterEach(async () => {
  await fake?.close();
  fake = undefined;
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});

interface Target { url: string; got: number[]; secrets: (string | undefined)[] }

/** A webhook endpoint that answers after `delayMs`, failing the first `failFirst` POSTs with 500. */
async function target(opts: { delayMs: number; failFirst?: number; live: { now: number; max: number } }): Promise<Target> {
  const got: number[] = [];
  const secrets: (string | undefined)[] = [];
  let failures = opts.failFirst ?? 0;
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk: Buffer) => (body += chunk.toString()));
    req.on("end", () => {
      opts.live.now++;
      opts.live.max = Math.max(opts.live.max, opts.live.now);
      setTimeout(() => {
        opts.live.now--;
        if (failures > 0) {
          failures--;
          res.writeHead(500).end();
          return;
        }
        got.push((JSON.parse(body) as Update).update_id);
        secrets.push(req.headers["x-telegram-bot-api-secret-token"] as string | undefined);
        res.writeHead(200).end();
      }, opts.delayMs);
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, got, secrets };
}

async function setWebhook(f: FakeTelegram, maxConnections: number): Promise<void> {
  const res = await fetch(`${f.apiRoot}/bot${f.token}/setWebhook`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ url: "http://127.0.0.1:1/unused", secret_token: "shared", max_connections: maxConnections }),
  });
  expect(res.status).toBe(200);
}

test("spreads updates round-robin over the targets, several at once, and retries a failed POST", async () => {
  fake = await startFakeTelegram();
  const live = { now: 0, max: 0 };
  const targets = [await target({ delayMs: 40, live }), await target({ delayMs: 40, live, failFirst: 2 }), await target({ delayMs: 40, live })];
  fake.setWebhookTargets(targets.map((t) => t.url));
  await setWebhook(fake, 5);
  const ann = fake.user();
  for (let i = 0; i < 30; i++) await ann.sendText(`m${i}`);
  const deadline = Date.now() + 10_000;
  while (fake.pendingUpdateCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

  expect(fake.pendingUpdateCount).toBe(0);
  const all = targets.flatMap((t) => t.got).sort((a, b) => a - b);
  expect(new Set(all).size).toBe(30);
  expect(all).toHaveLength(30);
  for (const t of targets) expect(t.got.length).toBeGreaterThanOrEqual(5);
  expect(live.max).toBeGreaterThan(1);
  expect(live.max).toBeLessThanOrEqual(5);
  expect(targets.flatMap((t) => t.secrets).every((s) => s === "shared")).toBe(true);
});

test("duplicate posts every update to two different targets", async () => {
  fake = await startFakeTelegram();
  const live = { now: 0, max: 0 };
  const targets = [await target({ delayMs: 5, live }), await target({ delayMs: 5, live })];
  fake.setWebhookTargets(targets.map((t) => t.url), { duplicate: true });
  await setWebhook(fake, 2);
  const ann = fake.user();
  for (let i = 0; i < 4; i++) await ann.sendText(`m${i}`);
  const deadline = Date.now() + 5_000;
  while (fake.pendingUpdateCount > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));

  const [first, second] = targets.map((t) => [...t.got].sort((a, b) => a - b));
  expect(first).toHaveLength(4);
  expect(second).toEqual(first);
});
