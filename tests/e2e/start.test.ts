import { Writable } from "node:stream";
import { Composer, InlineKeyboard } from "grammy";
import { describe, expect, it, vi } from "vitest";
import { sessionKey } from "../../src/bot/index.js";
import type { BotContext } from "../../src/bot/context.js";
import type { ConversationModule } from "../../src/bot/conversations/index.js";
import { findWriterByTelegramId } from "../../src/db/repositories/writers.js";
import { createLogger } from "../../src/logger.js";
import { startTestAppPerTest } from "../helpers/app.js";

const RU_WELCOME = "Здравствуйте! Это Lifeline.";
const EN_WELCOME = "Hello! This is Lifeline.";
const RU_ERROR = "Простите, у нас что-то пошло не так.";
const EN_ERROR = "Sorry, something went wrong on our side.";

const start = startTestAppPerTest();

function buttonTexts(message: { inlineKeyboard: { text: string }[][] }): string[] {
  return message.inlineKeyboard.flat().map((b) => b.text);
}

describe("/start", () => {
  it("answers a Russian-speaking user in Russian and stores the writer with ru", async () => {
    const t = await start();
    const user = t.user({ languageCode: "ru", firstName: "Анна" });
    const reply = user.waitForMessage();
    await user.sendText("/start");
    const welcome = await reply;
    expect(welcome.text).toContain(RU_WELCOME);
    expect(welcome.text).toContain("займёт минут 20–30");
    // Wave-2 features add their entries; settings and help stay.
    expect(buttonTexts(welcome)).toEqual(expect.arrayContaining(["⚙️ Настройки", "ℹ️ Помощь"]));

    const writer = await findWriterByTelegramId(t.app.prisma, user.id);
    expect(writer?.language).toBe("ru");
    // Nothing personal beyond the Telegram id and the language.
    expect(writer?.signatureName).toBeNull();
    // Session state lives in Redis under the app's prefix (written once the update is done, just after the answer).
    await vi.waitFor(async () => expect(await t.app.redis.exists(sessionKey(t.config.redisPrefix, user.id))).toBe(1), { timeout: 5_000 });
  });

  it.each([
    ["en-US", EN_WELCOME, "en"],
    [undefined, EN_WELCOME, "en"],
    ["de", EN_WELCOME, "en"],
    ["ru-RU", RU_WELCOME, "ru"],
    ["uk", RU_WELCOME, "ru"],
    ["be", RU_WELCOME, "ru"],
    ["kk-KZ", RU_WELCOME, "ru"],
  ])("language_code %s gets the welcome in the right language", async (languageCode, expected, stored) => {
    const t = await start({ roles: ["bot"] });
    const user = t.user(languageCode === undefined ? {} : { languageCode });
    const reply = user.waitForMessage();
    await user.sendText("/start");
    expect((await reply).text).toContain(expected);
    expect((await findWriterByTelegramId(t.app.prisma, user.id))?.language).toBe(stored);
  });

  it("sets the command menus and the bot's description in both languages at start-up", async () => {
    const t = await start({ roles: ["bot"] });
    const calls = t.fake.calls("setMyCommands");
    const scoped = (type: string, language?: string) =>
      calls.find((c) => JSON.stringify(c.params.scope).includes(`"${type}"`) && c.params.language_code === language)?.params.commands as
        | { command: string; description: string }[]
        | undefined;
    expect(JSON.stringify(scoped("all_private_chats"))).toContain("Main menu");
    expect(JSON.stringify(scoped("all_private_chats", "ru"))).toContain("Главное меню");
    // Groups get how to set up the operators' chat, not the writers' commands.
    expect(scoped("all_group_chats")?.map((c) => c.command)).toEqual(["setup", "whoami"]);
    expect(scoped("all_group_chats", "ru")?.map((c) => c.description)).toEqual(["Сделать эту группу чатом операторов", "Показать мой Telegram id"]);

    const description = (method: string, language?: string) =>
      t.fake.calls(method).find((c) => c.params.language_code === language)?.params;
    expect(description("setMyDescription")?.description).toContain("Lifeline gets letters to political prisoners in Russia");
    expect(description("setMyDescription", "ru")?.description).toContain("Lifeline помогает писать письма политзаключённым в России");
    expect(description("setMyShortDescription")?.short_description).toContain("Write a letter to a political prisoner");
    expect(description("setMyShortDescription", "ru")?.short_description).toContain("Напишите письмо политзаключённому");
  });

  it("the first screen offers both languages in one tap; the choice is stored and the chat's menu follows it", async () => {
    const t = await start({ roles: ["bot"] });
    // A Russian speaker whose Telegram is in English.
    const user = t.user({ languageCode: "en" });
    const reply = user.waitForMessage();
    await user.sendText("/start");
    const first = await reply;
    expect(first.text).toContain(EN_WELCOME);
    expect(first.inlineKeyboard[0]?.map((b) => b.text)).toEqual(["🇷🇺 Русский", "🇬🇧 English"]);

    const russian = user.waitForMessage(RU_WELCOME, { includeEdits: true });
    await user.pressButton("🇷🇺 Русский", { messageId: first.messageId });
    const redrawn = await russian;
    expect(redrawn.messageId).toBe(first.messageId);
    expect(buttonTexts(redrawn)).toEqual(expect.arrayContaining(["⚙️ Настройки"]));
    expect(buttonTexts(redrawn)).not.toContain("🇬🇧 English");
    expect((await findWriterByTelegramId(t.app.prisma, user.id))?.language).toBe("ru");
    // This chat's menu is in Russian now, whatever the app's language.
    await expect
      .poll(() => {
        const call = t.fake.calls("setMyCommands").find((c) => JSON.stringify(c.params.scope).includes(`"chat_id":${user.id}`));
        return JSON.stringify(call?.params.commands ?? null);
      })
      .toContain("Главное меню");

    // Later welcomes do not ask again.
    const again = user.waitForMessage();
    await user.sendText("/start");
    const second = await again;
    expect(second.text).toContain(RU_WELCOME);
    expect(buttonTexts(second)).not.toContain("🇬🇧 English");
  });

  it("/help answers in the user's language", async () => {
    const t = await start({ roles: ["bot"] });
    const user = t.user({ languageCode: "ru" });
    const reply = user.waitForMessage();
    await user.sendText("/help");
    expect((await reply).text).toContain("Как работает Lifeline");
  });
});

