// Reminders end to end: the real bot and workers over the fake Bot API, PostgreSQL (a database of
// this file's own: the run looks at every writer with reminders on) and Redis. The clock the
// reminders job judges by is moved by the test; nothing sleeps.
import { Api } from "grammy";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enableReminders, getReminderSettings } from "../../src/db/repositories/reminders.js";
import { findWriterById, getOrCreateWriter } from "../../src/db/repositories/writers.js";
import { RULES_VERSION } from "../../src/domain/rules.js";
import type { FakeUser } from "../../src/fake-telegram/index.js";
import { createLogger } from "../../src/logger.js";
import { createI18n } from "../../src/messages/i18n.js";
import { MAINTENANCE_QUEUE } from "../../src/queues/index.js";
import { handlers } from "../../src/workers/index.js";
import { maintenanceHandler } from "../../src/workers/maintenance.js";
import { sendDueReminders } from "../../src/workers/reminders.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { createIsolatedDatabase, type IsolatedDatabase } from "../helpers/db.js";
import { createPrisoner } from "../helpers/letter-fixtures.js";
import { assignmentTaken, letterTo, replyDelivered } from "../helpers/reminder-fixtures.js";
import { buttonTexts, WAIT, WAIT_EDITS } from "./letter-helpers.js";

const DAY = 24 * 3600_000;
let clock = new Date("2027-03-05T11:00:00Z");
let db: IsolatedDatabase;
let t: TestApp;
let runs = 0;

beforeAll(async () => {
  db = await createIsolatedDatabase();
  t = await startTestApp({
    env: { DATABASE_URL: db.url },
    handlers: { ...handlers, maintenance: (deps) => maintenanceHandler(deps, () => clock) },
  });
});
afterAll(async () => {
  await t?.stop();
  await db?.drop();
});

/** One run of the scheduled task, through the queue and the worker, at `clock`; waits until it is done. */
async function runReminders(at: Date): Promise<void> {
  clock = at;
  const queue = t.app.queues.byName[MAINTENANCE_QUEUE];
  const job = await queue.add("reminders", { task: "reminders" }, { jobId: `reminders-test-${++runs}` });
  await expect.poll(async () => (await queue.getJob(job.id!))?.getState(), { timeout: 15_000, interval: 50 }).toBe("completed");
}

function sentTo(user: FakeUser): number {
  return t.fake.calls("sendMessage").filter((c) => c.chatId === user.id).length;
}

async function writerFor(language: "ru" | "en") {
  const user = t.user({ languageCode: language });
  const welcome = user.waitForMessage(undefined, WAIT);
  await user.sendText("/start");
  await welcome;
  const writer = await getOrCreateWriter(t.app.prisma, { telegramId: user.id, language });
  await t.app.prisma.writer.update({ where: { id: writer.id }, data: { rulesAcceptedVersion: RULES_VERSION } });
  return { user, writerId: writer.id };
}

const anna = { firstName: "Анна", lastName: "Смирнова", firstNameLatin: "Anna", lastNameLatin: "Smirnova" };

