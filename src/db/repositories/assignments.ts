// Fair, concurrency-safe assignment of prisoners to writers (policy: src/domain/assignment.ts).
//
// How concurrent draws keep the fairness: a draw is one call of the SQL function
// lifeline_assign_prisoner (migration "assignment_fair_draw", made cheap on large lists by
// "assignment_draw_lowest_tier": it looks only at people whose letters allow the lowest tier, and by
// "prisoner_open_assignments": a person's open assignments are a count on their row, kept by
// triggers on assignments in the transaction of every change, so a candidate's load is read, not
// counted), one READ COMMITTED transaction whose statements each see a fresh snapshot. It
// 1. locks the writer's row (two taps of the same writer cannot create two assignments),
// 2. orders the candidates by (load tier, weighted random key) and locks the first one with
//    `FOR NO KEY UPDATE SKIP LOCKED`: a prisoner being assigned by another transaction right now is
//    skipped, so concurrent writers spread over the lowest tier instead of piling onto one person,
// 3. re-reads the locked prisoner's load in a fresh snapshot and inserts the assignment only if
//    the tier still holds (another transaction may have committed an assignment between our
//    snapshot and our lock); otherwise it draws again.
// Every insert of an active assignment happens while holding the prisoner's row lock, so step 3
// sees every earlier assignment of that person.
import { Prisma } from "../../generated/prisma/client.js";
import {
  LOAD_TIER_LOWER_BOUNDS,
  LOAD_WEIGHT_EXPONENT,
  MAX_SHARED_INTERESTS_COUNTED,
  SHARED_INTEREST_BONUS,
  assignmentExpiresAt,
  declineWindowSince,
  declinedExclusionSince,
  declinesLeft,
  recentLetterSince,
} from "../../domain/assignment.js";
import type pg from "pg";
import { PREPARED, poolOf, type Db } from "../client.js";

type Tx = Prisma.TransactionClient;

export interface AssignedPrisoner {
  assignmentId: number;
  prisonerId: number;
  expiresAt: Date;
  /** True when the writer already had this active assignment and it was returned as is. */
  reused: boolean;
}

export interface ActiveAssignment {
  assignmentId: number;
  prisonerId: number;
  expiresAt: Date;
  createdAt: Date;
}

export type DeclineResult =
  | { status: "declined"; declinesLeft: number }
  | { status: "limit_reached"; declinesLeft: 0 }
  /** Unknown id, another writer's assignment, or no longer active (used, lapsed, released, declined). */
  | { status: "not_active" };

export interface AssignPrisonerInput {
  writerId: number;
  /** People not to offer this time, on top of the policy's exclusions. */
  excludePrisonerIds?: readonly number[];
  now?: Date;
}

/** Draw attempts before accepting a prisoner whose load rose while we were drawing (rare). */
const MAX_DRAW_ATTEMPTS = 4;
/** Expired assignments lapsed in passing by each draw; the periodic sweep does the rest. */
const LAZY_LAPSE_BATCH = 100;
const SWEEP_LAPSE_BATCH = 1000;

const TIER_BOUNDS = [...LOAD_TIER_LOWER_BOUNDS];

/** Runs `fn` in a transaction of its own, or inside the caller's when `db` already is one. */
function inTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
  if ("$transaction" in db) return db.$transaction(fn, { maxWait: 10_000, timeout: 20_000 });
  return fn(db);
}

/**
 * The writer's active assignment if they have one, otherwise a newly drawn prisoner (see the policy
 * in src/domain/assignment.ts). Null when nobody is available to this writer.
 * Throws if the writer does not exist.
 *
 * Given the client (not a transaction), the draw is a transaction of its own and commits without
 * waiting for the disk: waiting was half of a draw's time, and a database crash right after can
 * only lose the assignment (the writer is drawn again). Inside a transaction, that one decides.
 */
