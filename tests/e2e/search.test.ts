// Finding a person through the bot, as a writer does it: the menu, /search, browsing, cards,
// inline mode, and writing to someone specific.
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyPrisonerImport } from "../../src/db/repositories/prisoner-import.js";
import { getStats } from "../../src/db/repositories/stats.js";
import { RULES_VERSION } from "../../src/domain/rules.js";
import { parsePrisonerRecord } from "../../src/domain/prisoner-record.js";
import type { FakeMessage, FakeUser } from "../../src/fake-telegram/index.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { createIsolatedDatabase, type IsolatedDatabase } from "../helpers/db.js";
import { prisonerRecord } from "../helpers/prisoner-records.js";
import { chooseTyped, pressSend, typePart } from "./letter-helpers.js";

const WAIT = { timeoutMs: 10_000 } as const;
const EDIT = { timeoutMs: 10_000, includeEdits: true } as const;

let db: IsolatedDatabase;
let t: TestApp;
beforeAll(async () => {
  db = await createIsolatedDatabase();
  t = await startTestApp({ roles: ["bot"], env: { DATABASE_URL: db.url } });
  const people = [
    prisonerRecord("e-1", { lastName: "Иванова", firstName: "Анна", patronymic: "Сергеевна", lastNameLatin: "Ivanova", firstNameLatin: "Anna", patronymicLatin: "Sergeevna", views: ["anti-war"], interests: ["music"], professionRu: "учитель", professionEn: "teacher" }),
    prisonerRecord("e-2", { lastName: "Кукушкина", firstName: "Зоя", patronymic: null, lastNameLatin: "Kukushkina", firstNameLatin: "Zoya", patronymicLatin: null, canReceiveLetters: false, cannotReceiveReason: "released", releasedAt: "2026-03-01", postalAddress: null, views: ["faith"], professionRu: "медсестра", professionEn: "nurse", region: "Республика Карелия", regionEn: "Republic of Karelia" }),
    prisonerRecord("e-3", { lastName: "Грибоедов", firstName: "Илья", lastNameLatin: "Griboedov", firstNameLatin: "Ilya", views: ["faith"], professionRu: "плотник", professionEn: "carpenter", region: "Республика Карелия", regionEn: "Republic of Karelia", lettersCount: 2 }),
    // Identity protected: the list has a facility and a region, and neither may reach a writer.
    prisonerRecord("e-4", { lastName: "Тайнова", firstName: "Вера", patronymic: null, lastNameLatin: "Taynova", firstNameLatin: "Vera", patronymicLatin: null, canReceiveLetters: false, cannotReceiveReason: "identity_protected", postalAddress: null, facilityName: "ФКУ ИК-99 УФСИН России по Хабаровскому краю", region: "Хабаровский край", regionEn: "Khabarovsk Krai", views: [], interests: [], professionRu: null, professionEn: null }),
    ...Array.from({ length: 7 }, (_, i) =>
      prisonerRecord(`e-p${i}`, { lastName: "Пеструхин", firstName: ["Лев", "Ян", "Глеб", "Марк", "Ной", "Пётр", "Рем"][i]!, lastNameLatin: "Pestrukhin", firstNameLatin: ["Lev", "Yan", "Gleb", "Mark", "Noy", "Pyotr", "Rem"][i]!, lettersCount: i }),
    ),
  ];
  await applyPrisonerImport(t.app.prisma, people.map(parsePrisonerRecord));
});
afterAll(async () => {
  await t.stop();
  await db.drop();
});

const buttons = (m: FakeMessage) => m.inlineKeyboard.flat().map((b) => b.text);

async function started(language: "ru" | "en"): Promise<FakeUser> {
  const user = t.user({ languageCode: language });
  const welcome = user.waitForMessage(undefined, WAIT);
  await user.sendText("/start");
  await welcome;
  return user;
}

async function acceptRules(user: FakeUser): Promise<void> {
  await t.app.prisma.writer.update({ where: { telegramId: BigInt(user.id) }, data: { rulesAcceptedVersion: RULES_VERSION } });
}

