// Operators' chat in Russian and English (issue 12, item 5): each operator picks a language with
// /lang; toasts, confirmations and refusals follow the presser, while cards and what is posted for
// everyone stay in the installation's OPERATORS_LANGUAGE (Russian unless configured).
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { FakeUser } from "../../src/fake-telegram/index.js";
import { addOperatorUser, createLetter, postCard, randomCode, startedWriter, startIsolatedOperatorsWorld, startOperatorsWorld, waitForStatus, type OperatorsWorld } from "./operators-helpers.js";

const WAIT = { timeoutMs: 15_000 };
const LONG = { timeoutMs: 30_000 };

function scan(width = 480): Promise<Buffer> {
  return sharp({ create: { width, height: 700, channels: 3, background: { r: 235, g: 235, b: 225 } } }).jpeg().toBuffer();
}

/**
 * An operator who reads English, though their Telegram app is set to Russian (a volunteer abroad on
 * a shared phone): until they choose, the bot goes by the app. Added by the administrator as usual.
 */
async function englishSpeakingOperator(w: OperatorsWorld): Promise<FakeUser> {
  const user = w.t.user({ languageCode: "ru" });
  const added = w.group.waitForMessage(`Готово: ${user.id} теперь оператор`, WAIT);
  await w.group.sendText(w.admin, `/operators add ${user.id}`);
  await added;
  return user;
}

async function storedLanguage(w: OperatorsWorld, user: FakeUser): Promise<string | null | undefined> {
  return (await w.t.app.prisma.operator.findUnique({ where: { telegramId: BigInt(user.id) } }))?.language;
}

