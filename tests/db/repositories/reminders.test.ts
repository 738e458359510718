import { afterAll, describe, expect, it } from "vitest";
import {
  claimReminder,
  disableReminders,
  enableReminders,
  forgetRemindersSentBefore,
  getReminderSettings,
  idleAssignments,
  listSubscribedWriters,
  penPalBirthdays,
  releaseReminder,
  sentReminderKeys,
  setReminderUtcOffset,
  waitingReplies,
} from "../../../src/db/repositories/reminders.js";
import { deleteWriterData, getOrCreateWriter, updateWriterProfile } from "../../../src/db/repositories/writers.js";
import { createTestPrisma, uniqueTelegramId } from "../../helpers/db.js";
import { createPrisoner } from "../../helpers/letter-fixtures.js";
import { assignmentTaken, letterTo, replyDelivered } from "../../helpers/reminder-fixtures.js";

const prisma = createTestPrisma();
afterAll(() => prisma.$disconnect());

const DAY = 24 * 3600_000;
const now = new Date("2027-03-05T09:00:00Z");
const ago = (days: number) => new Date(now.getTime() - days * DAY);

async function writer(language: "ru" | "en" = "ru") {
  return (await getOrCreateWriter(prisma, { telegramId: uniqueTelegramId(), language })).id;
}

describe("reminder settings", () => {
  it("are off until turned on; on keeps the clock; off deletes the row", async () => {
    const id = await writer();
    expect(await getReminderSettings(prisma, id)).toBeNull();
    expect(await setReminderUtcOffset(prisma, id, 60)).toBe(false);
    expect(await enableReminders(prisma, id, 180)).toEqual({ utcOffsetMinutes: 180 });
    expect(await setReminderUtcOffset(prisma, id, 240)).toBe(true);
    expect(await enableReminders(prisma, id, 180)).toEqual({ utcOffsetMinutes: 240 });
    expect(await disableReminders(prisma, id)).toBe(true);
    expect(await getReminderSettings(prisma, id)).toBeNull();
    expect(await prisma.reminderSettings.count({ where: { writerId: id } })).toBe(0);
  });

  it("lists subscribed writers who have not blocked the bot, a page at a time", async () => {
    const on = await writer();
    const off = await writer();
    const blocked = await writer();
    await enableReminders(prisma, on, 180);
    await enableReminders(prisma, blocked, 0);
    await updateWriterProfile(prisma, blocked, { botBlockedAt: now });
    const ids = (await listSubscribedWriters(prisma, on - 1, 1000)).map((w) => w.writerId);
    expect(ids).toContain(on);
    expect(ids).not.toContain(off);
    expect(ids).not.toContain(blocked);
    const page = await listSubscribedWriters(prisma, on - 1, 1);
    expect(page.map(({ telegramId: _id, ...rest }) => rest)).toEqual([{ writerId: on, language: "ru", utcOffsetMinutes: 180, lastSentAt: null }]);
    expect(typeof page[0]?.telegramId).toBe("bigint");
  });
});