describe("birthday reminders", () => {
  it("off by default; once on, fire once on the right day in the writer's language; Write now opens the letter; Stop stops them", async () => {
    const prisma = t.app.prisma;
    const a = await writerFor("ru");
    const control = await writerFor("en");
    const p1 = await createPrisoner(prisma, { birthDate: "1990-03-12", ...anna });
    const p2 = await createPrisoner(prisma, { birthDate: "1985-03-13" });
    await letterTo(prisma, a.writerId, p1, { createdAt: new Date("2027-01-10T10:00:00Z") });
    await letterTo(prisma, a.writerId, p2, { createdAt: new Date("2027-01-10T10:00:00Z") });
    await letterTo(prisma, control.writerId, p2, { createdAt: new Date("2027-01-10T10:00:00Z") });
    await enableReminders(prisma, control.writerId, 0);

    // 5 March, 14:00 in Moscow: Anna's birthday is 7 days away, but this writer never turned reminders on.
    const before = sentTo(a.user);
    await runReminders(new Date("2027-03-05T11:00:00Z"));
    expect(sentTo(a.user)).toBe(before);
    expect(await prisma.reminderSent.count()).toBe(0);

    // Settings → Reminders → on (their clock by their language: Moscow time).
    const settings = a.user.waitForMessage("Настройки. Что хотите изменить?", WAIT);
    await a.user.sendText("/settings");
    await settings;
    const screen = a.user.waitForMessage(/Напоминания выключены/, WAIT_EDITS);
    await a.user.pressButton("🔔 Напоминания");
    expect(buttonTexts(await screen)).toEqual(["🔔 Включить напоминания", "‹ Назад"]);
    const on = a.user.waitForMessage(/Напоминания включены/, WAIT_EDITS);
    await a.user.pressButton("🔔 Включить напоминания");
    const onScreen = await on;
    expect(onScreen.text).toMatch(/Сейчас у вас \d\d:\d\d \(UTC\+3\)/);
    expect(buttonTexts(onScreen)).toEqual(["◀️ На час раньше", "На час позже ▶️", "🔕 Выключить напоминания", "‹ Назад"]);
    expect(await getReminderSettings(prisma, a.writerId)).toEqual({ utcOffsetMinutes: 180 });

    // 8 days before: nothing; the right day at 07:00 Moscow time: still night, nothing.
    const quiet = sentTo(a.user);
    await runReminders(new Date("2027-03-04T11:00:00Z"));
    await runReminders(new Date("2027-03-05T04:00:00Z"));
    expect(sentTo(a.user)).toBe(quiet);

    // The right day in the daytime: one reminder, in Russian, with both buttons.
    const arrived = a.user.waitForMessage(/^🎂/, WAIT);
    await runReminders(new Date("2027-03-05T11:00:00Z"));
    const reminder = await arrived;
    expect(reminder.text).toContain("🎂 Через 7 дней, 12 марта, день рождения у вашего адресата: Анна Смирнова.");
    expect(reminder.text).toContain("Вы получаете напоминания, потому что включили их в настройках.");
    expect(buttonTexts(reminder)).toEqual(["✍️ Написать сейчас", "🔕 Больше не напоминать"]);

    // Run again, the same hour and later the same day: nothing more.
    const once = sentTo(a.user);
    await runReminders(new Date("2027-03-05T11:00:00Z"));
    await runReminders(new Date("2027-03-05T15:00:00Z"));
    expect(sentTo(a.user)).toBe(once);
    expect(await prisma.reminderSent.count({ where: { writerId: a.writerId } })).toBe(1);

    // "Write now" opens the letter to Anna, like "Write again" in My letters.
    const chooser = a.user.waitForMessage("Как вы хотите его написать?", WAIT);
    await a.user.pressButton("✍️ Написать сейчас", { messageId: reminder.messageId });
    await chooser;
    expect(a.user.messages().some((m) => m.text?.includes("Анна Смирнова") && m.messageId > reminder.messageId)).toBe(true);
    const cancelled = a.user.waitForMessage(undefined, WAIT);
    await a.user.sendText("/cancel");
    await cancelled;

    // "Stop these reminders": off, said in Russian, and the reminder loses its buttons.
    const stopped = a.user.waitForMessage(/^🔕 Готово: больше не будем присылать напоминания/, WAIT);
    await a.user.pressButton("🔕 Больше не напоминать", { messageId: reminder.messageId });
    await stopped;
    expect(await getReminderSettings(prisma, a.writerId)).toBeNull();
    expect(a.user.messages().find((m) => m.messageId === reminder.messageId)?.inlineKeyboard).toEqual([]);

    // 6 March: the second pen pal's birthday is 7 days away. The writer who kept reminders on gets
    // it (in English); the one who stopped them gets nothing.
    const stoppedCount = sentTo(a.user);
    const controlReminder = control.user.waitForMessage(/^🎂/, WAIT);
    await runReminders(new Date("2027-03-06T11:00:00Z"));
    expect((await controlReminder).text).toContain("🎂 In 7 days, on 13 March, it is the birthday of someone you have written to: Pyotr Primerov.");
    expect(sentTo(a.user)).toBe(stoppedCount);
  });
});