describe("search by name", () => {
  it("from the menu: Latin spelling finds the Cyrillic name; the card leads into the letter flow", async () => {
    const user = await started("ru");
    const prompt = user.waitForMessage("Напишите имя или фамилию", EDIT);
    await user.pressButton("🔎 Найти человека");
    expect(buttons(await prompt)).toEqual([
      "🎨 По интересам",
      "🕊 По взглядам и группам",
      "💼 По профессии",
      "🗺 По региону",
      "✍️ Написать конкретному человеку",
      "‹ Назад",
    ]);

    const results = user.waitForMessage("По запросу «Ivanova»", WAIT);
    await user.sendText("Ivanova");
    const list = await results;
    expect(list.text).toContain("1. Анна Иванова");
    expect(list.text).toContain("1984 г. р., Пермский край, учитель · писем ещё нет");
    expect(buttons(list)[0]).toBe("1. Анна Иванова");

    const card = user.waitForMessage("Иванова Анна Сергеевна", WAIT);
    await user.pressButton("1. Анна Иванова");
    const shown = await card;
    expect(shown.text).toContain("Написал пост против войны.");
    expect(shown.text).not.toContain("ул. Примерная"); // the postal address is never shown
    expect(buttons(shown)).toEqual(["✉️ Написать: Анна Иванова", "‹ К поиску"]);

    // The rules come first for a new writer...
    const rules = user.waitForMessage("Прежде чем писать", EDIT);
    await user.pressButton("✉️ Написать: Анна Иванова");
    const rulesScreen = await rules;
    expect(buttons(rulesScreen)).toContain("✅ Понятно");
    // ...then the same letter flow as an assignment.
    const letter = user.waitForMessage("Как вы хотите его написать?", WAIT);
    await user.pressButton("✅ Понятно");
    expect((await letter).text).toContain("Анна Иванова");
  });

  it("in English, tolerating a typo and Cyrillic input, with pages edited in place", async () => {
    const user = await started("en");
    const results = user.waitForMessage("7 people found", WAIT);
    await user.sendText("/search Пеструхен");
    const first = await results;
    const page1 = buttons(first);
    expect(page1.slice(0, 5).every((b, i) => new RegExp(`^${i + 1}\\. \\w+ Pestrukhin$`).test(b))).toBe(true);
    expect(page1.slice(5)).toEqual(["1 / 2", "▶️", "‹ Back to search"]);
    expect(first.text).not.toContain("6.");
    expect(first.text).toContain("born 1984, Perm Krai, teacher");

    const second = user.waitForMessage((m) => m.messageId === first.messageId && (m.text ?? "").includes("6. "), EDIT);
    await user.pressButton("▶️");
    const page2 = buttons(await second);
    expect(page2.slice(2)).toEqual(["◀️", "2 / 2", "‹ Back to search"]);
    const everyone = [...page1.slice(0, 5), ...page2.slice(0, 2)].map((b) => b.replace(/^\d+\. /, ""));
    expect(new Set(everyone)).toEqual(new Set(["Lev", "Yan", "Gleb", "Mark", "Noy", "Pyotr", "Rem"].map((n) => `${n} Pestrukhin`)));
    expect(user.messages().filter((m) => (m.text ?? "").includes("people found"))).toHaveLength(1);

    const back = user.waitForMessage((m) => m.messageId === first.messageId && (m.text ?? "").includes("5. "), EDIT);
    await user.pressButton("◀️");
    await back;

    // The list shrinks (an import removed people): "next page" now points past the end, and shows
    // the last real page with a notice.
    await t.app.prisma.prisoner.deleteMany({ where: { externalId: { in: ["e-p5", "e-p6"] } } });
    const clamped = user.waitForMessage((m) => m.messageId === first.messageId && (m.text ?? "").includes("5 people found"), EDIT);
    const answer = await user.pressButton("▶️");
    expect(answer.text).toBe("That page no longer exists; here is the last one.");
    const last = buttons(await clamped);
    expect(last).toHaveLength(6);
    expect(last.slice(0, 5).every((b) => / Pestrukhin$/.test(b))).toBe(true);
    expect(last[5]).toBe("‹ Back to search");
  });

  it("handles empty, symbol-only, overlong and markup-laden queries", async () => {
    const user = await started("en");
    const menu = user.waitForMessage("Type a name or surname", WAIT);
    await user.sendText("/search");
    await menu;

    let reply = user.waitForMessage("A name needs letters", WAIT);
    await user.sendText("!!! %%% ***");
    await reply;
    reply = user.waitForMessage("That is too long for a name", WAIT);
    await user.sendText("Ivanova ".repeat(20));
    await reply;
    reply = user.waitForMessage("Anna Ivanova", WAIT);
    await user.sendText("<b>Ivanova</b>");
    expect((await reply).text).toContain("for “<b>Ivanova</b>”");
    reply = user.waitForMessage("Nobody called", WAIT);
    await user.sendText("<script>alert(1)</script> & _*[`");
    const none = await reply;
    expect(none.text).toContain("Nobody called “<script>alert(1)</script> & _*[`” is in our list.");
    expect(buttons(none)).toEqual(["✍️ Write to someone specific", "‹ Back to search"]);
    reply = user.waitForMessage("Nobody called", WAIT);
    await user.sendText("'; DROP TABLE prisoners; --");
    await reply;
    expect(await t.app.prisma.prisoner.count()).toBeGreaterThan(0);

    // Leaving the search screen: a later message is not taken for a name.
    const menu2 = user.waitForMessage("Main menu", EDIT);
    await user.pressButton("‹ Back");
    await menu2;
    reply = user.waitForMessage("We didn't quite catch that", WAIT);
    await user.sendText("Ivanova");
    await reply;
  });
});

