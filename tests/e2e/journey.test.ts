// The writer's journey through the fake Bot API, real PostgreSQL and Redis: welcome with counters,
// rules, interests, assignment card, someone else, the limit, the charges explanation, the guide,
// settings, and old buttons after a restart.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { findPrisonerById, upsertPrisoners, type Prisoner, type PrisonerInput } from "../../src/db/repositories/prisoners.js";
import { getActiveAssignment } from "../../src/db/repositories/assignments.js";
import { getStats } from "../../src/db/repositories/stats.js";
import { findWriterByTelegramId, updateWriterProfile, type Writer } from "../../src/db/repositories/writers.js";
import { MAX_DECLINES_PER_DAY } from "../../src/domain/assignment.js";
import { RULES_VERSION } from "../../src/domain/rules.js";
import type { FakeMessage, FakeUser } from "../../src/fake-telegram/index.js";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { startTestAppPerTest, type TestApp } from "../helpers/app.js";

const WAIT = { timeoutMs: 10_000 };
const EDIT = { timeoutMs: 10_000, includeEdits: true };
const POSTAL_MARKER = "ул. Примерная, д. 77";

const start = startTestAppPerTest({ roles: ["bot"] });

function prisonerRow(overrides: Partial<PrisonerInput> = {}): PrisonerInput {
  const tag = randomBytes(4).toString("hex");
  return {
    externalId: `journey-${tag}`,
    lastName: "Одуванчиков",
    firstName: "Тихон",
    patronymic: "Ильич",
    lastNameLatin: "Oduvanchikov",
    firstNameLatin: "Tikhon",
    patronymicLatin: "Ilyich",
    birthDate: new Date("1980-06-15T00:00:00Z"),
    region: "Тверская область",
    regionEn: "Tver Oblast",
    facilityName: "ФКУ ИК-7 УФСИН России по Тверской области",
    postalAddress: `170000, Тверская область, г. Тверь, ${POSTAL_MARKER}, ФКУ ИК-7`,
    canReceiveLetters: true,
    cannotReceiveReason: null,
    releasedAt: null,
    caseSummaryRu: "Выложил в соцсети пост против войны; его сочли «фейком» об армии.",
    caseSummaryEn: "He posted against the war online; the post was deemed a \"fake\" about the army.",
    articles: ["ч. 2 ст. 207.3 УК РФ"],
    sentenceRu: "6 лет колонии общего режима",
    sentenceEn: "6 years in a general-regime penal colony",
    inCustodySince: new Date("2023-03-05T00:00:00Z"),
    interests: ["books", "games"],
    views: ["anti-war"],
    professionRu: "инженер",
    professionEn: "engineer",
    lettersCount: 0,
    ...overrides,
  };
}

async function addPrisoners(prisma: PrismaClient, rows: PrisonerInput[]): Promise<Prisoner[]> {
  const result = await upsertPrisoners(prisma, rows);
  return result.changes.map((c) => c.prisoner);
}

function buttons(message: FakeMessage): string[] {
  return message.inlineKeyboard.flat().map((b) => b.text);
}

/** The number after a label in a message ("Label: 1 234" → 1234). */
function numberAfter(text: string, label: string): number | undefined {
  const at = text.indexOf(label);
  if (at < 0) return undefined;
  const match = /\d[\d\s\u00a0\u202f,]*/u.exec(text.slice(at + label.length));
  return match ? Number(match[0].replace(/[^\d]/g, "")) : undefined;
}

async function writerOf(t: TestApp, user: FakeUser): Promise<Writer> {
  const writer = await findWriterByTelegramId(t.app.prisma, user.id);
  if (!writer) throw new Error("writer not stored");
  return writer;
}

/** /start, then (optionally) skip the rules and the interests offer straight in the database. */
async function newWriter(t: TestApp, languageCode: string, opts: { rulesAccepted?: boolean; interests?: string[] } = {}) {
  const user = t.user({ languageCode });
  const welcome = user.waitForMessage(undefined, WAIT);
  await user.sendText("/start");
  await welcome;
  let writer = await writerOf(t, user);
  if (opts.rulesAccepted || opts.interests) {
    writer = await updateWriterProfile(t.app.prisma, writer.id, {
      ...(opts.rulesAccepted ? { rulesAcceptedVersion: RULES_VERSION } : {}),
      ...(opts.interests ? { interests: opts.interests } : {}),
    });
  }
  return { user, writer };
}

async function activePrisoner(t: TestApp, writerId: number): Promise<Prisoner> {
  const active = await getActiveAssignment(t.app.prisma, writerId);
  expect(active).not.toBeNull();
  const prisoner = await findPrisonerById(t.app.prisma, active!.prisonerId);
  return prisoner!;
}

