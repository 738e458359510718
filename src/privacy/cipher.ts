import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

/*
 * AES-256-GCM at rest. Every stored value names the key it was made with, so older keys can
 * still decrypt during a rotation and `keys rotate` can find what is left under them.
 */

/** One 32-byte AES-256-GCM data key and its id (first 8 hex chars of SHA-256 of the key bytes). */
export interface DataKey {
  readonly id: string;
  readonly key: Buffer;
}

/** The current key (encrypts) and older keys (decrypt only, during rotation). */
export interface Keyring {
  readonly current: DataKey;
  byId(id: string): DataKey | undefined;
}

/** Unknown key id, bad tag (tampered/corrupted), malformed value. message never contains plaintext. */
export class DecryptionError extends Error {
  override name = "DecryptionError";
}

export class KeyFormatError extends Error {
  override name = "KeyFormatError";
}

const ALGORITHM = "aes-256-gcm";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID_LENGTH = 8;
const TEXT_PREFIX = "enc1:";
const BYTES_MAGIC = Buffer.from("LLE1", "ascii");
const BYTES_HEADER = BYTES_MAGIC.length + KEY_ID_LENGTH;
/** Bytes before the ciphertext of an encrypted file ("LLE1", key id, iv) and after it (the tag). */
export const BYTES_PREFIX = BYTES_HEADER + IV_BYTES;
export const BYTES_TAG = TAG_BYTES;
export const BYTES_OVERHEAD = BYTES_PREFIX + TAG_BYTES;

const KEY_ID_PATTERN = /^[0-9a-f]{8}$/;
const BASE64_PATTERN = /^[A-Za-z0-9+/]+={0,2}$/;

function keyIdOf(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, KEY_ID_LENGTH);
}

function parseKey(value: string, label: string): DataKey {
  const trimmed = value.trim();
  const key = BASE64_PATTERN.test(trimmed) ? Buffer.from(trimmed, "base64") : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) {
    throw new KeyFormatError(`${label} is not 32 bytes in base64: make one with \`openssl rand -base64 32\``);
  }
  return { id: keyIdOf(key), key };
}

/** From ENCRYPTION_KEY (base64 of 32 bytes) and ENCRYPTION_PREVIOUS_KEYS (comma-separated, may be empty). */
export function parseKeyring(current: string, previous: readonly string[] = []): Keyring {
  const currentKey = parseKey(current, "ENCRYPTION_KEY");
  const keys = new Map<string, DataKey>([[currentKey.id, currentKey]]);
  previous
    .map((value) => value.trim())
    .filter((value) => value !== "")
    .forEach((value, index) => {
      const key = parseKey(value, `ENCRYPTION_PREVIOUS_KEYS (key ${index + 1})`);
      if (!keys.has(key.id)) keys.set(key.id, key);
    });
  return { current: currentKey, byId: (id) => keys.get(id) };
}

/** 32 random bytes in base64, for tests and the playground. */
export function generateKeyBase64(): string {
  return randomBytes(KEY_BYTES).toString("base64");
}

/** iv | ciphertext | tag, in one allocation: GCM's final() adds no bytes, so there is nothing to join. */
function seal(key: DataKey, plain: Uint8Array): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key.key, iv);
  const body = cipher.update(plain);
  cipher.final();
  return Buffer.concat([iv, body, cipher.getAuthTag()], IV_BYTES + body.length + TAG_BYTES);
}

function decipherFor(keyring: Keyring, keyId: string, iv: Uint8Array, tag: Uint8Array) {
  const key = keyring.byId(keyId);
  if (!key) throw new DecryptionError(`no key with id ${keyId} (set ENCRYPTION_PREVIOUS_KEYS to the older key)`);
  const decipher = createDecipheriv(ALGORITHM, key.key, iv);
  decipher.setAuthTag(tag);
  return decipher;
}

function corrupted(keyId: string): DecryptionError {
  return new DecryptionError(`encrypted value under key ${keyId} is corrupted or was tampered with`);
}

function open(keyring: Keyring, keyId: string, sealed: Buffer): Buffer {
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new DecryptionError("encrypted value is truncated");
  const decipher = decipherFor(keyring, keyId, sealed.subarray(0, IV_BYTES), sealed.subarray(sealed.length - TAG_BYTES));
  try {
    const plain = decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES));
    decipher.final();
    return plain;
  } catch {
    throw corrupted(keyId);
  }
}

/** Text: "enc1:<keyId>:<base64url(iv 12 | ciphertext | tag 16)>". */
export function encryptText(keyring: Keyring, plain: string): string {
  const sealed = seal(keyring.current, Buffer.from(plain, "utf8"));
  return `${TEXT_PREFIX}${keyring.current.id}:${sealed.toString("base64url")}`;
}

/**
 * A value without the "enc1:" prefix is plaintext from before encryption (an upgraded
 * deployment) and is returned as is; `keys rotate` encrypts it.
 */
