import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { existingLetterIds, existingWriterIds } from "../db/repositories/maintenance.js";
import type { Db } from "../db/client.js";
import type { FileStorage } from "../storage/index.js";

/** Draft pages nobody sent: the letter flow closes a draft after a day idle, so a week is generous. */
export const DRAFT_MAX_AGE_MS = 7 * 24 * 3600_000;
/** A folder whose row is gone is removed only after this long, so nothing being created right now is touched. */
export const ORPHAN_MIN_AGE_MS = 3600_000;

export interface SweepResult {
  /** Draft page files older than the limit. */
  draftFiles: number;
  /** drafts/<writerId>/, letters/<letterId>/ and replies/<letterId>/ folders whose row no longer exists. */
  orphanFolders: number;
}

interface Entry {
  name: string;
  isDirectory: boolean;
}

async function list(dir: string): Promise<Entry[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.map((e) => ({ name: e.name, isDirectory: e.isDirectory() }));
  } catch (err) {
    if ((err as { code?: unknown }).code === "ENOENT") return [];
    throw err;
  }
}

/** Newest modification time of a folder and the files directly in it (0 when it vanished). */
async function newestMtime(dir: string): Promise<number> {
  let newest = 0;
  for (const path of [dir, ...(await list(dir)).map((e) => join(dir, e.name))]) {
    try {
      newest = Math.max(newest, (await stat(path)).mtimeMs);
    } catch (err) {
      if ((err as { code?: unknown }).code !== "ENOENT") throw err;
    }
  }
  return newest;
}

/** Numeric sub-folders of `top` (drafts/<writerId>, letters/<letterId>, ...). */
async function idFolders(root: string, top: string): Promise<number[]> {
  return (await list(join(root, top))).filter((e) => e.isDirectory && /^\d{1,12}$/.test(e.name)).map((e) => Number(e.name));
}

async function existing(db: Db, top: string, ids: number[]): Promise<Set<number>> {
  const found = new Set<number>();
  for (let i = 0; i < ids.length; i += 500) {
    const chunk = ids.slice(i, i + 500);
    const rows = top === "drafts" ? await existingWriterIds(db, chunk) : await existingLetterIds(db, chunk);
    for (const id of rows) found.add(id);
  }
  return found;
}

/**
 * Deletes draft pages older than `draftMaxAgeMs`, and the folders of writers and letters that no
 * longer exist (a deletion interrupted between the database and the files, or a job that wrote a
 * file just after its letter was deleted).
 */
export async function sweepStorage(
  db: Db,
  storage: FileStorage,
  opts: { now?: Date; draftMaxAgeMs?: number; orphanMinAgeMs?: number } = {},
): Promise<SweepResult> {
  const now = (opts.now ?? new Date()).getTime();
  const draftLimit = now - (opts.draftMaxAgeMs ?? DRAFT_MAX_AGE_MS);
  const orphanLimit = now - (opts.orphanMinAgeMs ?? ORPHAN_MIN_AGE_MS);
  const result: SweepResult = { draftFiles: 0, orphanFolders: 0 };

  for (const top of ["drafts", "letters", "replies"] as const) {
    const ids = await idFolders(storage.root, top);
    const alive = await existing(db, top, ids);
    for (const id of ids) {
      const dir = join(storage.root, top, String(id));
      if (!alive.has(id)) {
        if ((await newestMtime(dir)) < orphanLimit) {
          await storage.deletePrefix(`${top}/${id}/`);
          result.orphanFolders++;
        }
        continue;
      }
      if (top !== "drafts") continue;
      for (const entry of await list(dir)) {
        // Only plain file names are storage keys (anything else was not written by Lifeline).
        if (entry.isDirectory || !/^[A-Za-z0-9._-]+$/.test(entry.name)) continue;
        try {
          if ((await stat(join(dir, entry.name))).mtimeMs >= draftLimit) continue;
        } catch (err) {
          if ((err as { code?: unknown }).code === "ENOENT") continue;
          throw err;
        }
        await storage.delete(`${top}/${id}/${entry.name}`);
        result.draftFiles++;
      }
    }
  }
  return result;
}
