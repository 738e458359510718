import { randomBytes } from "node:crypto";
import { copyFile, mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";

/**
 * Files of letters, PDFs and reply scans under STORAGE_DIR, addressed by relative keys such as
 * `drafts/<writerId>/<sha256>.jpg` or `letters/<letterId>/page-1.jpg`. The database stores the keys.
 */
export interface FileStorage {
  /** Absolute directory everything lives under. */
  readonly root: string;
  /** Writes atomically (temp file + rename): a reader never sees half a file, a crash leaves none. */
  put(key: string, bytes: Uint8Array): Promise<void>;
  /** The file's bytes, or undefined when there is no such file. */
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
  /** Absolute path of a key (for libraries that want a path, e.g. streaming a PDF to Telegram). */
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
export function createFileStorage(dir: string): FileStorage {
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
    pathOf,
    exists,
    async put(key, bytes) {
      const target = pathOf(key);
      await mkdir(dirname(target), { recursive: true });
      // Same folder, so the rename is atomic on one file system.
      const temp = `${target}.${randomBytes(6).toString("hex")}.tmp`;
      try {
        await writeFile(temp, bytes, { flag: "wx" });
        await rename(temp, target);
      } catch (err) {
        await rm(temp, { force: true });
        throw err;
      }
    },
    async get(key) {
      try {
        return await readFile(pathOf(key));
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
