import { describe, expect, it } from "vitest";
import {
  birthdayDue,
  defaultUtcOffset,
  formatUtcOffset,
  isSendingHour,
  isValidUtcOffset,
  nextBirthday,
  pickReminder,
  reminderKey,
  tooSoon,
  type ReminderCandidate,
} from "../../src/domain/reminders.js";

const at = (iso: string) => new Date(iso);
const birth = (iso: string) => new Date(`${iso}T00:00:00Z`);

describe("the writer's clock", () => {
  it("defaults by language: Russian to UTC+3, English to UTC", () => {
    expect(defaultUtcOffset("ru")).toBe(180);
    expect(defaultUtcOffset("en")).toBe(0);
  });

  it("sends only between 10:00 and 20:00 on the writer's clock", () => {
    // 07:00 UTC is 10:00 in Moscow and 07:00 in London.
    expect(isSendingHour(at("2027-03-05T07:00:00Z"), 180)).toBe(true);
    expect(isSendingHour(at("2027-03-05T07:00:00Z"), 0)).toBe(false);
    expect(isSendingHour(at("2027-03-05T16:59:00Z"), 180)).toBe(true);
    expect(isSendingHour(at("2027-03-05T17:00:00Z"), 180)).toBe(false);
    // New York (UTC−5): 15:00 UTC is 10:00 there.
    expect(isSendingHour(at("2027-03-05T15:00:00Z"), -300)).toBe(true);
  });

  it("offsets stay within UTC−12..UTC+14 and read plainly", () => {
    expect(isValidUtcOffset(-720)).toBe(true);
    expect(isValidUtcOffset(841)).toBe(false);
    expect(isValidUtcOffset(30.5)).toBe(false);
    expect(formatUtcOffset(180)).toBe("UTC+3");
    expect(formatUtcOffset(-300)).toBe("UTC−5");
    expect(formatUtcOffset(330)).toBe("UTC+5:30");
    expect(formatUtcOffset(0)).toBe("UTC±0");
  });
});

describe("birthdays", () => {
  it("is due exactly seven days before, and up to four days before when a run was missed", () => {
    const born = birth("1984-03-12");
    expect(birthdayDue(born, at("2027-03-04T09:00:00Z"), 180)).toBeNull(); // 8 days before
    expect(birthdayDue(born, at("2027-03-05T09:00:00Z"), 180)).toEqual({ date: birth("2027-03-12"), daysUntil: 7 });
    expect(birthdayDue(born, at("2027-03-08T09:00:00Z"), 180)?.daysUntil).toBe(4);
    expect(birthdayDue(born, at("2027-03-09T09:00:00Z"), 180)).toBeNull(); // 3 days: too late for a letter
  });

  it("counts days on the writer's local date, not UTC's", () => {
    const born = birth("1984-03-12");
    // 22:30 UTC on 4 March is already 5 March in Moscow (7 days before), still 4 March in London.
    expect(birthdayDue(born, at("2027-03-04T22:30:00Z"), 180)?.daysUntil).toBe(7);
    expect(birthdayDue(born, at("2027-03-04T22:30:00Z"), 0)).toBeNull();
  });

  it("rolls over the new year and keeps 29 February on 28 February in other years", () => {
    expect(nextBirthday(birth("1990-01-03"), at("2026-12-27T12:00:00Z"), 0)).toEqual({ date: birth("2027-01-03"), daysUntil: 7 });
    expect(nextBirthday(birth("1988-02-29"), at("2027-02-21T12:00:00Z"), 0)).toEqual({ date: birth("2027-02-28"), daysUntil: 7 });
    expect(nextBirthday(birth("1988-02-29"), at("2028-02-22T12:00:00Z"), 0)).toEqual({ date: birth("2028-02-29"), daysUntil: 7 });
  });
});

describe("choosing the reminder", () => {
  const now = at("2027-03-05T09:00:00Z"); // 12:00 in Moscow
  const birthday: ReminderCandidate = { kind: "birthday", prisonerId: 1, occasion: "2027-03-12", at: birth("2027-03-12") };
  const reply: ReminderCandidate = { kind: "reply", prisonerId: 2, occasion: "40", at: at("2027-02-20T10:00:00Z") };
  const olderReply: ReminderCandidate = { kind: "reply", prisonerId: 3, occasion: "39", at: at("2027-02-10T10:00:00Z") };
  const assignment: ReminderCandidate = { kind: "assignment", prisonerId: 4, occasion: "7", assignmentId: 7, at: at("2027-02-01T10:00:00Z") };
  const base = { now, utcOffsetMinutes: 180, lastSentAt: null, alreadySent: new Set<string>() };

  it("a birthday first, then the oldest waiting reply, then an assignment", () => {
    expect(pickReminder([assignment, reply, birthday, olderReply], base)).toBe(birthday);
    expect(pickReminder([assignment, reply, olderReply], base)).toBe(olderReply);
    expect(pickReminder([assignment], base)).toBe(assignment);
    expect(pickReminder([], base)).toBeNull();
  });

  it("skips what was sent already", () => {
    const alreadySent = new Set([reminderKey(birthday), reminderKey(olderReply)]);
    expect(pickReminder([birthday, reply, olderReply], { ...base, alreadySent })).toBe(reply);
  });

  it("nothing at night on the writer's clock, nor within 20 hours of the last reminder", () => {
    expect(pickReminder([birthday], { ...base, utcOffsetMinutes: -300 })).toBeNull(); // 04:00 in New York
    expect(pickReminder([birthday], { ...base, lastSentAt: at("2027-03-04T14:00:00Z") })).toBeNull();
    expect(pickReminder([birthday], { ...base, lastSentAt: at("2027-03-04T12:00:00Z") })).toBe(birthday);
    expect(tooSoon(null, now)).toBe(false);
  });
});
