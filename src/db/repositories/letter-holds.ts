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
