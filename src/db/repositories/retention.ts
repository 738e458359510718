// Retention (src/workers/retention.ts): which letters, replies and print batches are due, and the
// row changes once their files are gone. The rows themselves stay: codes, dates, status history and
// counters are what the writer's "My letters" and /stats still show.
import type { PrismaClient } from "../../generated/prisma/client.js";
import type { Db } from "../client.js";

/** Something whose files retention deletes, with the storage keys of those files. */
export interface RetentionItem {
  id: number;
  files: string[];
}

/**
 * Posted (or since replied) letters whose content is still kept and that were posted at or before
 * `postedBefore`, oldest id first. The clock starts at the "posted" status event: the moment the
 * letter left the organisation's hands (handed to the post). Until then (submitted, printed, held,
 * ...) the organisation may still need the content; a "replied" letter keeps its earlier posted event.
 */
export async function lettersDueForContentDeletion(db: Db, postedBefore: Date, limit: number): Promise<RetentionItem[]> {
  const letters = await db.letter.findMany({
    where: {
      status: { in: ["posted", "replied"] },
      contentDeletedAt: null,
      statusEvents: { some: { status: "posted", at: { lte: postedBefore } } },
    },
    orderBy: { id: "asc" },
    take: limit,
    select: { id: true, pdfPath: true, pages: { select: { storagePath: true } } },
  });
  return letters.map((l) => ({ id: l.id, files: [...l.pages.map((p) => p.storagePath), ...(l.pdfPath ? [l.pdfPath] : [])] }));
}

/**
 * Clears the text, signature, translation and PDF path, keeps only the codes of the accepted
 * pre-check warnings (their matches are words of the letter), deletes the page rows, and marks the
 * letters. Letters already marked are left alone. Returns how many were marked now.
 */
export async function markLetterContentDeleted(prisma: PrismaClient, ids: readonly number[], now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  return prisma.$transaction(async (tx) => {
    const marked = await tx.$executeRaw`
      UPDATE letters SET
        text = NULL, signature_name = NULL, translation_text = NULL, pdf_path = NULL,
        precheck_warnings = CASE WHEN jsonb_typeof(precheck_warnings) = 'array' THEN COALESCE(
          (SELECT jsonb_agg(jsonb_build_object('code', w -> 'code', 'matches', '[]'::jsonb)) FROM jsonb_array_elements(precheck_warnings) w),
          '[]'::jsonb) ELSE '[]'::jsonb END,
        content_deleted_at = ${now}, updated_at = ${now}
      WHERE id = ANY(${[...ids]}::int[]) AND content_deleted_at IS NULL`;
    await tx.letterPage.deleteMany({ where: { letterId: { in: [...ids] } } });
    return marked;
  });
}

/**
 * Replies delivered to the writer at or before `deliveredBefore` whose scans are still kept, oldest
 * id first. Replies never delivered (the writer blocked the bot, delivery failed) keep their scans
 * until they are. A scan file that another, kept reply also uses (the same scan sent twice; files
 * are named by content) is left out of `files`.
 */
export async function repliesDueForScanDeletion(db: Db, deliveredBefore: Date, limit: number): Promise<RetentionItem[]> {
  const replies = await db.reply.findMany({
    where: { scansDeletedAt: null, deliveryState: "delivered", deliveredAt: { lte: deliveredBefore } },
    orderBy: { id: "asc" },
    take: limit,
    select: { id: true, pages: { select: { storagePath: true } } },
  });
  const ids = replies.map((r) => r.id);
  const paths = replies.flatMap((r) => r.pages.map((p) => p.storagePath));
  if (paths.length === 0) return replies.map((r) => ({ id: r.id, files: [] }));
  const shared = await db.replyPage.findMany({
    where: { storagePath: { in: paths }, replyId: { notIn: ids } },
    select: { storagePath: true },
  });
  const keep = new Set(shared.map((p) => p.storagePath));
  return replies.map((r) => ({ id: r.id, files: r.pages.map((p) => p.storagePath).filter((path) => !keep.has(path)) }));
}

/** Deletes the page rows of these replies and marks them; returns how many were marked now. */
export async function markReplyScansDeleted(prisma: PrismaClient, ids: readonly number[], now: Date): Promise<number> {
  if (ids.length === 0) return 0;
  return prisma.$transaction(async (tx) => {
    const marked = await tx.reply.updateMany({ where: { id: { in: [...ids] }, scansDeletedAt: null }, data: { scansDeletedAt: now, translationText: null } });
    await tx.replyPage.deleteMany({ where: { replyId: { in: [...ids] } } });
    return marked.count;
  });
}

/** Posted print batches whose merged PDF (every letter of the batch) is still kept. */
export async function batchesDueForPdfDeletion(db: Db, postedBefore: Date, limit: number): Promise<RetentionItem[]> {
  const batches = await db.printBatch.findMany({
    where: { status: "posted", postedAt: { lte: postedBefore }, pdfPath: { not: null } },
    orderBy: { id: "asc" },
    take: limit,
    select: { id: true, pdfPath: true },
  });
  return batches.map((b) => ({ id: b.id, files: b.pdfPath ? [b.pdfPath] : [] }));
}

export async function clearBatchPdfs(db: Db, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0;
  const cleared = await db.printBatch.updateMany({ where: { id: { in: [...ids] }, pdfPath: { not: null } }, data: { pdfPath: null } });
  return cleared.count;
}
