import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BYTES_OVERHEAD, DecryptionError, decryptBytes, encryptBytes, generateKeyBase64, keyIdOfBytes, parseKeyring } from "../../src/privacy/cipher.js";
import { PIECE_BYTES, readStoredFile, writeEncryptedFile } from "../../src/storage/encrypted-file.js";

const keyring = parseKeyring(generateKeyBase64());
const dir = mkdtempSync(join(tmpdir(), "lifeline-encrypted-file-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = () => join(dir, `file-${n++}`);

// Sizes around the piece boundaries, including a file whose tag straddles the first piece.
const SIZES = [0, 1, 100, PIECE_BYTES - BYTES_OVERHEAD, PIECE_BYTES - BYTES_OVERHEAD + 10, PIECE_BYTES - 1, PIECE_BYTES, PIECE_BYTES + 1, PIECE_BYTES * 3 + 5];

describe("encrypted files written and read in pieces", () => {
  it.each(SIZES)("%i bytes: the file is encryptBytes' format, and reads back whole", async (size) => {
    const plain = randomBytes(size);
    const path = fresh();
    await writeEncryptedFile(path, keyring, plain);
    const onDisk = readFileSync(path);
    expect(onDisk).toHaveLength(size + BYTES_OVERHEAD);
    expect(keyIdOfBytes(onDisk)).toBe(keyring.current.id);
    if (size >= 32) expect(onDisk.includes(plain.subarray(0, 32))).toBe(false);
    expect(decryptBytes(keyring, onDisk).equals(plain)).toBe(true);
    expect((await readStoredFile(path, keyring)).equals(plain)).toBe(true);
    // And a file made in one piece by encryptBytes reads the same way.
    const other = fresh();
    writeFileSync(other, encryptBytes(keyring, plain));
    expect((await readStoredFile(other, keyring)).equals(plain)).toBe(true);
  });

  it("refuses a flipped bit in the last piece, the first piece or the tag, and a cut file", async () => {
    const plain = randomBytes(PIECE_BYTES * 2 + 1000);
    const path = fresh();
    await writeEncryptedFile(path, keyring, plain);
    const good = readFileSync(path);
    for (const at of [good.length - 100, 30, good.length - 1]) {
      const bad = Buffer.from(good);
      bad[at] = bad[at]! ^ 0x01;
      writeFileSync(path, bad);
      await expect(readStoredFile(path, keyring)).rejects.toThrow(DecryptionError);
    }
    writeFileSync(path, good);
    truncateSync(path, good.length - 1);
    await expect(readStoredFile(path, keyring)).rejects.toThrow(/corrupted or was tampered with/);
    truncateSync(path, 30);
    await expect(readStoredFile(path, keyring)).rejects.toThrow(/truncated/);
  });

  it("names an unknown key", async () => {
    const path = fresh();
    await writeEncryptedFile(path, parseKeyring(generateKeyBase64()), randomBytes(PIECE_BYTES + 7));
    await expect(readStoredFile(path, keyring)).rejects.toThrow(/no key with id [0-9a-f]{8}/);
  });

  it("returns a file from before encryption as it is, small or large", async () => {
    for (const plain of [Buffer.alloc(0), Buffer.from("plain old page"), randomBytes(PIECE_BYTES * 2 + 3)]) {
      const path = fresh();
      writeFileSync(path, plain);
      expect((await readStoredFile(path, keyring)).equals(plain)).toBe(true);
    }
  });

  it("creates only new files, readable by the owner alone", async () => {
    const path = fresh();
    await writeEncryptedFile(path, keyring, Buffer.from("x"));
    await expect(writeEncryptedFile(path, keyring, Buffer.from("y"))).rejects.toThrow(/EEXIST/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });
});
