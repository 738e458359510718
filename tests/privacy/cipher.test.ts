import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  DecryptionError,
  KeyFormatError,
  decryptBytes,
  decryptText,
  encryptBytes,
  encryptText,
  generateKeyBase64,
  keyIdOfBytes,
  keyIdOfText,
  parseKeyring,
} from "../../src/privacy/cipher.js";

const LETTER = "Дорогой Алексей! Держитесь, мы помним о вас и ждём. Ёжик, щука, «кавычки» — и тире.\n".repeat(400);

function flip(value: Buffer, at: number): Buffer {
  const copy = Buffer.from(value);
  copy[at] = copy[at]! ^ 0x01;
  return copy;
}

describe("parseKeyring", () => {
  it("names a key by the first 8 hex chars of its SHA-256", () => {
    const base64 = generateKeyBase64();
    const keyring = parseKeyring(base64);
    const expected = createHash("sha256").update(Buffer.from(base64, "base64")).digest("hex").slice(0, 8);
    expect(keyring.current.id).toBe(expected);
    expect(keyring.current.key).toHaveLength(32);
    expect(keyring.byId(expected)).toBe(keyring.current);
    expect(keyring.byId("00000000")).toBeUndefined();
  });

  it("keeps previous keys for decryption only", () => {
    const [oldKey, newKey] = [generateKeyBase64(), generateKeyBase64()];
    const stored = encryptText(parseKeyring(oldKey), "письмо");
    const rotated = parseKeyring(newKey, ["", ` ${oldKey} `]);
    expect(decryptText(rotated, stored)).toBe("письмо");
    expect(keyIdOfText(encryptText(rotated, "x"))).toBe(rotated.current.id);
  });

  it.each([
    ["", /ENCRYPTION_KEY is not 32 bytes in base64: make one with `openssl rand -base64 32`/],
    ["c2hvcnQ=", /ENCRYPTION_KEY is not 32 bytes/],
    ["not base64 at all, and long enough to be 32 bytes!!", /ENCRYPTION_KEY is not 32 bytes/],
    [Buffer.alloc(33, 7).toString("base64"), /ENCRYPTION_KEY is not 32 bytes/],
  ])("refuses %j with one line", (value, expected) => {
    expect(() => parseKeyring(value)).toThrow(KeyFormatError);
    expect(() => parseKeyring(value)).toThrow(expected);
  });

  it("names a malformed previous key by its position", () => {
    expect(() => parseKeyring(generateKeyBase64(), [generateKeyBase64(), "nope"])).toThrow(
      /ENCRYPTION_PREVIOUS_KEYS \(key 2\) is not 32 bytes/,
    );
  });
});

describe("text", () => {
  const keyring = parseKeyring(generateKeyBase64());

  it("round-trips a long Cyrillic letter, with a fresh IV each time", () => {
    const first = encryptText(keyring, LETTER);
    const second = encryptText(keyring, LETTER);
    expect(first).toMatch(new RegExp(`^enc1:${keyring.current.id}:[A-Za-z0-9_-]+$`));
    expect(first).not.toBe(second);
    expect(first).not.toContain("Алексей");
    expect(decryptText(keyring, first)).toBe(LETTER);
    expect(decryptText(keyring, second)).toBe(LETTER);
  });

  it("round-trips the empty string", () => {
    const stored = encryptText(keyring, "");
    expect(stored).not.toBe("");
    expect(decryptText(keyring, stored)).toBe("");
  });

  it("returns plaintext from before encryption as is", () => {
    expect(decryptText(keyring, "Привет из старой базы")).toBe("Привет из старой базы");
    expect(keyIdOfText("Привет из старой базы")).toBeUndefined();
  });

  it("refuses a tampered value without showing its text", () => {
    const stored = encryptText(keyring, "секрет");
    const body = Buffer.from(stored.split(":")[2]!, "base64url");
    const tampered = `enc1:${keyring.current.id}:${flip(body, 14).toString("base64url")}`;
    expect(() => decryptText(keyring, tampered)).toThrow(DecryptionError);
    expect(() => decryptText(keyring, tampered)).toThrow(/corrupted or was tampered with/);
    expect(() => decryptText(keyring, tampered)).not.toThrow(/секрет/);
  });

  it("refuses an unknown key id and a wrong key with the same id", () => {
    const stored = encryptText(keyring, "секрет");
    const other = parseKeyring(generateKeyBase64());
    expect(() => decryptText(other, stored)).toThrow(new RegExp(`no key with id ${keyring.current.id}`));
    const wrongKey = { current: other.current, byId: () => other.current };
    expect(() => decryptText(wrongKey, stored)).toThrow(DecryptionError);
  });

  it("refuses malformed values that claim to be ciphertext", () => {
    const id = keyring.current.id;
    for (const bad of [`enc1:${id}:`, `enc1:${id}:AAAA`, `enc1:${id}:not*base64`, "enc1:XYZ:abc", "enc1:"]) {
      expect(() => decryptText(keyring, bad), bad).toThrow(DecryptionError);
    }
  });
});

describe("bytes", () => {
  const keyring = parseKeyring(generateKeyBase64());
  const image = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from("JFIF Canon EOS canary"), Buffer.alloc(100_000, 9)]);

  it("round-trips with the LLE1 header and the key id", () => {
    const stored = encryptBytes(keyring, image);
    expect(stored.subarray(0, 4).toString("ascii")).toBe("LLE1");
    expect(stored.subarray(4, 12).toString("ascii")).toBe(keyring.current.id);
    expect(stored.length).toBe(image.length + 4 + 8 + 12 + 16);
    expect(stored.includes(Buffer.from("Canon EOS canary"))).toBe(false);
    expect(keyIdOfBytes(stored)).toBe(keyring.current.id);
    expect(decryptBytes(keyring, stored).equals(image)).toBe(true);
  });

  it("round-trips empty bytes and reads from a view into a larger buffer", () => {
    expect(decryptBytes(keyring, encryptBytes(keyring, new Uint8Array(0)))).toHaveLength(0);
    const stored = encryptBytes(keyring, image);
    const padded = Buffer.concat([Buffer.alloc(7), stored]);
    const view = new Uint8Array(padded.buffer, padded.byteOffset + 7, stored.length);
    expect(decryptBytes(keyring, view).equals(image)).toBe(true);
  });

  it("refuses tampered, truncated, plain and foreign-key bytes", () => {
    const stored = encryptBytes(keyring, image);
    expect(() => decryptBytes(keyring, flip(stored, 500))).toThrow(/corrupted or was tampered with/);
    expect(() => decryptBytes(keyring, flip(stored, stored.length - 1))).toThrow(DecryptionError);
    expect(() => decryptBytes(keyring, stored.subarray(0, 30))).toThrow(DecryptionError);
    expect(() => decryptBytes(keyring, image)).toThrow(/not encrypted/);
    expect(keyIdOfBytes(image)).toBeUndefined();
    expect(() => decryptBytes(parseKeyring(generateKeyBase64()), stored)).toThrow(/no key with id/);
  });
});