describe("language switch", () => {
  it("persists in the database and survives a restart", async () => {
    const t = await start({ roles: ["bot"] });
    const user = t.user({ languageCode: "en-US" });
    const welcome = user.waitForMessage();
    await user.sendText("/start");
    await welcome;

    const settings = user.waitForMessage("Settings. What would you like to change?", { includeEdits: true });
    await user.pressButton("⚙️ Settings");
    await settings;
    const chooseLanguage = user.waitForMessage("Which language should we speak?", { includeEdits: true });
    await user.pressButton("🌐 Language");
    await chooseLanguage;
    const changed = user.waitForMessage("Готово: теперь мы говорим по-русски.", { includeEdits: true });
    await user.pressButton("🇷🇺 Русский");
    const confirmation = await changed;
    expect(buttonTexts(confirmation)).toContain("⚙️ Настройки");
    expect((await findWriterByTelegramId(t.app.prisma, user.id))?.language).toBe("ru");

    await t.restart();

    const help = user.waitForMessage();
    await user.sendText("/help");
    expect((await help).text).toContain("Как работает Lifeline");
    // Telegram still reports en-US; the stored choice wins.
    const again = user.waitForMessage();
    await user.sendText("/start");
    expect((await again).text).toContain(RU_WELCOME);

    // And back to English through /language.
    const chooser = user.waitForMessage();
    await user.sendText("/language");
    expect((await chooser).text).toBe("На каком языке нам с вами говорить?");
    const english = user.waitForMessage("Done: from now on we speak English.", { includeEdits: true });
    await user.pressButton("🇬🇧 English");
    await english;
    expect((await findWriterByTelegramId(t.app.prisma, user.id))?.language).toBe("en");
  });
});

