import type { Db } from "../client.js";
import type { LetterStatus, Prisma } from "../../generated/prisma/client.js";
import { HOLD_RELEASED_REASON } from "./letter-holds.js";

const cardInclude = {
  prisoner: true,
  specificRequest: true,
  pages: { orderBy: { index: "asc" } },
  // How many times it was submitted: 2+ is a letter fixed after "needs changes" (a held letter put
  // back on its way is submitted again, but not fixed).
  _count: { select: { statusEvents: { where: { status: "submitted", OR: [{ reason: null }, { reason: { not: HOLD_RELEASED_REASON } }] } } } },
} as const satisfies Prisma.LetterInclude;

export type LetterForCard = Prisma.LetterGetPayload<{ include: typeof cardInclude }>;

/** Everything the moderation card shows, or null when the letter is gone. */
export function loadLetterForCard(db: Db, letterId: number): Promise<LetterForCard | null> {
  return db.letter.findUnique({ where: { id: letterId }, include: cardInclude });
}

export function findLetterByCode(db: Db, code: string): Promise<LetterForCard | null> {
  return db.letter.findUnique({ where: { code: code.toUpperCase() }, include: cardInclude });
}

/** Codes of all letters, for suggesting the nearest one to a mistyped code. */
export async function letterCodesLike(db: Db, prefix: string): Promise<string[]> {
  const rows = await db.letter.findMany({ where: { code: { startsWith: prefix } }, select: { code: true }, take: 5000 });
  return rows.map((row) => row.code);
}

export type Decision = "approved" | "needs_changes" | "rejected";

export type DecideResult =
  | { ok: true; letterId: number; writerId: number; code: string }
  | { ok: false; reason: "missing" }
  | { ok: false; reason: "already"; status: LetterStatus; operatorId: number | null; at: Date };

/**
 * Records one operator decision on a submitted letter. The conditional update makes concurrent
 * presses safe: only the transaction that still sees status "submitted" changes it.
 */
export async function decideLetter(
  db: Prisma.TransactionClient,
  input: { letterId: number; decision: Decision; reason?: string; operatorId: number; now?: Date },
): Promise<DecideResult> {
  const now = input.now ?? new Date();
  const updated = await db.letter.updateMany({
    where: { id: input.letterId, status: "submitted" },
    data: { status: input.decision, statusReason: input.reason ?? null, statusChangedAt: now },
  });
  const letter = await db.letter.findUnique({ where: { id: input.letterId }, select: { id: true, writerId: true, code: true, status: true, statusChangedAt: true } });
  if (!letter) return { ok: false, reason: "missing" };
  if (updated.count === 0) {
    const last = await db.letterStatusEvent.findFirst({ where: { letterId: letter.id }, orderBy: [{ at: "desc" }, { id: "desc" }] });
    return { ok: false, reason: "already", status: letter.status, operatorId: last?.operatorId ?? null, at: last?.at ?? letter.statusChangedAt };
  }
  await db.letterStatusEvent.create({
    data: { letterId: letter.id, status: input.decision, reason: input.reason ?? null, operatorId: input.operatorId, at: now },
  });
  return { ok: true, letterId: letter.id, writerId: letter.writerId, code: letter.code };
}

/** The last decision event (who and when), for re-drawing a decided card. */
export function lastDecision(db: Db, letterId: number) {
  return db.letterStatusEvent.findFirst({
    // "held" too: the system's hold (recipient released or unreachable) is the card's last word.
    where: { letterId, status: { in: ["approved", "needs_changes", "rejected", "held"] } },
    orderBy: [{ at: "desc" }, { id: "desc" }],
  });
}

export async function setNeedsTranslation(db: Db, letterId: number, needsTranslation: boolean): Promise<void> {
  await db.letter.update({ where: { id: letterId }, data: { needsTranslation } });
}

export async function setTranslation(db: Db, letterId: number, translationText: string): Promise<void> {
  await db.letter.update({ where: { id: letterId }, data: { translationText, needsTranslation: true } });
}
