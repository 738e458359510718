import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateKeyBase64, keyIdOfBytes, parseKeyring } from "../../src/privacy/cipher.js";
import { createFileStorage } from "../../src/storage/index.js";
import { prepareRotation, rotateFiles } from "../../src/storage/rotate.js";

const oldKey = generateKeyBase64();
const newKey = generateKeyBase64();
const oldRing = parseKeyring(oldKey);
/** After the operator set ENCRYPTION_KEY to the new key and the old one into ENCRYPTION_PREVIOUS_KEYS. */
const rotating = parseKeyring(newKey, [oldKey]);
const newOnly = parseKeyring(newKey);

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "lifeline-rotate-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const keyIdOnDisk = (key: string) => keyIdOfBytes(readFileSync(join(dir, ...key.split("/"))));

describe("rotateFiles", () => {
  it("re-encrypts every file under the current key, encrypts legacy plain files, and is resumable", async () => {
    const before = createFileStorage(dir, oldRing);
    const keys = Array.from({ length: 12 }, (_, i) => `letters/${i % 4}/page-${i}.jpg`);
    for (const key of keys) await before.put(key, Buffer.from(`page ${key}`));
    writeFileSync(join(dir, "letters", "0", "legacy.jpg"), "legacy plain page");
    // A temp file of an interrupted write is not a stored file.
    writeFileSync(join(dir, "letters", "0", "page-0.jpg.abcdef.tmp"), "half");

    const storage = createFileStorage(dir, rotating);
    // A run killed after five files (the callback throws, as a kill would stop it mid-walk)...
    let seen = 0;
    await expect(
      rotateFiles(storage, rotating, () => {
        if (++seen === 5) throw new Error("killed");
      }),
    ).rejects.toThrow("killed");
    const partly = [...keys, "letters/0/legacy.jpg"].filter((k) => keyIdOnDisk(k) === rotating.current.id).length;
    expect(partly).toBeGreaterThan(0);
    expect(partly).toBeLessThan(13);
    // ...leaves every file readable, and a second run finishes only what was left.
    for (const key of keys) expect((await storage.get(key))?.toString()).toBe(`page ${key}`);
    const report = await rotateFiles(storage, rotating);
    // A second pass over the storage proves nothing is left.
    expect(report).toEqual({ scanned: 13, looked: 26, passes: 2, rotated: 13 - partly, changed: 0, failed: [], left: 0 });

    // Afterwards the old key is not needed any more.
    const after = createFileStorage(dir, newOnly);
    for (const key of keys) expect((await after.get(key))?.toString()).toBe(`page ${key}`);
    expect((await after.get("letters/0/legacy.jpg"))?.toString()).toBe("legacy plain page");
    expect(keyIdOnDisk("letters/0/legacy.jpg")).toBe(newOnly.current.id);
    expect(await rotateFiles(after, newOnly)).toMatchObject({ scanned: 13, passes: 1, rotated: 0, failed: [], left: 0 });
  });

  it("lists a file it cannot decrypt and leaves it as it is", async () => {
    const stranger = createFileStorage(dir, parseKeyring(generateKeyBase64()));
    await stranger.put("replies/1/a.jpg", Buffer.from("unknown key"));
    const bytes = readFileSync(join(dir, "replies", "1", "a.jpg"));
    const report = await rotateFiles(createFileStorage(dir, rotating), rotating);
    expect(report.failed).toEqual(["replies/1/a.jpg"]);
    expect(readFileSync(join(dir, "replies", "1", "a.jpg")).equals(bytes)).toBe(true);
  });

  it("has nothing to do in an empty or missing storage folder", async () => {
    expect(await rotateFiles(createFileStorage(join(dir, "none"), rotating), rotating)).toMatchObject({ scanned: 0, rotated: 0, failed: [], left: 0 });
  });
});

describe("rotateFiles while the bot works on the same files", () => {
  const prepared = async (key: string) => {
    const result = await prepareRotation(join(dir, ...key.split("/")), rotating);
    if (result === "current") throw new Error(`${key} is already under the current key`);
    return result;
  };
  const filesIn = (folder: string) => readdirSync(join(dir, ...folder.split("/")));

  it("does not bring back a file deleted after it was read (retention, a cancelled draft)", async () => {
    const old = createFileStorage(dir, oldRing);
    await old.put("letters/1/page-1.jpg", Buffer.from("kept 90 days"));
    const rotation = await prepared("letters/1/page-1.jpg");
    await createFileStorage(dir, rotating).delete("letters/1/page-1.jpg");
    expect(await rotation.commit()).toBe("changed");
    expect(await old.exists("letters/1/page-1.jpg")).toBe(false);
    expect(filesIn("letters/1")).toEqual([]);
  });

  it("does not overwrite a file the bot wrote again after it was read", async () => {
    await createFileStorage(dir, oldRing).put("letters/2/letter.pdf", Buffer.from("first render"));
    const rotation = await prepared("letters/2/letter.pdf");
    const bot = createFileStorage(dir, rotating);
    await bot.put("letters/2/letter.pdf", Buffer.from("second render"));
    expect(await rotation.commit()).toBe("changed");
    expect((await bot.get("letters/2/letter.pdf"))?.toString()).toBe("second render");
    expect(filesIn("letters/2")).toEqual(["letter.pdf"]);
  });

  it("replaces a file nobody touched, and leaves no temp file either way", async () => {
    await createFileStorage(dir, oldRing).put("letters/3/page-1.jpg", Buffer.from("page"));
    const rotation = await prepared("letters/3/page-1.jpg");
    expect(await rotation.commit()).toBe("rotated");
    expect(keyIdOnDisk("letters/3/page-1.jpg")).toBe(rotating.current.id);
    expect((await createFileStorage(dir, newOnly).get("letters/3/page-1.jpg"))?.toString()).toBe("page");
    expect(filesIn("letters/3")).toEqual(["page-1.jpg"]);
  });

  it("walks again until a pass finds nothing left: an old-key file arriving in a folder already walked is rotated", async () => {
    const old = createFileStorage(dir, oldRing);
    await old.put("letters/4/page-1.jpg", Buffer.from("a"));
    await old.put("letters/5/page-1.jpg", Buffer.from("b"));
    // A draft page moved into a letter's folder keeps its ciphertext, under the old key.
    const staging = mkdtempSync(join(tmpdir(), "lifeline-rotate-staging-"));
    try {
      await createFileStorage(staging, oldRing).put("drafts/9/x.jpg", Buffer.from("moved page"));
      const report = await rotateFiles(createFileStorage(dir, rotating), rotating, (r) => {
        // Once the first pass has seen both files, the moved page lands in a folder it has walked.
        if (r.passes === 1 && r.looked === 2) {
          mkdirSync(join(dir, "letters", "4"), { recursive: true });
          renameSync(join(staging, "drafts", "9", "x.jpg"), join(dir, "letters", "4", "page-2.jpg"));
        }
      });
      expect(report.passes).toBeGreaterThanOrEqual(2);
      expect(report).toMatchObject({ rotated: 3, failed: [], left: 0 });
      for (const key of ["letters/4/page-1.jpg", "letters/5/page-1.jpg", "letters/4/page-2.jpg"]) expect(keyIdOnDisk(key)).toBe(rotating.current.id);
      expect((await createFileStorage(dir, newOnly).get("letters/4/page-2.jpg"))?.toString()).toBe("moved page");
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  });
});
