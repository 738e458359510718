// Issue 12, items 1 and 2: a reply to a writer who reads no Russian is translated by the operators
// (a reply to the bot's "reply accepted" message) and reaches the writer once; the writer writes
// back in the same thread; /letters shows each pen pal's whole exchange in order.
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeMessage, FakeUser } from "../../src/fake-telegram/index.js";
import { WAIT, buttonTexts, chooseTyped, letterCodeIn, openLetter, pressSend, typePart } from "./letter-helpers.js";
import { createLetter, startedWriter, startOperatorsWorld, type OperatorsWorld } from "./operators-helpers.js";

const LONG = { timeoutMs: 30_000 } as const;

function scan(width: number): Promise<Buffer> {
  return sharp({ create: { width, height: 700, channels: 3, background: { r: 235, g: 235, b: 225 } } }).jpeg().toBuffer();
}

function day(at: Date): string {
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${pad(at.getUTCDate())}.${pad(at.getUTCMonth() + 1)}.${at.getUTCFullYear()}`;
}

async function postLetter(w: OperatorsWorld, code: string): Promise<{ id: number; prisonerId: number | null }> {
  // Moderation, printing and posting are tested elsewhere; here the letter is in the post.
  const letter = await w.t.app.prisma.letter.update({ where: { code }, data: { status: "posted", statusEvents: { create: [{ status: "posted" }] } } });
  return { id: letter.id, prisonerId: letter.prisonerId };
}

/** The operator sends one scan for the letter; returns the bot's "reply accepted" message. */
async function sendScan(w: OperatorsWorld, code: string, width = 480): Promise<FakeMessage> {
  const accepted = w.group.waitForMessage(`Ответ на письмо ${code} принят`, LONG);
  await w.group.sendPhoto(w.admin, await scan(width), { caption: code });
  return accepted;
}

function translationsAt(user: FakeUser): FakeMessage[] {
  return user.messages().filter((m) => (m.text ?? "").startsWith("🌐 Translation of the reply"));
}

async function rawTranslation(w: OperatorsWorld, replyId: number): Promise<string | null> {
  const [row] = await w.t.app.prisma.$queryRaw<{ translation_text: string | null }[]>`SELECT translation_text FROM replies WHERE id = ${replyId}`;
  return row?.translation_text ?? null;
}

describe("replies translated, pen-pal threads", () => {
  let w: OperatorsWorld;
  beforeAll(async () => {
    w = await startOperatorsWorld();
  });
  afterAll(async () => {
    await w.t.stop();
  });

  it("an English writer's reply arrives with 'translation coming', the operator's translation reaches them once, they write back in the thread and /letters shows it in order", async () => {
    const { t, group, admin } = w;
    const writer = t.user({ languageCode: "en" });
    // The writer's first letter, typed in English through the letter flow.
    const opened = await openLetter(t, writer, { language: "en", signatureName: "Anna" });
    await chooseTyped(writer, "en");
    await typePart(writer, "en", "Dear Pyotr, my name is Anna and I live in Riga. I love books and long walks by the sea with my dog.");
    const warning = writer.waitForMessage("not in Russian", WAIT);
    await writer.pressButton("✅ Done");
    await warning;
    const summary = writer.waitForMessage("Please check your letter", WAIT);
    await writer.pressButton("Send as it is");
    await summary;
    const firstCode = letterCodeIn(await pressSend(writer, "en"));
    const first = await postLetter(w, firstCode);
    expect(first.prisonerId).toBe(opened.prisonerId);

    // The reply: the operators are asked for a translation; the writer gets the scan at once, then the note.
    const note = writer.waitForMessage("🌐 A translation is coming", LONG);
    const accepted = await sendScan(w, firstCode);
    expect(accepted.text).toContain("🌐 Автор письма читает по-английски, а не по-русски. Ответьте на это сообщение переводом (текстом)");
    await note;
    const photos = writer.messages().filter((m) => m.kind === "photo");
    expect(photos.map((m) => m.caption)).toEqual([`📬 You have a reply! Pyotr Primerov has answered your letter ${firstCode}. Page 1 of 1.`]);
    const reply = await t.app.prisma.reply.findFirstOrThrow({ where: { letterId: first.id } });
    expect(reply).toMatchObject({ needsTranslation: true, acceptedMessageId: accepted.messageId, translationText: null });

    // Someone in the chat who is not an operator: refused, nothing stored.
    const stranger = t.user({ languageCode: "ru" });
    const refused = group.waitForMessage("Извините, это действие вам недоступно.", WAIT);
    await group.sendText(stranger, "Not a translation", { replyToMessageId: accepted.messageId });
    await refused;
    expect(await rawTranslation(w, reply.id)).toBeNull();

    // The operator's translation (with characters HTML would eat), as a reply to the accepted message.
    const words = "Dear Anna, thank you for your letter <from Riga>. I read it three times & smiled.\n\nPyotr";
    const saved = group.waitForMessage(`Перевод ответа #${reply.id} (письмо ${firstCode}) сохранён. Отправляем его автору.`, WAIT);
    const arrived = writer.waitForMessage("🌐 Translation of the reply", LONG);
    await group.sendText(admin, words, { replyToMessageId: accepted.messageId });
    await saved;
    const translation = await arrived;
    expect(translation.text).toBe(
      `🌐 Translation of the reply from Pyotr Primerov to your letter ${firstCode}:\n\n${words}\nTranslated by our volunteers.`,
    );
    expect(buttonTexts(translation)).toEqual(["✍️ Write back"]);
    // Stored encrypted, deleted with nothing else; recorded as delivered.
    expect(await rawTranslation(w, reply.id)).toMatch(/^enc1:/);
    await expect.poll(async () => (await t.app.prisma.reply.findUniqueOrThrow({ where: { id: reply.id } })).translationDeliveredAt, { timeout: 10_000 }).not.toBeNull();
    expect((await t.app.prisma.reply.findUniqueOrThrow({ where: { id: reply.id } })).translationText).toBe(words);

    // Exactly once: a correction is refused, and a repeated job sends nothing.
    const late = group.waitForMessage(`Автор уже получил перевод ответа #${reply.id}`, WAIT);
    await group.sendText(admin, "A better translation", { replyToMessageId: accepted.messageId });
    await late;
    await t.app.queues.byName["reply-delivery"].add("reply-delivery", { replyId: reply.id, part: "translation" }, { jobId: `reply-${reply.id}-translation-again` });
    const assignmentsBefore = await t.app.prisma.assignment.count({ where: { writerId: opened.writerId } });

    // Writing back from the translation: straight into the letter to the same person, no new assignment.
    const chooser = writer.waitForMessage("How would you like to write it?", WAIT);
    await writer.pressButton("✍️ Write back", { messageId: translation.messageId });
    await chooser;
    await chooseTyped(writer, "en");
    await typePart(writer, "en", "Dear Pyotr, your letter made my week. The sea is grey and cold here now, but my dog still loves it.");
    const warning2 = writer.waitForMessage("not in Russian", WAIT);
    await writer.pressButton("✅ Done");
    await warning2;
    const summary2 = writer.waitForMessage("Please check your letter", WAIT);
    await writer.pressButton("Send as it is");
    await summary2;
    const secondCode = letterCodeIn(await pressSend(writer, "en"));
    const second = await t.app.prisma.letter.findUniqueOrThrow({ where: { code: secondCode } });
    expect(second.prisonerId).toBe(opened.prisonerId);
    expect(await t.app.prisma.assignment.count({ where: { writerId: opened.writerId } })).toBe(assignmentsBefore);
    expect(translationsAt(writer)).toHaveLength(1);
    expect(t.fake.calls("sendMessage").filter((c) => c.chatId === writer.id && c.ok && typeof c.params.text === "string" && c.params.text.includes("Translation of the reply")).length).toBe(1);

    // /letters: one pen pal, the whole exchange in order.
    const list = writer.waitForMessage("Your letters (2), by person", WAIT);
    await writer.sendText("/letters");
    expect(buttonTexts(await list)).toEqual(["Pyotr Primerov · ✉️ 2 · 📬 1", "‹ Back"]);
    const thread = writer.waitForMessage("Pyotr Primerov: 2 letters from you, 1 reply", { ...WAIT, includeEdits: true });
    await writer.pressButton("Pyotr Primerov · ✉️ 2 · 📬 1");
    const shown = (await thread).text ?? "";
    const lines = shown.split("\n").slice(2);
    expect(lines).toEqual([
      `${day(reply.receivedAt)} ✉️ Your letter ${firstCode} — reply received`,
      `${day(reply.receivedAt)} 📬 Their reply, 1 page, 🌐 translated`,
      `${day(second.createdAt)} ✉️ Your letter ${secondCode} — being checked`,
    ]);
    expect(buttonTexts(await thread)).toEqual([
      `✉️ ${firstCode}`,
      `📬 Reply ${day(reply.receivedAt)}`,
      `🌐 Translation ${day(reply.receivedAt)}`,
      `✉️ ${secondCode}`,
      "✍️ Write again",
      "‹ Back",
    ]);
    for (const text of buttonTexts(await thread)) expect(text.length).toBeLessThanOrEqual(35);
  }, 120_000);

  it("a writer with two pen pals asks for a translation of an older reply from /letters; the operators' answer reaches them", async () => {
    const { t, group, admin } = w;
    const { user: writer, writerId } = await startedWriter(t, "en");
    const first = await createLetter(t, writerId, { status: "replied" });
    await createLetter(t, writerId, { status: "posted", prisonerLastName: "Sidorov" });
    // A reply delivered before translations existed: nobody asked for one.
    const older = await t.app.prisma.reply.create({
      data: { letterId: first.id, deliveryState: "delivered", deliveredAt: new Date(), closedAt: new Date(), pages: { create: [{ index: 0, storagePath: "replies/none.jpg", mimeType: "image/jpeg", sha256: "x" }] } },
    });

    const list = writer.waitForMessage("Your letters (2), by person", WAIT);
    await writer.sendText("/letters");
    const pals = buttonTexts(await list);
    expect(pals).toHaveLength(3);
    expect(pals).toContain("Pyotr Primerov · ✉️ 1 · 📬 1");
    const thread = writer.waitForMessage("Pyotr Primerov: 1 letter from you, 1 reply", { ...WAIT, includeEdits: true });
    await writer.pressButton("Pyotr Primerov · ✉️ 1 · 📬 1");
    // No translation asked or needed yet: the line says nothing of one.
    expect((await thread).text?.split("\n")).toContain(`${day(older.receivedAt)} 📬 Their reply, 1 page`);

    const asked = group.waitForMessage(`просит перевести ответ #${older.id} на письмо ${first.code} на английский`, WAIT);
    const told = writer.waitForMessage(`We have asked our volunteers to translate the reply to your letter ${first.code}`, WAIT);
    await writer.pressButton(`🌐 Translation ${day(older.receivedAt)}`);
    const ask = await asked;
    await told;
    expect((await t.app.prisma.reply.findUniqueOrThrow({ where: { id: older.id } })).translationAskMessageId).toBe(ask.messageId);
    // A second press does not ask again.
    const again = await writer.pressButton(`🌐 Translation ${day(older.receivedAt)}`);
    expect(again.text).toBe("The translation of this reply is on its way: we will send it here as soon as it is ready.");
    expect(group.messages().filter((m) => (m.text ?? "").includes(`просит перевести ответ #${older.id}`))).toHaveLength(1);

    const arrived = writer.waitForMessage("🌐 Translation of the reply", LONG);
    await group.sendText(admin, "Hello Anna, I am well.", { replyToMessageId: ask.messageId });
    expect((await arrived).text).toContain("Hello Anna, I am well.");
  }, 60_000);
});

