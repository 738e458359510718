import { RedisAdapter } from "@grammyjs/storage-redis";
import { session, type Context, type SessionFlavor, type StorageAdapter } from "grammy";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { WriteOnChangeStorage } from "../../src/bot/session-storage.js";
import { deleteRedisKeys, uniqueRedisPrefix } from "../helpers/app.js";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redis = new Redis(redisUrl);
const prefix = uniqueRedisPrefix();
afterAll(async () => {
  await deleteRedisKeys(redisUrl, prefix);
  await redis.quit();
});

interface Data {
  searchAwaiting?: boolean;
  tags?: string[];
}
type Ctx = Context & SessionFlavor<Data>;

/** The real Redis adapter, with every write and delete that reaches it counted. */
function countingRedis(): { adapter: StorageAdapter<Data>; writes: string[] } {
  const inner = new RedisAdapter<Data>({ instance: redis });
  const writes: string[] = [];
  return {
    writes,
    adapter: {
      read: (key) => inner.read(key),
      write: async (key, value) => {
        writes.push(`write ${JSON.stringify(value)}`);
        await inner.write(key, value);
      },
      delete: async (key) => {
        writes.push("delete");
        await inner.delete(key);
      },
    },
  };
}

describe("session storage that writes only what changed", () => {
  it("skips unchanged sessions, writes changes (nested ones too) and deletes", async () => {
    const { adapter, writes } = countingRedis();
    const storage = new WriteOnChangeStorage(adapter);
    const key = `${prefix}:session:1`;
    const middleware = session<Data, Ctx>({ initial: () => ({}), getSessionKey: () => key, storage });
    const handle = async (handler: (ctx: Ctx) => void) => {
      const ctx = {} as Ctx;
      await middleware(ctx, () => Promise.resolve(handler(ctx)));
    };

    // A new chat: its empty session is written once, then reading it writes nothing.
    await handle((ctx) => void ctx.session.searchAwaiting);
    await handle((ctx) => void ctx.session.searchAwaiting);
    expect(writes).toEqual(["write {}"]);
    expect(await redis.get(key)).toBe("{}");

    await handle((ctx) => {
      ctx.session.searchAwaiting = true;
    });
    await handle((ctx) => void ctx.session.searchAwaiting);
    await handle((ctx) => {
      ctx.session.searchAwaiting = true; // the same value again
    });
    expect(writes.slice(1)).toEqual(['write {"searchAwaiting":true}']);

    await handle((ctx) => {
      ctx.session.tags = ["a"];
    });
    await handle((ctx) => {
      ctx.session.tags!.push("b");
    });
    expect(writes.slice(2)).toEqual(['write {"searchAwaiting":true,"tags":["a"]}', 'write {"searchAwaiting":true,"tags":["a","b"]}']);
    expect(JSON.parse((await redis.get(key)) ?? "null")).toEqual({ searchAwaiting: true, tags: ["a", "b"] });

    // The privacy feature's "forget me": the session goes.
    await handle((ctx) => {
      ctx.session = null;
    });
    expect(writes.at(-1)).toBe("delete");
    expect(await redis.get(key)).toBeNull();
  });
});
