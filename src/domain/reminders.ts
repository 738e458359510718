// Reminders (opt-in): which reminder a writer gets, and when. Pure rules; the database finds the
// candidates (src/db/repositories/reminders.ts), the worker sends (src/workers/reminders.ts).
//
// The policy, in plain terms:
// 1. Off for everyone until the writer turns them on in Settings: a writer inside Russia must never
//    get a message they did not ask for.
// 2. Three kinds, each sent once per occasion:
//    - birthday: a pen pal (someone the writer's letter was posted to, or who replied) has a birthday
//      in BIRTHDAY_LEAD_DAYS days; sent on that day, or up to BIRTHDAY_LAST_LEAD_DAYS before it when
//      a run was missed;
//    - reply: a reply has waited REPLY_WAIT_DAYS days without a letter back to that person (replies
//      older than REPLY_FORGET_DAYS are left alone);
//    - assignment: an assignment the writer took (not declined, never used) ASSIGNMENT_IDLE_DAYS days
//      ago, and still no letter to that person (older than ASSIGNMENT_FORGET_DAYS: left alone).
// 3. Only in the daytime on the writer's clock (SEND_FROM_HOUR to SEND_UNTIL_HOUR), and at most one
//    reminder in MIN_GAP_HOURS: a birthday first, then a waiting reply, then an assignment; the rest
//    wait for the next day.
// 4. The writer's clock is a UTC offset only (no place, no zone name). By default it comes from the
//    language: Russian → UTC+3 (Moscow; most Russian-speaking writers, in Russia or nearby, are
//    within two hours of it), English → UTC+0 (Europe within two hours). The settings screen shows
//    "your time now" with it, and the writer moves it an hour at a time until it matches.

export const REMINDER_KINDS = ["birthday", "reply", "assignment"] as const;
export type ReminderKind = (typeof REMINDER_KINDS)[number];

export const BIRTHDAY_LEAD_DAYS = 7;
export const BIRTHDAY_LAST_LEAD_DAYS = 4;
export const REPLY_WAIT_DAYS = 7;
export const REPLY_FORGET_DAYS = 30;
export const ASSIGNMENT_IDLE_DAYS = 30;
export const ASSIGNMENT_FORGET_DAYS = 60;
export const SEND_FROM_HOUR = 10;
export const SEND_UNTIL_HOUR = 20;
export const MIN_GAP_HOURS = 20;

export const DEFAULT_UTC_OFFSET_MINUTES: Record<"ru" | "en", number> = { ru: 180, en: 0 };
export const MIN_UTC_OFFSET_MINUTES = -12 * 60;
export const MAX_UTC_OFFSET_MINUTES = 14 * 60;
/** The settings screen moves the clock by whole hours. */
export const UTC_OFFSET_STEP_MINUTES = 60;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export function defaultUtcOffset(language: string): number {
  return language === "ru" ? DEFAULT_UTC_OFFSET_MINUTES.ru : DEFAULT_UTC_OFFSET_MINUTES.en;
}

export function isValidUtcOffset(minutes: number): boolean {
  return Number.isInteger(minutes) && minutes >= MIN_UTC_OFFSET_MINUTES && minutes <= MAX_UTC_OFFSET_MINUTES;
}

/** The writer's wall clock as a Date whose UTC fields read as their local time. */
export function localTime(now: Date, utcOffsetMinutes: number): Date {
  return new Date(now.getTime() + utcOffsetMinutes * 60_000);
}

/** Whether a reminder may go now on the writer's clock. */
export function isSendingHour(now: Date, utcOffsetMinutes: number): boolean {
  const hour = localTime(now, utcOffsetMinutes).getUTCHours();
  return hour >= SEND_FROM_HOUR && hour < SEND_UNTIL_HOUR;
}

/** "UTC+3", "UTC−5:30", "UTC±0". */
export function formatUtcOffset(minutes: number): string {
  if (minutes === 0) return "UTC±0";
  const sign = minutes > 0 ? "+" : "−";
  const abs = Math.abs(minutes);
  const m = abs % 60;
  return `UTC${sign}${Math.floor(abs / 60)}${m ? `:${String(m).padStart(2, "0")}` : ""}`;
}

function utcDay(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month, day));
}

