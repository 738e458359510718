import type { Db } from "../client.js";

// What PostgreSQL says should be on its way through the queues (src/workers/reconcile.ts compares it
// with Redis). Ids and flags only, oldest first, in bounded pages: a run never loads a whole table.

export interface ReconcileWindow {
  /** Rows changed after this are left to the normal path, which enqueues right after its commit. */
  before: Date;
  limit: number;
}

/** Approved letters the print worker should take, except those still waiting for their translation. */
export async function approvedLetterIds(db: Db, { before, limit }: ReconcileWindow): Promise<number[]> {
  const rows = await db.letter.findMany({
    where: {
      status: "approved",
      statusChangedAt: { lt: before },
      NOT: { needsTranslation: true, translationText: null },
    },
    select: { id: true },
    orderBy: { id: "asc" },
    take: limit,
  });
  return rows.map((row) => row.id);
}

/** Submitted letters and their version (how many times submitted): the moderation card's job id needs it. */
export async function submittedLetters(db: Db, { before, limit }: ReconcileWindow): Promise<Array<{ id: number; version: number }>> {
  const rows = await db.letter.findMany({
    where: { status: "submitted", statusChangedAt: { lt: before } },
    select: { id: true, _count: { select: { statusEvents: { where: { status: "submitted" } } } } },
    orderBy: { id: "asc" },
    take: limit,
  });
  return rows.map((row) => ({ id: row.id, version: Math.max(1, row._count.statusEvents) }));
}

/** Replies still pending with at least one page the writer has not got. */
export async function undeliveredReplyIds(db: Db, { before, limit }: ReconcileWindow): Promise<number[]> {
  const rows = await db.reply.findMany({
    where: { deliveryState: "pending", receivedAt: { lt: before }, pages: { some: { deliveredAt: null } } },
    select: { id: true },
    orderBy: { id: "asc" },
    take: limit,
  });
  return rows.map((row) => row.id);
}

/**
 * Closed batches whose PDF was never made: the batch job stores the PDF before it sends anything, so
 * without one nothing reached the operators or the printer and running the job again doubles nothing.
 */
export async function unrenderedBatchIds(db: Db, { before, limit }: ReconcileWindow): Promise<number[]> {
  const rows = await db.printBatch.findMany({
    where: { status: "printed", pdfPath: null, printedAt: { lt: before } },
    select: { id: true },
    orderBy: { id: "asc" },
    take: limit,
  });
  return rows.map((row) => row.id);
}
