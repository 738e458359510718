import { randomBytes } from "node:crypto";
import { copyFile, mkdir, rename, rm, stat } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import type { Keyring } from "../privacy/cipher.js";
import { readStoredFile, writeEncryptedFile } from "./encrypted-file.js";

/**
 * Files of letters, PDFs and reply scans under STORAGE_DIR, addressed by relative keys such as
 * `drafts/<writerId>/<sha256>.jpg` or `letters/<letterId>/page-1.jpg`. The database stores the keys.
 * Every file is AES-256-GCM ciphertext on disk (src/privacy/cipher.ts); callers put and get plain bytes.
 */
export interface FileStorage {
  /** Absolute directory everything lives under. */
  readonly root: string;
  /** The keyring files are encrypted with (the current key) and read with (any key it knows). */
  readonly keyring: Keyring;
  /** Encrypts and writes atomically (temp file + rename): a reader never sees half a file, a crash leaves none. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The file's plain bytes, or undefined when there is no such file. Throws DecryptionError for a corrupted file. */
  get(key: string): Promise<Buffer | undefined>;
  exists(key: string): Promise<boolean>;
  /** Deletes one file; a missing file is not an error. */
  delete(key: string): Promise<void>;
  /** Deletes everything under a folder prefix such as `drafts/42/`; missing is not an error. */
  deletePrefix(prefix: string): Promise<void>;
  /**
   * Moves a file to a new key. Idempotent for retries: when the source is gone but the target
   * exists (an earlier attempt got that far), it succeeds; when both are missing, it throws.
   */
  move(from: string, to: string): Promise<void>;
  /**
   * Absolute path of a key's file, which holds ciphertext: for file-system housekeeping (times,
   * sizes, deletion) only. Nothing may hand it to a library that reads the file's content.
   */
  pathOf(key: string): string;
}

/** A key that would escape the root or is not plain relative path segments. */
export class InvalidStorageKeyError extends Error {
  override readonly name = "InvalidStorageKeyError";
}

const SEGMENT = /^[A-Za-z0-9._-]+$/;

/** Keys are relative, "/"-separated, with plain segments; "..", empty segments and absolute paths are refused. */
function checkKey(key: string, { prefix = false } = {}): string {
  const trimmed = prefix ? key.replace(/\/+$/, "") : key;
  const segments = trimmed.split("/");
  if (
    trimmed === "" ||
    isAbsolute(trimmed) ||
    segments.some((s) => !SEGMENT.test(s) || s === "." || s === "..")
  ) {
    throw new InvalidStorageKeyError(`invalid storage key: ${JSON.stringify(key)}`);
  }
  return segments.join(sep);
}

function isNotFound(err: unknown): boolean {
  return typeof err === "object" && err !== null && "code" in err && err.code === "ENOENT";
}

/** No I/O until first use: creating a storage is cheap, folders appear on the first write. */
export function createFileStorage(dir: string, keyring: Keyring): FileStorage {
  const root = normalize(dir);
  const pathOf = (key: string): string => join(root, checkKey(key));

  const exists = async (key: string): Promise<boolean> => {
    try {
      await stat(pathOf(key));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  };

  return {
    root,
    keyring,
    pathOf,
    exists,
    async put(key, bytes) {
      const target = pathOf(key);
      await mkdir(dirname(target), { recursive: true });
      // Same folder, so the rename is atomic on one file system.
      const temp = `${target}.${randomBytes(6).toString("hex")}.tmp`;
      try {
        await writeEncryptedFile(temp, keyring, bytes);
        await rename(temp, target);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    },
    async get(key) {
      try {
        // A file without the cipher's header was written before encryption (an upgraded
        // deployment): it is returned as it is, and `keys rotate` encrypts it (rotateFiles).
        return await readStoredFile(pathOf(key), keyring);
      } catch (err) {
        if (isNotFound(err)) return undefined;
        throw err;
      }
    },
    async delete(key) {
      await rm(pathOf(key), { force: true });
    },
    async deletePrefix(prefix) {
      await rm(join(root, checkKey(prefix, { prefix: true })), { recursive: true, force: true });
    },
    async move(from, to) {
      const source = pathOf(from);
      const target = pathOf(to);
      await mkdir(dirname(target), { recursive: true });
      try {
        await rename(source, target);
      } catch (err) {
        if (!isNotFound(err)) {
          // A different file system (EXDEV): copy, then remove the source.
          if (typeof err === "object" && err !== null && (err as { code?: unknown }).code === "EXDEV") {
            await copyFile(source, target);
            await rm(source, { force: true });
            return;
          }
          throw err;
        }
        if (!(await exists(to))) throw err;
      }
    },
  };
}
