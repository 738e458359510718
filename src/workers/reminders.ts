// Sends the reminders that are due (rules: src/domain/reminders.ts), from the maintenance task
// "reminders". Writers are read a page at a time; each reminder is claimed in PostgreSQL before it
// is sent, so a second run or a second worker sends nothing more. Every send waits for its turn in
// the bot's outgoing pace (telegram-pace.ts), so a run stays within Telegram's limits.
import { MIN_GAP_HOURS, birthdayDue, daysBetween, isSendingHour, pickReminder, type ReminderCandidate } from "../domain/reminders.js";
import {
  claimReminder,
  forgetRemindersSentBefore,
  idleAssignments,
  listSubscribedWriters,
  penPalBirthdays,
  releaseReminder,
  sentReminderKeys,
  waitingReplies,
  type PersonNames,
  type SubscribedWriter,
} from "../db/repositories/reminders.js";
import { updateWriterProfile } from "../db/repositories/writers.js";
import type { Logger } from "../logger.js";
import { isLocale } from "../messages/i18n.js";
import { reminderMessage, type ReminderContent } from "../messages/views/reminders.js";
import type { WorkerDeps } from "./deps.js";
import { isUndeliverable } from "./telegram-errors.js";

/** Writers read per page. */
export const REMINDER_PAGE_SIZE = 200;
/** Reminders one run sends at most; the rest go in the next runs (they stay due for days). */
export const REMINDERS_PER_RUN = 500;
/** A run stops starting new sends after this long. */
export const REMINDERS_BUDGET_MS = 5 * 60_000;

export interface ReminderRunOptions {
  now?: Date;
  pageSize?: number;
  maxPerRun?: number;
  budgetMs?: number;
}

export interface ReminderRunResult {
  sent: number;
  /** Writers who blocked the bot (marked, and skipped from now on). */
  undeliverable: number;
  /** Sends that failed for a passing reason (given back: the next run tries again). */
  failed: number;
}

type Candidate = ReminderCandidate & { person: PersonNames };

function candidatesFor(
  writer: SubscribedWriter,
  found: { birthdays: Awaited<ReturnType<typeof penPalBirthdays>>; replies: Awaited<ReturnType<typeof waitingReplies>>; assignments: Awaited<ReturnType<typeof idleAssignments>> },
  now: Date,
): Candidate[] {
  const out: Candidate[] = [];
  for (const b of found.birthdays) {
    if (b.writerId !== writer.writerId) continue;
    const due = birthdayDue(b.birthDate, now, writer.utcOffsetMinutes);
    if (due) out.push({ kind: "birthday", prisonerId: b.prisonerId, occasion: due.date.toISOString().slice(0, 10), at: due.date, person: b });
  }
  for (const r of found.replies) {
    if (r.writerId === writer.writerId) out.push({ kind: "reply", prisonerId: r.prisonerId, occasion: String(r.replyId), at: r.deliveredAt, person: r });
  }
  for (const a of found.assignments) {
    if (a.writerId === writer.writerId) {
      out.push({ kind: "assignment", prisonerId: a.prisonerId, occasion: String(a.assignmentId), assignmentId: a.assignmentId, at: a.createdAt, person: a });
    }
  }
  return out;
}

function contentOf(c: Candidate, now: Date, utcOffsetMinutes: number): ReminderContent {
  switch (c.kind) {
    case "birthday": {
      const due = birthdayDue(c.at, now, utcOffsetMinutes);
      return { kind: "birthday", person: c.person, prisonerId: c.prisonerId, birthday: c.at, daysUntil: due?.daysUntil ?? 0 };
    }
    case "reply":
      return { kind: "reply", person: c.person, prisonerId: c.prisonerId, days: daysBetween(c.at, now) };
    case "assignment":
      return { kind: "assignment", person: c.person, assignmentId: c.assignmentId ?? 0, days: daysBetween(c.at, now) };
  }
}

/**
 * How long a sent reminder is remembered. Longer than any reminder stays due (a birthday's occasion
 * names its year; a waiting reply or an unused assignment stops being due after 30 and 60 days), so forgetting
 * it never makes it due again.
 */
export const SENT_REMINDER_KEEP_DAYS = 400;

/** One run: every writer with reminders on, a page at a time, within the run's bounds. */
export async function sendDueReminders({ prisma, api, i18n }: Pick<WorkerDeps, "prisma" | "api" | "i18n">, log: Logger, opts: ReminderRunOptions = {}): Promise<ReminderRunResult> {
  const now = opts.now ?? new Date();
  const pageSize = opts.pageSize ?? REMINDER_PAGE_SIZE;
  const maxPerRun = opts.maxPerRun ?? REMINDERS_PER_RUN;
  const deadline = Date.now() + (opts.budgetMs ?? REMINDERS_BUDGET_MS);
  const result: ReminderRunResult = { sent: 0, undeliverable: 0, failed: 0 };
  await forgetRemindersSentBefore(prisma, new Date(now.getTime() - SENT_REMINDER_KEEP_DAYS * 24 * 3600_000));
  let afterId = 0;
  for (;;) {
    const page = await listSubscribedWriters(prisma, afterId, pageSize);
    if (page.length === 0) return result;
    afterId = page.at(-1)!.writerId;
    // Only writers in their daytime now; the others are looked at in a later run.
    const awake = page.filter((w) => isSendingHour(now, w.utcOffsetMinutes));
    const ids = awake.map((w) => w.writerId);
    const [birthdays, replies, assignments, sent] = await Promise.all([
      penPalBirthdays(prisma, ids),
      waitingReplies(prisma, ids, now),
      idleAssignments(prisma, ids, now),
      sentReminderKeys(prisma, ids),
    ]);
    for (const writer of awake) {
      if (result.sent >= maxPerRun || Date.now() > deadline) return result;
      const pick = pickReminder(candidatesFor(writer, { birthdays, replies, assignments }, now), {
        now,
        utcOffsetMinutes: writer.utcOffsetMinutes,
        lastSentAt: writer.lastSentAt,
        alreadySent: sent.get(writer.writerId) ?? new Set(),
      });
      if (!pick) continue;
      const claim = { writerId: writer.writerId, kind: pick.kind, prisonerId: pick.prisonerId, occasion: pick.occasion };
      if ((await claimReminder(prisma, claim, { now, minGapMs: MIN_GAP_HOURS * 3600_000 })) !== "claimed") continue;
      const locale = isLocale(writer.language) ? writer.language : "en";
      const message = reminderMessage((key, vars) => i18n.t(locale, key, vars), locale, contentOf(pick, now, writer.utcOffsetMinutes));
      try {
        await api.sendMessage(Number(writer.telegramId), message.text, { parse_mode: "HTML", reply_markup: message.keyboard });
        result.sent++;
        log.info({ writer_id: writer.writerId, kind: pick.kind }, "reminder sent");
      } catch (err) {
        if (isUndeliverable(err)) {
          // Blocked the bot (or the chat is gone): marked, skipped from now on; the claim stays.
          result.undeliverable++;
          await updateWriterProfile(prisma, writer.writerId, { botBlockedAt: new Date() });
          log.warn({ writer_id: writer.writerId, err }, "reminder undeliverable: the writer blocked the bot");
          continue;
        }
        // A passing failure (Telegram down, a timeout): given back, and this run stops; the next one tries again.
        result.failed++;
        await releaseReminder(prisma, claim);
        log.warn({ writer_id: writer.writerId, err }, "reminder not sent; the next run tries again");
        return result;
      }
    }
  }
}
