// The writers' cache (src/db/repositories/writer-cache.ts) on the real PostgreSQL and Redis: a bot's
// client and a worker's client share it; whatever one changes, the other reads at once.
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createPrisma, withWriterCache } from "../../src/db/client.js";
import { writerCacheKey } from "../../src/db/repositories/writer-cache.js";
import { deleteWriterData, findWriterByTelegramId, getOrCreateWriter, setWriterLanguage, updateWriterProfile } from "../../src/db/repositories/writers.js";
import { testDatabaseUrl, testKeyring, uniqueTelegramId } from "../helpers/db.js";
import { uniqueRedisPrefix } from "../helpers/app.js";

const redis = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379");
const prefix = uniqueRedisPrefix();
const plain = createPrisma(testDatabaseUrl(), { max: 2, keyring: testKeyring() });
const cache = { redis, prefix, keyring: testKeyring() };
const bot = withWriterCache(createPrisma(testDatabaseUrl(), { max: 2, keyring: testKeyring() }), cache);
const worker = withWriterCache(createPrisma(testDatabaseUrl(), { max: 2, keyring: testKeyring() }), cache);

afterAll(async () => {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  await Promise.all([plain.$disconnect(), bot.$disconnect(), worker.$disconnect()]);
  await redis.quit();
});

describe("writer cache", () => {
  it("serves a writer from Redis, encrypted, with every field as PostgreSQL has it", async () => {
    const telegramId = uniqueTelegramId();
    const created = await getOrCreateWriter(plain, { telegramId, language: "ru" });
    const signed = await updateWriterProfile(plain, created.id, { signatureName: "Аня из Калининграда", interests: ["books", "own:вязание"], botBlockedAt: new Date("2026-11-30T10:00:00Z") });

    const first = await findWriterByTelegramId(bot, telegramId);
    expect(first).toEqual(signed);
    const stored = await redis.get(writerCacheKey(prefix, telegramId));
    expect(stored).toMatch(/^enc1:/);
    expect(stored).not.toContain("Аня");
    expect(await redis.ttl(writerCacheKey(prefix, telegramId))).toBeGreaterThan(0);

    // The second read is the cached copy: a change made behind the cache's back (the plain client,
    // as a CLI would) is not seen until the copy expires.
    await plain.writer.update({ where: { id: created.id }, data: { rulesAcceptedVersion: 7 } });
    const second = await findWriterByTelegramId(bot, telegramId);
    expect(second?.rulesAcceptedVersion).toBe(signed.rulesAcceptedVersion);
    expect(typeof second?.telegramId).toBe("bigint");
    expect(second?.botBlockedAt).toBeInstanceOf(Date);
    expect(second?.updatedAt.getTime()).toBe(signed.updatedAt.getTime());
  });

  it("a change through any cached client is read at once by every other, and stays uncached for a while", async () => {
    const telegramId = uniqueTelegramId();
    const writer = await getOrCreateWriter(bot, { telegramId, language: "ru" });
    expect((await findWriterByTelegramId(bot, telegramId))?.language).toBe("ru");

    await setWriterLanguage(worker, writer.id, "en");
    expect((await findWriterByTelegramId(bot, telegramId))?.language).toBe("en");
    // A tombstone: a read that fetched the old row just before the change cannot put it back.
    expect(await redis.get(writerCacheKey(prefix, telegramId))).toBe("-");

    await updateWriterProfile(worker, writer.id, { botBlockedAt: new Date() });
    expect((await findWriterByTelegramId(bot, telegramId))?.botBlockedAt).toBeInstanceOf(Date);
    await updateWriterProfile(bot, writer.id, { botBlockedAt: null });
    expect((await findWriterByTelegramId(worker, telegramId))?.botBlockedAt).toBeNull();
  });

  it("a new writer is cached as created, unless a tombstone of an erased one is still there", async () => {
    const telegramId = uniqueTelegramId();
    const created = await getOrCreateWriter(bot, { telegramId, language: "ru" });
    expect(await redis.get(writerCacheKey(prefix, telegramId))).toMatch(/^enc1:/);
    // Served from the copy made at creation: a change behind the cache's back is not seen yet.
    await plain.writer.update({ where: { id: created.id }, data: { language: "en" } });
    expect(await findWriterByTelegramId(worker, telegramId)).toEqual(created);

    // Erased and back within the TTL: the erasure's tombstone stays, the new row comes from PostgreSQL.
    await deleteWriterData(worker, created.id);
    const again = await getOrCreateWriter(bot, { telegramId, language: "en" });
    expect(again.id).not.toBe(created.id);
    expect(await redis.get(writerCacheKey(prefix, telegramId))).toBe("-");
    await plain.writer.update({ where: { id: again.id }, data: { signatureName: "Оля" } });
    expect((await findWriterByTelegramId(bot, telegramId))?.signatureName).toBe("Оля");
  });

  it("a deleted writer is gone at once, from every client", async () => {
    const telegramId = uniqueTelegramId();
    const writer = await getOrCreateWriter(bot, { telegramId, language: "en" });
    await redis.del(writerCacheKey(prefix, telegramId));
    expect(await findWriterByTelegramId(bot, telegramId)).not.toBeNull();
    expect(await redis.get(writerCacheKey(prefix, telegramId))).toMatch(/^enc1:/);

    await deleteWriterData(worker, writer.id);
    expect(await findWriterByTelegramId(bot, telegramId)).toBeNull();
    expect(await redis.get(writerCacheKey(prefix, telegramId))).toBe("-");
  });

  it("answers from PostgreSQL when Redis cannot", async () => {
    const telegramId = uniqueTelegramId();
    await getOrCreateWriter(plain, { telegramId, language: "ru" });
    const broken = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 });
    const client = withWriterCache(createPrisma(testDatabaseUrl(), { max: 1, keyring: testKeyring() }), { ...cache, redis: broken });
    try {
      expect((await findWriterByTelegramId(client, telegramId))?.language).toBe("ru");
    } finally {
      await client.$disconnect();
      broken.disconnect();
    }
  });
});
