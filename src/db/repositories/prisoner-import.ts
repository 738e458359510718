// Applying a validated prisoner list: upsert, then the consequences of releases, transfers and
// people becoming unreachable (their assignments end; writers with open assignments or letters
// in flight are collected to be told; letters to people who can no longer receive them are held).
// All in one transaction.
import type { Prisma, PrismaClient } from "../../generated/prisma/client.js";
import { endsAssignments, prisonerEventOf, type PrisonerEvent } from "../../domain/prisoner-import.js";
import type { CannotReceiveReasonKey, PrisonerInput } from "../../domain/prisoner-record.js";
import type { LetterImportAction } from "../../queues/import-report.js";
import { releaseAssignmentsForPrisoner } from "./assignments.js";
import { lockBatches } from "./batches.js";
import { HOLDABLE_STATUSES, holdLetters, holdReasonFor, releaseHeldLetters, type HoldReason, type ReleasedLetter } from "./letter-holds.js";
import { upsertPrisoners, type PrisonerDataField } from "./prisoners.js";

/** Letters that have left the writer but not yet the organisation (a transfer or release concerns them). */
export const IN_FLIGHT_STATUSES = HOLDABLE_STATUSES;

/** One writer to tell about one event (ids and codes only, like a job payload). */
export interface ImportNotice {
  event: PrisonerEvent;
  writerId: number;
  prisonerId: number;
  /** Why the person cannot receive letters now (unreachable and released). */
  reason: CannotReceiveReasonKey | null;
  /** Set when the writer had an open assignment with the person. */
  assignmentId?: number;
  /** Set when the writer's letter is in flight. */
  letterId?: number;
  letterCode?: string;
  /** The prisoner row's updatedAt after the import: makes each event's notices unique. */
  changedAt: Date;
}

export interface ImportChange {
  kind: "created" | "updated";
  externalId: string;
  prisonerId: number;
  changedFields: PrisonerDataField[];
  event: PrisonerEvent | null;
  /** The person could not receive letters before this import and can now. */
  reachableAgain: boolean;
}

export interface PrisonerImportOutcome {
  created: number;
  updated: number;
  unchanged: number;
  changes: ImportChange[];
  /** Assignments ended because their person cannot receive letters any more. */
  releasedAssignments: number;
  notices: ImportNotice[];
  /** Letters in flight to the people concerned, and what the import did to each. */
  letters: AffectedLetter[];
  /**
   * Held letters to people who can receive letters again or were given a new address, put back
   * on their way (the caller queues their card or print job and tells their writers).
   */
  released: ReleasedLetter[];
  dryRun: boolean;
}

/** A letter in flight to a released, unreachable or transferred person (ids and code only). */
export interface AffectedLetter {
  letterId: number;
  code: string;
  prisonerId: number;
  action: LetterImportAction;
  /** The print batch it is in (before the import took it out, for held-from-open-batch). */
  batchId: number | null;
}

class DryRunRollback extends Error {
  constructor(readonly outcome: PrisonerImportOutcome) {
    super("dry run: rolled back");
  }
}

/**
 * What the events mean, in the import's transaction: assignments of people who can no longer
 * receive letters end; their letters in flight are held (taken out of the open batch if printed
 * into it); transferred people's letters go to the new address (the batch PDF is rendered from
 * the current address when the batch closes; letters printed in a closed batch need a reprint).
 * The print-batch lock is held so a batch cannot close halfway through.
 */