export async function assignPrisoner(db: Db, input: AssignPrisonerInput): Promise<AssignedPrisoner | null> {
  const now = input.now ?? new Date();
  const exclude = [...(input.excludePrisonerIds ?? [])];
  const pool = poolOf(db);
  if (pool) return drawOnPool(pool, input.writerId, exclude, now);
  // The mechanism is the SQL function from the migration "assignment_fair_draw" (one round trip,
  // and each of its statements gets a fresh snapshot); every number of the policy is passed in.
  // A prepared statement: parsing and planning this call took a quarter of the draw's time.
  const rows = await db.$queryRaw<
    { assignmentId: number; prisonerId: number; expiresAt: Date; reused: boolean }[]
  >`${Prisma.raw(PREPARED)}
    SELECT out_assignment_id AS "assignmentId", out_prisoner_id AS "prisonerId",
           out_expires_at AS "expiresAt", out_reused AS "reused"
    FROM lifeline_assign_prisoner(
      ${input.writerId}::int,
      ${exclude}::int[],
      ${now}::timestamp(3),
      ${assignmentExpiresAt(now)}::timestamp(3),
      ${recentLetterSince(now)}::timestamp(3),
      ${declinedExclusionSince(now)}::timestamp(3),
      ${TIER_BOUNDS}::int[],
      ${LOAD_WEIGHT_EXPONENT}::float8,
      ${SHARED_INTEREST_BONUS}::float8,
      ${MAX_SHARED_INTERESTS_COUNTED}::int,
      ${LAZY_LAPSE_BATCH}::int,
      ${MAX_DRAW_ATTEMPTS}::int,
      ${"$transaction" in db}::boolean
    )`;
  const row = rows[0];
  return row ? { ...row, expiresAt: new Date(row.expiresAt) } : null;
}

/** Prepared once per connection under this name (see drawOnPool). */
const DRAW_STATEMENT = "lifeline_assign_prisoner_draw";
const DRAW_SQL = `
  SELECT out_assignment_id AS "assignmentId", out_prisoner_id AS "prisonerId",
         (extract(epoch FROM out_expires_at) * 1000)::float8 AS "expiresAtMs", out_reused AS "reused"
  FROM lifeline_assign_prisoner($1::int, $2::int[], $3::timestamp(3), $4::timestamp(3), $5::timestamp(3),
    $6::timestamp(3), $7::int[], $8::float8, $9::float8, $10::int, $11::int, $12::int, TRUE)`;

/**
 * The draw as a transaction of its own, straight on the pool under the Prisma client: the same
 * statement, without Prisma's work per call (a fifth of a millisecond of this process's time, which
 * with ten draws at once was a third of each draw's latency). Times go in and come back as UTC,
 * as Prisma stores them: an ISO string cast to timestamp keeps its UTC wall time; the expiry
 * returns as milliseconds since the epoch.
 */
async function drawOnPool(pool: pg.Pool, writerId: number, exclude: number[], now: Date): Promise<AssignedPrisoner | null> {
  const { rows } = await pool.query<{ assignmentId: number; prisonerId: number; expiresAtMs: number; reused: boolean }>({
    name: DRAW_STATEMENT,
    text: DRAW_SQL,
    values: [
      writerId,
      exclude,
      now.toISOString(),
      assignmentExpiresAt(now).toISOString(),
      recentLetterSince(now).toISOString(),
      declinedExclusionSince(now).toISOString(),
      TIER_BOUNDS,
      LOAD_WEIGHT_EXPONENT,
      SHARED_INTEREST_BONUS,
      MAX_SHARED_INTERESTS_COUNTED,
      LAZY_LAPSE_BATCH,
      MAX_DRAW_ATTEMPTS,
    ],
  });
  const row = rows[0];
  return row
    ? { assignmentId: row.assignmentId, prisonerId: row.prisonerId, expiresAt: new Date(row.expiresAtMs), reused: row.reused }
    : null;
}

async function lapseExpired(db: Db, now: Date, limit: number): Promise<number> {
  // SKIP LOCKED: concurrent draws never wait on each other's sweeps.
  return db.$executeRaw`
    UPDATE assignments SET status = 'lapsed', ended_at = expires_at, updated_at = ${now}
    WHERE id IN (
      SELECT id FROM assignments
      WHERE status = 'active' AND expires_at <= ${now}
      ORDER BY expires_at
      LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )`;
}

/**
 * People who can be offered to anyone at all (reachable, not released), whatever their letters:
 * zero means the list is empty or nobody in it can be written to, not that everyone has letters.
 */
