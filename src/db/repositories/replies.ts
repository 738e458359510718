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
}

/**
 * Stores a scanned reply with its pages, moves the letter to "replied" (first reply only) with a
 * status event, and counts it, in one transaction. With a `sourceKey` (where the scan came from)
 * a second call for the same source returns the stored reply (created: false) and changes nothing.
 */
export async function createReply(
  prisma: PrismaClient,
  input: { letterId: number; operatorId: number; pages: NewReplyPage[]; sourceKey?: string; now?: Date },
): Promise<{ replyId: number; writerId: number; created: boolean }> {
  const now = input.now ?? new Date();
  const existing = async () => {
    if (input.sourceKey === undefined) return null;
    const reply = await prisma.reply.findUnique({ where: { sourceKey: input.sourceKey }, select: { id: true, letter: { select: { writerId: true } } } });
    return reply ? { replyId: reply.id, writerId: reply.letter.writerId, created: false } : null;
  };
  const found = await existing();
  if (found) return found;
  try {
    return await prisma.$transaction(async (tx) => {
      const reply = await tx.reply.create({
        data: {
          letterId: input.letterId,
          operatorId: input.operatorId,
          receivedAt: now,
          sourceKey: input.sourceKey ?? null,
          pages: { create: input.pages.map((page, index) => ({ index, storagePath: page.storagePath, mimeType: page.mimeType, width: page.width ?? null, height: page.height ?? null, sha256: page.sha256 })) },
        },
      });
      const moved = await tx.letter.updateMany({ where: { id: input.letterId, status: "posted" }, data: { status: "replied", statusChangedAt: now } });
      if (moved.count > 0) await tx.letterStatusEvent.create({ data: { letterId: input.letterId, status: "replied", operatorId: input.operatorId, at: now } });
      await incrementCounter(tx, "replies_received");
      const letter = await tx.letter.findUniqueOrThrow({ where: { id: input.letterId }, select: { writerId: true } });
      return { replyId: reply.id, writerId: letter.writerId, created: true };
    });
  } catch (err) {
    // A concurrent run for the same source won the unique key.
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      const winner = await existing();
      if (winner) return winner;
    }
    throw err;
  }
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