describe("the Russian writer's way to a card", () => {
  it("welcome counters, rules, interests, card, someone else, the limit, then the letter", async () => {
    const t = await start();
    // Enough people with no letters that this writer can decline MAX_DECLINES_PER_DAY times.
    await addPrisoners(t.app.prisma, Array.from({ length: MAX_DECLINES_PER_DAY + 3 }, () => prisonerRow()));

    const user = t.user({ languageCode: "ru" });
    const before = await getStats(t.app.prisma);
    const welcomeWait = user.waitForMessage(undefined, WAIT);
    await user.sendText("/start");
    const welcome = await welcomeWait;
    const after = await getStats(t.app.prisma);
    expect(welcome.text).toContain("Здравствуйте! Это Lifeline.");
    // Other test files share the database: the shown numbers lie between two reads around /start.
    const waiting = numberAfter(welcome.text!, "Ждут своего первого письма:");
    expect(waiting).toBeGreaterThanOrEqual(Math.min(before.waitingForFirstLetter, after.waitingForFirstLetter));
    expect(waiting).toBeLessThanOrEqual(Math.max(before.waitingForFirstLetter, after.waitingForFirstLetter));
    expect(waiting).toBeGreaterThanOrEqual(MAX_DECLINES_PER_DAY + 3);
    const written = welcome.text!.includes("не написали ни одного письма") ? 0 : numberAfter(welcome.text!, "Писем, написанных вместе:");
    expect(written).toBeGreaterThanOrEqual(Math.min(before.lettersWritten, after.lettersWritten));
    expect(written).toBeLessThanOrEqual(Math.max(before.lettersWritten, after.lettersWritten));
    expect(buttons(welcome)).toEqual(expect.arrayContaining(["✉️ Написать письмо", "📖 Как писать", "⚙️ Настройки"]));
    // The first screen offers both languages above the menu, whose first entry is "Write a letter".
    expect(buttons(welcome).slice(0, 3)).toEqual(["🇷🇺 Русский", "🇬🇧 English", "✉️ Написать письмо"]);

    // Rules first: the menu message turns into the digest.
    const rules = user.waitForMessage("Прежде чем писать", EDIT);
    await user.pressButton("✉️ Написать письмо");
    const digest = await rules;
    expect(digest.text).toContain("Если вы в России");
    expect(digest.text).toContain("псевдонимом");
    expect(digest.text).not.toContain("изменились");
    // The full guide opens as a new message: the digest and its button stay.
    const guide = user.waitForMessage("Выберите тему", WAIT);
    await user.pressButton("📖 Полное руководство");
    expect((await guide).messageId).toBeGreaterThan(digest.messageId);
    expect((await writerOf(t, user)).rulesAcceptedVersion).toBeNull();

    const interestsWait = user.waitForMessage("что вам интересно?", WAIT);
    await user.pressButton("✅ Понятно");
    const interests = await interestsWait;
    expect((await writerOf(t, user)).rulesAcceptedVersion).toBe(RULES_VERSION);
    // The digest stays, without its buttons: it cannot be confirmed twice.
    expect(user.messages().find((m) => m.messageId === digest.messageId)?.inlineKeyboard).toEqual([]);
    expect(buttons(interests)).toContain("Пропустить ›");

    // Checkmarks toggle in place.
    await user.pressButton("📚 Книги");
    await user.pressButton("♟ Игры и шахматы");
    await user.pressButton("✅ Книги");
    expect((await writerOf(t, user)).interests).toEqual(["games"]);
    await user.pressButton("📚 Книги");
    expect((await writerOf(t, user)).interests).toEqual(["books", "games"]);
    const toggled = user.messages().find((m) => m.messageId === interests.messageId)!;
    expect(buttons(toggled)).toEqual(expect.arrayContaining(["✅ Книги", "✅ Игры и шахматы", "🎵 Музыка", "Дальше ›"]));
    expect(toggled.text).toBe(interests.text);

    const cardWait = user.waitForMessage("Вот кому мы предлагаем написать", EDIT);
    await user.pressButton("Дальше ›");
    const card = await cardWait;
    expect(card.messageId).toBe(interests.messageId);
    const writer = await writerOf(t, user);
    const first = await activePrisoner(t, writer.id);
    expect(card.parseMode).toBe("HTML");
    expect(card.text).toContain(`${first.lastName} ${first.firstName}`);
    expect(card.text).toContain(first.region);
    expect(card.text).toContain(first.facilityName);
    expect(card.text).toContain(first.caseSummaryRu);
    expect(card.text).not.toContain(first.caseSummaryEn);
    expect(card.text).toContain("Под стражей с:");
    if (first.postalAddress) expect(card.text).not.toContain(first.postalAddress);
    expect(card.text).not.toContain(POSTAL_MARKER);
    expect(card.text).not.toMatch(/\b\d{6},/); // no postcode
    expect(buttons(card)).toEqual(expect.arrayContaining([`✉️ Написать: ${first.firstName} ${first.lastName}`, "🔄 Другой человек"]));

    // Someone else, as often as allowed: a different person each time, edited in place.
    const seen = new Set([first.id]);
    for (let i = 1; i <= MAX_DECLINES_PER_DAY; i++) {
      const next = user.waitForMessage("Вот другой человек", EDIT);
      const answer = await user.pressButton("🔄 Другой человек", { timeoutMs: 10_000 });
      await next;
      const left = MAX_DECLINES_PER_DAY - i;
      expect(answer.text).toContain(left === 0 ? "последняя замена" : `ещё ${left}`);
      const current = await activePrisoner(t, writer.id);
      expect(seen.has(current.id)).toBe(false);
      seen.add(current.id);
    }
    const kept = await activePrisoner(t, writer.id);
    const limit = await user.pressButton("🔄 Другой человек", { timeoutMs: 10_000 });
    expect(limit.showAlert).toBe(true);
    expect(limit.text).toContain("несколько раз в день");
    expect(limit.text).toContain(`${kept.firstName} ${kept.lastName}`);
    expect((await activePrisoner(t, writer.id)).id).toBe(kept.id);

    // "Write to <name>" starts the letter for that person (the letter flow answers, not the error).
    const letterWait = user.waitForMessage(undefined, WAIT);
    await user.pressButton(`✉️ Написать: ${kept.firstName} ${kept.lastName}`, { timeoutMs: 10_000 });
    const letterStart = await letterWait;
    expect(letterStart.text).not.toContain("что-то пошло не так");
    expect(letterStart.text).not.toContain("Прежде чем писать");
    expect(letterStart.text).toContain(`${kept.firstName} ${kept.lastName}`);
  });

  it("asks for the rules again when their version changed, and keeps the same person", async () => {
    const t = await start();
    await addPrisoners(t.app.prisma, [prisonerRow()]);
    const { user, writer } = await newWriter(t, "ru", { interests: ["music"] });
    await updateWriterProfile(t.app.prisma, writer.id, { rulesAcceptedVersion: RULES_VERSION - 1 });

    const rules = user.waitForMessage("Прежде чем писать", WAIT);
    await user.sendText("/write");
    expect((await rules).text).toContain("изменились");

    const card = user.waitForMessage("Вот кому мы предлагаем написать", WAIT);
    await user.pressButton("✅ Понятно");
    await card;
    expect((await writerOf(t, user)).rulesAcceptedVersion).toBe(RULES_VERSION);
    const assigned = await activePrisoner(t, writer.id);

    // Coming back later: the same person, no rules, no interests offer.
    const again = user.waitForMessage("всё ещё ждёт вашего письма", WAIT);
    await user.sendText("/write");
    expect((await again).text).toContain(assigned.facilityName);
    expect((await activePrisoner(t, writer.id)).id).toBe(assigned.id);
  });
});