/** A feature that fails on purpose, injected through createBot's options (no test branch in src). */
const failingFeature = () => {
  const composer = new Composer<BotContext>();
  composer.command("boom", () => {
    throw new Error("handler exploded");
  });
  composer.callbackQuery("boom", () => {
    throw new Error("button handler exploded");
  });
  composer.command("boombutton", (ctx) => ctx.reply("press", { reply_markup: new InlineKeyboard().text("Boom", "boom").text("Old", "old:123") }));
  return composer;
};

describe("error boundary", () => {
  it("logs ids only, tells the user politely, and keeps answering", async () => {
    const lines: string[] = [];
    const logger = createLogger(
      "info",
      new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(...chunk.toString().split("\n").filter(Boolean));
          done();
        },
      }),
    );
    const t = await start({ roles: ["bot"], bot: { extraFeatures: [failingFeature] }, logger });
    const user = t.user({ languageCode: "ru", firstName: "Секретное", lastName: "Имя", username: "secret_user" });

    const polite = user.waitForMessage();
    await user.sendText("/boom with some private words");
    expect((await polite).text).toContain(RU_ERROR);

    const welcome = user.waitForMessage();
    await user.sendText("/start");
    expect((await welcome).text).toContain(RU_WELCOME);

    const failure = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === "update handler failed");
    expect(failure).toBeDefined();
    expect(failure?.chat_id).toBe(user.id);
    expect(typeof failure?.update_id).toBe("number");
    expect(JSON.stringify(failure)).toContain("handler exploded");
    const all = lines.join("\n");
    for (const secret of ["Секретное", "Имя", "secret_user", "private words"]) expect(all).not.toContain(secret);
  });

  it("a failing button gets answered and the polite message; unknown buttons get a polite notice", async () => {
    const t = await start({ roles: ["bot"], bot: { extraFeatures: [failingFeature] } });
    const user = t.user({ languageCode: "en" });
    const prompt = user.waitForMessage("press");
    await user.sendText("/boombutton");
    await prompt;

    const polite = user.waitForMessage(EN_ERROR);
    await user.pressButton("Boom");
    await polite;

    const answer = await user.pressButton("Old");
    expect(answer.text).toBe("This button no longer works. Send /start to open the menu.");
  });
});

/** A small conversation to prove the wiring later flows rely on (Redis storage, i18n inside, /cancel). */
const echoConversation: ConversationModule = {
  id: "echo",
  build: () => async (conversation, ctx) => {
    await ctx.reply(`echo-ready ${ctx.t("menu-back")}`);
    const next = await conversation.waitFor("message:text");
    await next.reply(`echo: ${next.message.text} ${next.t("menu-back")}`);
  },
};
const enterEcho = () => {
  const composer = new Composer<BotContext>();
  composer.command("echo", (ctx) => ctx.conversation.enter("echo"));
  return composer;
};

describe("conversations", () => {
  it("a waiting conversation survives a restart, and has i18n inside", async () => {
    const t = await start({ roles: ["bot"], bot: { conversations: [echoConversation], extraFeatures: [enterEcho] } });
    const user = t.user({ languageCode: "ru" });
    const ready = user.waitForMessage(/^echo-ready/);
    await user.sendText("/echo");
    expect((await ready).text).toBe("echo-ready ‹ Назад");

    await t.restart();

    const echoed = user.waitForMessage(/^echo:/);
    await user.sendText("привет");
    expect((await echoed).text).toBe("echo: привет ‹ Назад");
  });

  it("/cancel leaves a waiting conversation and answers politely", async () => {
    const t = await start({ roles: ["bot"], bot: { conversations: [echoConversation], extraFeatures: [enterEcho] } });
    const user = t.user({ languageCode: "en" });
    const ready = user.waitForMessage(/^echo-ready/);
    await user.sendText("/echo");
    await ready;

    const cancelled = user.waitForMessage();
    await user.sendText("/cancel");
    expect((await cancelled).text).toBe("All right, stopped. You can start again from the menu.");

    // The conversation is gone: text now reaches the fallback, not the echo.
    const fallback = user.waitForMessage();
    await user.sendText("hello");
    expect((await fallback).text).toBe("We didn't quite catch that. Here is the menu:");

    const nothing = user.waitForMessage();
    await user.sendText("/cancel");
    expect((await nothing).text).toBe("There is nothing to cancel right now.");
  });
});