async function consequences(tx: Prisma.TransactionClient, changes: readonly ImportChange[], stamps: Map<number, { changedAt: Date; reason: CannotReceiveReasonKey | null }>, now: Date) {
  const notices: ImportNotice[] = [];
  const letters: AffectedLetter[] = [];
  let releasedAssignments = 0;
  const eventful = changes.filter((c): c is ImportChange & { event: PrisonerEvent } => c.event !== null);
  if (eventful.length === 0) return { notices, letters, releasedAssignments };
  await lockBatches(tx);
  const eventOf = new Map(eventful.map((c) => [c.prisonerId, c.event]));
  const base = (prisonerId: number) => {
    const stamp = stamps.get(prisonerId)!;
    return { event: eventOf.get(prisonerId)!, prisonerId, reason: stamp.reason, changedAt: stamp.changedAt };
  };

  for (const change of eventful) {
    if (endsAssignments(change.event)) {
      const released = await releaseAssignmentsForPrisoner(tx, change.prisonerId, now);
      releasedAssignments += released.length;
      for (const a of released) notices.push({ ...base(change.prisonerId), writerId: a.writerId, assignmentId: a.assignmentId });
    }
  }
  const moved = eventful.filter((c) => !endsAssignments(c.event)).map((c) => c.prisonerId);
  if (moved.length > 0) {
    const open = await tx.assignment.findMany({
      where: { prisonerId: { in: moved }, status: "active", expiresAt: { gt: now } },
      select: { id: true, writerId: true, prisonerId: true },
      orderBy: { id: "asc" },
    });
    for (const a of open) notices.push({ ...base(a.prisonerId), writerId: a.writerId, assignmentId: a.id });
  }

  const inFlight = await tx.letter.findMany({
    where: { prisonerId: { in: [...eventOf.keys()] }, status: { in: [...IN_FLIGHT_STATUSES] } },
    select: { id: true, code: true, writerId: true, prisonerId: true, status: true, batchId: true, batch: { select: { status: true } } },
    orderBy: { id: "asc" },
  });
  // Letters to hold, grouped by what the hold does: reason, and whether they leave the open batch.
  const holds = new Map<string, { reason: HoldReason; leaveBatch: boolean; ids: number[] }>();
  for (const l of inFlight) {
    const prisonerId = l.prisonerId!;
    const event = eventOf.get(prisonerId)!;
    const inOpenBatch = l.status === "printed" && l.batch?.status === "open";
    let action: LetterImportAction;
    if (endsAssignments(event)) {
      action = l.status !== "printed" ? "held" : inOpenBatch ? "held-from-open-batch" : "held-printed";
      const reason = holdReasonFor(stamps.get(prisonerId)!.reason);
      const key = `${reason}:${inOpenBatch}`;
      const group = holds.get(key) ?? { reason, leaveBatch: inOpenBatch, ids: [] };
      group.ids.push(l.id);
      holds.set(key, group);
    } else {
      action = l.status !== "printed" ? "new-address" : inOpenBatch ? "rerendered" : "reprint";
    }
    letters.push({ letterId: l.id, code: l.code, prisonerId, action, batchId: l.batchId });
    notices.push({ ...base(prisonerId), writerId: l.writerId, letterId: l.id, letterCode: l.code });
  }
  for (const group of holds.values()) await holdLetters(tx, { letterIds: group.ids, reason: group.reason, leaveBatch: group.leaveBatch, now });
  return { notices, letters, releasedAssignments };
}

/**
 * Upserts the rows (unchanged rows are not written) and handles what the changes mean, in one
 * transaction: all or nothing. With `dryRun` everything runs the same way and is rolled back, so
 * the outcome is exactly what a real run would do.
 */
export async function applyPrisonerImport(
  prisma: PrismaClient,
  rows: readonly PrisonerInput[],
  opts: { dryRun?: boolean; now?: Date } = {},
): Promise<PrisonerImportOutcome> {
  const now = opts.now ?? new Date();
  const dryRun = opts.dryRun ?? false;
  try {
    return await prisma.$transaction(
      async (tx) => {
        const result = await upsertPrisoners(tx, rows);
        const outcome: PrisonerImportOutcome = {
          created: result.created,
          updated: result.updated,
          unchanged: result.unchanged,
          changes: [],
          releasedAssignments: 0,
          notices: [],
          letters: [],
          released: [],
          dryRun,
        };
        const stamps = new Map<number, { changedAt: Date; reason: CannotReceiveReasonKey | null }>();
        for (const change of result.changes) {
          const event = change.kind === "updated" ? prisonerEventOf(change.previous, change.prisoner) : null;
          outcome.changes.push({
            kind: change.kind,
            externalId: change.externalId,
            prisonerId: change.prisoner.id,
            changedFields: change.kind === "updated" ? change.changedFields : [],
            event,
            reachableAgain: change.kind === "updated" && !change.previous.canReceiveLetters && change.prisoner.canReceiveLetters,
          });
          if (event) stamps.set(change.prisoner.id, { changedAt: change.prisoner.updatedAt, reason: change.prisoner.cannotReceiveReason });
        }
        const c = await consequences(tx, outcome.changes, stamps, now);
        outcome.releasedAssignments = c.releasedAssignments;
        outcome.notices = c.notices;
        outcome.letters = c.letters;
        // Letters held for people who can receive letters again, or who now have a new address, go back on their way.
        const reachable = outcome.changes.filter((ch) => ch.reachableAgain || ch.event === "transferred").map((ch) => ch.prisonerId);
        if (reachable.length > 0) {
          await lockBatches(tx);
          outcome.released = await releaseHeldLetters(tx, { prisonerIds: reachable, operatorId: null, now });
        }
        if (dryRun) throw new DryRunRollback(outcome);
        return outcome;
      },
      { maxWait: 10_000, timeout: 120_000 },
    );
  } catch (err) {
    if (err instanceof DryRunRollback) return err.outcome;
    throw err;
  }
}
