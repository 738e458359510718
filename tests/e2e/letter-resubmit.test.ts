// "Ask for changes" → the writer fixes the same letter (same code) and it goes back to moderation.
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeMessage } from "../../src/fake-telegram/index.js";
import { createFileStorage } from "../../src/storage/index.js";
import { collapse, readPdf } from "../media/read-pdf.js";
import { buttonTexts, openLetter, WAIT } from "./letter-helpers.js";
import { startOperatorsWorld, waitForStatus, type OperatorsWorld } from "./operators-helpers.js";

let w: OperatorsWorld;
beforeAll(async () => {
  w = await startOperatorsWorld();
});
afterAll(async () => {
  await w.t.stop();
});

const FIRST =
  "Здравствуйте, Пётр! Меня зовут Анна, я живу в Риге и работаю в библиотеке. Недавно перечитала «Мастера и Маргариту» и вспомнила юность.";
const FIXED =
  "Здравствуйте, Пётр! Пишу вам снова. Весной у нас распустились каштаны, и я каждый день гуляю с собакой у моря. А что вы любите читать?";

function callbackData(message: FakeMessage, text: string): string {
  const button = message.inlineKeyboard.flat().find((b) => b.text === text);
  if (!button || !("callback_data" in button) || button.callback_data === undefined) throw new Error(`no button ${text}`);
  return button.callback_data;
}

