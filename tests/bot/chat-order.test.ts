// The per-chat order across processes: two "processes" (two bots, each on its own Redis connection)
// fed one chat's updates interleaved and out of order apply them one at a time in update_id order.
import { Bot, type Context } from "grammy";
import type { Update, UserFromGetMe } from "grammy/types";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { chatOrder, chatOrderKeys } from "../../src/bot/chat-order.js";
import { RedisPrefetch } from "../../src/storage/redis-prefetch.js";
import { deleteRedisKeys, uniqueRedisPrefix } from "../helpers/app.js";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
/** For the test's own reads and writes (a "process" that died, TTL checks). */
const control = new Redis(redisUrl);
const connections: Redis[] = [control];
const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await deleteRedisKeys(redisUrl, prefix);
  for (const redis of connections) await redis.quit();
});

const botInfo: UserFromGetMe = {
  id: 42, is_bot: true, first_name: "Lifeline", username: "lifeline_bot", can_join_groups: true,
  can_read_all_group_messages: false, supports_inline_queries: false, can_connect_to_business: false,
  has_main_web_app: false, has_topics_enabled: false, allows_users_to_create_topics: false, can_manage_bots: false,
  supports_join_request_queries: false,
};

function textUpdate(updateId: number, chatId: number, text: string): Update {
  return {
    update_id: updateId,
    message: { message_id: updateId, date: 0, chat: { id: chatId, type: "private", first_name: "W" }, from: { id: chatId, is_bot: false, first_name: "W" }, text },
  };
}

interface Log { applied: string[]; running: number; maxRunning: number }

/** One "process": its own Redis connection and bot; each handler takes a while, like a real one. */
function processOf(prefix: string, log: Log, opts: { leaseMs?: number; staleMs?: number } = {}): Bot {
  const redis = new Redis(redisUrl);
  connections.push(redis);
  const bot = new Bot<Context>("1:test", { botInfo });
  const order = chatOrder({ redis, redisPrefix: prefix, ...opts });
  bot.use(order.register, order.turn);
  bot.on("message:text", async (ctx) => {
    log.running++;
    log.maxRunning = Math.max(log.maxRunning, log.running);
    await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
    log.applied.push(ctx.message.text);
    log.running--;
  });
  return bot;
}

const newLog = (): Log => ({ applied: [], running: 0, maxRunning: 0 });
const newPrefix = (): string => {
  const prefix = uniqueRedisPrefix();
  prefixes.push(prefix);
  return prefix;
};

