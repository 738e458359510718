import { describe, expect, it } from "vitest";
import { conversationModules } from "../../src/bot/conversations/index.js";
import { letterConversation } from "../../src/bot/conversations/letter/index.js";
import { getStats } from "../../src/db/repositories/stats.js";
import { startTestAppPerTest } from "../helpers/app.js";
import { buttonTexts, chooseTyped, letterCodeIn, openLetter, pressSend, typePart, WAIT } from "./letter-helpers.js";

const start = startTestAppPerTest({ roles: ["bot"] });

const PART1 =
  "Здравствуйте, Пётр! Меня зовут Анна, я живу в Риге и работаю в библиотеке. Недавно перечитала «Мастера и Маргариту» и вспомнила, как любила эту книгу в юности.";
const PART2_WAR = "Очень жаль, что идёт война. Весной у нас распустились каштаны, и я каждый день гуляю с собакой у моря.";
const PART2_FIXED = "Весной у нас распустились каштаны, и я каждый день гуляю с собакой у моря. А что вы любите читать?";

describe("a typed letter", () => {
  it("Russian writer: two messages, pre-check warns about «война», fixes it, sends; everything is recorded", async () => {
    const t = await start();
    const user = t.user({ languageCode: "ru" });
    const f = await openLetter(t, user, { language: "ru" });
    expect(f.chooser.text).toContain("Пишем письмо. Получатель: Пётр Примеров, ФКУ ИК-28");
    expect(buttonTexts(f.chooser)).toEqual(["⌨️ Набрать здесь", "📷 Фото письма от руки", "✖️ Отменить"]);

    expect((await chooseTyped(user, "ru")).text).toMatch(/не меньше 30 и не больше 9\s000 знаков/);

    expect((await typePart(user, "ru", PART1)).text).toMatch(new RegExp(`Сейчас в письме ${PART1.length} знаков из 9\\s000 возможных \\(примерно 1 страница\\)`));
    const status = user.waitForMessage("Сейчас в письме", WAIT);
    const second = await user.sendText(PART2_WAR);
    const afterSecond = await status;
    expect(afterSecond.text).toMatch(new RegExp(`${PART1.length + 2 + PART2_WAR.length} знак(а|ов)? из`));
    expect(buttonTexts(afterSecond)).toEqual(["👁 Посмотреть", "🔄 Начать заново", "✅ Готово", "✖️ Отменить"]);

    const preview = user.waitForMessage("Ваше письмо (1/1)", WAIT);
    await user.pressButton("👁 Посмотреть");
    expect((await preview).text).toBe(`Ваше письмо (1/1):\n\n${PART1}\n\n${PART2_WAR}`);

    const warning = user.waitForMessage("«война»", WAIT);
    await user.pressButton("✅ Готово");
    const check = await warning;
    expect(check.text).toContain("Мы проверили письмо");
    expect(check.text).toContain("⚠️ Война и армия: «война».");
    expect(buttonTexts(check)).toEqual(["✏️ Исправить письмо", "Отправить как есть", "✖️ Отменить"]);

    const fixHint = user.waitForMessage("Текст сохранён.", WAIT);
    await user.pressButton("✏️ Исправить письмо");
    await fixHint;
    // Telegram's own Edit on the second message replaces that part of the letter.
    const updated = user.waitForMessage("Эта часть письма обновлена", WAIT);
    await user.editText(second.message_id, PART2_FIXED);
    await updated;

    const signatureAsk = user.waitForMessage("Как подписать ваше письмо?", WAIT);
    const clean = user.waitForMessage("Мы не нашли ничего", WAIT);
    await user.pressButton("✅ Готово");
    await clean;
    expect((await signatureAsk).text).toContain("псевдоним");

    const summary = user.waitForMessage("Проверьте письмо перед отправкой", WAIT);
    await user.sendText("  Анна\u0000 ");
    const shown = await summary;
    expect(shown.text).toContain("Кому: Пётр Примеров, ФКУ ИК-28 УФСИН России по Пермскому краю");
    expect(shown.text).toContain(`Набранное письмо: ${PART1.length + 2 + PART2_FIXED.length} знаков (примерно 1 печатная страница)`);
    expect(shown.text).toContain("Подпись: Анна");
    expect(buttonTexts(shown)).toEqual(["📨 Отправить", "✏️ Изменить", "✖️ Отменить"]);

    const before = await getStats(t.app.prisma);
    const done = await pressSend(user, "ru");
    const code = letterCodeIn(done);
    expect(done.text).toContain(`Его код — ${code}, статус сейчас «на проверке»`);
    expect(done.text).toContain("Когда Пётр Примеров ответит, ответ придёт в этот чат");

    const prisma = t.app.prisma;
    const letter = await prisma.letter.findUniqueOrThrow({ where: { code }, include: { statusEvents: true, pages: true } });
    expect(letter).toMatchObject({
      writerId: f.writerId,
      prisonerId: f.prisonerId,
      kind: "typed",
      text: `${PART1}\n\n${PART2_FIXED}`,
      status: "submitted",
      language: "ru",
      needsTranslation: false,
      signatureName: "Анна",
      precheckWarnings: [],
    });
    expect(letter.pages).toEqual([]);
    expect(letter.statusEvents.map((e) => e.status)).toEqual(["submitted"]);
    expect((await getStats(prisma)).lettersWritten).toBeGreaterThanOrEqual(before.lettersWritten + 1);
    expect((await prisma.prisoner.findUniqueOrThrow({ where: { id: f.prisonerId } })).lettersCount).toBe(1);
    expect(await prisma.assignment.findUniqueOrThrow({ where: { id: f.assignmentId } })).toMatchObject({ status: "used", letterId: letter.id });
    expect((await prisma.writer.findUniqueOrThrow({ where: { id: f.writerId } })).signatureName).toBe("Анна");

    const job = await t.app.queues.byName.moderation.getJob(`moderation-${letter.id}`);
    expect(job?.data).toEqual({ letterId: letter.id });

    // The flow is over: its buttons answer politely, text goes to the menu.
    const stale = await user.pressButton("👁 Посмотреть");
    expect(stale.text).toBe("Эта кнопка больше не работает. Отправьте /start, чтобы открыть меню.");
  });

  it("a letter sent anyway keeps the warnings it was sent with and is marked for translation when not in Russian", async () => {
    const t = await start();
    const user = t.user({ languageCode: "en" });
    await openLetter(t, user, { language: "en", signatureName: "Anna" });
    await chooseTyped(user, "en");
    await typePart(user, "en", "Dear Pyotr, my name is Anna and I live in Riga. I love books and long walks by the sea with my dog.");
    const warning = user.waitForMessage("not in Russian", WAIT);
    await user.pressButton("✅ Done");
    await warning;
    const summary = user.waitForMessage("Please check your letter", WAIT);
    await user.pressButton("Send as it is");
    expect((await summary).text).toContain("Sent despite the check's warnings about: a language other than Russian");
    const code = letterCodeIn(await pressSend(user, "en"));
    const letter = await t.app.prisma.letter.findUniqueOrThrow({ where: { code } });
    expect(letter).toMatchObject({ language: "en", needsTranslation: true, signatureName: "Anna", precheckWarnings: [{ code: "not-russian" }] });
  });
});

