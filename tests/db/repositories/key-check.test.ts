import { describe, expect, it } from "vitest";
import { KEY_CHECK_SETTING, rotateKeyCheck, verifyEncryptionKey, WrongEncryptionKeyError } from "../../../src/db/repositories/key-check.js";
import { generateKeyBase64, keyIdOfText, parseKeyring } from "../../../src/privacy/cipher.js";
import { isolatedDatabaseForSuite } from "../../helpers/db.js";

const db = isolatedDatabaseForSuite({ max: 4 });

async function storedCheck(): Promise<string> {
  const row = await db.prisma.setting.findUniqueOrThrow({ where: { key: KEY_CHECK_SETTING } });
  return (row.value as { check: string }).check;
}

describe("verifyEncryptionKey", () => {
  const oldKey = generateKeyBase64();
  const newKey = generateKeyBase64();

  it("stores the check value once, even when several processes start at once", async () => {
    const keyring = parseKeyring(oldKey);
    const results = await Promise.all([1, 2, 3, 4].map(() => verifyEncryptionKey(db.prisma, keyring)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(keyIdOfText(await storedCheck())).toBe(keyring.current.id);
    await expect(verifyEncryptionKey(db.prisma, keyring)).resolves.toEqual({ created: false });
  });

  it("refuses another key with one line naming both key ids", async () => {
    const wrong = parseKeyring(newKey);
    const attempt = verifyEncryptionKey(db.prisma, wrong);
    await expect(attempt).rejects.toBeInstanceOf(WrongEncryptionKeyError);
    await expect(attempt).rejects.toThrow(
      `ENCRYPTION_KEY is not the key this database was encrypted with (its data is under key id ${parseKeyring(oldKey).current.id}, this key's id is ${wrong.current.id})`,
    );
    expect((await attempt.catch((err: Error) => err.message)) as string).not.toContain("\n");
  });

  it("accepts a new key while the old one is in ENCRYPTION_PREVIOUS_KEYS, and rotation moves the check to the new key", async () => {
    const rotating = parseKeyring(newKey, [oldKey]);
    await expect(verifyEncryptionKey(db.prisma, rotating)).resolves.toEqual({ created: false });
    await expect(rotateKeyCheck(db.prisma, rotating)).resolves.toBe(true);
    await expect(rotateKeyCheck(db.prisma, rotating)).resolves.toBe(false);
    expect(keyIdOfText(await storedCheck())).toBe(rotating.current.id);
    await expect(verifyEncryptionKey(db.prisma, parseKeyring(newKey))).resolves.toEqual({ created: false });
    await expect(verifyEncryptionKey(db.prisma, parseKeyring(oldKey))).rejects.toBeInstanceOf(WrongEncryptionKeyError);
  });
});