describe("browse", () => {
  it("by views, then a person who cannot receive letters shows why and offers the next options", async () => {
    const user = await started("ru");
    const menu = user.waitForMessage("Напишите имя или фамилию", WAIT);
    await user.sendText("/search");
    await menu;
    const views = user.waitForMessage("Какие взгляды или группа?", EDIT);
    await user.pressButton("🕊 По взглядам и группам");
    const viewList = await views;
    expect(buttons(viewList)).toContain("Вера (2)");
    // The count follows the data (an earlier test removed two people).
    expect(buttons(viewList)).toEqual(["Против войны (6)", "Вера (2)", "‹ К поиску"]);

    const faith = user.waitForMessage("Вера: 2 человека.", EDIT);
    await user.pressButton("Вера (2)");
    const list = await faith;
    // Reachable first.
    expect(buttons(list).slice(0, 2)).toEqual(["1. Илья Грибоедов", "2. Зоя Кукушкина ⛔"]);
    expect(list.text).toContain("⛔ не может получать письма через нас");

    const card = user.waitForMessage("вышел на свободу", WAIT);
    await user.pressButton("2. Зоя Кукушкина ⛔");
    const shown = await card;
    expect(buttons(shown)).toEqual(["✍️ Написать конкретному человеку", "🎲 Кому-нибудь наугад", "‹ К поиску"]);
  });

  it("by profession and by region, in English", async () => {
    const user = await started("en");
    await user.sendText("/search");
    await user.waitForMessage("Type a name", WAIT);
    const professions = user.waitForMessage("Which profession?", EDIT);
    await user.pressButton("💼 By profession");
    expect(buttons(await professions)).toContain("carpenter (1)");
    const carpenters = user.waitForMessage("carpenter: one person.", EDIT);
    await user.pressButton("carpenter (1)");
    expect(buttons(await carpenters)[0]).toBe("1. Ilya Griboedov");

    const back = user.waitForMessage("Which profession?", EDIT);
    await user.pressButton("‹ Back to search");
    await back;
    const menu = user.waitForMessage("Type a name", EDIT);
    await user.pressButton("‹ Back to search");
    await menu;
    const regions = user.waitForMessage("Which region?", EDIT);
    await user.pressButton("🗺 By region");
    expect(buttons(await regions)).toContain("Republic of Karelia (2)");
    const karelia = user.waitForMessage("Republic of Karelia: 2 people.", EDIT);
    await user.pressButton("Republic of Karelia (2)");
    await karelia;
  });
});