describe("typed letter: bad input gets an answer and the flow goes on", () => {
  it("stickers, voice, video, files, NUL bytes, emoji-only, too short, empty, over the limit, commands, foreign buttons, /cancel", async () => {
    const t = await start();
    const user = t.user({ languageCode: "en" });
    const f = await openLetter(t, user, { language: "en", signatureName: "Anna" });

    const expectAnswer = async (action: () => Promise<unknown>, text: string | RegExp) => {
      const reply = user.waitForMessage(text, WAIT);
      await action();
      return reply;
    };

    // Before choosing the kind: text gets "use the buttons".
    await expectAnswer(() => user.sendText("hello?"), "Please choose with the buttons");
    const prompt = await expectAnswer(() => user.pressButton("⌨️ Type it here"), "Write your letter.");
    expect(prompt.text).toContain("at least 30 and at most 9,000 characters");

    expect((await expectAnswer(() => user.sendSticker(), "Stickers cannot go into a letter.")).text).toContain(
      "We are waiting for the text of your letter",
    );
    await expectAnswer(() => user.sendVoice(), "Voice and audio messages cannot go into a letter.");
    await expectAnswer(() => user.sendVideo(), "Videos and GIFs cannot go into a letter.");
    await expectAnswer(() => user.sendDocument(Buffer.from("%PDF-1.4\n%%EOF\n"), { fileName: "letter.pdf" }), "Files of this kind cannot go into a letter.");
    await expectAnswer(() => user.sendText("🙂🙂 \u200b"), "nothing in this message we could print");

    // NUL bytes and control characters are removed, and the writer is told.
    const cleaned = await expectAnswer(() => user.sendText("Hi\u0000 Pyotr,\u0007 I am Anna 🙂."), "Your letter so far");
    expect(cleaned.text).toContain("We removed invisible control characters from the text.");
    expect(cleaned.text).toContain("Emoji cannot be printed, so we left them out.");
    expect(cleaned.text).toContain("Your letter so far: 20 characters out of 9,000 (about 1 page)");

    const tooShort = await expectAnswer(() => user.pressButton("✅ Done"), "The letter has only 20 characters. Write at least 30");
    expect(tooShort.text).toContain("a few lines about yourself");

    // Start over, then Done on the emptied letter.
    await expectAnswer(() => user.pressButton("🔄 Start over"), "The letter is cleared.");
    await expectAnswer(() => user.pressButton("✅ Done"), "The letter is still empty. Please send its text first.");

    // Over the limit: Telegram messages hold at most 4096 characters, so the third one tips it over.
    const chunk = `${"I walked along the sea today. ".repeat(133)}End.`; // 3994 characters
    expect(chunk.length).toBe(3994);
    await expectAnswer(() => user.sendText(chunk), "Your letter so far: 3,994 characters out of 9,000");
    await expectAnswer(() => user.sendText(chunk), "Your letter so far: 7,990 characters out of 9,000");
    const over = await expectAnswer(() => user.sendText(chunk), "over the limit");
    expect(over.text).toBe(
      "With this message the letter would be 11,986 characters long, over the limit of 9,000, so we did not add it. You have 1,010 characters left: shorten this part and send it again.",
    );

    // Commands in the middle: /help answers and the flow waits; /start offers to continue or leave.
    const help = await expectAnswer(() => user.sendText("/help"), "How Lifeline works");
    expect(help.text).toContain("Your letter draft is kept");
    const startAnswer = await expectAnswer(() => user.sendText("/start"), "You are in the middle of a letter to Pyotr Primerov");
    expect(buttonTexts(startAnswer)).toEqual(["✍️ Continue the letter", "🗑 Discard the letter"]);
    const toast = await user.pressButton("✍️ Continue the letter");
    expect(toast.text).toBe("Let's go on: your draft is kept.");
    await expectAnswer(() => user.sendText("/settings"), "You are writing a letter right now. Finish it first, or send /cancel");
    // A menu button from an older message is refused while the letter is open.
    const foreign = await user.pressButton("menu:main");
    expect(foreign.text).toBe("You are writing a letter right now. Finish it, or send /cancel to leave it first.");

    // Still going: the text so far is intact.
    const preview = await expectAnswer(() => user.pressButton("👁 Preview"), "Preview of your letter (1/3)");
    expect(preview.text).toContain("I walked along the sea today.");

    // /cancel leaves at once; the old buttons then get the polite stale answer.
    await expectAnswer(() => user.sendText("/cancel"), "All right, stopped.");
    expect((await user.pressButton("✅ Done")).text).toBe("This button no longer works. Send /start to open the menu.");
    expect(await t.app.prisma.letter.count({ where: { writerId: f.writerId } })).toBe(0);
  }, 90_000);
});