describe("what may be due", () => {
  it("pen pals: posted or replied to, reachable; not a letter still in moderation, not someone released", async () => {
    const id = await writer();
    const posted = await createPrisoner(prisma, { birthDate: "1990-03-12" });
    const replied = await createPrisoner(prisma);
    const pending = await createPrisoner(prisma);
    const released = await createPrisoner(prisma, { canReceiveLetters: false, cannotReceiveReason: "released", releasedAt: "2026-01-01" });
    await letterTo(prisma, id, posted);
    await letterTo(prisma, id, posted);
    await replyDelivered(prisma, await letterTo(prisma, id, replied, { status: "printed" }), ago(3));
    await letterTo(prisma, id, pending, { status: "submitted" });
    await letterTo(prisma, id, released);
    const found = await penPalBirthdays(prisma, [id]);
    expect(found.map((r) => r.prisonerId).sort()).toEqual([posted, replied].sort());
    expect(found.find((r) => r.prisonerId === posted)).toMatchObject({ birthDate: new Date("1990-03-12T00:00:00Z"), firstName: "Пётр", lastNameLatin: "Primerov" });
  });

  it("replies waiting 7 to 30 days with no letter back since", async () => {
    const id = await writer();
    const [waiting, answered, fresh, old] = await Promise.all([1, 2, 3, 4].map(() => createPrisoner(prisma)));
    const waitingReply = await replyDelivered(prisma, await letterTo(prisma, id, waiting!, { createdAt: ago(40) }), ago(8));
    await replyDelivered(prisma, await letterTo(prisma, id, answered!, { createdAt: ago(40) }), ago(10));
    await letterTo(prisma, id, answered!, { status: "submitted", createdAt: ago(2) });
    await replyDelivered(prisma, await letterTo(prisma, id, fresh!, { createdAt: ago(40) }), ago(6));
    await replyDelivered(prisma, await letterTo(prisma, id, old!, { createdAt: ago(90) }), ago(31));
    const found = await waitingReplies(prisma, [id], now);
    expect(found.map((r) => ({ prisonerId: r.prisonerId, replyId: r.replyId }))).toEqual([{ prisonerId: waiting, replyId: waitingReply }]);
  });

  it("a reply that needs a translation waits from the translation, and not at all before it", async () => {
    const id = await writer("en");
    const [untranslated, lateTranslation, translated] = await Promise.all([1, 2, 3].map(() => createPrisoner(prisma)));
    const a = await replyDelivered(prisma, await letterTo(prisma, id, untranslated!, { createdAt: ago(40) }), ago(10));
    await prisma.reply.update({ where: { id: a }, data: { needsTranslation: true } });
    const b = await replyDelivered(prisma, await letterTo(prisma, id, lateTranslation!, { createdAt: ago(40) }), ago(10));
    await prisma.reply.update({ where: { id: b }, data: { needsTranslation: true, translationDeliveredAt: ago(3) } });
    const c = await replyDelivered(prisma, await letterTo(prisma, id, translated!, { createdAt: ago(40) }), ago(12));
    await prisma.reply.update({ where: { id: c }, data: { translationRequestedAt: ago(11), translationDeliveredAt: ago(9) } });
    const found = await waitingReplies(prisma, [id], now);
    expect(found.map((r) => ({ replyId: r.replyId, deliveredAt: r.deliveredAt }))).toEqual([{ replyId: c, deliveredAt: ago(9) }]);
  });

  it("assignments taken 30 to 60 days ago, never declined or used, with no letter since", async () => {
    const id = await writer();
    const [idle, written, recent, declined] = await Promise.all([1, 2, 3, 4].map(() => createPrisoner(prisma)));
    const idleId = await assignmentTaken(prisma, id, idle!, ago(31));
    await assignmentTaken(prisma, id, written!, ago(35));
    await letterTo(prisma, id, written!, { status: "submitted", createdAt: ago(33) });
    await assignmentTaken(prisma, id, recent!, ago(20));
    const declinedId = await assignmentTaken(prisma, id, declined!, ago(31));
    await prisma.assignment.update({ where: { id: declinedId }, data: { status: "declined" } });
    const found = await idleAssignments(prisma, [id], now);
    expect(found.map((a) => ({ prisonerId: a.prisonerId, assignmentId: a.assignmentId }))).toEqual([{ prisonerId: idle, assignmentId: idleId }]);
  });
});

describe("claiming a reminder", () => {
  const gap = { now, minGapMs: 20 * 3600_000 };

  it("once only, even when two runs claim at the same moment; released claims can be claimed again", async () => {
    const id = await writer();
    await enableReminders(prisma, id, 180);
    const claim = { writerId: id, kind: "birthday" as const, prisonerId: 42, occasion: "2027-03-12" };
    const results = await Promise.all([claimReminder(prisma, claim, gap), claimReminder(prisma, claim, gap)]);
    expect(results.sort()).toEqual(["claimed", "too-soon"]);
    expect(await sentReminderKeys(prisma, [id])).toEqual(new Map([[id, new Set(["birthday:42:2027-03-12"])]]));
    // A day later the same reminder is still sent already.
    expect(await claimReminder(prisma, claim, { ...gap, now: new Date(now.getTime() + DAY) })).toBe("already-sent");
    await releaseReminder(prisma, claim);
    expect(await claimReminder(prisma, claim, gap)).toBe("claimed");
  });

  it("nothing when reminders were turned off meanwhile", async () => {
    const id = await writer();
    expect(await claimReminder(prisma, { writerId: id, kind: "reply", prisonerId: 1, occasion: "9" }, gap)).toBe("reminders-off");
  });

  it("sent reminders are forgotten after their keeping time; newer ones stay", async () => {
    const id = await writer();
    await enableReminders(prisma, id, 0);
    const old = { writerId: id, kind: "birthday" as const, prisonerId: 7, occasion: "2025-10-20" };
    const recent = { writerId: id, kind: "reply" as const, prisonerId: 7, occasion: "31" };
    expect(await claimReminder(prisma, old, { now: ago(500), minGapMs: 0 })).toBe("claimed");
    expect(await claimReminder(prisma, recent, { now: ago(3), minGapMs: 0 })).toBe("claimed");
    expect(await forgetRemindersSentBefore(prisma, ago(400))).toBeGreaterThanOrEqual(1);
    expect(await sentReminderKeys(prisma, [id])).toEqual(new Map([[id, new Set(["reply:7:31"])]]));
  });

  it("deleting the writer's data deletes their reminder settings and records", async () => {
    const id = await writer();
    await enableReminders(prisma, id, 0);
    await claimReminder(prisma, { writerId: id, kind: "reply", prisonerId: 1, occasion: "9" }, gap);
    await deleteWriterData(prisma, id);
    expect(await prisma.reminderSettings.count({ where: { writerId: id } })).toBe(0);
    expect(await prisma.reminderSent.count({ where: { writerId: id } })).toBe(0);
  });
});