describe("inline mode", () => {
  it("answers with cards whose button opens the bot on that person", async () => {
    const user = await started("en");
    const answer = await user.sendInlineQuery("Ivanova");
    expect(answer.isPersonal).toBe(true);
    const first = answer.results[0];
    expect(first).toMatchObject({ type: "article", title: "Anna Ivanova" });
    const markup = (first as { reply_markup?: { inline_keyboard: { text: string; url?: string }[][] } }).reply_markup;
    const anna = await t.app.prisma.prisoner.findUniqueOrThrow({ where: { externalId: "e-1" } });
    expect(anna.publicToken).toMatch(/^[0-9a-f]{32}$/);
    expect(markup?.inline_keyboard[0]?.[0]).toEqual({ text: "✉️ Open in Lifeline", url: `https://t.me/${t.fake.botInfo.username}?start=c_${anna.publicToken}` });
    const content = (first as { input_message_content: { message_text: string } }).input_message_content.message_text;
    expect(content).toContain("<b>Anna Ivanova</b> (Иванова Анна Сергеевна)");

    const empty = await user.sendInlineQuery("");
    expect(empty.results.length).toBeGreaterThan(0);
    const nothing = await user.sendInlineQuery("<>&%");
    expect(nothing.results).toEqual([]);
    expect(nothing.button).toEqual({ text: "Type a name or surname", start_parameter: "search" });
    const prompt = user.waitForMessage("Type a name or surname, in Russian or in Latin letters", WAIT);
    await user.sendText("/start search");
    await prompt;

    const card = user.waitForMessage("Anna Sergeevna Ivanova", WAIT);
    await user.sendText(`/start c_${anna.publicToken}`);
    const shown = await card;
    expect(buttons(shown)).toEqual(["✉️ Write to Anna Ivanova", "‹ Back to search"]);

    // A token nobody has (a person removed from the list) says so and still shows the welcome.
    const gone = user.waitForMessage("no longer in our list", WAIT);
    await user.sendText(`/start c_${"0".repeat(32)}`);
    await gone;

    // Links of earlier versions (by external id, by guessable row id) open nothing: "out of date", then search.
    for (const old of ["p_e-1", `pid_${anna.id}`]) {
      const outdated = user.waitForMessage("This link is out of date", WAIT);
      const prompt2 = user.waitForMessage("Type a name or surname, in Russian", WAIT);
      await user.sendText(`/start ${old}`);
      await outdated;
      await prompt2;
    }
    expect(user.messages().filter((m) => (m.text ?? "").includes("Anna Sergeevna Ivanova"))).toHaveLength(1);
  });
});