describe("the English writer's card", () => {
  it("shows the Latin name, the English case, escapes every value, and explains terrorism charges", async () => {
    const t = await start();
    const [prisoner] = await addPrisoners(t.app.prisma, [
      prisonerRow({
        lastName: "Колокольчикова",
        firstName: "Дарья",
        patronymic: "Сергеевна",
        lastNameLatin: "Kolokolchikova",
        firstNameLatin: "Darya",
        patronymicLatin: "Sergeyevna",
        birthDate: new Date("1995-12-31T00:00:00Z"),
        caseSummaryEn: 'She wrote "<No to war> & peace" on a fence; it was called justification of terrorism.',
        caseSummaryRu: "Написала на заборе «<Нет войне> & миру»; это назвали оправданием терроризма.",
        articles: ["ч. 2 ст. 205.2 УК РФ"],
        sentenceEn: "5 years in a penal colony",
        interests: ["poetry", "nature"],
        lettersCount: 2,
      }),
    ]);
    const { user, writer } = await newWriter(t, "en-US", { rulesAccepted: true, interests: ["poetry"] });
    // A writer with an open assignment always gets that person back.
    await t.app.prisma.assignment.create({
      data: { writerId: writer.id, prisonerId: prisoner!.id, expiresAt: new Date(Date.now() + 3_600_000) },
    });

    const cardWait = user.waitForMessage("still waiting for your letter", EDIT);
    await user.pressButton("✉️ Write a letter");
    const card = await cardWait;
    const text = card.text!;
    expect(text).toContain("Darya Sergeyevna Kolokolchikova");
    expect(text).toContain("In Russian: Колокольчикова Дарья Сергеевна");
    expect(text).toMatch(/\b\d{2} years old · Tver Oblast/);
    expect(text).toContain('She wrote "<No to war> & peace" on a fence');
    expect(text).not.toContain("Написала на заборе");
    expect(text).toContain("Sentence: 5 years in a penal colony");
    expect(text).toContain("In custody since: 5 March 2023");
    expect(text).toContain("Interests: Nature and animals, Poetry");
    expect(text).toContain("Letters through Lifeline: 2");
    expect(text).toContain(prisoner!.facilityName);
    expect(text).not.toContain(POSTAL_MARKER);
    expect(buttons(card)).toEqual(["✉️ Write to Darya Kolokolchikova", "🔄 Someone else", "❓ About the charges", "‹ Back"]);

    const explanation = user.waitForMessage("Why is my person charged with terrorism or extremism?", WAIT);
    await user.pressButton("❓ About the charges");
    const why = await explanation;
    expect(why.text).toContain("justification of terrorism");
    expect(why.text).toContain("non-violent");
    // The card stays as it was, buttons and all.
    expect(buttons(user.messages().find((m) => m.messageId === card.messageId)!)).toContain("🔄 Someone else");
  });
});

