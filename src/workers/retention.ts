// Retention: RETENTION_DAYS after a letter is posted its text, signature, translation, page images
// and PDF are deleted (and the print batch's merged PDF); RETENTION_DAYS after a reply reaches the
// writer its scans are. A seized server or an old backup then holds as little as possible.
import type { PrismaClient } from "../generated/prisma/client.js";
import {
  batchesDueForPdfDeletion,
  clearBatchPdfs,
  lettersDueForContentDeletion,
  markLetterContentDeleted,
  markReplyScansDeleted,
  repliesDueForScanDeletion,
  type RetentionItem,
} from "../db/repositories/retention.js";
import { letterFolder } from "../storage/keys.js";
import type { FileStorage } from "../storage/index.js";

const DAY_MS = 24 * 3600_000;
/** Rows per batch: one short transaction each, so the bot's own queries never wait long. */
export const RETENTION_BATCH_SIZE = 200;
/** One run stops after this long; the next scheduled run goes on where it stopped. */
export const RETENTION_BUDGET_MS = 60_000;

export interface RetentionResult {
  letters: number;
  replies: number;
  batchPdfs: number;
  /** Every due row was handled (false: the time budget ran out first). */
  done: boolean;
}

export interface RetentionOptions {
  days: number;
  now?: Date;
  batchSize?: number;
  budgetMs?: number;
}

interface Kind {
  name: "letters" | "replies" | "batchPdfs";
  due(cutoff: Date, limit: number): Promise<RetentionItem[]>;
  mark(ids: number[], now: Date): Promise<number>;
  /** Extra files of one item beyond its stored keys (the letter's whole folder). */
  prefixes?(id: number): string[];
}

function kinds(prisma: PrismaClient): Kind[] {
  return [
    {
      name: "letters",
      due: (cutoff, limit) => lettersDueForContentDeletion(prisma, cutoff, limit),
      mark: (ids, now) => markLetterContentDeleted(prisma, ids, now),
      prefixes: (id) => [letterFolder(id)],
    },
    {
      name: "replies",
      due: (cutoff, limit) => repliesDueForScanDeletion(prisma, cutoff, limit),
      mark: (ids, now) => markReplyScansDeleted(prisma, ids, now),
    },
    { name: "batchPdfs", due: (cutoff, limit) => batchesDueForPdfDeletion(prisma, cutoff, limit), mark: (ids) => clearBatchPdfs(prisma, ids) },
  ];
}

/**
 * Deletes what is due as of `now`, in batches, until nothing is due or the time budget is spent.
 * Files go first, then the rows are marked: a run cut short in between finds the same rows again
 * and deleting a missing file is no error, so nothing is ever left behind unmarked.
 */
export async function applyRetention(prisma: PrismaClient, storage: FileStorage, opts: RetentionOptions): Promise<RetentionResult> {
  const now = opts.now ?? new Date();
  const cutoff = new Date(now.getTime() - opts.days * DAY_MS);
  const batchSize = opts.batchSize ?? RETENTION_BATCH_SIZE;
  const deadline = Date.now() + (opts.budgetMs ?? RETENTION_BUDGET_MS);
  const result: RetentionResult = { letters: 0, replies: 0, batchPdfs: 0, done: true };
  for (const kind of kinds(prisma)) {
    for (;;) {
      if (Date.now() >= deadline) return { ...result, done: false };
      const items = await kind.due(cutoff, batchSize);
      for (const item of items) {
        for (const file of item.files) await storage.delete(file);
        for (const prefix of kind.prefixes?.(item.id) ?? []) await storage.deletePrefix(prefix);
      }
      result[kind.name] += await kind.mark(items.map((item) => item.id), now);
      if (items.length < batchSize) break;
    }
  }
  return result;
}