export function countAssignablePrisoners(db: Db): Promise<number> {
  return db.prisoner.count({ where: { canReceiveLetters: true, releasedAt: null } });
}

/** The writer's active, unexpired assignment, or null. */
export async function getActiveAssignment(db: Db, writerId: number, now: Date = new Date()): Promise<ActiveAssignment | null> {
  const row = await db.assignment.findFirst({
    where: { writerId, status: "active", expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
    select: { id: true, prisonerId: true, expiresAt: true, createdAt: true },
  });
  return row ? { assignmentId: row.id, prisonerId: row.prisonerId, expiresAt: row.expiresAt, createdAt: row.createdAt } : null;
}

/** How many more times the writer may ask for someone else in the current 24 hours. */
export async function getDeclinesLeft(db: Db, writerId: number, now: Date = new Date()): Promise<number> {
  const used = await db.assignment.count({
    where: { writerId, status: "declined", endedAt: { gt: declineWindowSince(now) } },
  });
  return declinesLeft(used);
}

/**
 * "Someone else, please": ends the active assignment as declined (the person is not offered to
 * this writer again for a while) unless the writer has used up MAX_DECLINES_PER_DAY declines in
 * the last 24 hours, in which case the assignment stays active. Call assignPrisoner afterwards.
 * Pass `writerId` to refuse an assignment that belongs to somebody else.
 */
export function declineAssignment(
  db: Db,
  assignmentId: number,
  opts: { writerId?: number; now?: Date } = {},
): Promise<DeclineResult> {
  const now = opts.now ?? new Date();
  return inTransaction(db, async (tx) => {
    const assignment = await tx.assignment.findUnique({ where: { id: assignmentId }, select: { writerId: true } });
    if (!assignment || (opts.writerId !== undefined && assignment.writerId !== opts.writerId)) {
      return { status: "not_active" };
    }
    // Serialises with this writer's other declines and draws, so two quick taps cannot both pass the limit.
    await tx.$queryRaw`SELECT id FROM writers WHERE id = ${assignment.writerId} FOR NO KEY UPDATE`;
    const left = await getDeclinesLeft(tx, assignment.writerId, now);
    const current = await tx.assignment.findUnique({ where: { id: assignmentId }, select: { status: true } });
    if (current?.status !== "active") return { status: "not_active" };
    if (left === 0) return { status: "limit_reached", declinesLeft: 0 };
    await tx.assignment.update({ where: { id: assignmentId }, data: { status: "declined", endedAt: now } });
    return { status: "declined", declinesLeft: left - 1 };
  });
}

/**
 * Records that a letter was written on this assignment. Also accepts a lapsed assignment (the
 * writer took longer than the lifetime but did write). Returns false if it was declined, released,
 * already used, or does not exist.
 */
export async function markAssignmentUsed(
  db: Db,
  assignmentId: number,
  letterId?: number | null,
  now: Date = new Date(),
): Promise<boolean> {
  const { count } = await db.assignment.updateMany({
    where: { id: assignmentId, status: { in: ["active", "lapsed"] } },
    data: { status: "used", endedAt: now, letterId: letterId ?? null },
  });
  return count === 1;
}

/**
 * Marks every active assignment whose time ran out as lapsed; returns how many. For a periodic
 * job (draws already ignore expired assignments and lapse some in passing). Rows locked by a
 * running transaction are left for the next run.
 */
export async function lapseExpiredAssignments(db: Db, now: Date = new Date()): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await lapseExpired(db, now, SWEEP_LAPSE_BATCH);
    total += n;
    if (n < SWEEP_LAPSE_BATCH) return total;
  }
}

/**
 * Ends the active assignments of a person who can no longer receive letters (released,
 * transferred without address, asked for privacy). Returns them so the writers can be told.
 */
export async function releaseAssignmentsForPrisoner(
  db: Db,
  prisonerId: number,
  now: Date = new Date(),
): Promise<{ assignmentId: number; writerId: number }[]> {
  const rows = await db.$queryRaw<{ assignmentId: number; writerId: number }[]>`
    UPDATE assignments SET status = 'released', ended_at = ${now}, updated_at = ${now}
    WHERE prisoner_id = ${prisonerId} AND status = 'active'
    RETURNING id AS "assignmentId", writer_id AS "writerId"`;
  return rows;
}