describe("TRANSLATE_BEFORE_DELIVERING=true", () => {
  let w: OperatorsWorld;
  beforeAll(async () => {
    w = await startOperatorsWorld({ TRANSLATE_BEFORE_DELIVERING: "true" });
  });
  afterAll(async () => {
    await w.t.stop();
  });

  it("the scans wait for the translation, then the writer gets both together, without the 'coming' note", async () => {
    const { t, group, admin } = w;
    const { user: writer, writerId } = await startedWriter(t, "en");
    const letter = await createLetter(t, writerId, { status: "posted" });
    const accepted = await sendScan(w, letter.code);
    expect(accepted.text).toContain("сканы ждут перевода, и автор получит их вместе с ним");
    const reply = await t.app.prisma.reply.findFirstOrThrow({ where: { letterId: letter.id } });
    await expect.poll(async () => (await t.app.prisma.reply.findUniqueOrThrow({ where: { id: reply.id } })).heldForTranslationAt, { timeout: 10_000 }).not.toBeNull();
    expect(writer.messages().filter((m) => m.kind === "photo")).toHaveLength(0);

    const photo = writer.waitForMessage((m) => m.kind === "photo", LONG);
    const translation = writer.waitForMessage("🌐 Translation of the reply", LONG);
    const saved = group.waitForMessage("Сканы и перевод уходят автору", WAIT);
    await group.sendText(admin, "Dear friend, thank you.", { replyToMessageId: accepted.messageId });
    await saved;
    const [page, words] = [await photo, await translation];
    expect(page.messageId).toBeLessThan(words.messageId);
    expect(words.text).toContain("Dear friend, thank you.");
    expect(writer.messages().some((m) => (m.text ?? "").includes("A translation is coming"))).toBe(false);
    expect(translationsAt(writer)).toHaveLength(1);
  }, 60_000);
});