describe("a person whose identity is protected", () => {
  // Anything that would tell where Вера Тайнова is held: the facility, the region, in any spelling.
  const PLACE = /ИК-99|Хабаровск|Khabarovsk|habarovsk|Where held|Где находится/i;

  it("search, the card, browsing by region, inline and a shared link never tell where she is held", async () => {
    for (const language of ["ru", "en"] as const) {
      const user = await started(language);
      const results = user.waitForMessage(language === "ru" ? "По запросу «Taynova»" : "found for “Taynova”", WAIT);
      await user.sendText("/search Taynova");
      const list = await results;
      const name = language === "ru" ? "1. Вера Тайнова ⛔" : "1. Vera Taynova ⛔";
      expect(buttons(list)[0]).toBe(name);
      const card = user.waitForMessage(language === "ru" ? "Тайнова Вера" : "Vera Taynova", WAIT);
      await user.pressButton(name);
      const shown = await card;
      expect(shown.text).toContain(language === "ru" ? "мы не публикуем, где он находится" : "we cannot publish where they are held");

      // Inline: the shared text and the result line; then the link it carries.
      const answer = await user.sendInlineQuery("Тайнова");
      expect(answer.results).toHaveLength(1);
      expect(JSON.stringify(answer.results)).not.toMatch(PLACE);
      const url = (answer.results[0] as { reply_markup: { inline_keyboard: { url: string }[][] } }).reply_markup.inline_keyboard[0]![0]!.url;
      const payload = new URL(url).searchParams.get("start")!;
      expect(payload).toMatch(/^c_[0-9a-f]{32}$/);
      const linked = user.waitForMessage((m) => m.messageId > shown.messageId && (m.text ?? "").includes(language === "ru" ? "Тайнова Вера" : "Vera Taynova"), WAIT);
      await user.sendText(`/start ${payload}`);
      await linked;

      const menu = user.waitForMessage(language === "ru" ? "Напишите имя или фамилию" : "Type a name", WAIT);
      await user.sendText("/search");
      await menu;
      const regions = user.waitForMessage(language === "ru" ? "Какой регион?" : "Which region?", EDIT);
      await user.pressButton(language === "ru" ? "🗺 По региону" : "🗺 By region");
      const regionButtons = buttons(await regions);
      expect(regionButtons.length).toBeGreaterThan(1);

      const everything = user.messages().map((m) => `${m.text ?? ""} ${m.caption ?? ""} ${JSON.stringify(m.inlineKeyboard)}`);
      expect(everything.filter((text) => PLACE.test(text))).toEqual([]);
    }
  });

  it("cannot be written to: the card offers no letter and none can be started", async () => {
    const vera = await t.app.prisma.prisoner.findUniqueOrThrow({ where: { externalId: "e-4" } });
    expect(await t.app.prisma.assignment.count({ where: { prisonerId: vera.id } })).toBe(0);
    const user = await started("en");
    await acceptRules(user);
    const card = user.waitForMessage("Vera Taynova", WAIT);
    await user.sendText(`/start c_${vera.publicToken}`);
    expect(buttons(await card)).toEqual(["✍️ Write to someone specific", "🎲 Someone at random", "‹ Back to search"]);
    expect(await t.app.prisma.letter.count({ where: { prisonerId: vera.id } })).toBe(0);
  });
});

describe("what a search keeps", () => {
  it("only a cleaned, bounded query under a random id, for a day", async () => {
    const user = await started("en");
    const results = user.waitForMessage("found for “Ivanova”", WAIT);
    await user.sendText("/search \u0000Iva\u200Bnova\u0007 ");
    const list = await results;
    const redis = new Redis(t.config.redisUrl);
    try {
      const keys = await redis.keys(`${t.config.redisPrefix}:search:q:*`);
      const values = await Promise.all(keys.map(async (k) => ({ value: await redis.get(k), ttl: await redis.ttl(k) })));
      expect(values.map((v) => v.value)).toContain("Ivanova");
      for (const v of values) {
        expect(v.value).not.toMatch(/[\p{Cc}\p{Cf}]/u);
        expect([...(v.value ?? "")].length).toBeLessThanOrEqual(100);
        expect(v.ttl).toBeGreaterThan(0);
        expect(v.ttl).toBeLessThanOrEqual(24 * 3600);
      }
      expect(keys.every((k) => !k.includes(String(user.id)))).toBe(true);
    } finally {
      redis.disconnect();
    }
    expect(list.text).not.toContain("\u0000");
  });
});

