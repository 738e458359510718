// A small value encrypted under ENCRYPTION_KEY on the first start: later starts decrypt it, so a
// wrong key is refused at once instead of failing on the first letter someone opens.
import { z } from "zod";
import { DecryptionError, decryptText, encryptText, keyIdOfText, type Keyring } from "../../privacy/cipher.js";
import type { Db } from "../client.js";

export const KEY_CHECK_SETTING = "encryption_key_check";
const MARKER = "lifeline encryption key check v1";
const valueSchema = z.object({ check: z.string() });

/** ENCRYPTION_KEY (with ENCRYPTION_PREVIOUS_KEYS) cannot read this database; `message` is one line. */
export class WrongEncryptionKeyError extends Error {
  override name = "WrongEncryptionKeyError";
}

function wrongKey(keyring: Keyring, storedKeyId: string | undefined): WrongEncryptionKeyError {
  const under = storedKeyId ? ` (its data is under key id ${storedKeyId}, this key's id is ${keyring.current.id})` : "";
  return new WrongEncryptionKeyError(
    `ENCRYPTION_KEY is not the key this database was encrypted with${under}: set the key it was started with before, ` +
      "or while rotating keys put the old one into ENCRYPTION_PREVIOUS_KEYS",
  );
}

/**
 * Stores the check value on the first start (the first of several processes starting at once
 * wins) and decrypts it on every start. Throws WrongEncryptionKeyError when the keyring cannot.
 */
export async function verifyEncryptionKey(db: Db, keyring: Keyring): Promise<{ created: boolean }> {
  const inserted = await db.$executeRaw`
    INSERT INTO settings (key, value, updated_at)
    VALUES (${KEY_CHECK_SETTING}, ${JSON.stringify({ check: encryptText(keyring, MARKER) })}::jsonb, now())
    ON CONFLICT (key) DO NOTHING`;
  const row = await db.setting.findUniqueOrThrow({ where: { key: KEY_CHECK_SETTING } });
  const parsed = valueSchema.safeParse(row.value);
  if (!parsed.success) throw wrongKey(keyring, undefined);
  const stored = parsed.data.check;
  try {
    if (decryptText(keyring, stored) !== MARKER) throw wrongKey(keyring, keyIdOfText(stored));
  } catch (err) {
    if (err instanceof DecryptionError) throw wrongKey(keyring, keyIdOfText(stored));
    throw err;
  }
  return { created: inserted === 1 };
}

/**
 * Puts the check value under the current key (after `keys rotate`), so the old key can be dropped
 * from ENCRYPTION_PREVIOUS_KEYS. Compare-and-set: a concurrent change is left as it is.
 */
export async function rotateKeyCheck(db: Db, keyring: Keyring): Promise<boolean> {
  const row = await db.setting.findUnique({ where: { key: KEY_CHECK_SETTING } });
  const parsed = valueSchema.safeParse(row?.value);
  if (!parsed.success || keyIdOfText(parsed.data.check) === keyring.current.id) return false;
  if (decryptText(keyring, parsed.data.check) !== MARKER) throw wrongKey(keyring, keyIdOfText(parsed.data.check));
  const updated = await db.$executeRaw`
    UPDATE settings SET value = ${JSON.stringify({ check: encryptText(keyring, MARKER) })}::jsonb, updated_at = now()
    WHERE key = ${KEY_CHECK_SETTING} AND value->>'check' = ${parsed.data.check}`;
  return updated === 1;
}
