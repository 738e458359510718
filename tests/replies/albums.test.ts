import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { generateKeyBase64, parseKeyring } from "../../src/privacy/cipher.js";
import { addAlbumPage, readAlbum } from "../../src/replies/albums.js";
import { deleteRedisKeys, uniqueRedisPrefix } from "../helpers/app.js";

const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redis = new Redis(redisUrl);
const prefix = uniqueRedisPrefix();
afterAll(async () => {
  await deleteRedisKeys(redisUrl, prefix);
  await redis.quit();
});

describe("album pages waiting in Redis", () => {
  it("are stored encrypted (caption and file id) and read back in order; an unreadable entry is skipped", async () => {
    const keyring = parseKeyring(generateKeyBase64());
    const page = (messageId: number) => ({ messageId, fileId: `FileId${messageId}AlbumCanary`, declared: "photo" as const, caption: "L-7K3Q AlbumCaptionCanary", fromId: 5 });
    await addAlbumPage(redis, keyring, prefix, 1, "g1", page(11));
    await addAlbumPage(redis, keyring, prefix, 1, "g1", page(10));
    // One entry written under a key this process does not know.
    await addAlbumPage(redis, parseKeyring(generateKeyBase64()), prefix, 1, "g1", page(12));
    const raw = (await redis.lrange(`${prefix}:album:1:g1:pages`, 0, -1)).join("\n");
    expect(raw).not.toContain("AlbumCanary");
    expect(raw).not.toContain("AlbumCaptionCanary");
    const album = await readAlbum(redis, keyring, prefix, 1, "g1");
    expect(album.pages.map((p) => [p.messageId, p.caption, p.fileId])).toEqual([
      [10, "L-7K3Q AlbumCaptionCanary", "FileId10AlbumCanary"],
      [11, "L-7K3Q AlbumCaptionCanary", "FileId11AlbumCanary"],
    ]);
    expect(album.read).toBe(3);
  });
});
