import { Prisma } from "../../generated/prisma/client.js";
import type { PrismaClient, ReplyDeliveryState } from "../../generated/prisma/client.js";
import type { Db } from "../client.js";
import { incrementCounter } from "./stats.js";

export interface NewReplyPage {
  storagePath: string;
  mimeType: string;
  width?: number | null;
  height?: number | null;
  sha256: string;
  /** The operators' message the scan came in (orders the pages of a reply). */
  sourceMessageId?: number | null;
}

/**
 * Stores scans for a letter's reply, in one transaction. A reply takes scans until its delivery
 * begins (closedAt): scans for the same letter that come meanwhile (a second album, a page sent on
 * its own) join it, and its pages are renumbered in the order the operators sent them (Telegram
 * message id). Otherwise a new reply is created, the letter moves to "replied" (first reply only)
 * with a status event, and the reply is counted. A second call for a source already stored (a
 * `sourceKey`, or a scan message already among the letter's reply pages) changes nothing and returns
 * that reply (added: false).
 */
export async function createReply(
  prisma: PrismaClient,
  input: { letterId: number; operatorId: number; pages: NewReplyPage[]; sourceKey?: string; now?: Date },
): Promise<{ replyId: number; writerId: number; created: boolean; added: boolean; pageCount: number }> {
  const now = input.now ?? new Date();
  const messageIds = input.pages.map((p) => p.sourceMessageId).filter((id): id is number => id !== undefined && id !== null);
  const existing = async (db: Db) => {
    const reply =
      (input.sourceKey !== undefined ? await db.reply.findUnique({ where: { sourceKey: input.sourceKey }, select: { id: true } }) : null) ??
      (messageIds.length > 0
        ? await db.reply.findFirst({ where: { letterId: input.letterId, pages: { some: { sourceMessageId: { in: messageIds } } } }, select: { id: true } })
        : null);
    if (!reply) return null;
    const found = await db.reply.findUniqueOrThrow({ where: { id: reply.id }, select: { id: true, letter: { select: { writerId: true } }, _count: { select: { pages: true } } } });
    return { replyId: found.id, writerId: found.letter.writerId, created: false, added: false, pageCount: found._count.pages };
  };
  const found = await existing(prisma);
  if (found) return found;
  try {
    return await prisma.$transaction(async (tx) => {
      const letter = await tx.letter.findUniqueOrThrow({ where: { id: input.letterId }, select: { writerId: true } });
      // Locks the open reply: its delivery cannot close it while these pages join (closeReplyForDelivery waits).
      const [open] = await tx.$queryRaw<{ id: number }[]>`
        SELECT id FROM replies WHERE letter_id = ${input.letterId} AND closed_at IS NULL AND delivery_state = 'pending'
        ORDER BY id DESC LIMIT 1 FOR UPDATE`;
      if (open) {
        const again = await existing(tx);
        if (again) return again;
        const kept = await tx.replyPage.findMany({ where: { replyId: open.id }, orderBy: { index: "asc" } });
        // Nothing of an open reply was delivered yet: its pages are laid out again in sending order.
        const all = [...kept.map((page) => ({ ...page, sourceMessageId: page.sourceMessageId })), ...input.pages];
        const order = (page: { sourceMessageId?: number | null }) => page.sourceMessageId ?? Number.MAX_SAFE_INTEGER;
        const sorted = all.map((page, at) => ({ page, at })).sort((a, b) => order(a.page) - order(b.page) || a.at - b.at);
        await tx.replyPage.deleteMany({ where: { replyId: open.id } });
        await tx.replyPage.createMany({ data: sorted.map(({ page }, index) => ({ replyId: open.id, index, ...pageColumns(page) })) });
        return { replyId: open.id, writerId: letter.writerId, created: false, added: true, pageCount: sorted.length };
      }
      const sorted = [...input.pages].sort((a, b) => (a.sourceMessageId ?? 0) - (b.sourceMessageId ?? 0));
      const reply = await tx.reply.create({
        data: {
          letterId: input.letterId,
          operatorId: input.operatorId,
          receivedAt: now,
          sourceKey: input.sourceKey ?? null,
          pages: { create: sorted.map((page, index) => ({ index, ...pageColumns(page) })) },
        },
      });
      const moved = await tx.letter.updateMany({ where: { id: input.letterId, status: "posted" }, data: { status: "replied", statusChangedAt: now } });
      if (moved.count > 0) await tx.letterStatusEvent.create({ data: { letterId: input.letterId, status: "replied", operatorId: input.operatorId, at: now } });
      await incrementCounter(tx, "replies_received");
      return { replyId: reply.id, writerId: letter.writerId, created: true, added: true, pageCount: sorted.length };
    });
  } catch (err) {
    // A concurrent run for the same source won the unique key.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      const winner = await existing(prisma);
      if (winner) return winner;
    }
    throw err;
  }
}

