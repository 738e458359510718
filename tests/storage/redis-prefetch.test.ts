// src/storage/redis-prefetch.ts on the real Redis: values read with the update's turn are taken once, by
// their reader; anything not taken is dropped, so a later update reads Redis afresh.
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { PrefetchingRedisAdapter, RedisPrefetch } from "../../src/storage/redis-prefetch.js";
import { uniqueRedisPrefix } from "../helpers/app.js";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const prefix = uniqueRedisPrefix();

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

describe("RedisPrefetch", () => {
  it("hands a provided value to its first reader only; later reads and forgotten keys ask Redis", async () => {
    const prefetch = new RedisPrefetch(redis);
    const [a, b] = [`${prefix}:a`, `${prefix}:b`];
    prefetch.provide(a, "first");
    prefetch.provide(b, "first");
    await redis.set(a, "second");
    await redis.set(b, "second");
    // The value as it was when the update got its turn; it is taken once.
    expect(await prefetch.get(a)).toBe("first");
    expect(await prefetch.get(a)).toBe("second");
    // The update ended without reading b: its value is dropped, never handed to a later update.
    prefetch.forget([a, b]);
    expect(await prefetch.get(b)).toBe("second");
    expect(await prefetch.get(`${prefix}:missing`)).toBeNull();
  });

  it("stores in @grammyjs/storage-redis's format: written and read back through either adapter", async () => {
    const prefetch = new RedisPrefetch(redis);
    const adapter = new PrefetchingRedisAdapter<{ welcomed: boolean }>(redis, prefetch);
    const key = `${prefix}:session`;
    await adapter.write(key, { welcomed: true });
    expect(await redis.get(key)).toBe('{"welcomed":true}');
    prefetch.provide(key, await redis.get(key));
    expect(await adapter.read(key)).toEqual({ welcomed: true });
    await adapter.delete(key);
    expect(await adapter.read(key)).toBeUndefined();
  });
});