describe("chat order across processes", () => {
  it("applies one chat's interleaved updates in update_id order, one at a time", async () => {
    const prefix = newPrefix();
    const log = newLog();
    const [a, b] = [processOf(prefix, log), processOf(prefix, log)];
    const updates = Array.from({ length: 20 }, (_, i) => textUpdate(1000 + i, 7001, `t${i}`));
    // Each update arrives a moment after the one before (Telegram sends them in order), alternating
    // between the processes, while the earlier ones are still running.
    await Promise.all(
      updates.map(async (u, i) => {
        await new Promise((r) => setTimeout(r, i * 2));
        await (i % 2 === 0 ? a : b).handleUpdate(u);
      }),
    );
    expect(log.applied).toEqual(updates.map((_, i) => `t${i}`));
    expect(log.maxRunning).toBe(1);
  });

  it("reads the chat's state with the turn: each update sees what the one before it wrote, none is lost", async () => {
    const prefix = newPrefix();
    const counter = `${prefix}:state:7010`;
    let provided = 0;
    /** A "process" whose handler reads the chat's state through its prefetch, adds one and writes it back. */
    const counting = (): Bot => {
      const redis = new Redis(redisUrl);
      connections.push(redis);
      const prefetch = new RedisPrefetch(redis);
      const provide = prefetch.provide.bind(prefetch);
      prefetch.provide = (key, value) => {
        provided += 1;
        provide(key, value);
      };
      const bot = new Bot<Context>("1:test", { botInfo });
      const order = chatOrder({ redis, redisPrefix: prefix, settleMs: 0, readOnTurn: { keys: () => [counter], into: prefetch } });
      bot.use(order.register, order.turn);
      bot.on("message:text", async () => {
        const seen = Number((await prefetch.get(counter)) ?? "0");
        await new Promise((r) => setTimeout(r, 2 + Math.random() * 5));
        await redis.set(counter, String(seen + 1));
      });
      return bot;
    };
    const [a, b] = [counting(), counting()];
    const updates = Array.from({ length: 30 }, (_, i) => textUpdate(3000 + i, 7010, `n${i}`));
    await Promise.all(updates.map((u, i) => (i % 2 === 0 ? a : b).handleUpdate(u)));
    expect(await control.get(counter)).toBe("30");
    // Every update got its state from the script that gave it the turn, none asked Redis again.
    expect(provided).toBe(30);
  });

  it("lets an earlier update still on its way go first", async () => {
    const prefix = newPrefix();
    const log = newLog();
    const [a, b] = [processOf(prefix, log), processOf(prefix, log)];
    // Update 11 was registered by a process that is still reading it (alive), update 12 arrives.
    const [pending, alive] = chatOrderKeys(prefix, 7002, 11);
    await control.zadd(pending, 11, "11");
    await control.hset(alive, "11", Date.now());
    const later = b.handleUpdate(textUpdate(12, 7002, "second"));
    await new Promise((r) => setTimeout(r, 100));
    expect(log.applied).toEqual([]);
    await a.handleUpdate(textUpdate(11, 7002, "first"));
    await later;
    expect(log.applied).toEqual(["first", "second"]);
  });

  it("applies the same update once when two processes get it", async () => {
    const prefix = newPrefix();
    const log = newLog();
    const [a, b] = [processOf(prefix, log), processOf(prefix, log)];
    const update = textUpdate(500, 7003, "once");
    await Promise.all([a.handleUpdate(update), b.handleUpdate(update)]);
    await a.handleUpdate(update);
    expect(log.applied).toEqual(["once"]);
    const done = chatOrderKeys(prefix, 7003, 500)[3];
    expect(await control.ttl(done)).toBeGreaterThan(86_000);
  });

  it("takes over from a holder that died after the lease, and gives up its update after the stale bound", async () => {
    const prefix = newPrefix();
    const log = newLog();
    const b = processOf(prefix, log, { leaseMs: 300, staleMs: 300 });
    // A process took the lock for update 20 and died: it never releases, never renews.
    const [pending, alive, lock] = chatOrderKeys(prefix, 7004, 20);
    await control.zadd(pending, 20, "20");
    await control.hset(alive, "20", Date.now());
    await control.set(lock, "dead-process", "PX", 300);
    const started = Date.now();
    await b.handleUpdate(textUpdate(21, 7004, "after the dead one"));
    const waited = Date.now() - started;
    expect(log.applied).toEqual(["after the dead one"]);
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(2_000);
    // Telegram redelivers update 20 (the dead process never answered): it is not done, so it runs.
    await b.handleUpdate(textUpdate(20, 7004, "redelivered"));
    expect(log.applied).toEqual(["after the dead one", "redelivered"]);
  });

  it("renews the lease while a long handler runs", async () => {
    const prefix = newPrefix();
    const order: string[] = [];
    const make = (): Bot => {
      const redis = new Redis(redisUrl);
      connections.push(redis);
      const bot = new Bot<Context>("1:test", { botInfo });
      const chatOrdered = chatOrder({ redis, redisPrefix: prefix, leaseMs: 150, staleMs: 150 });
      bot.use(chatOrdered.register, chatOrdered.turn);
      bot.on("message:text", async (ctx) => {
        order.push(`start ${ctx.message.text}`);
        if (ctx.message.text === "long") await new Promise((r) => setTimeout(r, 600));
        order.push(`end ${ctx.message.text}`);
      });
      return bot;
    };
    const [a, b] = [make(), make()];
    const long = a.handleUpdate(textUpdate(30, 7005, "long"));
    await new Promise((r) => setTimeout(r, 30));
    await Promise.all([long, b.handleUpdate(textUpdate(31, 7005, "short"))]);
    expect(order).toEqual(["start long", "end long", "start short", "end short"]);
  });
});
