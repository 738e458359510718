import { RedisAdapter } from "@grammyjs/storage-redis";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { WriteOnChangeStorage } from "../../src/bot/session-storage.js";
import { generateKeyBase64, keyIdOfText, parseKeyring } from "../../src/privacy/cipher.js";
import { EncryptedStorage } from "../../src/storage/encrypted-adapter.js";
import { deleteRedisKeys, uniqueRedisPrefix } from "../helpers/app.js";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redis = new Redis(redisUrl);
const prefix = uniqueRedisPrefix();
afterAll(async () => {
  await deleteRedisKeys(redisUrl, prefix);
  await redis.quit();
});

interface Draft {
  text?: string;
  pages?: string[];
}
const oldKey = generateKeyBase64();
const keyring = parseKeyring(oldKey);
const redisAdapter = () => new RedisAdapter<unknown>({ instance: redis });

describe("encrypted grammY storage", () => {
  it("keeps only ciphertext in Redis and gives the plugin its object back", async () => {
    const storage = new EncryptedStorage<Draft>(redisAdapter(), keyring);
    const key = `${prefix}:conv:1`;
    await storage.write(key, { text: "Здравствуйте, RedisCanary77", pages: ["a"] });
    const raw = (await redis.get(key)) ?? "";
    expect(raw).not.toContain("RedisCanary77");
    expect(keyIdOfText(JSON.parse(raw) as string)).toBe(keyring.current.id);
    expect(await storage.read(key)).toEqual({ text: "Здравствуйте, RedisCanary77", pages: ["a"] });
    await storage.delete(key);
    expect(await redis.exists(key)).toBe(0);
    expect(await storage.read(key)).toBeUndefined();
  });

  it("under WriteOnChangeStorage still skips writing an unchanged session", async () => {
    const inner = redisAdapter();
    let writes = 0;
    const counting = { read: (k: string) => inner.read(k), write: async (k: string, v: unknown) => { writes++; await inner.write(k, v); }, delete: (k: string) => inner.delete(k) };
    const sessions = new WriteOnChangeStorage(new EncryptedStorage<Draft>(counting, keyring));
    const key = `${prefix}:session:2`;
    await sessions.write(key, { text: "one" });
    const read = (await sessions.read(key)) ?? {};
    await sessions.write(key, read);
    expect(writes).toBe(1);
    read.text = "two";
    await sessions.write(key, read);
    expect(writes).toBe(2);
  });

  it("moves a value under an older key to the current key when it is read", async () => {
    const key = `${prefix}:conv:3`;
    await new EncryptedStorage<Draft>(redisAdapter(), keyring).write(key, { text: "old" });
    const rotated = parseKeyring(generateKeyBase64(), [oldKey]);
    expect(await new EncryptedStorage<Draft>(redisAdapter(), rotated).read(key)).toEqual({ text: "old" });
    expect(keyIdOfText(JSON.parse((await redis.get(key)) ?? "") as string)).toBe(rotated.current.id);
  });

  it("reads an undecryptable value as absent and says so (key only), and a pre-encryption value as it is", async () => {
    const key = `${prefix}:conv:4`;
    await new EncryptedStorage<Draft>(redisAdapter(), parseKeyring(generateKeyBase64())).write(key, { text: "other key" });
    const heard: string[] = [];
    const storage = new EncryptedStorage<Draft>(redisAdapter(), keyring, { onUnreadable: (k) => heard.push(k) });
    expect(await storage.read(key)).toBeUndefined();
    expect(heard).toEqual([key]);

    await redis.set(`${prefix}:conv:5`, JSON.stringify({ text: "legacy" }));
    expect(await storage.read(`${prefix}:conv:5`)).toEqual({ text: "legacy" });
  });
});
