import { RedisAdapter } from "@grammyjs/storage-redis";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { sessionKey } from "../../src/bot/index.js";
import { chatStatePatterns, conversationKey } from "../../src/messages/state-keys.js";
import { encryptText, generateKeyBase64, keyIdOfText, parseKeyring, type Keyring } from "../../src/privacy/cipher.js";
import { addAlbumPage, albumPagesPattern, readAlbum, type AlbumPage } from "../../src/replies/albums.js";
import { EncryptedStorage } from "../../src/storage/encrypted-adapter.js";
import { rotateRedisState } from "../../src/storage/rotate-redis.js";
import { deleteRedisKeys, uniqueRedisPrefix } from "../helpers/app.js";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redis = new Redis(redisUrl);
const prefixes: string[] = [];
afterAll(async () => {
  for (const prefix of prefixes) await deleteRedisKeys(redisUrl, prefix);
  await redis.quit();
});
const freshPrefix = () => {
  const prefix = uniqueRedisPrefix();
  prefixes.push(prefix);
  return prefix;
};

const oldKey = generateKeyBase64();
const newKey = generateKeyBase64();
const oldRing = parseKeyring(oldKey);
/** After the operator set ENCRYPTION_KEY to the new key and the old one into ENCRYPTION_PREVIOUS_KEYS. */
const rotating = parseKeyring(newKey, [oldKey]);
/** What is left once ENCRYPTION_PREVIOUS_KEYS is removed. */
const newOnly = parseKeyring(newKey);

const chatState = (keyring: Keyring) => new EncryptedStorage<Record<string, unknown>>(new RedisAdapter<unknown>({ instance: redis }), keyring);
const patternsOf = (prefix: string) => ({ values: chatStatePatterns(prefix), lists: [albumPagesPattern(prefix)] });
const page = (messageId: number, caption: string): AlbumPage => ({ messageId, fileId: `file-${messageId}`, declared: "photo", caption, fromId: 7 });
const keyIdOfValue = async (key: string) => keyIdOfText(JSON.parse((await redis.get(key)) ?? "null") as string);

