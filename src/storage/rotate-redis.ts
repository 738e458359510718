// `keys rotate` for what the bot keeps encrypted in Redis. EncryptedStorage moves a chat's session
// and conversation to the new key when the chat is next active, but a writer who stays away would
// keep them under the old key: unreadable (and silently reset) once ENCRYPTION_PREVIOUS_KEYS is
// removed, and readable by whoever holds the old key. Sessions have no expiry, so they are
// rotated here. Album pages waiting to become a reply (lists of entries, gone within a day) too.
// Every write is a compare-and-set in one Lua script: a value the bot changed since it was read
// is left as the bot wrote it, and its time to live is kept.
import type { Redis } from "ioredis";
import { decryptText, encryptText, keyIdOfText, type Keyring } from "../privacy/cipher.js";

export interface RedisRotationReport {
  /** Keys looked at. */
  scanned: number;
  /** Keys written again under the current key (values from before encryption included). */
  rotated: number;
  /** Keys the bot changed between the read and the write: left as the bot wrote them. */
  changed: number;
  /** Keys holding something that cannot be decrypted (unknown key, corrupted): left as they are. */
  failed: string[];
}

export interface RedisStatePatterns {
  /** SCAN patterns of keys holding one EncryptedStorage value (a JSON string "enc1:…"). */
  values: readonly string[];
  /** SCAN patterns of lists whose every entry is an encryptText value. */
  lists: readonly string[];
}

const SET_IF_UNCHANGED = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'KEEPTTL')
return 1`;

// ARGV: n, the n entries read, the n new entries. LSET keeps the list's time to live.
const LIST_SET_IF_UNCHANGED = `
local n = tonumber(ARGV[1])
if redis.call('LLEN', KEYS[1]) ~= n then return 0 end
for i = 1, n do
  if redis.call('LINDEX', KEYS[1], i - 1) ~= ARGV[1 + i] then return 0 end
end
for i = 1, n do redis.call('LSET', KEYS[1], i - 1, ARGV[1 + n + i]) end
return 1`;

class UnreadableError extends Error {}

/** An encryptText value under the current key, or undefined when it already is. */
function reencrypt(keyring: Keyring, stored: string): string | undefined {
  const keyId = keyIdOfText(stored);
  if (keyId === keyring.current.id) return undefined;
  // decryptText returns a value without the prefix as it is: plain text from before encryption.
  return encryptText(keyring, decryptText(keyring, stored));
}

/** The same state as EncryptedStorage would write it now, or undefined when it already is. */
function rewrapValue(keyring: Keyring, raw: string): string | undefined {
  let stored: unknown;
  try {
    stored = JSON.parse(raw);
  } catch {
    throw new UnreadableError("not JSON");
  }
  if (typeof stored === "string" && keyIdOfText(stored) !== undefined) {
    const next = reencrypt(keyring, stored);
    return next === undefined ? undefined : JSON.stringify(next);
  }
  // From before encryption: EncryptedStorage reads it as it is; encrypt it as its write would.
  return JSON.stringify(encryptText(keyring, JSON.stringify(stored)));
}

async function* scanKeys(redis: Redis, pattern: string): AsyncGenerator<string[]> {
  for await (const batch of redis.scanStream({ match: pattern, count: 500 })) yield [...new Set(batch as string[])];
}

/** Tries a key a few times: a chat in use may change it between our read and our write. */
const ATTEMPTS = 3;

async function rotateValue(redis: Redis, keyring: Keyring, key: string, report: RedisRotationReport): Promise<void> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const raw = await redis.get(key);
    if (raw === null) return;
    const next = rewrapValue(keyring, raw);
    if (next === undefined) return;
    if ((await redis.eval(SET_IF_UNCHANGED, 1, key, raw, next)) === 1) {
      report.rotated++;
      return;
    }
  }
  report.changed++;
}

async function rotateList(redis: Redis, keyring: Keyring, key: string, report: RedisRotationReport): Promise<void> {
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const entries = await redis.lrange(key, 0, -1);
    const next = entries.map((entry) => reencrypt(keyring, entry) ?? entry);
    if (next.every((entry, i) => entry === entries[i])) return;
    if ((await redis.eval(LIST_SET_IF_UNCHANGED, 1, key, entries.length, ...entries, ...next)) === 1) {
      report.rotated++;
      return;
    }
  }
  report.changed++;
}

/** Re-encrypts every value and list entry matching `patterns` that is not under `keyring.current`. */
export async function rotateRedisState(redis: Redis, keyring: Keyring, patterns: RedisStatePatterns, onBatch?: (report: RedisRotationReport) => void): Promise<RedisRotationReport> {
  const report: RedisRotationReport = { scanned: 0, rotated: 0, changed: 0, failed: [] };
  const kinds = [
    ...patterns.values.map((pattern) => ({ pattern, rotate: rotateValue })),
    ...patterns.lists.map((pattern) => ({ pattern, rotate: rotateList })),
  ];
  for (const { pattern, rotate } of kinds) {
    for await (const keys of scanKeys(redis, pattern)) {
      for (const key of keys) {
        report.scanned++;
        try {
          await rotate(redis, keyring, key, report);
        } catch (err) {
          if (err instanceof UnreadableError || (err instanceof Error && err.name === "DecryptionError")) report.failed.push(key);
          else throw err;
        }
      }
      onBatch?.(report);
    }
  }
  return report;
}
