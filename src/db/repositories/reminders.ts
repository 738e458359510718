// Reminders: a writer's opt-in (reminder_settings) and the reminders already sent (reminders_sent),
// and the queries that find what may be due (the rules: src/domain/reminders.ts).
import { assignmentWindow, reminderKey, replyWindow, type ReminderKind } from "../../domain/reminders.js";
import { Prisma, type PrismaClient } from "../../generated/prisma/client.js";
import type { Db } from "../client.js";

export interface ReminderSettingsRow {
  utcOffsetMinutes: number;
}

export function getReminderSettings(db: Db, writerId: number): Promise<ReminderSettingsRow | null> {
  return db.reminderSettings.findUnique({ where: { writerId }, select: { utcOffsetMinutes: true } });
}

/** Turns reminders on (keeps the clock when they already are). */
export async function enableReminders(db: Db, writerId: number, utcOffsetMinutes: number): Promise<ReminderSettingsRow> {
  return db.reminderSettings.upsert({
    where: { writerId },
    create: { writerId, utcOffsetMinutes },
    update: {},
    select: { utcOffsetMinutes: true },
  });
}

/** Moves the writer's clock; false when reminders are off (nothing is kept then). */
export async function setReminderUtcOffset(db: Db, writerId: number, utcOffsetMinutes: number): Promise<boolean> {
  const { count } = await db.reminderSettings.updateMany({ where: { writerId }, data: { utcOffsetMinutes } });
  return count === 1;
}

/** Turns reminders off: the settings row goes (what was sent stays, so turning on again repeats nothing). */
export async function disableReminders(db: Db, writerId: number): Promise<boolean> {
  const { count } = await db.reminderSettings.deleteMany({ where: { writerId } });
  return count === 1;
}

export interface SubscribedWriter {
  writerId: number;
  telegramId: bigint;
  language: string;
  utcOffsetMinutes: number;
  lastSentAt: Date | null;
}

/** Writers with reminders on who have not blocked the bot, by id after `afterId` (a page of `limit`). */
export async function listSubscribedWriters(db: Db, afterId: number, limit: number): Promise<SubscribedWriter[]> {
  return db.$queryRaw<SubscribedWriter[]>`
    SELECT w.id AS "writerId", w.telegram_id AS "telegramId", w.language::text AS language,
           s.utc_offset_minutes::int AS "utcOffsetMinutes",
           (SELECT max(r.sent_at) FROM reminders_sent r WHERE r.writer_id = w.id) AS "lastSentAt"
    FROM reminder_settings s JOIN writers w ON w.id = s.writer_id
    WHERE s.writer_id > ${afterId} AND w.bot_blocked_at IS NULL
    ORDER BY s.writer_id
    LIMIT ${limit}`;
}

export interface PersonNames {
  firstName: string;
  lastName: string;
  firstNameLatin: string;
  lastNameLatin: string;
}

export interface PenPalBirthday extends PersonNames {
  writerId: number;
  prisonerId: number;
  birthDate: Date;
}

export interface WaitingReply extends PersonNames {
  writerId: number;
  prisonerId: number;
  replyId: number;
  deliveredAt: Date;
}

export interface IdleAssignment extends PersonNames {
  writerId: number;
  prisonerId: number;
  assignmentId: number;
  createdAt: Date;
}

// The person a letter went to is the list's person, or the one its specific request was matched to:
// COALESCE(l.prisoner_id, sr.prisoner_id) below.
const NAMES = Prisma.raw(`p.first_name AS "firstName", p.last_name AS "lastName", p.first_name_latin AS "firstNameLatin", p.last_name_latin AS "lastNameLatin"`);

/**
 * The pen pals of these writers who can receive letters, with birth dates: people a letter of theirs
 * was posted to, or who replied to one.
 */
export async function penPalBirthdays(db: Db, writerIds: readonly number[]): Promise<PenPalBirthday[]> {
  if (writerIds.length === 0) return [];
  return db.$queryRaw<PenPalBirthday[]>`
    SELECT DISTINCT l.writer_id AS "writerId", p.id AS "prisonerId", p.birth_date AS "birthDate", ${NAMES}
     FROM letters l
     LEFT JOIN specific_requests sr ON sr.id = l.specific_request_id
     JOIN prisoners p ON p.id = COALESCE(l.prisoner_id, sr.prisoner_id)
     WHERE l.writer_id = ANY(${[...writerIds]}::int[])
       AND p.can_receive_letters AND p.released_at IS NULL
       AND (l.status IN ('posted', 'replied')
            OR EXISTS (SELECT 1 FROM replies r WHERE r.letter_id = l.id AND r.delivery_state = 'delivered'))`;
}

/**
 * Replies the writer could read REPLY_WAIT_DAYS..REPLY_FORGET_DAYS ago (delivered, and translated when
 * a translation was needed or asked for: counted from the translation then) with no letter from the
 * writer to that person since. A reply still waiting for its translation is not the writer's to answer yet.
 */
