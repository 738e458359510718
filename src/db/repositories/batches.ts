import type { PrismaClient, Prisma } from "../../generated/prisma/client.js";
import type { Db } from "../client.js";
import { incrementCounter } from "./stats.js";

/**
 * Serialises "find or create the open batch" and closing it, so there is only ever one open batch.
 * A prisoner import takes it too: a batch never closes halfway through an import's changes.
 */
export async function lockBatches(tx: Prisma.TransactionClient): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('lifeline:print-batch'))`;
}

const printInclude = {
  prisoner: true,
  specificRequest: true,
  pages: { orderBy: { index: "asc" } },
} as const satisfies Prisma.LetterInclude;

export type LetterForPrint = Prisma.LetterGetPayload<{ include: typeof printInclude }>;

export function loadLetterForPrint(db: Db, letterId: number): Promise<LetterForPrint | null> {
  return db.letter.findUnique({ where: { id: letterId }, include: printInclude });
}

export type MarkPrintedResult = { ok: true; batchId: number; writerId: number; code: string } | { ok: false };

/**
 * Records that an approved letter's PDF exists: status printed, PDF path, and a place in the open
 * batch (created when there is none), with its status event. Only an approved letter moves, so a
 * repeated print job changes nothing.
 */
export function markLetterPrinted(prisma: PrismaClient, input: { letterId: number; pdfPath: string; now?: Date }): Promise<MarkPrintedResult> {
  const now = input.now ?? new Date();
  return prisma.$transaction(async (tx) => {
    await lockBatches(tx);
    const open = (await tx.printBatch.findFirst({ where: { status: "open" }, orderBy: { id: "asc" } })) ?? (await tx.printBatch.create({ data: {} }));
    const updated = await tx.letter.updateMany({
      where: { id: input.letterId, status: "approved" },
      data: { status: "printed", pdfPath: input.pdfPath, batchId: open.id, statusChangedAt: now },
    });
    if (updated.count === 0) return { ok: false } as const;
    await tx.letterStatusEvent.create({ data: { letterId: input.letterId, status: "printed", at: now } });
    const letter = await tx.letter.findUniqueOrThrow({ where: { id: input.letterId }, select: { writerId: true, code: true } });
    return { ok: true, batchId: open.id, writerId: letter.writerId, code: letter.code } as const;
  });
}

/** Closes the open batch (status printed) if it has letters; null when there is nothing to print. */
export function closeOpenBatch(prisma: PrismaClient, now: Date = new Date()): Promise<{ batchId: number; letters: number } | null> {
  return prisma.$transaction(async (tx) => {
    await lockBatches(tx);
    const open = await tx.printBatch.findFirst({ where: { status: "open" }, orderBy: { id: "asc" }, include: { _count: { select: { letters: true } } } });
    if (!open || open._count.letters === 0) return null;
    await tx.printBatch.update({ where: { id: open.id }, data: { status: "printed", printedAt: now } });
    return { batchId: open.id, letters: open._count.letters };
  });
}

export function loadBatch(db: Db, batchId: number) {
  return db.printBatch.findUnique({
    where: { id: batchId },
    // A held letter (recipient released or unreachable) never goes out with its batch.
    include: { letters: { where: { status: { not: "held" } }, include: printInclude, orderBy: { id: "asc" } } },
  });
}

export async function setBatchPdf(db: Db, batchId: number, pdfPath: string): Promise<void> {
  await db.printBatch.update({ where: { id: batchId }, data: { pdfPath } });
}

export type MarkPostedResult =
  | { ok: true; letters: Array<{ id: number; writerId: number; code: string }> }
  | { ok: false; reason: "missing" | "not-printed" | "already-posted"; postedAt?: Date | null };

/**
 * Marks a printed batch and every printed letter in it as posted, with status events and the
 * letters_posted counter, in one transaction; a second press finds the batch already posted.
 */
export function markBatchPosted(prisma: PrismaClient, input: { batchId: number; operatorId: number; now?: Date }): Promise<MarkPostedResult> {
  const now = input.now ?? new Date();
  return prisma.$transaction(async (tx) => {
    const updated = await tx.printBatch.updateMany({ where: { id: input.batchId, status: "printed" }, data: { status: "posted", postedAt: now } });
    if (updated.count === 0) {
      const batch = await tx.printBatch.findUnique({ where: { id: input.batchId } });
      if (!batch) return { ok: false, reason: "missing" } as const;
      return batch.status === "posted" ? ({ ok: false, reason: "already-posted", postedAt: batch.postedAt } as const) : ({ ok: false, reason: "not-printed" } as const);
    }
    const letters = await tx.letter.findMany({ where: { batchId: input.batchId, status: "printed" }, select: { id: true, writerId: true, code: true }, orderBy: { id: "asc" } });
    await tx.letter.updateMany({ where: { id: { in: letters.map((l) => l.id) } }, data: { status: "posted", statusChangedAt: now } });
    await tx.letterStatusEvent.createMany({ data: letters.map((l) => ({ letterId: l.id, status: "posted" as const, operatorId: input.operatorId, at: now })) });
    if (letters.length > 0) await incrementCounter(tx, "letters_posted", letters.length);
    return { ok: true, letters } as const;
  });
}

/** Code and batch of each letter that still exists (letters erased with their writer drop out). */
export function findLetterCodesAndBatches(db: Db, letterIds: number[]): Promise<{ id: number; code: string; batchId: number | null }[]> {
  return db.letter.findMany({ where: { id: { in: letterIds } }, select: { id: true, code: true, batchId: true } });
}
