// Holding letters whose recipient can no longer receive them (released, or unreachable: no
// address, privacy, ...): status "held" with the reason, so nobody prints or posts them.
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";

/** Reasons of a held letter (statusReason and the status event's reason); localised as `letter-reason`. */
export const HOLD_REASONS = ["recipient-released", "recipient-unreachable"] as const;
export type HoldReason = (typeof HOLD_REASONS)[number];

/** Statuses a letter can be held from: it has left the writer but not the organisation. */
export const HOLDABLE_STATUSES = ["submitted", "approved", "printed"] as const;

export function holdReasonFor(cannotReceiveReason: string | null): HoldReason {
  return cannotReceiveReason === "released" ? "recipient-released" : "recipient-unreachable";
}

/**
 * Holds these letters (those still submitted, approved or printed) with one reason and a status
 * event each; `leaveBatch` takes them out of their (open) print batch. Returns the ids held.
 */
export async function holdLetters(
  tx: Prisma.TransactionClient,
  input: { letterIds: number[]; reason: HoldReason; leaveBatch?: boolean; now?: Date },
): Promise<number[]> {
  if (input.letterIds.length === 0) return [];
  const now = input.now ?? new Date();
  const movable = await tx.letter.findMany({
    where: { id: { in: input.letterIds }, status: { in: [...HOLDABLE_STATUSES] } },
    select: { id: true },
  });
  const ids = movable.map((l) => l.id);
  if (ids.length === 0) return [];
  await tx.letter.updateMany({
    where: { id: { in: ids } },
    data: { status: "held", statusReason: input.reason, statusChangedAt: now, ...(input.leaveBatch ? { batchId: null } : {}) },
  });
  await tx.letterStatusEvent.createMany({ data: ids.map((letterId) => ({ letterId, status: "held" as const, reason: input.reason, at: now })) });
  return ids;
}

/** One letter, held by the print worker when its recipient turned out to be unreachable. */
export async function holdLetter(prisma: PrismaClient, letterId: number, reason: HoldReason): Promise<boolean> {
  const held = await prisma.$transaction((tx) => holdLetters(tx, { letterIds: [letterId], reason }));
  return held.length > 0;
}

/** The status event's reason when a held letter goes back on its way. */
export const HOLD_RELEASED_REASON = "hold-released";

/** A held letter put back on its way (ids and code only: it becomes job payloads and notices). */
export interface ReleasedLetter {
  letterId: number;
  code: string;
  writerId: number;
  /** Where it went back to: "submitted" waits for a (new) card, "approved" for printing. */
  status: "submitted" | "approved";
  /** How many times it has been submitted, counting this release: the card job's version. */
  version: number;
  /** The release's status event: makes the writer's notice unique to this release. */
  eventId: number;
}

/**
 * The status a held letter had before it was held: the newest event that is not "held". A letter
 * printed before the hold goes back to "approved": its paper was pulled from the pile (or it left
 * the open batch), so it is printed again, with the current address, into the open batch.
 */
function statusBeforeHold(events: readonly { status: string }[]): "submitted" | "approved" {
  const before = events.find((e) => e.status !== "held")?.status;
  return before === "submitted" || before === undefined ? "submitted" : "approved";
}

/**
 * Puts held letters back on their way — those with these ids, or every held letter to these
 * people — with a status event each (by the operator, or the system when `operatorId` is null).
 * Only letters still held change, so two releases at once release a letter once. The caller
 * queues the card or the print job (src/queues/held-letters.ts) after the transaction commits.
 */
export async function releaseHeldLetters(
  tx: Prisma.TransactionClient,
  input: { letterIds?: number[]; prisonerIds?: number[]; operatorId?: number | null; now?: Date },
): Promise<ReleasedLetter[]> {
  const now = input.now ?? new Date();
  const where = input.letterIds ? { id: { in: input.letterIds } } : { prisonerId: { in: input.prisonerIds ?? [] } };
  const held = await tx.letter.findMany({
    where: { ...where, status: "held" },
    select: { id: true, code: true, writerId: true, statusEvents: { select: { status: true }, orderBy: [{ at: "desc" }, { id: "desc" }] } },
    orderBy: { id: "asc" },
  });
  const released: ReleasedLetter[] = [];
  for (const letter of held) {
    const status = statusBeforeHold(letter.statusEvents);
    const moved = await tx.letter.updateMany({
      where: { id: letter.id, status: "held" },
      data: { status, statusReason: null, statusChangedAt: now, batchId: null },
    });
    if (moved.count === 0) continue;
    const event = await tx.letterStatusEvent.create({
      data: { letterId: letter.id, status, reason: HOLD_RELEASED_REASON, operatorId: input.operatorId ?? null, at: now },
    });
    const version = letter.statusEvents.filter((e) => e.status === "submitted").length + (status === "submitted" ? 1 : 0);
    released.push({ letterId: letter.id, code: letter.code, writerId: letter.writerId, status, version, eventId: event.id });
  }
  return released;
}

export type CancelHeldResult =
  | { ok: true; letterId: number; code: string; writerId: number; reason: HoldReason }
  | { ok: false; reason: "missing" }
  | { ok: false; reason: "not-held"; status: string };

/**
 * An operator gives up on a held letter: it is rejected with its hold reason (the recipient was
 * released or cannot receive letters), recorded as the operator's decision. Only a held letter changes.
 */
export async function cancelHeldLetter(prisma: PrismaClient, input: { letterId: number; operatorId: number; now?: Date }): Promise<CancelHeldResult> {
  const now = input.now ?? new Date();
  return prisma.$transaction(async (tx) => {
    const letter = await tx.letter.findUnique({ where: { id: input.letterId }, select: { id: true, code: true, writerId: true, status: true, statusReason: true } });
    if (!letter) return { ok: false, reason: "missing" } as const;
    const reason: HoldReason = letter.statusReason === "recipient-released" ? "recipient-released" : "recipient-unreachable";
    const moved = await tx.letter.updateMany({
      where: { id: letter.id, status: "held" },
      data: { status: "rejected", statusReason: reason, statusChangedAt: now, batchId: null },
    });
    if (moved.count === 0) {
      const current = await tx.letter.findUnique({ where: { id: letter.id }, select: { status: true } });
      return { ok: false, reason: "not-held", status: current?.status ?? letter.status } as const;
    }
    await tx.letterStatusEvent.create({ data: { letterId: letter.id, status: "rejected", reason, operatorId: input.operatorId, at: now } });
    return { ok: true, letterId: letter.id, code: letter.code, writerId: letter.writerId, reason } as const;
  });
}

/** What the held card's buttons need to know: the letter's status and whether its recipient can receive letters now. */
export async function loadHeldLetterState(
  prisma: PrismaClient,
  letterId: number,
): Promise<{ id: number; code: string; status: string; recipientCanReceive: boolean } | null> {
  const letter = await prisma.letter.findUnique({
    where: { id: letterId },
    select: { id: true, code: true, status: true, prisoner: { select: { canReceiveLetters: true } } },
  });
  if (!letter) return null;
  return { id: letter.id, code: letter.code, status: letter.status, recipientCanReceive: letter.prisoner?.canReceiveLetters ?? true };
}

/** Why each of these letters is held; letters no longer held are left out. */
export function heldReasons(db: PrismaClient, letterIds: number[]): Promise<{ id: number; statusReason: string | null }[]> {
  if (letterIds.length === 0) return Promise.resolve([]);
  return db.letter.findMany({ where: { id: { in: letterIds }, status: "held" }, select: { id: true, statusReason: true } });
}
