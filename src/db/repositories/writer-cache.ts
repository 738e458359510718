// The writer behind a chat is loaded on every update (src/bot/middlewares.ts): a Prisma query that
// costs more CPU than anything else the bot does for a /help (bench/update.ts). The repository's
// lookups by Telegram id (writers.ts) keep the row for a short while in Redis, encrypted with the
// service key like all chat state, so every bot and worker process shares it and nothing lives in
// one process; this query extension keeps the copies true.
//
// Correct across processes without locks: every write to a writer (any client built with the same
// cache: the bot's and the workers') replaces the cached row with a tombstone that lives as long as a
// cached row would, and a read (or the creation of the row) caches only where nothing is (SET NX). A read that fetched the old row
// just before a write therefore cannot put it back; after a change the writer is read from PostgreSQL
// until the tombstone expires. Clients without the cache (the CLI) change writers too rarely to
// matter: what they change is seen within the TTL.
import type { Redis } from "ioredis";
import { Prisma } from "../../generated/prisma/client.js";
import { decryptText, encryptText, type Keyring } from "../../privacy/cipher.js";

export interface WriterCacheOptions {
  redis: Redis;
  /** The service's Redis prefix. */
  prefix: string;
  keyring: Keyring;
  /** How long a row (or a tombstone) lives. Default 30 s. */
  ttlSeconds?: number;
  /** Where lookups read (the bot's reads started with the update's others: src/storage/redis-prefetch.ts); default `redis`. */
  reads?: { get(key: string): Promise<string | null> };
}

const TOMBSTONE = "-";
const DEFAULT_TTL = 30;

export function writerCacheKey(prefix: string, telegramId: bigint | number | string): string {
  return `${prefix}:writer-cache:${String(telegramId)}`;
}

/** JSON that keeps BigInt and Date fields: {"$n": "123"} and {"$d": "2026-..."}. */
function serialize(row: object): string {
  return JSON.stringify(row, function (this: Record<string, unknown>, key, value: unknown) {
    const raw = this[key];
    if (typeof raw === "bigint") return { $n: raw.toString() };
    if (raw instanceof Date) return { $d: raw.toISOString() };
    return value;
  });
}

function revive(json: string): unknown {
  return JSON.parse(json, (_key, value: unknown) => {
    if (value !== null && typeof value === "object" && !Array.isArray(value)) {
      const v = value as Record<string, unknown>;
      if (typeof v.$n === "string" && Object.keys(v).length === 1) return BigInt(v.$n);
      if (typeof v.$d === "string" && Object.keys(v).length === 1) return new Date(v.$d);
    }
    return value;
  });
}

const caches = new WeakMap<object, WriterCacheOptions>();

/** Marks a client (made with writerCache's extension) as one whose writers' lookups use the cache. */
export function attachWriterCache(client: object, opts: WriterCacheOptions): void {
  caches.set(client, opts);
}

/**
 * A writer by Telegram id through the cache of `db`, when it has one (transactions have none):
 * before Prisma is asked at all, since Prisma's own work for a lookup costs more than the lookup.
 */
export async function cachedWriter<W extends object>(db: object, telegramId: bigint, load: () => Promise<W | null>): Promise<W | null> {
  const opts = caches.get(db);
  if (!opts) return load();
  const key = writerCacheKey(opts.prefix, telegramId);
  // Redis trouble is never the writer's trouble: PostgreSQL answers instead.
  const cached = await (opts.reads ?? opts.redis).get(key).catch(() => null);
  if (cached !== null && cached !== TOMBSTONE) {
    try {
      return revive(decryptText(opts.keyring, cached)) as W;
    } catch {
      // Under a key no longer known, or damaged: read it afresh.
    }
  }
  const row = await load();
  if (row !== null && cached === null) {
    await opts.redis.set(key, encryptText(opts.keyring, serialize(row)), "EX", opts.ttlSeconds ?? DEFAULT_TTL, "NX").catch(() => undefined);
  }
  return row;
}

/** The query extension that keeps the cache true: every write to a writer replaces its cached copy with a tombstone. */
export function writerCache(opts: WriterCacheOptions) {
  const { redis, prefix } = opts;
  const ttl = opts.ttlSeconds ?? DEFAULT_TTL;
  /** After a write of one row: its cached copy goes (every cached writer, if the row came back without its Telegram id). */
  const bury = async (row: unknown): Promise<void> => {
    if (row === null || typeof row !== "object") return;
    const telegramId = (row as { telegramId?: unknown }).telegramId;
    if (typeof telegramId !== "bigint") return buryAll();
    await redis.set(writerCacheKey(prefix, telegramId), TOMBSTONE, "EX", ttl);
  };
  /** After a create: the new row, where nothing is cached. */
  const cacheNew = async (row: unknown): Promise<void> => {
    const telegramId = row !== null && typeof row === "object" ? (row as { telegramId?: unknown }).telegramId : undefined;
    if (typeof telegramId !== "bigint") return bury(row);
    await redis.set(writerCacheKey(prefix, telegramId), encryptText(opts.keyring, serialize(row as object)), "EX", ttl, "NX");
  };
  /** Writes that name no single row: every cached writer goes (rare: no repository does this today). */
  const buryAll = async (): Promise<void> => {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", writerCacheKey(prefix, "*"), "COUNT", 1000);
      cursor = next;
      for (const key of keys) await redis.set(key, TOMBSTONE, "EX", ttl);
    } while (cursor !== "0");
  };

  return Prisma.defineExtension({
    name: "writer-cache",
    query: {
      writer: {
        // A write's cache change is part of the write: if Redis refuses it, the write's caller hears
        // of it (the row in PostgreSQL is changed all the same, and the cached one expires in `ttl`).
        // A new writer is cached at once (a first contact is followed by its next updates within
        // seconds): nothing older can be cached for a Telegram id without a row, and SET NX leaves a
        // tombstone of a write that came in between (or of the erasure of an earlier writer) alone.
        async create({ args, query }) {
          const row = await query(args);
          await cacheNew(row);
          return row;
        },
        async update({ args, query }) {
          const row = await query(args);
          await bury(row);
          return row;
        },
        async upsert({ args, query }) {
          const row = await query(args);
          await bury(row);
          return row;
        },
        async delete({ args, query }) {
          const row = await query(args);
          await bury(row);
          return row;
        },
        async updateMany({ args, query }) {
          const result = await query(args);
          await buryAll();
          return result;
        },
        async deleteMany({ args, query }) {
          const result = await query(args);
          await buryAll();
          return result;
        },
      },
    },
  });
}