function pageColumns(page: NewReplyPage) {
  return {
    storagePath: page.storagePath,
    mimeType: page.mimeType,
    width: page.width ?? null,
    height: page.height ?? null,
    sha256: page.sha256,
    sourceMessageId: page.sourceMessageId ?? null,
  };
}

/**
 * The reply stops taking scans: called when its delivery begins, before its pages are read. Waits
 * for a transaction adding pages to it (row lock), so those pages are delivered too. True when this
 * call closed it (false: it was closed already).
 */
export async function closeReplyForDelivery(db: Db, replyId: number, at: Date = new Date()): Promise<boolean> {
  const closed = await db.reply.updateMany({ where: { id: replyId, closedAt: null }, data: { closedAt: at } });
  return closed.count > 0;
}

const deliveryInclude = {
  pages: { orderBy: { index: "asc" } },
  letter: { include: { writer: true, prisoner: true, specificRequest: true } },
} as const satisfies Prisma.ReplyInclude;

export type ReplyForDelivery = Prisma.ReplyGetPayload<{ include: typeof deliveryInclude }>;

export function loadReplyForDelivery(db: Db, replyId: number): Promise<ReplyForDelivery | null> {
  return db.reply.findUnique({ where: { id: replyId }, include: deliveryInclude });
}

/** Recorded right after Telegram accepted the page: a retried delivery skips it. */
export async function markReplyPageDelivered(db: Db, pageId: number, at: Date = new Date()): Promise<void> {
  await db.replyPage.updateMany({ where: { id: pageId, deliveredAt: null }, data: { deliveredAt: at } });
}

export async function recordDeliveryAttempt(db: Db, replyId: number): Promise<void> {
  await db.reply.update({ where: { id: replyId }, data: { deliveryAttempts: { increment: 1 } } });
}

export async function setReplyDeliveryState(db: Db, replyId: number, state: ReplyDeliveryState, at: Date = new Date()): Promise<void> {
  await db.reply.update({ where: { id: replyId }, data: { deliveryState: state, ...(state === "delivered" ? { deliveredAt: at } : {}) } });
}

/** Replies to one writer's letter, newest first (for "My letters"). */
export function listRepliesForLetter(db: Db, letterId: number) {
  return db.reply.findMany({ where: { letterId }, orderBy: { receivedAt: "desc" }, include: { pages: { orderBy: { index: "asc" } } } });
}

export function findReplyById(db: Db, replyId: number) {
  return db.reply.findUnique({ where: { id: replyId }, include: deliveryInclude });
}

/** Codes of letters that can receive a reply, for "did you mean ...?" on a mistyped code. */
export async function codesAwaitingReplies(db: Db): Promise<string[]> {
  const rows = await db.letter.findMany({ where: { status: { in: ["posted", "replied"] } }, select: { code: true }, orderBy: { id: "desc" }, take: 20_000 });
  return rows.map((row) => row.code);
}

/**
 * Replies to this writer's letters that were kept because the writer had blocked the bot, with
 * their delivery attempts so far (which make a fresh job id for the new delivery).
 */
export function blockedRepliesOfWriter(db: Db, writerId: number): Promise<{ id: number; deliveryAttempts: number }[]> {
  return db.reply.findMany({
    where: { deliveryState: "blocked", letter: { writerId } },
    orderBy: { id: "asc" },
    select: { id: true, deliveryAttempts: true },
  });
}
