import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { DecryptionError, generateKeyBase64, keyIdOfBytes, parseKeyring } from "../../src/privacy/cipher.js";
import { createFileStorage, InvalidStorageKeyError, type FileStorage } from "../../src/storage/index.js";
import { draftPageKey, draftPrefix, letterPageKey } from "../../src/storage/keys.js";

const keyring = parseKeyring(generateKeyBase64());
let dir: string;
let storage: FileStorage;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lifeline-storage-"));
  storage = createFileStorage(dir, keyring);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("file storage", () => {
  it("puts, gets, checks and deletes files under its root", async () => {
    const key = draftPageKey(7, "ab".repeat(32));
    expect(key).toBe(`drafts/7/${"ab".repeat(32)}.jpg`);
    expect(await storage.get(key)).toBeUndefined();
    await storage.put(key, Buffer.from("page"));
    expect((await storage.get(key))?.toString()).toBe("page");
    expect(await storage.exists(key)).toBe(true);
    expect(storage.pathOf(key)).toBe(join(dir, "drafts", "7", `${"ab".repeat(32)}.jpg`));
    // No temp files are left behind by the atomic write.
    expect(readdirSync(join(dir, "drafts", "7"))).toEqual([`${"ab".repeat(32)}.jpg`]);
    await storage.put(key, Buffer.from("page v2"));
    expect((await storage.get(key))?.toString()).toBe("page v2");
    await storage.delete(key);
    await storage.delete(key);
    expect(await storage.exists(key)).toBe(false);
  });

  it("deletes a whole prefix and nothing else", async () => {
    await storage.put("drafts/1/a.jpg", Buffer.from("a"));
    await storage.put("drafts/1/b.jpg", Buffer.from("b"));
    await storage.put("drafts/12/c.jpg", Buffer.from("c"));
    await storage.deletePrefix(draftPrefix(1));
    await storage.deletePrefix(draftPrefix(1));
    expect(await storage.exists("drafts/1/a.jpg")).toBe(false);
    expect(await storage.exists("drafts/12/c.jpg")).toBe(true);
  });

  it("moves idempotently: a retried move after success is fine, a move of nothing fails", async () => {
    await storage.put("drafts/3/x.jpg", Buffer.from("x"));
    await storage.move("drafts/3/x.jpg", letterPageKey(9, 1));
    await storage.move("drafts/3/x.jpg", letterPageKey(9, 1));
    expect((await storage.get("letters/9/page-1.jpg"))?.toString()).toBe("x");
    await expect(storage.move("drafts/3/none.jpg", "letters/9/page-2.jpg")).rejects.toThrow(/ENOENT/);
  });

  it("refuses keys that could escape the root", async () => {
    for (const key of ["../x", "/etc/passwd", "a/../../b", "a//b", "", "a/./b", "a b/c"]) {
      await expect(storage.put(key, Buffer.from("no"))).rejects.toBeInstanceOf(InvalidStorageKeyError);
    }
    await expect(storage.deletePrefix("../")).rejects.toBeInstanceOf(InvalidStorageKeyError);
  });
});

describe("file storage encryption", () => {
  it("keeps only ciphertext on disk, under the current key, and gives callers the plain bytes", async () => {
    const plain = Buffer.from("Dear Ivan, a page of a letter with a canary StorageCanary42");
    await storage.put("letters/5/page-1.jpg", plain);
    const onDisk = readFileSync(storage.pathOf("letters/5/page-1.jpg"));
    expect(onDisk.includes(Buffer.from("StorageCanary42"))).toBe(false);
    expect(keyIdOfBytes(onDisk)).toBe(keyring.current.id);
    expect((await storage.get("letters/5/page-1.jpg"))?.equals(plain)).toBe(true);
    // Moves keep the ciphertext as it is.
    await storage.move("letters/5/page-1.jpg", "letters/5/page-2.jpg");
    expect((await storage.get("letters/5/page-2.jpg"))?.equals(plain)).toBe(true);
  });

  it("refuses a corrupted file and a file under a key it does not know with DecryptionError", async () => {
    await storage.put("letters/6/page-1.jpg", Buffer.from("page"));
    const path = storage.pathOf("letters/6/page-1.jpg");
    const bytes = readFileSync(path);
    bytes[bytes.length - 20] = (bytes[bytes.length - 20] ?? 0) ^ 0xff;
    writeFileSync(path, bytes);
    await expect(storage.get("letters/6/page-1.jpg")).rejects.toBeInstanceOf(DecryptionError);

    const stranger = createFileStorage(dir, parseKeyring(generateKeyBase64()));
    await storage.put("letters/6/page-2.jpg", Buffer.from("page"));
    await expect(stranger.get("letters/6/page-2.jpg")).rejects.toBeInstanceOf(DecryptionError);
  });

  it("reads a file written before encryption as it is (rotation encrypts it)", async () => {
    await storage.put("letters/7/page-1.jpg", Buffer.from("x"));
    writeFileSync(storage.pathOf("letters/7/page-1.jpg"), Buffer.from("plain old page"));
    expect((await storage.get("letters/7/page-1.jpg"))?.toString()).toBe("plain old page");
  });
});
