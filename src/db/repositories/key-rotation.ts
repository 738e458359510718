// `keys rotate` for the encrypted columns: works on the stored ciphertext directly (a client
// without the encrypted-columns extension), batch by batch, so it never holds a table in memory.
import type { PrismaClient } from "../../generated/prisma/client.js";
import { decryptText, encryptText, type Keyring } from "../../privacy/cipher.js";
import { ENCRYPTED_TABLES } from "./encrypted-columns.js";

export interface ColumnRotationBatch {
  table: string;
  /** Values written again under the current key in this batch. */
  rotated: number;
  /** The highest row id of the batch: the next batch starts after it. */
  lastId: number;
}

export interface ColumnRotationReport {
  rotated: number;
  /** Values no key in the keyring can decrypt (unknown key, corrupted), by table and row id: left as they are. */
  failed: { table: string; id: number; column: string }[];
}

/** A row as read: its id and the stored values of the encrypted columns. */
export type Row = { id: number } & Record<string, string | null>;

/** Rows after `afterId` with at least one value not under the current key (legacy plaintext too). */
function pendingRows(db: PrismaClient, table: string, columns: readonly string[], currentPrefix: string, afterId: number, limit: number) {
  const stale = columns.map((c) => `(${c} IS NOT NULL AND left(${c}, ${currentPrefix.length}) <> $2)`).join(" OR ");
  return db.$queryRawUnsafe<Row[]>(
    `SELECT id, ${columns.join(", ")} FROM ${table} WHERE id > $1 AND (${stale}) ORDER BY id LIMIT ${limit}`,
    afterId,
    currentPrefix,
  );
}

/**
 * One batch in one transaction. Each value is replaced only if it still holds the ciphertext read
 * (compare-and-set), so a value the running bot wrote meanwhile is never overwritten.
 */
export async function rotateBatch(db: PrismaClient, keyring: Keyring, table: string, columns: readonly string[], rows: Row[], report: ColumnRotationReport): Promise<number> {
  const prefix = `enc1:${keyring.current.id}:`;
  const updates = columns.map((column) => ({ column, ids: [] as number[], olds: [] as string[], news: [] as string[] }));
  for (const row of rows) {
    for (const update of updates) {
      const old = row[update.column];
      if (old === null || old === undefined || old.startsWith(prefix)) continue;
      try {
        update.news.push(encryptText(keyring, decryptText(keyring, old)));
      } catch (err) {
        if (err instanceof Error && err.name === "DecryptionError") {
          report.failed.push({ table, id: row.id, column: update.column });
          continue;
        }
        throw err;
      }
      update.ids.push(row.id);
      update.olds.push(old);
    }
  }
  return db.$transaction(async (tx) => {
    let written = 0;
    for (const { column, ids, olds, news } of updates) {
      if (ids.length === 0) continue;
      written += await tx.$executeRawUnsafe(
        `UPDATE ${table} AS t SET ${column} = v.new FROM unnest($1::int[], $2::text[], $3::text[]) AS v(id, old, new)
         WHERE t.id = v.id AND t.${column} = v.old`,
        ids,
        olds,
        news,
      );
    }
    return written;
  });
}

/**
 * Re-encrypts every encrypted column value that is not under the keyring's current key, in
 * batches of `batchSize` rows by id. Resumable: a second run finds only what the first left.
 */
export async function rotateEncryptedColumns(
  db: PrismaClient,
  keyring: Keyring,
  opts: { batchSize?: number; onBatch?: (batch: ColumnRotationBatch) => void } = {},
): Promise<ColumnRotationReport> {
  const batchSize = opts.batchSize ?? 500;
  const currentPrefix = `enc1:${keyring.current.id}:`;
  const report: ColumnRotationReport = { rotated: 0, failed: [] };
  for (const { table, columns } of ENCRYPTED_TABLES) {
    let afterId = 0;
    for (;;) {
      const rows = await pendingRows(db, table, columns, currentPrefix, afterId, batchSize);
      if (rows.length === 0) break;
      const rotated = await rotateBatch(db, keyring, table, columns, rows, report);
      report.rotated += rotated;
      afterId = rows[rows.length - 1]!.id;
      opts.onBatch?.({ table, rotated, lastId: afterId });
    }
  }
  return report;
}

/** Values per table still under a key other than the current one (plaintext included). */
export async function countStaleValues(db: PrismaClient, keyring: Keyring): Promise<Record<string, number>> {
  const prefix = `enc1:${keyring.current.id}:`;
  const counts: Record<string, number> = {};
  for (const { table, columns } of ENCRYPTED_TABLES) {
    const sum = columns.map((c) => `count(*) FILTER (WHERE ${c} IS NOT NULL AND left(${c}, ${prefix.length}) <> $1)`).join(" + ");
    const [row] = await db.$queryRawUnsafe<{ n: bigint }[]>(`SELECT (${sum})::bigint AS n FROM ${table}`, prefix);
    counts[table] = Number(row?.n ?? 0);
  }
  return counts;
}