describe("operators' chat with the default language (Russian)", () => {
  let w: OperatorsWorld;
  beforeAll(async () => {
    // A database of its own: /batch must print only this file's letters.
    w = await startIsolatedOperatorsWorld();
  });
  afterAll(async () => {
    await w.t.stop();
  });

  it("an English-speaking operator sets /lang en and works a whole letter in English; a Russian operator still gets Russian", async () => {
    const { t, group } = w;
    const en = await englishSpeakingOperator(w);
    const ru = await addOperatorUser(w);

    // Until they choose, an operator is answered in their Telegram app's language, as before.
    const helpBefore = group.waitForMessage((m) => (m.text ?? "").startsWith("Чат операторов") && m.replyToMessageId !== undefined, WAIT);
    const asked = await group.sendText(en, "/help");
    expect((await helpBefore).replyToMessageId).toBe(asked.message_id);

    // /lang alone shows the choice; /lang en makes it.
    const current = group.waitForMessage("Ваш язык в чате операторов: русский.", WAIT);
    await group.sendText(en, "/lang");
    expect((await current).inlineKeyboard.flat().map((b) => b.text)).toEqual(["🇷🇺 Русский", "🇬🇧 English"]);
    const set = group.waitForMessage("Done: from now on we answer you in English. Messages for everyone here stay in Russian.", WAIT);
    await group.sendText(en, "/lang en");
    await set;
    expect(await storedLanguage(w, en)).toBe("en");
    expect(await storedLanguage(w, ru)).toBeNull();

    // /help: each in their own language.
    const enHelp = group.waitForMessage((m) => (m.text ?? "").startsWith("The operators' chat"), WAIT);
    await group.sendText(en, "/help");
    const enHelpMessage = await enHelp;
    expect(enHelpMessage.text).toContain("/lang — my language in this chat (Russian or English)");
    const ruHelp = group.waitForMessage((m) => (m.text ?? "").startsWith("Чат операторов"), { ...WAIT, afterMessageId: enHelpMessage.messageId });
    const ruAsked = await group.sendText(ru, "/help");
    expect((await ruHelp).replyToMessageId).toBe(ruAsked.message_id);

    // Two letters: the cards everyone reads are in Russian.
    const { user: writer, writerId } = await startedWriter(t, "en");
    const first = await createLetter(t, writerId, { prisonerLastName: "Англоязычный" });
    const second = await createLetter(t, writerId, { prisonerLastName: "Русскоязычный" });
    const firstCard = await postCard(w, first);
    const secondCard = await postCard(w, second);
    expect(firstCard.text).toContain(`Письмо ${first.code}`);

    // Approve: the toast follows the presser, the edited card stays in the chat's language.
    const approvedToWriter = writer.waitForMessage(`Your letter ${first.code}`, WAIT);
    expect(await group.pressButton(en, "✅ Одобрить", { messageId: firstCard.messageId })).toMatchObject({ text: "Decision recorded." });
    expect(group.messages().find((m) => m.messageId === firstCard.messageId)?.text).toMatch(/✅ Одобрено — оператор #\d+/);
    expect(await group.pressButton(ru, "✅ Одобрить", { messageId: secondCard.messageId })).toMatchObject({ text: "Решение записано." });
    expect(group.messages().find((m) => m.messageId === secondCard.messageId)?.text).toMatch(/✅ Одобрено — оператор #\d+/);
    await approvedToWriter;
    await waitForStatus(t, first.id, "printed");
    await waitForStatus(t, second.id, "printed");

    // /batch: the answer to the command in English; the batch files and summary for everyone in Russian.
    const closed = group.waitForMessage(/^Batch #\d+ \(2 letters\) is closed; preparing the PDF…$/, WAIT);
    const envelopes = group.waitForMessage((m) => /^envelopes-batch-\d+\.xlsx$/.test(m.document?.file_name ?? ""), LONG);
    await group.sendText(en, "/batch");
    await closed;
    const list = await envelopes;
    const pdf = group.messages().find((m) => /^batch-\d+\.pdf$/.test(m.document?.file_name ?? ""));
    expect(pdf?.caption).toMatch(/^🖨 Партия №\d+/);
    expect(list.inlineKeyboard.flat().map((b) => b.text)).toEqual(["📮 Отметить: отправлено"]);
    const empty = group.waitForMessage("Новых писем для печати нет.", WAIT);
    await group.sendText(ru, "/batch");
    await empty;

    // Mark as posted: toast and confirmation in English for the English operator.
    const posted = writer.waitForMessage(`📮 Your letter ${first.code} is in the post!`, WAIT);
    const confirmation = group.waitForMessage(/^📮 Batch #\d+ posted \(2 letters\) — operator #\d+, .* UTC\. The writers have been told\.$/, WAIT);
    expect(await group.pressButton(en, "📮 Отметить: отправлено", { messageId: list.messageId })).toMatchObject({ text: "Decision recorded." });
    await confirmation;
    await posted;
    await waitForStatus(t, first.id, "posted");
    await waitForStatus(t, second.id, "posted");

    // A reply scan with a mistyped code: the English operator is answered in English, the Russian one in Russian.
    const wrong = randomCode();
    const enUnknown = group.waitForMessage(`There is no letter with the code ${wrong}.`, WAIT);
    await group.sendPhoto(en, await scan(), { caption: wrong });
    await enUnknown;
    const ruUnknown = group.waitForMessage(`Письма с кодом ${wrong} нет.`, WAIT);
    await group.sendPhoto(ru, await scan(), { caption: wrong });
    await ruUnknown;

    // The real reply: "reply accepted" is for everyone (Russian); the English operator's translation is confirmed in English.
    const accepted = group.waitForMessage(`Ответ на письмо ${first.code} принят`, LONG);
    const note = writer.waitForMessage("🌐 A translation is coming", LONG);
    await group.sendPhoto(en, await scan(), { caption: first.code });
    const acceptedMessage = await accepted;
    expect(acceptedMessage.text).toContain("Ответьте на это сообщение переводом");
    await note;
    const reply = await t.app.prisma.reply.findFirstOrThrow({ where: { letterId: first.id } });
    const saved = group.waitForMessage(new RegExp(`^✅ Translation of reply #${reply.id} \\(letter ${first.code}\\) saved\\.`), WAIT);
    const translation = writer.waitForMessage("🌐 Translation of the reply", LONG);
    await group.sendText(en, "Dear friend, thank you for your letter.", { replyToMessageId: acceptedMessage.messageId });
    await saved;
    await translation;
    // Sent once.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(writer.messages().filter((m) => (m.text ?? "").startsWith("🌐 Translation of the reply"))).toHaveLength(1);
  }, 120_000);

  it("a non-operator's /lang in the group is refused politely and changes nothing", async () => {
    const { t, group } = w;
    const stranger = t.user({ languageCode: "en" });
    const refused = group.waitForMessage("Sorry, this is not available to you.", WAIT);
    const sent = await group.sendText(stranger, "/lang en");
    expect((await refused).replyToMessageId).toBe(sent.message_id);
    expect(await t.app.prisma.operator.findUnique({ where: { telegramId: BigInt(stranger.id) } })).toBeNull();
    const ruStranger = t.user({ languageCode: "ru" });
    const refusedRu = group.waitForMessage("Извините, это действие вам недоступно.", WAIT);
    const sentRu = await group.sendText(ruStranger, "/lang");
    expect((await refusedRu).replyToMessageId).toBe(sentRu.message_id);
    expect(await t.app.prisma.operator.findUnique({ where: { telegramId: BigInt(ruStranger.id) } })).toBeNull();
  });

  it("in a private chat: an operator's /lang sets their language and their operator answers follow it; a writer is pointed to /language", async () => {
    const { t } = w;
    const op = await addOperatorUser(w);
    const current = op.waitForMessage("Ваш язык в чате операторов: русский.", WAIT);
    await op.sendText("/lang");
    await current;
    // The button sets it too.
    const answer = await op.pressButton("🇬🇧 English");
    expect(answer.text).toBe("Done: from now on we answer you in English. Messages for everyone here stay in Russian.");
    expect(await storedLanguage(w, op)).toBe("en");
    // An operator's answers in private now come in English, though this chat's language is Russian:
    // /operators is for administrators, and the refusal is in English.
    const refused = op.waitForMessage("Sorry, this is not available to you.", WAIT);
    await op.sendText("/operators list");
    await refused;
    // Back to Russian.
    const back = op.waitForMessage("Готово: теперь мы отвечаем вам по-русски. Сообщения для всех здесь по-прежнему пишутся по-русски.", WAIT);
    await op.sendText("/lang ru");
    await back;
    expect(await storedLanguage(w, op)).toBe("ru");

    const { user: writer } = await startedWriter(t, "en");
    const pointed = writer.waitForMessage("/lang chooses a language for Lifeline operators. To change the language of the bot, send /language.", WAIT);
    await writer.sendText("/lang en");
    await pointed;
  });
});

describe("OPERATORS_LANGUAGE=en", () => {
  let w: OperatorsWorld;
  beforeAll(async () => {
    w = await startOperatorsWorld({ OPERATORS_LANGUAGE: "en" });
  });
  afterAll(async () => {
    await w.t.stop();
  });

  it("makes the group's cards English; an operator whose app is Russian gets Russian toasts on the same English card", async () => {
    const { t, group, admin } = w;
    const { writerId } = await startedWriter(t, "ru");
    const letter = await createLetter(t, writerId, { prisonerLastName: "Англичанинов" });
    const card = group.waitForMessage((m) => (m.text ?? "").includes(`Letter ${letter.code}`), WAIT);
    await t.app.queues.moderation({ letterId: letter.id });
    const posted = await card;
    expect(posted.inlineKeyboard.flat().map((b) => b.text)).toContain("✅ Approve");
    // The operators' menu is in the chat's language.
    const menu = () => JSON.stringify(t.fake.calls("setMyCommands").filter((c) => JSON.stringify(c.params.scope ?? "").includes(String(group.id))).at(-1)?.params.commands ?? null);
    await expect.poll(menu).toContain("My language in the operators' chat");

    // The administrator's Telegram app is Russian and they chose nothing: their answers are Russian,
    // the card everyone reads stays English.
    expect(await group.pressButton(admin, "✅ Approve", { messageId: posted.messageId })).toMatchObject({ text: "Решение записано." });
    expect(group.messages().find((m) => m.messageId === posted.messageId)?.text).toMatch(/✅ Approved — operator #\d+/);
    const ruHelp = group.waitForMessage((m) => (m.text ?? "").startsWith("Чат операторов"), WAIT);
    await group.sendText(admin, "/help");
    const ruHelpMessage = await ruHelp;
    // /lang en: from now on English for them too.
    const set = group.waitForMessage("Done: from now on we answer you in English. Messages for everyone here stay in English.", { ...WAIT, afterMessageId: ruHelpMessage.messageId });
    await group.sendText(admin, "/lang en");
    await set;
    const enHelp = group.waitForMessage((m) => (m.text ?? "").startsWith("The operators' chat"), { ...WAIT, afterMessageId: ruHelpMessage.messageId });
    await group.sendText(admin, "/help");
    await enHelp;
  });
});
