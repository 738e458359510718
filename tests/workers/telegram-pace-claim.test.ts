// The outgoing pace's claim on the next bot-wide turn, on real Redis: a send with more messages to
// follow into its chat (a long reply's first pages) goes ahead of sends that have none, and takes
// the claim over from one with fewer to follow, so the longest chain of one-a-second pages starts first.
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { OutgoingPace, withMessagesToFollow, type Paces } from "../../src/workers/telegram-pace.js";
import { deleteRedisKeys, uniqueRedisPrefix } from "../helpers/app.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
// A slow bot-wide pace, so the order of turns does not hang on timer precision.
const PACES: Paces = { bot: { intervalMs: 100, burst: 1 }, group: { intervalMs: 3400, burst: 2 }, privateChat: { intervalMs: 1000, burst: 1 } };
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function world() {
  const prefix = uniqueRedisPrefix();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  cleanups.push(() => redis.quit(), () => deleteRedisKeys(REDIS_URL, prefix));
  const pace = new OutgoingPace(redis, { prefix, botId: "1", paces: PACES });
  const order: number[] = [];
  // As the transformer does: the messages to follow come from withMessagesToFollow around the call.
  const send = (chatId: number, following?: number): Promise<void> => {
    const call = async () => {
      await pace.acquire(chatId, 1, undefined, following);
      order.push(chatId);
    };
    return following === undefined ? call() : withMessagesToFollow(following, call);
  };
  return { pace, order, send, prefix, redis };
}

describe("outgoing pace: the claim on the next bot-wide turn", () => {
  it("gives the next turns to the sends with the most messages to follow, before single messages that waited longer", async () => {
    const { pace, order, send } = world();
    await pace.acquire(1); // the bot-wide bucket is busy for 100 ms
    const sends = Array.from({ length: 8 }, (_, i) => send(10 + i));
    await sleep(10);
    sends.push(send(50, 1)); // the second page of a reply of two: claims the next turn
    await sleep(10);
    sends.push(send(60, 4)); // the first page of a reply of five: takes the claim over
    await Promise.all(sends);
    expect(order.slice(0, 2)).toEqual([60, 50]);
    expect(order.slice(2).sort((a, b) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16, 17]);
  });

  it("passes the count through the transformer's call chain to the claim (AsyncLocalStorage)", async () => {
    const { pace, order, prefix, redis } = world();
    await pace.acquire(1);
    const transformer = pace.transformer("wait");
    const prev = (_method: string, payload: unknown) => {
      order.push(Number((payload as { chat_id: number }).chat_id));
      return Promise.resolve({ ok: true as const, result: true });
    };
    const sending = withMessagesToFollow(3, () => transformer(prev as never, "sendMessage", { chat_id: 70, text: "x" }, undefined));
    await sleep(30);
    // Waiting for the bot-wide turn, not for its chat: it holds the claim as a send with three to follow.
    expect(await redis.get(`${prefix}:pace:bot1:claim`)).toMatch(/^[0-9a-f]{12}:3$/);
    await sending;
    expect(order).toEqual([70]);
    expect(await redis.get(`${prefix}:pace:bot1:claim`)).toBeNull();
  });
});
