// "Continue the letter" after /start: the bot says where the draft is (recipient, how much is
// written, what to do next) with that step's buttons, and the letter goes on from there.
// Through the fake Bot API, in both languages.
import sharp from "sharp";
import { describe, expect, it } from "vitest";
import type { FakeMessage, FakeUser } from "../../src/fake-telegram/index.js";
import { startTestAppPerTest } from "../helpers/app.js";
import { buttonTexts, letterCodeIn, openLetter, typePart, WAIT } from "./letter-helpers.js";

const start = startTestAppPerTest({ roles: ["bot"] });

const FACILITY = "ФКУ ИК-28 УФСИН России по Пермскому краю";
const PART1 = "Dear Pyotr, my name is Ben and I live in Leeds. I teach history at a school and I love long walks by the river.";
const PART2 = "What do you like to read? I have just finished a book about the first sailors who went round the world.";

/** /start in the middle of the letter, then "Continue the letter": the screen that answers it. */
async function continueAfterStart(user: FakeUser, language: "en" | "ru", expected: string): Promise<FakeMessage> {
  const ask = user.waitForMessage(language === "en" ? "You are in the middle of a letter" : "Вы сейчас пишете письмо", WAIT);
  await user.sendText("/start");
  const question = await ask;
  const label = language === "en" ? "✍️ Continue the letter" : "✍️ Продолжить письмо";
  expect(buttonTexts(question)).toContain(label);
  const where = user.waitForMessage(expected, { ...WAIT, afterMessageId: question.messageId });
  const toast = await user.pressButton(label, { messageId: question.messageId });
  expect(toast.text).toBe(language === "en" ? "Let's go on: your draft is kept." : "Продолжаем: черновик на месте.");
  return where;
}