describe("the settings screen in English", () => {
  it("turns reminders on at UTC±0, moves the clock an hour at a time, and turns them off", async () => {
    const e = await writerFor("en");
    const settings = e.user.waitForMessage("Settings. What would you like to change?", WAIT);
    await e.user.sendText("/settings");
    expect(buttonTexts(await settings)).toContain("🔔 Reminders");
    const off = e.user.waitForMessage(/Reminders are off\./, WAIT_EDITS);
    await e.user.pressButton("🔔 Reminders");
    expect((await off).text).toContain("At most one reminder a day, between 10:00 and 20:00 your time.");
    const on = e.user.waitForMessage(/\(UTC±0\)/, WAIT_EDITS);
    await e.user.pressButton("🔔 Turn reminders on");
    expect((await on).text).toContain("Reminders are on.");
    const earlier = e.user.waitForMessage(/\(UTC−1\)/, WAIT_EDITS);
    await e.user.pressButton("◀️ An hour earlier");
    await earlier;
    expect(await getReminderSettings(t.app.prisma, e.writerId)).toEqual({ utcOffsetMinutes: -60 });
    const offAgain = e.user.waitForMessage(/Reminders are off\./, WAIT_EDITS);
    await e.user.pressButton("🔕 Turn reminders off");
    expect(buttonTexts(await offAgain)).toEqual(["🔔 Turn reminders on", "‹ Back"]);
    expect(await getReminderSettings(t.app.prisma, e.writerId)).toBeNull();
  });
});

describe("reply and assignment reminders", () => {
  it("two workers at once send a waiting reply's reminder once; Write now opens the letter in English", async () => {
    const prisma = t.app.prisma;
    const c = await writerFor("en");
    const p = await createPrisoner(prisma, anna);
    const now = new Date("2027-04-20T12:00:00Z");
    await replyDelivered(prisma, await letterTo(prisma, c.writerId, p, { createdAt: new Date(now.getTime() - 40 * DAY) }), new Date(now.getTime() - 8 * DAY));
    await enableReminders(prisma, c.writerId, 0);
    const deps = { prisma, api: new Api(t.config.botToken, { apiRoot: t.config.telegramApiRoot }), i18n: createI18n() };
    const log = createLogger("silent");
    const before = sentTo(c.user);
    const arrived = c.user.waitForMessage(/^📬/, WAIT);
    const results = await Promise.all([sendDueReminders(deps, log, { now }), sendDueReminders(deps, log, { now })]);
    expect(results.map((r) => r.sent).sort()).toEqual([0, 1]);
    const reminder = await arrived;
    expect(sentTo(c.user)).toBe(before + 1);
    expect(reminder.text).toContain("📬 8 days ago we forwarded you a reply from Anna Smirnova, and no letter has gone back yet.");

    const chooser = c.user.waitForMessage("How would you like to write it?", WAIT);
    await c.user.pressButton("✍️ Write now", { messageId: reminder.messageId });
    await chooser;
  });

  it("an unused assignment after 30 days; a writer who blocked the bot is skipped, not retried", async () => {
    const prisma = t.app.prisma;
    const d = await writerFor("en");
    const p = await createPrisoner(prisma);
    const now = new Date("2027-05-10T12:00:00Z");
    await assignmentTaken(prisma, d.writerId, p, new Date(now.getTime() - 31 * DAY));
    await enableReminders(prisma, d.writerId, 0);
    t.fake.failNext("sendMessage", { errorCode: 403, description: "Forbidden: bot was blocked by the user", chatId: d.user.id });
    const before = sentTo(d.user);
    await runReminders(now);
    expect(sentTo(d.user)).toBe(before + 1);
    expect((await findWriterById(prisma, d.writerId))?.botBlockedAt).toBeInstanceOf(Date);
    // The next run (a day later) does not try again.
    await runReminders(new Date(now.getTime() + DAY));
    expect(sentTo(d.user)).toBe(before + 1);

    // Back again (they talked to the bot): the next day's run reminds them, with Write now on that assignment.
    await prisma.writer.update({ where: { id: d.writerId }, data: { botBlockedAt: null } });
    await prisma.reminderSent.deleteMany({ where: { writerId: d.writerId } });
    const arrived = d.user.waitForMessage(/^✉️/, WAIT);
    await runReminders(new Date(now.getTime() + 2 * DAY));
    const reminder = await arrived;
    expect(reminder.text).toContain("✉️ 33 days ago we suggested you write to Pyotr Primerov, and no letter has gone yet.");
    const chooser = d.user.waitForMessage("How would you like to write it?", WAIT);
    await d.user.pressButton("✍️ Write now", { messageId: reminder.messageId });
    await chooser;
  });
});