describe("old buttons", () => {
  it("after a restart, presses on outdated cards get a polite answer and current ones still work", async () => {
    const t = await start();
    await addPrisoners(t.app.prisma, [prisonerRow(), prisonerRow(), prisonerRow()]);
    const { user, writer } = await newWriter(t, "ru", { rulesAccepted: true, interests: ["books"] });

    const firstWait = user.waitForMessage("Вот кому мы предлагаем написать", WAIT);
    await user.sendText("/write");
    const oldCard = await firstWait;
    const sameWait = user.waitForMessage("всё ещё ждёт вашего письма", WAIT);
    await user.sendText("/write");
    const newCard = await sameWait;
    const firstPerson = await activePrisoner(t, writer.id);

    const otherWait = user.waitForMessage("Вот другой человек", EDIT);
    await user.pressButton("🔄 Другой человек", { messageId: newCard.messageId, timeoutMs: 10_000 });
    await otherWait;
    expect((await activePrisoner(t, writer.id)).id).not.toBe(firstPerson.id);

    await t.restart();

    const staleOther = await user.pressButton("🔄 Другой человек", { messageId: oldCard.messageId, timeoutMs: 10_000 });
    expect(staleOther.text).toContain("Эта карточка устарела");
    const staleWrite = await user.pressButton(`✉️ Написать: ${firstPerson.firstName} ${firstPerson.lastName}`, {
      messageId: oldCard.messageId,
      timeoutMs: 10_000,
    });
    expect(staleWrite.text).toContain("Эта карточка устарела");
    // Nothing changed because of the old card.
    expect((await activePrisoner(t, writer.id)).id).not.toBe(firstPerson.id);

    // Screens that read their state from the database keep working across the restart.
    const settings = user.waitForMessage(undefined, WAIT);
    await user.sendText("/interests");
    await settings;
    await user.pressButton("🎵 Музыка", { timeoutMs: 10_000 });
    expect((await writerOf(t, user)).interests).toEqual(["books", "music"]);
  });
});

