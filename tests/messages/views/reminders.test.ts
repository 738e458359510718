import { describe, expect, it } from "vitest";
import { createI18n, type Locale } from "../../../src/messages/i18n.js";
import { clockOffsetOf, REMINDER_BUTTONS, REMINDER_CB, reminderMessage, remindersScreen } from "../../../src/messages/views/reminders.js";

const i18n = createI18n();
const tr = (locale: Locale) => (key: string, vars?: Record<string, string | number>) => i18n.t(locale, key, vars);
const person = { firstName: "<b>Анна</b>", lastName: "Смирнова", firstNameLatin: "Anna & Co", lastNameLatin: "Smirnova" };

function data(keyboard: ReturnType<typeof reminderMessage>["keyboard"]): string[] {
  return keyboard.inline_keyboard.flat().map((b) => ("callback_data" in b ? b.callback_data : ""));
}

describe("reminder messages", () => {
  it("escape the name, name the date in the writer's language, and carry ids only", () => {
    const ru = reminderMessage(tr("ru"), "ru", { kind: "birthday", person, prisonerId: 12, birthday: new Date("2027-03-12T00:00:00Z"), daysUntil: 7 });
    expect(ru.text).toContain("12 марта");
    expect(ru.text).toContain("&lt;b&gt;Анна&lt;/b&gt; Смирнова");
    expect(data(ru.keyboard)).toEqual(["rem:w:12", "rem:stop"]);
    const en = reminderMessage(tr("en"), "en", { kind: "assignment", person, assignmentId: 99, days: 31 });
    expect(en.text).toContain("31 days ago we suggested you write to Anna &amp; Co Smirnova");
    expect(data(en.keyboard)).toEqual(["rem:a:99", "rem:stop"]);
  });
});

describe("the reminders screen", () => {
  it("offers the clock only when on, within UTC−12..UTC+14", () => {
    expect(data(remindersScreen(tr("en"), { utcOffsetMinutes: null, now: new Date() }).keyboard)).toEqual([REMINDER_CB.on, "menu:settings"]);
    const east = remindersScreen(tr("en"), { utcOffsetMinutes: 14 * 60, now: new Date("2027-03-05T11:07:00Z") });
    expect(east.text).toContain("Your time now: 01:07 (UTC+14)");
    expect(data(east.keyboard)).toEqual([REMINDER_CB.clock(13 * 60), REMINDER_CB.off, "menu:settings"]);
  });

  it("clock buttons carry negative offsets through the codec", () => {
    const decoded = REMINDER_BUTTONS.clock.decode(REMINDER_CB.clock(-300));
    expect(decoded && clockOffsetOf(decoded[0])).toBe(-300);
  });
});
