// `keys rotate` for STORAGE_DIR: every file not yet under the current key is decrypted with the
// key it names and written again under the current one. One file at a time (memory stays at one
// file), each replaced atomically (temp file + rename), so a killed run leaves every file readable
// and a second run picks up where the first stopped: files already under the current key are
// skipped after reading only their 12-byte header. Files from before encryption (no header) are encrypted.
//
// The bot keeps running meanwhile, so a file may change under the rotation:
// - written again or deleted (retention, a cancelled draft) after the rotation opened it: the
//   re-encrypted copy replaces the file only if the path still holds the very file that was read
//   (same inode, size and times, checked just before the rename); otherwise the copy is dropped,
//   so a deletion stays a deletion and a newer file is not overwritten with older content. What is
//   left is the instant between that check and the rename.
// - moved (a draft page becoming a letter page keeps its ciphertext) into a folder the walk has
//   already passed: a walk is not a snapshot, so the rotation walks again until a pass finds
//   nothing left to rotate (at most MAX_PASSES), and reports what is still under an older key.
import { randomBytes } from "node:crypto";
import type { BigIntStats } from "node:fs";
import { open, opendir, rename, rm, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import { keyIdOfBytes, type Keyring } from "../privacy/cipher.js";
import { readStoredHandle, writeEncryptedFile } from "./encrypted-file.js";
import type { FileStorage } from "./index.js";

/** "LLE1" + 8 characters of key id. */
const HEADER_BYTES = 12;
const MAX_PASSES = 5;

export interface FileRotationReport {
  /** Files in the storage (counted in the first pass). */
  scanned: number;
  /** Files looked at over all passes (for progress). */
  looked: number;
  /** Walks over the storage: the last one found nothing to rotate, unless `left` says otherwise. */
  passes: number;
  /** Files written again under the current key (legacy plain files included), over all passes. */
  rotated: number;
  /** Files that changed or went while being rotated (left as the bot made them). */
  changed: number;
  /** Keys of files that could not be decrypted (unknown key, corrupted): left as they are. */
  failed: string[];
  /**
   * Files the last pass still found not under the current key (besides `failed`) when MAX_PASSES
   * passes never came out clean (files kept changing under an older key): run again.
   */
  left: number;
}

/** Every regular file under `root`, as absolute paths, without holding the whole listing. */
async function* walk(root: string): AsyncGenerator<string> {
  let dir;
  try {
    dir = await opendir(root);
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT") return;
    throw err;
  }
  for await (const entry of dir) {
    const path = join(root, entry.name);
    if (entry.isDirectory()) yield* walk(path);
    else if (entry.isFile() && !entry.name.endsWith(".tmp")) yield path;
  }
}

const sameFile = (a: BigIntStats, b: BigIntStats): boolean =>
  a.dev === b.dev && a.ino === b.ino && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;

/** A file re-encrypted into a temp file beside it, not yet put in its place. */
export interface PreparedRotation {
  /** Renames the new file over the old one if the path still holds the file that was read; "changed" otherwise (the copy is dropped). */
  commit(): Promise<"rotated" | "changed">;
  /** Drops the copy. */
  discard(): Promise<void>;
}

/**
 * Reads the file at `path` (through one open handle) and writes it again under the current key
 * beside it; "current" when it already is. ENOENT when it is gone, DecryptionError when unreadable.
 */
export async function prepareRotation(path: string, keyring: Keyring): Promise<PreparedRotation | "current"> {
  const handle = await open(path, "r");
  let read: BigIntStats;
  let plain: Buffer;
  try {
    read = await handle.stat({ bigint: true });
    const header = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(header, 0, HEADER_BYTES, 0);
    if (keyIdOfBytes(header.subarray(0, bytesRead)) === keyring.current.id) return "current";
    plain = await readStoredHandle(handle, keyring);
  } finally {
    await handle.close();
  }
  const temp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeEncryptedFile(temp, keyring, plain);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
  const discard = () => rm(temp, { force: true });
  return {
    discard,
    async commit() {
      const now = await stat(path, { bigint: true }).catch((err: unknown) => {
        if ((err as { code?: unknown }).code === "ENOENT") return undefined;
        throw err;
      });
      if (!now || !sameFile(read, now)) {
        await discard();
        return "changed";
      }
      try {
        await rename(temp, path);
      } catch (err) {
        await discard();
        throw err;
      }
      return "rotated";
    },
  };
}

/**
 * Re-encrypts every file under `storage.root` that is not under `keyring.current`. Safe while the
 * bot runs: readers see the old or the new file, both readable while the old key is in the keyring.
 */
export async function rotateFiles(storage: FileStorage, keyring: Keyring, onFile?: (report: FileRotationReport) => void): Promise<FileRotationReport> {
  const report: FileRotationReport = { scanned: 0, looked: 0, passes: 0, rotated: 0, changed: 0, failed: [], left: 0 };
  const failed = new Set<string>();
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    let notCurrent = 0;
    let changed = 0;
    report.passes = pass;
    for await (const path of walk(storage.root)) {
      const key = relative(storage.root, path).split(sep).join("/");
      if (pass === 1) report.scanned++;
      report.looked++;
      if (failed.has(key)) continue;
      try {
        const prepared = await prepareRotation(path, keyring);
        const outcome = prepared === "current" ? "current" : await prepared.commit();
        if (outcome === "rotated") report.rotated++;
        if (outcome === "changed") changed++;
        if (outcome !== "current") notCurrent++;
      } catch (err) {
        // Deleted meanwhile (retention, a cancelled draft): nothing to rotate.
        if ((err as { code?: unknown }).code === "ENOENT") continue;
        if (err instanceof Error && err.name === "DecryptionError") {
          failed.add(key);
          report.failed.push(key);
          continue;
        }
        throw err;
      } finally {
        onFile?.(report);
      }
    }
    report.changed += changed;
    // A pass that found every file under the current key proves the rotation complete.
    report.left = notCurrent;
    if (notCurrent === 0) break;
  }
  return report;
}