describe("continuing a draft after /start", () => {
  it("English, typed: each step says where the letter is and its buttons carry on", async () => {
    const t = await start();
    const user = t.user({ languageCode: "en" });
    const f = await openLetter(t, user, { language: "en" });

    // Before choosing how to write.
    const chooser = await continueAfterStart(user, "en", "Your letter to Pyotr Primerov");
    expect(chooser.text).toBe(
      [
        `✍️ Your letter to Pyotr Primerov, ${FACILITY}.`,
        "Nothing is written yet.",
        "",
        "Next: choose how to write it — type it here, or send photos of a handwritten letter.",
      ].join("\n"),
    );
    expect(buttonTexts(chooser)).toEqual(["⌨️ Type it here", "📷 Photos of a handwritten letter", "✖️ Cancel"]);
    const prompt = user.waitForMessage("Write your letter.", WAIT);
    await user.pressButton("⌨️ Type it here", { messageId: chooser.messageId });
    await prompt;

    // Text written: its length and pages, and the typing step's buttons.
    await typePart(user, "en", PART1);
    const typed = await continueAfterStart(user, "en", "Written so far");
    expect(typed.text).toBe(
      [
        `✍️ Your letter to Pyotr Primerov, ${FACILITY}.`,
        `Written so far: ${PART1.length} characters (about 1 printed page).`,
        "",
        "Next: send more text, or press “✅ Done” when the letter is finished.",
      ].join("\n"),
    );
    expect(buttonTexts(typed)).toEqual(["👁 Preview", "🔄 Start over", "✅ Done", "✖️ Cancel"]);
    // The letter goes on: more text joins the draft.
    const both = await typePart(user, "en", PART2);
    expect(both.text).toContain(`Your letter so far: ${PART1.length + 2 + PART2.length} characters`);

    // The pre-check (English words are flagged for the Russian censor).
    const check = user.waitForMessage("We checked your letter", WAIT);
    await user.pressButton("✅ Done", { messageId: typed.messageId });
    await check;
    const checking = await continueAfterStart(user, "en", "Next: the check above");
    expect(checking.text).toContain(`Written so far: ${PART1.length + 2 + PART2.length} characters (about 1 printed page).`);
    expect(buttonTexts(checking)).toEqual(["✏️ Edit the letter", "Send as it is", "✖️ Cancel"]);

    // The signature step (this writer has none yet).
    const signatureAsk = user.waitForMessage("How should we sign your letter?", WAIT);
    await user.pressButton("Send as it is", { messageId: checking.messageId });
    await signatureAsk;
    const signing = await continueAfterStart(user, "en", "Next: type the name");
    expect(signing.text).toContain(`Written so far: ${PART1.length + 2 + PART2.length} characters`);
    expect(buttonTexts(signing)).toEqual(["‹ Back", "✖️ Cancel"]);
    const summary = user.waitForMessage("Please check your letter", WAIT);
    await user.sendText("Ben");
    await summary;

    // The summary: Send from the "where" screen sends the letter.
    const review = await continueAfterStart(user, "en", "Next: the letter is ready");
    expect(review.text).toBe(
      [
        `✍️ Your letter to Pyotr Primerov, ${FACILITY}.`,
        `Written so far: ${PART1.length + 2 + PART2.length} characters (about 1 printed page).`,
        "",
        "Next: the letter is ready. Press “📨 Send” to send it as it is, or “✏️ Edit” to change something.",
      ].join("\n"),
    );
    expect(buttonTexts(review)).toEqual(["📨 Send", "✏️ Edit", "✖️ Cancel"]);
    const sent = user.waitForMessage(/L-[2-9A-HJ-NP-Z]{4}/, WAIT);
    await user.pressButton("📨 Send", { messageId: review.messageId });
    const code = letterCodeIn(await sent);
    const letter = await t.app.prisma.letter.findUniqueOrThrow({ where: { code } });
    expect(letter).toMatchObject({ writerId: f.writerId, prisonerId: f.prisonerId, status: "submitted", signatureName: "Ben" });
    expect(letter.text).toBe(`${PART1}\n\n${PART2}`);
  }, 90_000);

  it("Russian, handwritten: no pages yet, then one page, each with the right buttons", async () => {
    const t = await start();
    const user = t.user({ languageCode: "ru" });
    await openLetter(t, user, { language: "ru", signatureName: "Анна" });
    const prompt = user.waitForMessage("Пришлите фото", WAIT);
    await user.pressButton("📷 Фото письма от руки");
    await prompt;

    const empty = await continueAfterStart(user, "ru", "Пока ничего не написано");
    expect(empty.text).toBe(
      [`✍️ Ваше письмо. Получатель: Пётр Примеров, ${FACILITY}.`, "Пока ничего не написано.", "", "Что дальше: пришлите фото первой страницы."].join("\n"),
    );
    expect(buttonTexts(empty)).toEqual(["✖️ Отменить"]);

    const page = await sharp({ create: { width: 600, height: 800, channels: 3, background: "#ffffff" } })
      .composite([{ input: Buffer.from('<svg width="600" height="800" xmlns="http://www.w3.org/2000/svg"><text x="40" y="120" font-size="48" fill="#222">Страница один</text></svg>') }])
      .jpeg({ quality: 90 })
      .toBuffer();
    const received = user.waitForMessage("Получено страниц: 1", WAIT);
    await user.sendPhoto(page);
    await received;

    const one = await continueAfterStart(user, "ru", "Уже есть страниц");
    expect(one.text).toBe(
      [
        `✍️ Ваше письмо. Получатель: Пётр Примеров, ${FACILITY}.`,
        "Уже есть страниц: 1 из 10 возможных.",
        "",
        "Что дальше: пришлите ещё страницы или нажмите «✅ Готово», когда все они здесь.",
      ].join("\n"),
    );
    expect(buttonTexts(one)).toEqual(["✅ Готово", "↩️ Убрать последнюю", "🔄 Начать заново", "✖️ Отменить"]);
    // "Done" on that screen goes on to the summary (the signature is known).
    const summary = user.waitForMessage("Проверьте письмо перед отправкой", WAIT);
    await user.pressButton("✅ Готово", { messageId: one.messageId });
    expect((await summary).text).toContain("Письмо от руки: 1 страница");
  }, 90_000);
});