export async function waitingReplies(db: Db, writerIds: readonly number[], now: Date): Promise<WaitingReply[]> {
  if (writerIds.length === 0) return [];
  const { since, until } = replyWindow(now);
  return db.$queryRaw<WaitingReply[]>`
    SELECT * FROM (
      SELECT l.writer_id AS "writerId", p.id AS "prisonerId", r.id AS "replyId",
             GREATEST(r.delivered_at, COALESCE(r.translation_delivered_at, r.delivered_at)) AS "deliveredAt", ${NAMES}
      FROM replies r
      JOIN letters l ON l.id = r.letter_id
      LEFT JOIN specific_requests sr ON sr.id = l.specific_request_id
      JOIN prisoners p ON p.id = COALESCE(l.prisoner_id, sr.prisoner_id)
      WHERE l.writer_id = ANY(${[...writerIds]}::int[])
        AND r.delivery_state = 'delivered' AND r.delivered_at IS NOT NULL
        AND NOT ((r.needs_translation OR r.translation_requested_at IS NOT NULL) AND r.translation_delivered_at IS NULL)
        AND p.can_receive_letters AND p.released_at IS NULL
        AND NOT EXISTS (
          SELECT 1 FROM letters l2 LEFT JOIN specific_requests sr2 ON sr2.id = l2.specific_request_id
          WHERE l2.writer_id = l.writer_id AND COALESCE(l2.prisoner_id, sr2.prisoner_id) = p.id AND l2.created_at > r.delivered_at)
    ) readable
    WHERE "deliveredAt" > ${since} AND "deliveredAt" <= ${until}`;
}

/**
 * Assignments these writers took (active or lapsed: not declined, never used) ASSIGNMENT_IDLE_DAYS..
 * ASSIGNMENT_FORGET_DAYS ago, to people who can still receive letters and got none from them since.
 */
export async function idleAssignments(db: Db, writerIds: readonly number[], now: Date): Promise<IdleAssignment[]> {
  if (writerIds.length === 0) return [];
  const { since, until } = assignmentWindow(now);
  return db.$queryRaw<IdleAssignment[]>`
    SELECT a.writer_id AS "writerId", p.id AS "prisonerId", a.id AS "assignmentId", a.created_at AS "createdAt", ${NAMES}
     FROM assignments a JOIN prisoners p ON p.id = a.prisoner_id
     WHERE a.writer_id = ANY(${[...writerIds]}::int[])
       AND a.status IN ('active', 'lapsed') AND a.created_at > ${since} AND a.created_at <= ${until}
       AND p.can_receive_letters AND p.released_at IS NULL
       AND NOT EXISTS (
         SELECT 1 FROM letters l LEFT JOIN specific_requests sr ON sr.id = l.specific_request_id
         WHERE l.writer_id = a.writer_id AND COALESCE(l.prisoner_id, sr.prisoner_id) = p.id AND l.created_at >= a.created_at)`;
}

/** Keys (domain reminderKey) of the reminders each writer was already sent. */
export async function sentReminderKeys(db: Db, writerIds: readonly number[]): Promise<Map<number, Set<string>>> {
  const rows = await db.reminderSent.findMany({
    where: { writerId: { in: [...writerIds] } },
    select: { writerId: true, kind: true, subjectId: true, occasion: true },
  });
  const byWriter = new Map<number, Set<string>>();
  for (const row of rows) {
    const set = byWriter.get(row.writerId) ?? new Set<string>();
    set.add(reminderKey({ kind: row.kind as ReminderKind, prisonerId: row.subjectId, occasion: row.occasion }));
    byWriter.set(row.writerId, set);
  }
  return byWriter;
}

export interface ReminderClaim {
  writerId: number;
  kind: ReminderKind;
  prisonerId: number;
  occasion: string;
}

export type ClaimResult = "claimed" | "already-sent" | "reminders-off" | "too-soon";

/**
 * Claims one reminder before it is sent, so it goes at most once whoever runs it: in one transaction
 * the writer's settings row is locked (reminders turned off meanwhile: nothing), the gap since their
 * last reminder is checked again, and the row is inserted unless it exists already.
 */
export async function claimReminder(db: PrismaClient, claim: ReminderClaim, opts: { now: Date; minGapMs: number }): Promise<ClaimResult> {
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ writer_id: number }[]>`SELECT writer_id FROM reminder_settings WHERE writer_id = ${claim.writerId} FOR UPDATE`;
    if (locked.length === 0) return "reminders-off";
    const recent = await tx.reminderSent.count({ where: { writerId: claim.writerId, sentAt: { gt: new Date(opts.now.getTime() - opts.minGapMs) } } });
    if (recent > 0) return "too-soon";
    const { count } = await tx.reminderSent.createMany({
      data: [{ writerId: claim.writerId, kind: claim.kind, subjectId: claim.prisonerId, occasion: claim.occasion, sentAt: opts.now }],
      skipDuplicates: true,
    });
    return count === 1 ? "claimed" : "already-sent";
  });
}

/** Gives a claim back after a send that failed for a passing reason: the next run tries again. */
export async function releaseReminder(db: Db, claim: ReminderClaim): Promise<void> {
  await db.reminderSent.deleteMany({ where: { writerId: claim.writerId, kind: claim.kind, subjectId: claim.prisonerId, occasion: claim.occasion } });
}

/** The writer's assignment that a reminder offers to use (not declined, not used), or null. */
export async function findUnusedAssignment(db: Db, writerId: number, assignmentId: number): Promise<{ prisonerId: number } | null> {
  return db.assignment.findFirst({ where: { id: assignmentId, writerId, status: { in: ["active", "lapsed"] } }, select: { prisonerId: true } });
}

/**
 * Forgets the reminders sent before `before`, so the record of who was reminded of whom is kept no
 * longer than it is needed to send each reminder once; returns how many rows went.
 */
export async function forgetRemindersSentBefore(db: Db, before: Date): Promise<number> {
  const { count } = await db.reminderSent.deleteMany({ where: { sentAt: { lt: before } } });
  return count;
}
