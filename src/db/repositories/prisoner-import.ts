// Applying a validated prisoner list: upsert, then the consequences of releases, transfers and
// people becoming unreachable (their assignments end; writers with open assignments or letters
// in flight are collected to be told). All in one transaction.
import type { PrismaClient } from "../../generated/prisma/client.js";
import { endsAssignments, prisonerEventOf, type PrisonerEvent } from "../../domain/prisoner-import.js";
import type { CannotReceiveReasonKey, PrisonerInput } from "../../domain/prisoner-record.js";
import type { Db } from "../client.js";
import { releaseAssignmentsForPrisoner } from "./assignments.js";
import { upsertPrisoners, type PrisonerDataField } from "./prisoners.js";

/** Letters that have left the writer but not yet the organisation (a transfer or release concerns them). */
export const IN_FLIGHT_STATUSES = ["submitted", "approved", "printed"] as const;

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
}

export interface PrisonerImportOutcome {
  created: number;
  updated: number;
  unchanged: number;
  changes: ImportChange[];
  /** Assignments ended because their person cannot receive letters any more. */
  releasedAssignments: number;
  notices: ImportNotice[];
  dryRun: boolean;
}

class DryRunRollback extends Error {
  constructor(readonly outcome: PrisonerImportOutcome) {
    super("dry run: rolled back");
  }
}

async function consequences(tx: Db, change: ImportChange, changedAt: Date, reason: CannotReceiveReasonKey | null, now: Date) {
  const notices: ImportNotice[] = [];
  const event = change.event;
  if (!event) return { notices, releasedAssignments: 0 };
  const base = { event, prisonerId: change.prisonerId, reason, changedAt };
  let releasedAssignments = 0;
  if (endsAssignments(event)) {
    const released = await releaseAssignmentsForPrisoner(tx, change.prisonerId, now);
    releasedAssignments = released.length;
    for (const a of released) notices.push({ ...base, writerId: a.writerId, assignmentId: a.assignmentId });
  } else {
    const open = await tx.assignment.findMany({
      where: { prisonerId: change.prisonerId, status: "active", expiresAt: { gt: now } },
      select: { id: true, writerId: true },
    });
    for (const a of open) notices.push({ ...base, writerId: a.writerId, assignmentId: a.id });
  }
  const letters = await tx.letter.findMany({
    where: { prisonerId: change.prisonerId, status: { in: [...IN_FLIGHT_STATUSES] } },
    select: { id: true, code: true, writerId: true },
    orderBy: { id: "asc" },
  });
  for (const l of letters) notices.push({ ...base, writerId: l.writerId, letterId: l.id, letterCode: l.code });
  return { notices, releasedAssignments };
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
          dryRun,
        };
        for (const change of result.changes) {
          const event = change.kind === "updated" ? prisonerEventOf(change.previous, change.prisoner) : null;
          const entry: ImportChange = {
            kind: change.kind,
            externalId: change.externalId,
            prisonerId: change.prisoner.id,
            changedFields: change.kind === "updated" ? change.changedFields : [],
            event,
          };
          outcome.changes.push(entry);
          const c = await consequences(tx, entry, change.prisoner.updatedAt, change.prisoner.cannotReceiveReason, now);
          outcome.releasedAssignments += c.releasedAssignments;
          outcome.notices.push(...c.notices);
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
