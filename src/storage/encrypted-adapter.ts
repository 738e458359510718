// grammY sessions and conversation state (letter drafts) live in Redis; this wrapper keeps them
// there as "enc1:..." ciphertext (src/privacy/cipher.ts), so a look into Redis shows no draft.
// Below bot and workers on purpose: anything that reads this state goes through the same wrapper.
import type { StorageAdapter } from "grammy";
import { decryptText, encryptText, keyIdOfText, type Keyring } from "../privacy/cipher.js";

export interface EncryptedStorageOptions {
  /** A value that cannot be decrypted (unknown key, corrupted) is read as absent; this hears of it (key only). */
  onUnreadable?: (key: string, err: unknown) => void;
}

/**
 * Stores encryptText(JSON) of every value through `inner` (e.g. RedisAdapter<string>). A value
 * under an older key is written again under the current one when read, so active chats move to a
 * new key by themselves. A value from before encryption (a plain object) is read as it is and
 * encrypted on its next write.
 */
export class EncryptedStorage<T> implements StorageAdapter<T> {
  constructor(
    private readonly inner: StorageAdapter<unknown>,
    private readonly keyring: Keyring,
    private readonly options: EncryptedStorageOptions = {},
  ) {}

  async read(key: string): Promise<T | undefined> {
    const stored = await this.inner.read(key);
    if (stored === undefined || stored === null) return undefined;
    if (typeof stored !== "string" || keyIdOfText(stored) === undefined) return stored as T;
    let value: T;
    try {
      value = JSON.parse(decryptText(this.keyring, stored)) as T;
    } catch (err) {
      // Throwing here would break every update of the chat for good; a fresh state is the lesser harm.
      this.options.onUnreadable?.(key, err);
      return undefined;
    }
    if (keyIdOfText(stored) !== this.keyring.current.id) await this.write(key, value);
    return value;
  }

  async write(key: string, value: T): Promise<void> {
    await this.inner.write(key, encryptText(this.keyring, JSON.stringify(value)));
  }

  async delete(key: string): Promise<void> {
    await this.inner.delete(key);
  }
}