export function decryptText(keyring: Keyring, stored: string): string {
  const keyId = keyIdOfText(stored);
  if (keyId === undefined) {
    if (stored.startsWith(TEXT_PREFIX)) throw new DecryptionError("encrypted value is malformed");
    return stored;
  }
  const body = stored.slice(TEXT_PREFIX.length + KEY_ID_LENGTH + 1);
  if (!/^[A-Za-z0-9_-]*$/.test(body)) throw new DecryptionError("encrypted value is malformed");
  return open(keyring, keyId, Buffer.from(body, "base64url")).toString("utf8");
}

/** Bytes: magic "LLE1" (4) | keyId (8 ascii) | iv (12) | ciphertext | tag (16). */
export function encryptBytes(keyring: Keyring, plain: Uint8Array): Buffer {
  const sealer = sealBytes(keyring);
  const body = sealer.update(plain);
  const tag = sealer.final();
  return Buffer.concat([sealer.header, body, tag], sealer.header.length + body.length + tag.length);
}

export function decryptBytes(keyring: Keyring, stored: Uint8Array): Buffer {
  const buffer = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  if (keyIdOfBytes(buffer) === undefined) throw new DecryptionError("stored bytes are not encrypted (no LLE1 header)");
  if (buffer.length < BYTES_OVERHEAD) throw new DecryptionError("encrypted value is truncated");
  const opener = openBytes(keyring, buffer.subarray(0, BYTES_PREFIX), buffer.subarray(buffer.length - TAG_BYTES));
  const plain = opener.update(buffer.subarray(BYTES_PREFIX, buffer.length - TAG_BYTES));
  opener.final();
  return plain;
}

/**
 * encryptBytes piece by piece, for files: `header`, then `update` over the plain bytes in order,
 * then `final()` gives the tag to write last. The bytes are the same as encryptBytes', so large
 * files are encrypted while they are written, without a second copy of the whole file.
 */
export interface ByteSealer {
  /** "LLE1" | key id | iv: BYTES_PREFIX bytes. */
  readonly header: Buffer;
  update(plain: Uint8Array): Buffer;
  /** The 16-byte tag; call once, after the last update. */
  final(): Buffer;
}

export function sealBytes(keyring: Keyring): ByteSealer {
  const iv = randomBytes(IV_BYTES);
  const header = Buffer.concat([BYTES_MAGIC, Buffer.from(keyring.current.id, "ascii"), iv], BYTES_PREFIX);
  const cipher = createCipheriv(ALGORITHM, keyring.current.key, iv);
  return {
    header,
    update: (plain) => cipher.update(plain),
    final() {
      cipher.final();
      return cipher.getAuthTag();
    },
  };
}

/**
 * decryptBytes piece by piece. `update` gives plaintext that is NOT yet authenticated: keep it
 * from everyone until `final()` returns (it throws DecryptionError when the tag does not match).
 */
export interface ByteOpener {
  readonly keyId: string;
  update(ciphertext: Uint8Array): Buffer;
  final(): void;
}

/** From a file's first BYTES_PREFIX bytes and its last 16 (the tag). */
export function openBytes(keyring: Keyring, prefix: Uint8Array, tag: Uint8Array): ByteOpener {
  const head = Buffer.from(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const keyId = keyIdOfBytes(head);
  if (keyId === undefined) throw new DecryptionError("stored bytes are not encrypted (no LLE1 header)");
  if (head.length !== BYTES_PREFIX || tag.byteLength !== TAG_BYTES) throw new DecryptionError("encrypted value is truncated");
  const decipher = decipherFor(keyring, keyId, head.subarray(BYTES_HEADER), tag);
  const guard = <T>(step: () => T): T => {
    try {
      return step();
    } catch {
      throw corrupted(keyId);
    }
  };
  return {
    keyId,
    update: (ciphertext) => guard(() => decipher.update(ciphertext)),
    final: () => guard(() => void decipher.final()),
  };
}

/** The key id a stored value was encrypted under, or undefined when it is not ciphertext. */
export function keyIdOfText(stored: string): string | undefined {
  if (!stored.startsWith(TEXT_PREFIX) || stored[TEXT_PREFIX.length + KEY_ID_LENGTH] !== ":") return undefined;
  const keyId = stored.slice(TEXT_PREFIX.length, TEXT_PREFIX.length + KEY_ID_LENGTH);
  return KEY_ID_PATTERN.test(keyId) ? keyId : undefined;
}

export function keyIdOfBytes(stored: Uint8Array): string | undefined {
  if (stored.length < BYTES_HEADER) return undefined;
  const buffer = Buffer.from(stored.buffer, stored.byteOffset, stored.byteLength);
  if (!buffer.subarray(0, BYTES_MAGIC.length).equals(BYTES_MAGIC)) return undefined;
  const keyId = buffer.subarray(BYTES_MAGIC.length, BYTES_HEADER).toString("ascii");
  return KEY_ID_PATTERN.test(keyId) ? keyId : undefined;
}