describe("typed letter: leaving and coming back", () => {
  it("a restart in the middle keeps the text; the letter is sent whole", async () => {
    const t = await start();
    const user = t.user({ languageCode: "ru" });
    await openLetter(t, user, { language: "ru", signatureName: "Анна" });
    await chooseTyped(user, "ru");
    await typePart(user, "ru", PART1);

    await t.restart();

    expect((await typePart(user, "ru", PART2_FIXED)).text).toMatch(new RegExp(`${PART1.length + 2 + PART2_FIXED.length} знак(а|ов)? из`));
    const summary = user.waitForMessage("Проверьте письмо перед отправкой", WAIT);
    await user.pressButton("✅ Готово");
    await summary;
    const code = letterCodeIn(await pressSend(user, "ru"));
    const letter = await t.app.prisma.letter.findUniqueOrThrow({ where: { code } });
    expect(letter.text).toBe(`${PART1}\n\n${PART2_FIXED}`);
  });

  it("a draft left idle past the timeout ends with a friendly message", async () => {
    // The timeout is injected through the conversation list, like a deployment would configure it.
    const conversations = conversationModules.map((m) => (m.id === "letter" ? letterConversation({ idleTimeoutMs: 1500 }) : m));
    const t = await start({ bot: { conversations } });
    const user = t.user({ languageCode: "en" });
    await openLetter(t, user, { language: "en", signatureName: "Anna" });
    await chooseTyped(user, "en");
    await typePart(user, "en", "Dear Pyotr, this is the first part of my letter.");

    // Let the draft go stale (the only fixed wait: time passing is the condition).
    await new Promise((resolve) => setTimeout(resolve, 1700));
    const expired = user.waitForMessage("Your letter draft was closed", WAIT);
    await user.sendText("And here is the second part.");
    expect(buttonTexts(await expired)).toContain("ℹ️ Help");
    // The flow is gone: the next text reaches the ordinary fallback.
    const fallback = user.waitForMessage("We didn't quite catch that", WAIT);
    await user.sendText("Hello?");
    await fallback;
  });
});