describe("keys rotate for chat state in Redis", () => {
  it("re-encrypts sessions and drafts of chats nobody opened, album pages, and plain state from before encryption; keeps expiry; leaves the rest", async () => {
    const prefix = freshPrefix();
    const old = chatState(oldRing);
    await old.write(sessionKey(prefix, 1), { language: "ru" });
    await old.write(sessionKey(prefix, 2), { language: "en", searchAwaiting: true });
    await old.write(conversationKey(prefix, 1), { version: 3, text: "Здравствуйте! RotateCanary31" });
    await redis.pexpire(conversationKey(prefix, 1), 600_000);
    // A session from before encryption: a plain JSON object.
    await new RedisAdapter<unknown>({ instance: redis }).write(sessionKey(prefix, 3), { language: "ru" });
    await addAlbumPage(redis, oldRing, prefix, -100, "group-1", page(11, "Ответ, страница 1"));
    await addAlbumPage(redis, oldRing, prefix, -100, "group-1", page(12, "Ответ, страница 2"));
    // Under a key nobody lists any more: reported, left as it is.
    await chatState(parseKeyring(generateKeyBase64())).write(sessionKey(prefix, 4), { language: "en" });
    const stranger = await redis.get(sessionKey(prefix, 4));
    // Not chat state: never touched.
    await redis.set(`${prefix}:pace:1`, "12345");

    const report = await rotateRedisState(redis, rotating, patternsOf(prefix));
    expect(report).toEqual({ scanned: 6, rotated: 5, changed: 0, failed: [sessionKey(prefix, 4)] });

    for (const key of [sessionKey(prefix, 1), sessionKey(prefix, 2), sessionKey(prefix, 3), conversationKey(prefix, 1)]) {
      expect(await keyIdOfValue(key)).toBe(newOnly.current.id);
    }
    expect(await redis.get(conversationKey(prefix, 1))).not.toContain("RotateCanary31");
    expect(await redis.pttl(conversationKey(prefix, 1))).toBeGreaterThan(500_000);
    expect(await redis.pttl(sessionKey(prefix, 1))).toBe(-1);
    // Everything reads with the new key alone, as the bot would read it.
    const fresh = chatState(newOnly);
    expect(await fresh.read(sessionKey(prefix, 1))).toEqual({ language: "ru" });
    expect(await fresh.read(sessionKey(prefix, 2))).toEqual({ language: "en", searchAwaiting: true });
    expect(await fresh.read(sessionKey(prefix, 3))).toEqual({ language: "ru" });
    expect(await fresh.read(conversationKey(prefix, 1))).toEqual({ version: 3, text: "Здравствуйте! RotateCanary31" });
    const album = await readAlbum(redis, newOnly, prefix, -100, "group-1");
    expect(album.pages.map((p) => p.caption)).toEqual(["Ответ, страница 1", "Ответ, страница 2"]);
    expect(await redis.ttl(`${prefix}:album:-100:group-1:pages`)).toBeGreaterThan(3600);
    expect(await redis.get(sessionKey(prefix, 4))).toBe(stranger);
    expect(await redis.get(`${prefix}:pace:1`)).toBe("12345");

    // A second run has nothing to do.
    expect(await rotateRedisState(redis, rotating, patternsOf(prefix))).toEqual({ scanned: 6, rotated: 0, changed: 0, failed: [sessionKey(prefix, 4)] });
  });

  it("never overwrites what the bot wrote between the read and the write (compare-and-set)", async () => {
    const prefix = freshPrefix();
    await chatState(oldRing).write(conversationKey(prefix, 5), { text: "old draft" });
    await addAlbumPage(redis, oldRing, prefix, -100, "group-2", page(21, "first"));
    // The bot acts right before each of the rotation's first two writes: it saves a newer draft
    // (under the new key, as a restarted bot does) and a new page arrives in the album.
    let writes = 0;
    const busy = new Proxy(redis, {
      get(target, name, receiver) {
        if (name !== "eval") return Reflect.get(target, name, receiver) as unknown;
        return async (...args: Parameters<Redis["eval"]>) => {
          writes++;
          if (writes === 1) await chatState(rotating).write(conversationKey(prefix, 5), { text: "newer draft" });
          if (writes === 2) await addAlbumPage(redis, oldRing, prefix, -100, "group-2", page(22, "second"));
          return target.eval(...args);
        };
      },
    });
    const report = await rotateRedisState(busy, rotating, patternsOf(prefix));
    expect(report.failed).toEqual([]);
    // The draft: the bot's newer one stays (already under the new key, nothing to redo).
    expect(await chatState(newOnly).read(conversationKey(prefix, 5))).toEqual({ text: "newer draft" });
    // The album: read again with the new page, and both pages rotated.
    const album = await readAlbum(redis, newOnly, prefix, -100, "group-2");
    expect(album.pages.map((p) => p.caption)).toEqual(["first", "second"]);
    expect(report).toEqual({ scanned: 2, rotated: 1, changed: 0, failed: [] });
  });

  it("reports a key the bot keeps changing instead of looping", async () => {
    const prefix = freshPrefix();
    const key = sessionKey(prefix, 6);
    await chatState(oldRing).write(key, { n: 0 });
    let n = 0;
    const busy = new Proxy(redis, {
      get(target, name, receiver) {
        if (name !== "eval") return Reflect.get(target, name, receiver) as unknown;
        return async (...args: Parameters<Redis["eval"]>) => {
          // A process still on the old key writes every time.
          await redis.set(key, JSON.stringify(encryptText(oldRing, JSON.stringify({ n: ++n }))));
          return target.eval(...args);
        };
      },
    });
    expect(await rotateRedisState(busy, rotating, patternsOf(prefix))).toEqual({ scanned: 1, rotated: 0, changed: 1, failed: [] });
    expect(await chatState(rotating).read(key)).toMatchObject({ n: 3 });
  });
});