describe("settings and the guide", () => {
  it("edits interests (own words cleaned and limited) and the signature from Settings", async () => {
    const t = await start();
    const { user } = await newWriter(t, "ru");

    const settings = user.waitForMessage("Настройки. Что хотите изменить?", WAIT);
    await user.sendText("/settings");
    expect(buttons(await settings)).toEqual(["🌐 Язык", "🎨 Интересы", "✍️ Подпись", "🔔 Напоминания", "🔒 Мои данные", "‹ Назад"]);

    const screen = user.waitForMessage("Что вам интересно?", EDIT);
    await user.pressButton("🎨 Интересы");
    await screen;
    await user.pressButton("🎬 Кино");

    const ask = user.waitForMessage("через запятую", WAIT);
    await user.pressButton("✏️ Свои");
    await ask;
    // A sticker is not an answer; the question stays open.
    const textOnly = user.waitForMessage("текстом", WAIT);
    await user.sendSticker();
    await textOnly;
    const saved = user.waitForMessage("Ваши интересы сохранены", WAIT);
    await user.sendText("Шахматы, вышивка\u0000 крестиком; <b>джаз</b>, вышивка крестиком, " + "о".repeat(60));
    const savedMessage = await saved;
    const stored = (await writerOf(t, user)).interests;
    expect(stored).toEqual(["cinema", "games", "custom:вышивка крестиком", "custom:<b>джаз</b>"]);
    expect(savedMessage.text).toContain("Ваши собственные: вышивка крестиком, <b>джаз</b>");
    expect(buttons(savedMessage)).toEqual(expect.arrayContaining(["✅ Кино", "✅ Игры и шахматы", "🗑 Убрать свои", "✅ Готово"]));

    const cleared = user.waitForMessage("Нажмите «✏️ Свои»", EDIT);
    await user.pressButton("🗑 Убрать свои");
    await cleared;
    expect((await writerOf(t, user)).interests).toEqual(["cinema", "games"]);
    const back = user.waitForMessage("Настройки. Что хотите изменить?", EDIT);
    const done = await user.pressButton("✅ Готово");
    await back;
    expect(done.text).toBe("Сохранено.");

    const signatureScreen = user.waitForMessage("Подпись ещё не выбрана", EDIT);
    await user.pressButton("✍️ Подпись");
    await signatureScreen;
    const askName = user.waitForMessage("Как подписывать ваши письма?", WAIT);
    await user.pressButton("✏️ Выбрать подпись");
    await askName;
    const tooLong = user.waitForMessage("Слишком длинно", WAIT);
    await user.sendText("А".repeat(80));
    await tooLong;
    const signed = user.waitForMessage("ваши письма будут подписаны «Анна Т.»", WAIT);
    await user.sendText("  Анна\u200b   Т. ");
    await signed;
    expect((await writerOf(t, user)).signatureName).toBe("Анна Т.");

    // The question has a way out: "Back" returns to Settings, and a later message is not taken as a name.
    const current = user.waitForMessage("Ваши письма подписаны так: Анна Т.", EDIT);
    await user.pressButton("✍️ Подпись");
    await current;
    const askAgain = user.waitForMessage("Как подписывать ваши письма?", WAIT);
    await user.pressButton("✏️ Изменить");
    const question = await askAgain;
    expect(buttons(question)).toEqual(["‹ Назад"]);
    const backInSettings = user.waitForMessage("Настройки. Что хотите изменить?", EDIT);
    await user.pressButton("‹ Назад", { messageId: question.messageId });
    await backInSettings;
    const fallback = user.waitForMessage("Не получилось разобрать", WAIT);
    await user.sendText("Мария");
    await fallback;
    expect((await writerOf(t, user)).signatureName).toBe("Анна Т.");
  });

  it("the guide: contents, each section with back navigation edited in place", async () => {
    const t = await start();
    const { user } = await newWriter(t, "en");

    // A command in the middle of a small question leaves the question and is handled as usual.
    const screen = user.waitForMessage("What do you enjoy?", WAIT);
    await user.sendText("/interests");
    await screen;
    const ask = user.waitForMessage("separated by commas", WAIT);
    await user.pressButton("✏️ My own", { timeoutMs: 10_000 });
    await ask;
    const contentsWait = user.waitForMessage("How to write a letter", WAIT);
    await user.sendText("/guide");
    const contents = await contentsWait;
    const fallback = user.waitForMessage("We didn't quite catch that", WAIT);
    await user.sendText("jazz, mountains");
    await fallback;
    expect((await writerOf(t, user)).interests).toEqual([]);
    expect(buttons(contents)).toEqual([
      "🚀 Getting started",
      "✂️ What you cannot write",
      "✍️ What you can write",
      "💬 Communication tips",
      "📮 What happens next",
      "🤝 How else to support",
      "❓ Why such charges?",
      "‹ Back",
    ]);
    const censorship = user.waitForMessage("Censors stop letters with", EDIT);
    await user.pressButton("✂️ What you cannot write");
    const section = await censorship;
    expect(section.messageId).toBe(contents.messageId);
    const next = user.waitForMessage("Almost anything from ordinary life", EDIT);
    await user.pressButton("Next: ✍️ What you can write ›");
    await next;
    const back = user.waitForMessage("Choose a topic", EDIT);
    await user.pressButton("‹ Contents");
    expect((await back).messageId).toBe(contents.messageId);

    // From the main menu too.
    const menu = user.waitForMessage(undefined, WAIT);
    await user.sendText("/start");
    await menu;
    const fromMenu = user.waitForMessage("Choose a topic", EDIT);
    await user.pressButton("📖 How to write");
    await fromMenu;
  });
});
