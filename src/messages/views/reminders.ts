// Reminders: the message the worker sends (with "Write now" and "Stop these reminders") and the
// settings screen where a writer turns them on or off and sets their clock. Ids only in buttons.
import { InlineKeyboard } from "grammy";
import {
  BIRTHDAY_LEAD_DAYS,
  formatUtcOffset,
  localTime,
  MAX_UTC_OFFSET_MINUTES,
  MIN_UTC_OFFSET_MINUTES,
  SEND_FROM_HOUR,
  SEND_UNTIL_HOUR,
  UTC_OFFSET_STEP_MINUTES,
  type ReminderKind,
} from "../../domain/reminders.js";
import { callback, id, page } from "../callbacks.js";
import type { Locale, Translate } from "../i18n.js";
import { CB } from "../keyboards/callbacks.js";
import { escapeHtml } from "../text.js";

/** Offsets travel shifted by this much: the codec carries non-negative numbers only. */
const OFFSET_SHIFT = -MIN_UTC_OFFSET_MINUTES;

export const REMINDER_BUTTONS = {
  /** "Write now" to a pen pal (by prisoner id): the same path as "Write again" in My letters. */
  write: callback("rem:w", id),
  /** "Write now" on an assignment the writer never used (by assignment id). */
  assigned: callback("rem:a", id),
  /** Set the clock: the new UTC offset in minutes, shifted. */
  clock: callback("rem:tz", page),
};

export const REMINDER_CB = {
  open: "rem:open",
  on: "rem:on",
  off: "rem:off",
  /** "Stop these reminders" under a reminder: off, with a confirmation. */
  stop: "rem:stop",
  write: (prisonerId: number) => REMINDER_BUTTONS.write.encode(prisonerId),
  assigned: (assignmentId: number) => REMINDER_BUTTONS.assigned.encode(assignmentId),
  clock: (utcOffsetMinutes: number) => REMINDER_BUTTONS.clock.encode(utcOffsetMinutes + OFFSET_SHIFT),
} as const;

/** The offset a clock button carries. */
export function clockOffsetOf(shifted: number): number {
  return shifted - OFFSET_SHIFT;
}

export interface ReminderPerson {
  firstName: string;
  lastName: string;
  firstNameLatin: string;
  lastNameLatin: string;
}

export type ReminderContent =
  | { kind: "birthday"; person: ReminderPerson; prisonerId: number; birthday: Date; daysUntil: number }
  | { kind: "reply"; person: ReminderPerson; prisonerId: number; days: number }
  | { kind: "assignment"; person: ReminderPerson; assignmentId: number; days: number };

function nameOf(person: ReminderPerson, locale: Locale): string {
  return locale === "ru" ? `${person.firstName} ${person.lastName}` : `${person.firstNameLatin} ${person.lastNameLatin}`;
}

/** "12 марта", "12 March" (birthdays are calendar dates, read in UTC). */
export function dayAndMonth(date: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", { day: "numeric", month: "long", timeZone: "UTC" }).format(date);
}

const TEXT_KEY: Record<ReminderKind, string> = { birthday: "reminder-birthday", reply: "reminder-reply", assignment: "reminder-assignment" };

/** One reminder: its text (HTML) and buttons, in the writer's language. */
export function reminderMessage(t: Translate, locale: Locale, content: ReminderContent): { text: string; keyboard: InlineKeyboard } {
  const name = escapeHtml(nameOf(content.person, locale));
  const vars: Record<string, string | number> =
    content.kind === "birthday"
      ? { name, days: content.daysUntil, date: dayAndMonth(content.birthday, locale) }
      : { name, days: content.days };
  const text = `${t(TEXT_KEY[content.kind], vars)}\n\n<i>${escapeHtml(t("reminder-footer"))}</i>`;
  const write = content.kind === "assignment" ? REMINDER_CB.assigned(content.assignmentId) : REMINDER_CB.write(content.prisonerId);
  const keyboard = new InlineKeyboard().text(t("reminder-button-write"), write).row().text(t("reminder-button-stop"), REMINDER_CB.stop);
  return { text, keyboard };
}

/** Settings → Reminders: what they are, whether they are on, and the writer's clock when on. */
export function remindersScreen(t: Translate, state: { utcOffsetMinutes: number | null; now: Date }): { text: string; keyboard: InlineKeyboard } {
  const on = state.utcOffsetMinutes !== null;
  const lines = [t("reminders-about", { lead: BIRTHDAY_LEAD_DAYS, from: SEND_FROM_HOUR, until: SEND_UNTIL_HOUR }), "", t("reminders-state", { state: on ? "on" : "off" })];
  const keyboard = new InlineKeyboard();
  if (state.utcOffsetMinutes !== null) {
    const offset = state.utcOffsetMinutes;
    const local = localTime(state.now, offset);
    const time = `${String(local.getUTCHours()).padStart(2, "0")}:${String(local.getUTCMinutes()).padStart(2, "0")}`;
    lines.push("", t("reminders-clock", { time, offset: formatUtcOffset(offset) }));
    const earlier = offset - UTC_OFFSET_STEP_MINUTES;
    const later = offset + UTC_OFFSET_STEP_MINUTES;
    if (earlier >= MIN_UTC_OFFSET_MINUTES) keyboard.text(t("reminders-button-earlier"), REMINDER_CB.clock(earlier));
    if (later <= MAX_UTC_OFFSET_MINUTES) keyboard.text(t("reminders-button-later"), REMINDER_CB.clock(later));
    keyboard.row().text(t("reminders-button-off"), REMINDER_CB.off).row();
  } else {
    keyboard.text(t("reminders-button-on"), REMINDER_CB.on).row();
  }
  keyboard.text(t("menu-back"), CB.settings);
  return { text: lines.join("\n"), keyboard };
}
