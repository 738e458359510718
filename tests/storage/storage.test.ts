import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createFileStorage, InvalidStorageKeyError, type FileStorage } from "../../src/storage/index.js";
import { draftPageKey, draftPrefix, letterPageKey } from "../../src/storage/keys.js";

let dir: string;
let storage: FileStorage;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lifeline-storage-"));
  storage = createFileStorage(dir);
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
