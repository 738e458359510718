import type { Db } from "../client.js";

// Lookups for the storage sweep (src/workers/storage-sweep.ts): which folders still have their rows.

/** The subset of `ids` that are existing writers. */
export async function existingWriterIds(db: Db, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db.writer.findMany({ where: { id: { in: [...ids] } }, select: { id: true } });
  return new Set(rows.map((row) => row.id));
}

/** The subset of `ids` that are existing letters. */
export async function existingLetterIds(db: Db, ids: readonly number[]): Promise<Set<number>> {
  if (ids.length === 0) return new Set();
  const rows = await db.letter.findMany({ where: { id: { in: [...ids] } }, select: { id: true } });
  return new Set(rows.map((row) => row.id));
}
