// Translations of replies for writers who read no Russian: the operators reply to the bot's message
// about a reply with the translation; it is stored (encrypted, see encrypted-columns.ts) and goes to
// the writer once. The state lives on the reply row; every change is one conditional UPDATE, so the
// delivery job and an operator's translation never both decide the same thing.
import type { Db } from "../client.js";

/** The delivery begins: whether the writer needs a translation, and the operators' message that says so. */
export async function recordAcceptedMessage(db: Db, replyId: number, messageId: number, needsTranslation: boolean): Promise<void> {
  await db.reply.update({ where: { id: replyId }, data: { acceptedMessageId: messageId, needsTranslation } });
}

/**
 * The delivery stops to wait for the translation, unless one is already there. True when it now
 * waits (an operator's translation saved afterwards sees heldForTranslationAt and restarts it); false
 * when a translation came first (the delivery goes on with it).
 */
export async function holdForTranslation(db: Db, replyId: number, at: Date = new Date()): Promise<boolean> {
  const held = await db.reply.updateMany({ where: { id: replyId, translationText: null }, data: { heldForTranslationAt: at } });
  return held.count > 0;
}

/** The reply a message of the bot in the operators' chat is about ("reply accepted", or a writer's request for a translation). */
export function findReplyByOperatorsMessage(db: Db, messageId: number) {
  return db.reply.findFirst({
    where: { OR: [{ acceptedMessageId: messageId }, { translationAskMessageId: messageId }] },
    orderBy: { id: "desc" },
    select: { id: true, letterId: true, needsTranslation: true, translationRequestedAt: true, letter: { select: { code: true, writerId: true } } },
  });
}

export type SavedTranslation =
  | { saved: false }
  | { saved: true; deliveryState: "pending" | "delivered" | "blocked" | "failed"; heldForTranslation: boolean };

/**
 * Stores (or corrects) a reply's translation while the writer has not received one. Returns where
 * the delivery stands afterwards, read after the write: a delivery that finished before it has
 * state "delivered" (send the translation now), one that stopped to wait for it is held (restart it),
 * anything else sends it when it finishes.
 */
export async function saveTranslation(db: Db, replyId: number, text: string, operatorId: number, at: Date = new Date()): Promise<SavedTranslation> {
  const updated = await db.reply.updateMany({
    where: { id: replyId, translationDeliveredAt: null },
    data: { translationText: text, translatedAt: at, translatedBy: operatorId },
  });
  if (updated.count === 0) return { saved: false };
  const reply = await db.reply.findUniqueOrThrow({ where: { id: replyId }, select: { deliveryState: true, heldForTranslationAt: true } });
  return { saved: true, deliveryState: reply.deliveryState, heldForTranslation: reply.heldForTranslationAt !== null };
}

/** What the delivery needs to know about a translation, read fresh. */
export function translationState(db: Db, replyId: number) {
  return db.reply.findUnique({
    where: { id: replyId },
    select: { id: true, deliveryState: true, needsTranslation: true, translationText: true, translationDeliveredAt: true, heldForTranslationAt: true },
  });
}

/** Recorded right after Telegram accepted the translation's last message: a repeated job sends nothing. */
export async function markTranslationDelivered(db: Db, replyId: number, at: Date = new Date()): Promise<void> {
  await db.reply.updateMany({ where: { id: replyId, translationDeliveredAt: null }, data: { translationDeliveredAt: at } });
}

/**
 * The writer asks for a translation of one of their replies. True the first time (the operators are
 * asked then); false when it was asked already.
 */
export async function requestTranslation(db: Db, writerId: number, replyId: number, at: Date = new Date()): Promise<boolean> {
  const asked = await db.reply.updateMany({
    where: { id: replyId, letter: { writerId }, translationRequestedAt: null, translationDeliveredAt: null },
    data: { translationRequestedAt: at },
  });
  return asked.count > 0;
}

export async function recordTranslationAsk(db: Db, replyId: number, messageId: number): Promise<void> {
  await db.reply.update({ where: { id: replyId }, data: { translationAskMessageId: messageId } });
}