describe("fix and send again", () => {
  it("typed: the reason reaches the writer in English, the draft is prefilled, the same letter goes back to moderation and prints the new text", async () => {
    const { t, group, admin } = w;
    const prisma = t.app.prisma;
    const user = t.user({ languageCode: "en" });
    const f = await openLetter(t, user, { language: "en", signatureName: "Anna" });

    // The first version, through the ordinary flow.
    const prompt = user.waitForMessage("Write your letter.", WAIT);
    await user.pressButton("⌨️ Type it here");
    await prompt;
    let status = user.waitForMessage("Your letter so far", WAIT);
    await user.sendText(FIRST);
    await status;
    let summary = user.waitForMessage("Please check your letter", WAIT);
    await user.pressButton("✅ Done");
    await summary;
    const sent = user.waitForMessage(/L-[2-9A-HJ-NP-Z]{4}/, WAIT);
    // The card may reach the group before the writer's confirmation is read: look from here on.
    const groupBefore = group.lastMessage()?.messageId ?? 0;
    await user.pressButton("📨 Send");
    const code = /L-[2-9A-HJ-NP-Z]{4}/.exec((await sent).text ?? "")?.[0] ?? "";
    const letter = await prisma.letter.findUniqueOrThrow({ where: { code } });
    const firstCard = await group.waitForMessage((m) => (m.text ?? "").includes(`Письмо ${code}`), { ...WAIT, afterMessageId: groupBefore });
    expect(firstCard.text).not.toContain("версия");
    const lettersCount = (await prisma.prisoner.findUniqueOrThrow({ where: { id: f.prisonerId } })).lettersCount;
    expect(lettersCount).toBe(1);

    // The operator asks for changes; the writer is told why, in English, with the button.
    const notice = user.waitForMessage(`Your letter ${code} needs a small change`, WAIT);
    await group.pressButton(admin, "✏️ На доработку", { messageId: firstCard.messageId });
    await group.pressButton(admin, "упоминания войны и армии", { messageId: firstCard.messageId });
    const told = await notice;
    expect(told.text).toContain("needs a small change: mentions of the war and the army.");
    expect(buttonTexts(told)).toEqual(["✏️ Fix and send again", "📬 My letters"]);
    await waitForStatus(t, letter.id, "needs_changes");

    // The button opens the same letter: the reason again, the old text as the draft.
    const intro = user.waitForMessage(`Fixing letter ${code}`, WAIT);
    const draftPrompt = user.waitForMessage("Above is your letter as you sent it", WAIT);
    await user.pressButton("✏️ Fix and send again", { messageId: told.messageId });
    expect((await intro).text).toContain("A volunteer asked for a change: mentions of the war and the army.");
    expect(buttonTexts(await draftPrompt)).toEqual(["👁 Preview", "🔄 Start over", "✅ Done", "✖️ Cancel"]);
    const old = user.messages().find((m) => m.text === `Preview of your letter (1/1):\n\n${FIRST}`);
    expect(old).toBeDefined();

    // Preview shows the prefilled draft; start over and send the corrected text.
    const preview = user.waitForMessage((m) => m.text === `Preview of your letter (1/1):\n\n${FIRST}` && (old === undefined || m.messageId > old.messageId), WAIT);
    await user.pressButton("👁 Preview");
    await preview;
    const cleared = user.waitForMessage("The letter is cleared.", WAIT);
    await user.pressButton("🔄 Start over");
    await cleared;
    status = user.waitForMessage("Your letter so far", { ...WAIT, afterMessageId: (await cleared).messageId });
    await user.sendText(FIXED);
    expect((await status).text).toContain(`${FIXED.length} characters out of`);
    summary = user.waitForMessage("Please check your letter", { ...WAIT, afterMessageId: (await status).messageId });
    const clean = user.waitForMessage("We found nothing", { ...WAIT, afterMessageId: (await status).messageId });
    await user.pressButton("✅ Done");
    await clean;
    const shown = await summary;
    expect(shown.text).toContain("Signed: Anna");

    // Send, pressed twice at once: one resubmission, one new card.
    const sendData = callbackData(shown, "📨 Send");
    const again = user.waitForMessage("Your corrected letter", WAIT);
    const newCard = group.waitForMessage((m) => (m.text ?? "").includes(`Письмо ${code}`) && (m.text ?? "").includes("версия 2"), WAIT);
    const presses = await Promise.all([
      user.pressButton(sendData, { messageId: shown.messageId }),
      user.pressButton(sendData, { messageId: shown.messageId }),
    ]);
    expect((await again).text).toContain(`with the same code ${code}`);
    // The other press names the letter instead of saying the button no longer works.
    expect(presses.map((p) => p.text)).toContain(
      `We already have your letter ${code}: no need to press again. You can follow it in “My letters”.`,
    );

    const row = await prisma.letter.findUniqueOrThrow({ where: { id: letter.id }, include: { statusEvents: { orderBy: { id: "asc" } } } });
    expect(row).toMatchObject({ code, text: FIXED, status: "submitted", statusReason: null, precheckWarnings: [], language: "ru" });
    expect(row.statusEvents.map((e) => e.status)).toEqual(["submitted", "needs_changes", "submitted"]);
    // The same letter: no new row, the person's letter count and the assignment untouched.
    expect(await prisma.letter.count({ where: { writerId: f.writerId } })).toBe(1);
    expect((await prisma.prisoner.findUniqueOrThrow({ where: { id: f.prisonerId } })).lettersCount).toBe(lettersCount);
    expect(await prisma.assignment.findUniqueOrThrow({ where: { id: f.assignmentId } })).toMatchObject({ status: "used", letterId: letter.id });
    expect(await t.app.queues.byName.moderation.getJob(`moderation-${letter.id}-2`)).toBeDefined();

    // The operators see it is a resubmission, with the new text; approving prints the new text.
    const card = await newCard;
    expect(card.text).toContain("🔁 Исправлено после просьбы о правках: версия 2");
    await expect
      .poll(() => group.messages().some((m) => (m.text ?? "").includes("каштаны") && m.replyToMessageId === card.messageId), { timeout: 10_000 })
      .toBe(true);
    await group.pressButton(admin, "✅ Одобрить", { messageId: card.messageId });
    await waitForStatus(t, letter.id, "printed");
    const cards = group.messages().filter((m) => (m.text ?? "").startsWith(`📨 Письмо ${code}`));
    expect(cards).toHaveLength(2);
    const printed = await prisma.letter.findUniqueOrThrow({ where: { id: letter.id } });
    const pdf = await createFileStorage(t.config.storageDir, t.config.keyring).get(printed.pdfPath ?? "");
    const text = collapse((await readPdf(pdf ?? Buffer.alloc(0))).map((p) => p.text).join(" "));
    expect(text).toContain("распустились каштаны");
    expect(text).not.toContain("Мастера и Маргариту");
    expect(text).toContain(code);
  });

  it("handwritten: the old pages are the draft; the writer removes one, adds one, and the letter's pages are replaced", async () => {
    const { t, group, admin } = w;
    const prisma = t.app.prisma;
    const user = t.user({ languageCode: "ru" });
    await openLetter(t, user, { language: "ru", signatureName: "Анна" });
    // Each page carries a dark bar of its own width: the page pipeline turns paper of any grey white,
    // so the paper's level alone would not tell the pages apart.
    const page = (level: number) =>
      sharp({ create: { width: 700, height: 990, channels: 3, background: { r: level, g: level, b: level } } })
        .composite([{ input: { create: { width: 100 + level, height: 60, channels: 3, background: { r: 10, g: 10, b: 10 } } }, left: 60, top: 80 }])
        .jpeg()
        .toBuffer();

    const prompt = user.waitForMessage("Пришлите фотографии письма", WAIT);
    await user.pressButton("📷 Фото письма от руки");
    await prompt;
    for (const level of [40, 120]) {
      const saved = user.waitForMessage("Получено страниц", { ...WAIT, includeEdits: true, afterMessageId: user.lastMessage()?.messageId ?? 0 });
      await user.sendPhoto(await page(level));
      await saved;
    }
    const summary = user.waitForMessage("Проверьте письмо перед отправкой", WAIT);
    await user.pressButton("✅ Готово");
    await summary;
    const sent = user.waitForMessage(/L-[2-9A-HJ-NP-Z]{4}/, WAIT);
    const cardPosted = group.waitForMessage((m) => (m.text ?? "").startsWith("📨 Письмо") && (m.text ?? "").includes("От руки"), WAIT);
    await user.pressButton("📨 Отправить");
    const code = /L-[2-9A-HJ-NP-Z]{4}/.exec((await sent).text ?? "")?.[0] ?? "";
    const letter = await prisma.letter.findUniqueOrThrow({ where: { code }, include: { pages: { orderBy: { index: "asc" } } } });
    expect(letter.pages).toHaveLength(2);
    const firstCard = await cardPosted;
    expect(firstCard.text).toContain(code);

    const notice = user.waitForMessage(`Письмо ${code} нужно немного поправить`, WAIT);
    await group.pressButton(admin, "✏️ На доработку", { messageId: firstCard.messageId });
    await group.pressButton(admin, "почерк или фото трудно разобрать", { messageId: firstCard.messageId });
    const told = await notice;

    // From "My letters" this time.
    await user.sendText("/letters");
    await user.waitForMessage("Ваши письма", WAIT);
    const detail = user.waitForMessage(`Письмо ${code}`, { ...WAIT, includeEdits: true, afterMessageId: told.messageId });
    await user.pressButton("Пётр Примеров · ✉️ 1 · 📬 0");
    await user.pressButton(`✉️ ${code}`);
    await detail;
    const intro = user.waitForMessage(`Исправляем письмо ${code}`, WAIT);
    const draft = user.waitForMessage("2 страницы снова в черновике", WAIT);
    await user.pressButton("✏️ Исправить и отправить снова");
    expect((await intro).text).toContain("Волонтёр попросил поправить: почерк или фото трудно разобрать.");
    expect(buttonTexts(await draft)).toEqual(["✅ Готово", "↩️ Убрать последнюю", "🔄 Начать заново", "✖️ Отменить"]);

    const removed = user.waitForMessage("Последняя страница убрана", WAIT);
    await user.pressButton("↩️ Убрать последнюю");
    await removed;
    const added = user.waitForMessage("Получено страниц: 2", { ...WAIT, afterMessageId: (await removed).messageId });
    await user.sendPhoto(await page(220));
    await added;
    const summary2 = user.waitForMessage("Проверьте письмо перед отправкой", { ...WAIT, afterMessageId: (await added).messageId });
    await user.pressButton("✅ Готово");
    expect((await summary2).text).toContain("2");
    const again = user.waitForMessage(`код прежний — ${code}`, WAIT);
    const newCard = group.waitForMessage((m) => (m.text ?? "").includes(`Письмо ${code}`) && (m.text ?? "").includes("версия 2"), WAIT);
    await user.pressButton("📨 Отправить");
    await again;
    await newCard;

    const row = await prisma.letter.findUniqueOrThrow({ where: { id: letter.id }, include: { pages: { orderBy: { index: "asc" } } } });
    expect(row.status).toBe("submitted");
    expect(row.pages.map((p) => p.index)).toEqual([1, 2]);
    expect(row.pages[0]?.sha256).toBe(letter.pages[0]?.sha256);
    expect(row.pages[1]?.sha256).not.toBe(letter.pages[1]?.sha256);
    // The stored second page is the new (light) one.
    const stored = await createFileStorage(t.config.storageDir, t.config.keyring).get(row.pages[1]?.storagePath ?? "");
    const mean = (await sharp(stored ?? Buffer.alloc(0)).stats()).channels[0]?.mean ?? 0;
    expect(mean).toBeGreaterThan(180);
  });
});
