import { Prisma } from "../../generated/prisma/client.js";
import type { Language, Writer } from "../../generated/prisma/client.js";
import type { Db } from "../client.js";
import { cachedWriter } from "./writer-cache.js";

export type { Writer };
export type WriterLanguage = Language;

/**
 * The writer with this Telegram id; created with `language` when new. An existing writer's language
 * is never overwritten (they may have switched it). Safe when two updates race on first contact.
 */
export async function getOrCreateWriter(
  db: Db,
  input: { telegramId: bigint | number; language: WriterLanguage },
): Promise<Writer> {
  const telegramId = BigInt(input.telegramId);
  const existing = await cachedWriter(db, telegramId, () => db.writer.findUnique({ where: { telegramId } }));
  if (existing) return existing;
  try {
    return await db.writer.create({ data: { telegramId, language: input.language } });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      return db.writer.findUniqueOrThrow({ where: { telegramId } });
    }
    throw err;
  }
}

export function findWriterByTelegramId(db: Db, telegramId: bigint | number): Promise<Writer | null> {
  const id = BigInt(telegramId);
  return cachedWriter(db, id, () => db.writer.findUnique({ where: { telegramId: id } }));
}

export function findWriterById(db: Db, writerId: number): Promise<Writer | null> {
  return db.writer.findUnique({ where: { id: writerId } });
}

export function setWriterLanguage(db: Db, writerId: number, language: WriterLanguage): Promise<Writer> {
  return db.writer.update({ where: { id: writerId }, data: { language } });
}

export interface WriterProfilePatch {
  signatureName?: string | null;
  interests?: string[];
  rulesAcceptedVersion?: number | null;
  botBlockedAt?: Date | null;
}

/** Updates only the fields present in `patch`. */
export function updateWriterProfile(db: Db, writerId: number, patch: WriterProfilePatch): Promise<Writer> {
  return db.writer.update({ where: { id: writerId }, data: patch });
}

// ===== Deleting a writer's data =====

/** What deleteWriterData removed: ids for dropping queued jobs, paths for deleting files. */
export interface DeletedWriterData {
  writerId: number;
  letterIds: number[];
  replyIds: number[];
  assignmentIds: number[];
  specificRequestIds: number[];
  /**
   * Stored files the removed rows pointed at (letter pages, letter PDFs, reply scans) and the merged
   * PDFs of print batches that contained one of the letters, relative to STORAGE_DIR.
   */
  filePaths: string[];
  /** Letters that had not been posted yet: the operators are told not to send them. */
  withdrawn: { code: string; status: string; batchId: number | null }[];
}

/** Runs `fn` in a transaction of its own, or inside the caller's when `db` already is one. */
function inTransaction<T>(db: Db, fn: (tx: Prisma.TransactionClient) => Promise<T>): Promise<T> {
  if ("$transaction" in db) return db.$transaction(fn, { maxWait: 10_000, timeout: 30_000 });
  return fn(db);
}

/**
 * Deletes every row about a writer in one transaction: the writer, and through the foreign keys'
 * ON DELETE CASCADE their assignments, specific requests, letters with pages, status events,
 * replies and reply pages. Letters leave their print batches with them; a batch's merged PDF that
 * contained one of them is unlinked (and listed in filePaths) since it holds the letter too.
 * Counters and people's letter counts stay: they hold nothing about the writer.
 * Returns null when there is no such writer (already deleted), so a repeat is harmless.
 */
export async function deleteWriterData(db: Db, writerId: number): Promise<DeletedWriterData | null> {
  return inTransaction(db, async (tx) => {
    // Locks the row: a letter being submitted right now (its insert needs a key-share lock on the
    // writer) waits, then fails on the foreign key, instead of slipping in after we collected ids.
    const locked = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM writers WHERE id = ${writerId} FOR UPDATE`;
    if (locked.length === 0) return null;

    const letters = await tx.letter.findMany({
      where: { writerId },
      select: {
        id: true,
        code: true,
        status: true,
        batchId: true,
        pdfPath: true,
        pages: { select: { storagePath: true } },
        replies: { select: { id: true, pages: { select: { storagePath: true } } } },
      },
      orderBy: { id: "asc" },
    });
    const assignments = await tx.assignment.findMany({ where: { writerId }, select: { id: true } });
    const requests = await tx.specificRequest.findMany({ where: { writerId }, select: { id: true } });

    const batchIds = [...new Set(letters.map((l) => l.batchId).filter((id): id is number => id !== null))];
    const batches = batchIds.length
      ? await tx.printBatch.findMany({ where: { id: { in: batchIds }, pdfPath: { not: null } }, select: { id: true, pdfPath: true } })
      : [];
    if (batches.length > 0) {
      await tx.printBatch.updateMany({ where: { id: { in: batches.map((b) => b.id) } }, data: { pdfPath: null } });
    }

    await tx.writer.delete({ where: { id: writerId } });

    const filePaths = [
      ...letters.flatMap((l) => [...l.pages.map((p) => p.storagePath), ...(l.pdfPath ? [l.pdfPath] : [])]),
      ...letters.flatMap((l) => l.replies.flatMap((r) => r.pages.map((p) => p.storagePath))),
      ...batches.flatMap((b) => (b.pdfPath ? [b.pdfPath] : [])),
    ];
    const unposted = new Set(["submitted", "needs_changes", "approved", "printed"]);
    return {
      writerId,
      letterIds: letters.map((l) => l.id),
      replyIds: letters.flatMap((l) => l.replies.map((r) => r.id)),
      assignmentIds: assignments.map((a) => a.id),
      specificRequestIds: requests.map((r) => r.id),
      filePaths,
      withdrawn: letters.filter((l) => unposted.has(l.status)).map((l) => ({ code: l.code, status: l.status, batchId: l.batchId })),
    };
  });
}

/**
 * True when the writer row holds nothing but the Telegram id and the language it was created with:
 * no profile, never changed, no letters, assignments or requests.
 */
export async function isPristineWriter(db: Db, writerId: number): Promise<boolean> {
  const writer = await db.writer.findUnique({
    where: { id: writerId },
    include: { _count: { select: { letters: true, assignments: true, specificRequests: true } } },
  });
  if (!writer) return false;
  const { _count: count } = writer;
  return (
    writer.signatureName === null &&
    writer.interests.length === 0 &&
    writer.rulesAcceptedVersion === null &&
    writer.updatedAt.getTime() === writer.createdAt.getTime() &&
    count.letters + count.assignments + count.specificRequests === 0
  );
}

/** What the privacy screen's confirmation tells the writer they will lose. */
export async function summarizeWriterData(db: Db, writerId: number): Promise<{ letters: number; unposted: number; replies: number }> {
  const [letters, unposted, replies] = await Promise.all([
    db.letter.count({ where: { writerId } }),
    db.letter.count({ where: { writerId, status: { in: ["submitted", "needs_changes", "approved", "printed"] } } }),
    db.reply.count({ where: { letter: { writerId } } }),
  ]);
  return { letters, unposted, replies };
}