/** A birthday in a given year; 29 February is kept on 28 February in other years. */
function birthdayIn(year: number, birthDate: Date): Date {
  const month = birthDate.getUTCMonth();
  const day = birthDate.getUTCDate();
  const candidate = utcDay(year, month, day);
  return candidate.getUTCMonth() === month ? candidate : utcDay(year, month + 1, 0);
}

export interface BirthdayOccasion {
  /** The birthday (UTC midnight): the occasion key is its ISO date. */
  date: Date;
  daysUntil: number;
}

/** The next birthday on or after the writer's local date, and how many days away it is. */
export function nextBirthday(birthDate: Date, now: Date, utcOffsetMinutes: number): BirthdayOccasion {
  const local = localTime(now, utcOffsetMinutes);
  const today = utcDay(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate());
  let date = birthdayIn(today.getUTCFullYear(), birthDate);
  if (date < today) date = birthdayIn(today.getUTCFullYear() + 1, birthDate);
  return { date, daysUntil: Math.round((date.getTime() - today.getTime()) / DAY_MS) };
}

/** The birthday a reminder is due for now, or null. */
export function birthdayDue(birthDate: Date, now: Date, utcOffsetMinutes: number): BirthdayOccasion | null {
  const next = nextBirthday(birthDate, now, utcOffsetMinutes);
  return next.daysUntil <= BIRTHDAY_LEAD_DAYS && next.daysUntil >= BIRTHDAY_LAST_LEAD_DAYS ? next : null;
}

/** The window of delivery times a "reply waiting" reminder looks at: (since, until]. */
export function replyWindow(now: Date): { since: Date; until: Date } {
  return { since: new Date(now.getTime() - REPLY_FORGET_DAYS * DAY_MS), until: new Date(now.getTime() - REPLY_WAIT_DAYS * DAY_MS) };
}

/** The window of assignment times an "assignment idle" reminder looks at: (since, until]. */
export function assignmentWindow(now: Date): { since: Date; until: Date } {
  return { since: new Date(now.getTime() - ASSIGNMENT_FORGET_DAYS * DAY_MS), until: new Date(now.getTime() - ASSIGNMENT_IDLE_DAYS * DAY_MS) };
}

/** Days between two moments, rounded down. */
export function daysBetween(from: Date, to: Date): number {
  return Math.floor((to.getTime() - from.getTime()) / DAY_MS);
}

export interface ReminderCandidate {
  kind: ReminderKind;
  prisonerId: number;
  /** What makes it one reminder: the birthday's date, the reply's or the assignment's id. */
  occasion: string;
  /** The assignment to use ("assignment" only). */
  assignmentId?: number;
  /** When it became due: a birthday's date; a reply's delivery; an assignment's creation. */
  at: Date;
}

const PRIORITY: Record<ReminderKind, number> = { birthday: 0, reply: 1, assignment: 2 };

/** Whether the writer had a reminder recently enough that another must wait. */
export function tooSoon(lastSentAt: Date | null, now: Date): boolean {
  return lastSentAt !== null && now.getTime() - lastSentAt.getTime() < MIN_GAP_HOURS * HOUR_MS;
}

/**
 * The one reminder to send a writer now, or null: none due, outside their daytime, or one went
 * out recently. `alreadySent` holds the keys (reminderKey) of reminders sent before.
 */
export function pickReminder<C extends ReminderCandidate>(
  candidates: readonly C[],
  opts: { now: Date; utcOffsetMinutes: number; lastSentAt: Date | null; alreadySent: ReadonlySet<string> },
): C | null {
  if (!isSendingHour(opts.now, opts.utcOffsetMinutes) || tooSoon(opts.lastSentAt, opts.now)) return null;
  const open = candidates.filter((c) => !opts.alreadySent.has(reminderKey(c)));
  // The most important kind first; within it the nearest birthday, the oldest reply or assignment.
  open.sort((a, b) => PRIORITY[a.kind] - PRIORITY[b.kind] || a.at.getTime() - b.at.getTime() || a.prisonerId - b.prisonerId);
  return open[0] ?? null;
}

/** A reminder's identity: kind, person and occasion (the writer is implied). */
export function reminderKey(c: Pick<ReminderCandidate, "kind" | "prisonerId" | "occasion">): string {
  return `${c.kind}:${c.prisonerId}:${c.occasion}`;
}