describe("writing to someone specific", () => {
  it("a form, a request for the operators, then the letter on it, end to end", async () => {
    const user = await started("ru");
    await acceptRules(user);
    const none = user.waitForMessage("Человека по запросу", WAIT);
    await user.sendText("/search Шишкина Мария");
    await none;

    const askName = user.waitForMessage("Как зовут человека полностью", WAIT);
    await user.pressButton("✍️ Написать конкретному человеку");
    await askName;
    let reply = user.waitForMessage("хотя бы фамилию и имя", WAIT);
    await user.sendText("Шишкина");
    await reply;
    const askYear = user.waitForMessage("В каком году родился человек?", WAIT);
    await user.sendText("Шишкина Мария Ивановна");
    await askYear;
    reply = user.waitForMessage("Напишите год от 1900 до", WAIT);
    await user.sendText("2024");
    await reply;
    reply = user.waitForMessage("четырьмя цифрами", WAIT);
    await user.sendText("восемьдесят пятый");
    await reply;
    const askFacility = user.waitForMessage("Где находится человек", WAIT);
    await user.sendText("1985");
    expect(buttons(await askFacility)).toEqual(["Отмена", "Не знаю"]);
    const saved = user.waitForMessage("запрос R-", WAIT);
    await user.pressButton("Не знаю");
    const savedMessage = await saved;

    const writer = await t.app.prisma.writer.findUniqueOrThrow({ where: { telegramId: BigInt(user.id) } });
    const request = await t.app.prisma.specificRequest.findFirstOrThrow({ where: { writerId: writer.id } });
    expect(request).toMatchObject({ fullName: "Шишкина Мария Ивановна", birthYear: 1985, facility: null, status: "open" });
    expect(savedMessage.text).toContain(`запрос R-${request.id} сохранён`);

    // The letter on the request goes through the letter flow.
    const chooser = user.waitForMessage("Как вы хотите его написать?", WAIT);
    await user.pressButton("✍️ Написать письмо");
    expect((await chooser).text).toContain("Шишкина Мария Ивановна");
    await chooseTyped(user, "ru");
    await typePart(user, "ru", "Здравствуйте, Мария! Меня зовут Ольга, я живу в Тбилиси и очень люблю печь хлеб по выходным. А что любите вы?");
    const signature = user.waitForMessage("Как подписать ваше письмо?", WAIT);
    await user.pressButton("✅ Готово");
    await signature;
    const summary = user.waitForMessage("Проверьте письмо перед отправкой", WAIT);
    await user.sendText("Ольга");
    await summary;
    await pressSend(user, "ru");
    const letter = await t.app.prisma.letter.findFirstOrThrow({ where: { writerId: writer.id } });
    expect(letter).toMatchObject({ specificRequestId: request.id, prisonerId: null, status: "submitted" });

    // One letter per request: the old button says so.
    const again = await user.pressButton("✍️ Написать письмо");
    expect(again.text).toBe("Письмо по этому запросу вы уже написали.");
  });

  it("can be cancelled, and a command leaves it", async () => {
    const user = await started("en");
    await user.sendText("/search Nobodyknows Atall");
    await user.waitForMessage("Nobody called", WAIT);
    const ask = user.waitForMessage("What is the person’s full name", WAIT);
    await user.pressButton("✍️ Write to someone specific");
    await ask;
    const cancelled = user.waitForMessage(undefined, WAIT);
    await user.pressButton("Cancel");
    await cancelled;
    const stats = user.waitForMessage("Letters written", WAIT);
    await user.sendText("/stats");
    const expected = await getStats(t.app.prisma);
    // The letter of the previous test is counted.
    expect(expected.lettersWritten).toBe(1);
    expect((await stats).text).toBe(
      [
        "What Lifeline’s writers have done together:",
        "",
        `✍️ Letters written: ${expected.lettersWritten}`,
        `📮 Letters posted: ${expected.lettersPosted}`,
        `💌 Replies received: ${expected.repliesReceived}`,
        `⏳ People waiting for their first letter: ${expected.waitingForFirstLetter}`,
      ].join("\n"),
    );
    const writer = await t.app.prisma.writer.findUniqueOrThrow({ where: { telegramId: BigInt(user.id) } });
    expect(await t.app.prisma.specificRequest.count({ where: { writerId: writer.id } })).toBe(0);
  });
});
