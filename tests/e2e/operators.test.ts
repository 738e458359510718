import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MODERATION_QUEUE } from "../../src/queues/index.js";
import { startTestApp } from "../helpers/app.js";
import { getStats } from "../../src/db/repositories/stats.js";
import { createFileStorage } from "../../src/storage/index.js";
import { collapse, embeddedTrueTypeFonts, readPdf } from "../media/read-pdf.js";
import { sheetTexts } from "../media/read-xlsx.js";
import { addOperatorUser, createLetter, postCard, startedWriter, startIsolatedOperatorsWorld, waitForStatus, type OperatorsWorld } from "./operators-helpers.js";

let w: OperatorsWorld;
beforeAll(async () => {
  w = await startIsolatedOperatorsWorld();
});
afterAll(async () => {
  await w.t.stop();
});

const REFUSAL_RU = "Извините, это действие вам недоступно.";
const REFUSAL_EN = "Sorry, this is not available to you.";

describe("moderation, printing and posting", () => {
  it("approve → PDF → /batch gives merged PDF + envelope CSV → posted → the writer is told at every step", async () => {
    const { t, group, admin } = w;
    const { user: writer, writerId } = await startedWriter(t, "ru");
    const letter = await createLetter(t, writerId, { prisonerLastName: "Карточкин" });
    const before = await getStats(t.app.prisma);

    const card = await postCard(w, letter);
    expect(card.text).toContain("Кому: Карточкин Пётр Петрович, ФКУ ИК-28");
    expect(card.text).toContain("Язык: ru");
    // The letter text follows the card, escaped (its "<снова>" would break HTML otherwise).
    const body = await group.waitForMessage((m) => (m.text ?? "").includes("Мастера и Маргариту"), { timeoutMs: 10_000, afterMessageId: card.messageId });
    expect(body.text).toContain("<снова>");
    expect(body.replyToMessageId).toBe(card.messageId);

    // Somebody else in the chat presses Approve: a polite refusal that says nothing, nothing changes.
    const stranger = t.user({ languageCode: "en" });
    const refused = await group.pressButton(stranger, "✅ Одобрить", { messageId: card.messageId });
    expect(refused).toMatchObject({ text: REFUSAL_EN, showAlert: true });
    expect(await t.app.prisma.letter.findUnique({ where: { id: letter.id } })).toMatchObject({ status: "submitted" });

    const approved = writer.waitForMessage(`Письмо ${letter.code} проверено и одобрено`, { timeoutMs: 10_000 });
    const printed = writer.waitForMessage(`Письмо ${letter.code} напечатано`, { timeoutMs: 15_000 });
    const answer = await group.pressButton(admin, "✅ Одобрить", { messageId: card.messageId });
    expect(answer.text).toBe("Решение записано.");
    const edited = group.messages().find((m) => m.messageId === card.messageId);
    expect(edited?.text).toMatch(/✅ Одобрено — оператор #\d+, \d\d\.\d\d\.\d{4} \d\d:\d\d UTC/);
    expect(edited?.inlineKeyboard).toEqual([]);
    await approved;
    await printed;
    await waitForStatus(t, letter.id, "printed");

    const row = await t.app.prisma.letter.findUniqueOrThrow({ where: { id: letter.id } });
    expect(row.pdfPath).toBe(`letters/${letter.id}/letter.pdf`);
    const pdf = await createFileStorage(t.config.storageDir, t.config.keyring).get(row.pdfPath ?? "");
    const pages = await readPdf(pdf ?? Buffer.alloc(0));
    const text = collapse(pages.map((p) => p.text).join(" "));
    expect(text).toContain("Карточкин Пётр Петрович");
    expect(text).toContain("1984");
    expect(text).toContain("614000, г. Пермь, ул. Примерная, д. 1");
    expect(text).toContain("Мастера и Маргариту");
    expect(text).toContain(letter.code);
    expect(embeddedTrueTypeFonts(pdf ?? Buffer.alloc(0)).some((name) => /DejaVuSans/.test(name))).toBe(true);

    // /batch: the open batch is closed and arrives as one PDF plus the envelope list.
    const csvMessage = group.waitForMessage((m) => /^envelopes-batch-\d+\.xlsx$/.test(m.document?.file_name ?? ""), { timeoutMs: 15_000 });
    await group.sendText(admin, "/batch");
    await group.waitForMessage(/Партия №\d+ \(писем: \d+\) закрыта/, { timeoutMs: 10_000 });
    const csv = await csvMessage;
    const pdfMessage = group.messages().find((m) => /^batch-\d+\.pdf$/.test(m.document?.file_name ?? ""));
    expect(pdfMessage).toBeDefined();
    const batchPdf = pdfMessage?.fileBytes() ?? Buffer.alloc(0);
    expect(batchPdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(collapse((await readPdf(batchPdf)).map((p) => p.text).join(" "))).toContain(letter.code);
    // The envelope list is a workbook: a header row, then one text row per letter.
    const envelopeRows = sheetTexts(csv.fileBytes());
    expect(envelopeRows[0]).toEqual(["Код письма", "ФИО получателя", "Год рождения", "Учреждение", "Почтовый адрес"]);
    expect(envelopeRows.find((row) => row[0] === letter.code)?.slice(0, 3)).toEqual([letter.code, "Карточкин Пётр Петрович", "1984"]);
    const batchRow = await t.app.prisma.letter.findUniqueOrThrow({ where: { id: letter.id }, include: { batch: true } });
    expect(batchRow.batch?.status).toBe("printed");

    // Nothing left: a second /batch says so.
    const empty = group.waitForMessage("Новых писем для печати нет.", { timeoutMs: 10_000 });
    await group.sendText(admin, "/batch");
    await empty;

    // Mark as posted: every letter in the batch is posted, counted, and its writer told.
    const posted = writer.waitForMessage(`Письмо ${letter.code} отправлено по почте!`, { timeoutMs: 10_000 });
    const stranger2 = await group.pressButton(stranger, "📮 Отметить: отправлено", { messageId: csv.messageId });
    expect(stranger2.text).toBe(REFUSAL_EN);
    await group.pressButton(admin, "📮 Отметить: отправлено", { messageId: csv.messageId });
    await posted;
    await waitForStatus(t, letter.id, "posted");
    const after = await getStats(t.app.prisma);
    expect(after.lettersPosted - before.lettersPosted).toBeGreaterThanOrEqual(1);
    const history = await t.app.prisma.letterStatusEvent.findMany({ where: { letterId: letter.id }, orderBy: { id: "asc" } });
    expect(history.map((e) => e.status)).toEqual(["submitted", "approved", "printed", "posted"]);
  });

  it("two operators pressing Approve at once make one decision; the other is told who decided", async () => {
    const { t, group, admin } = w;
    const second = await addOperatorUser(w);
    const { writerId } = await startedWriter(t, "ru");
    const letter = await createLetter(t, writerId);
    const card = await postCard(w, letter);
    const answers = await Promise.all([
      group.pressButton(admin, "✅ Одобрить", { messageId: card.messageId }),
      group.pressButton(second, "✅ Одобрить", { messageId: card.messageId }),
    ]);
    const texts = answers.map((a) => a.text ?? "").sort();
    expect(texts.filter((x) => x === "Решение записано.")).toHaveLength(1);
    expect(texts.find((x) => x.startsWith("Это письмо уже рассмотрено, его статус: одобрено (оператор #"))).toBeDefined();
    const events = await t.app.prisma.letterStatusEvent.findMany({ where: { letterId: letter.id, status: "approved" } });
    expect(events).toHaveLength(1);
  });

  it("asks for changes with a reason the writer reads in their own language, with a button to write again", async () => {
    const { t, group, admin } = w;
    const { user: writer, writerId } = await startedWriter(t, "en");
    const letter = await createLetter(t, writerId, { text: "Hello! I live in Riga and I love old films and long walks by the sea.", language: "en" });
    const card = await postCard(w, letter);
    // Non-Russian letters can be marked "needs translation".
    await group.pressButton(admin, "🌐 Отметить: нужен перевод", { messageId: card.messageId });
    expect(group.messages().find((m) => m.messageId === card.messageId)?.text).toContain("🌐 нужен перевод");
    await group.pressButton(admin, "✏️ На доработку", { messageId: card.messageId });
    const told = writer.waitForMessage(`Your letter ${letter.code} needs a small change: phone numbers, addresses, links or other contacts.`, { timeoutMs: 10_000 });
    await group.pressButton(admin, "телефоны, адреса, ссылки", { messageId: card.messageId });
    const message = await told;
    expect(message.inlineKeyboard.flat().map((b) => b.text)).toEqual(["✏️ Fix and send again", "📬 My letters"]);
    // It leads into the letter flow for the same person (rules first for a writer who has not accepted them).
    const next = writer.waitForMessage(undefined, { timeoutMs: 10_000, includeEdits: true });
    await writer.pressButton("✏️ Fix and send again", { messageId: message.messageId });
    expect((await next).text ?? "").not.toMatch(/went wrong/i);
    await writer.sendText("/cancel");
    const row = await t.app.prisma.letter.findUniqueOrThrow({ where: { id: letter.id } });
    expect(row).toMatchObject({ status: "needs_changes", statusReason: "contacts" });
    const cardNow = group.messages().find((m) => m.messageId === card.messageId);
    expect(cardNow?.text).toContain("✏️ Отправлено на доработку — оператор #");
    expect(cardNow?.text).toContain("Причина: телефоны, адреса, ссылки или другие контакты");

    // "My letters" shows the history with the reason.
    const list = writer.waitForMessage("Your letters", { timeoutMs: 10_000 });
    await writer.sendText("/letters");
    await list;
    const detail = writer.waitForMessage(`Letter ${letter.code}`, { timeoutMs: 10_000, includeEdits: true });
    // One entry per person, then the letter in that person's thread.
    await writer.pressButton("Pyotr Primerov · ✉️ 1 · 📬 0");
    await writer.pressButton(`✉️ ${letter.code}`);
    const shown = await detail;
    expect(shown.text).toContain("— being checked");
    expect(shown.text).toContain("— needs changes");
    expect(shown.text).toContain("reason: phone numbers, addresses, links or other contacts");
  });

  it("a translation attached by replying to the card is printed with the letter", async () => {
    const { t, group, admin } = w;
    const { writerId } = await startedWriter(t, "en");
    const letter = await createLetter(t, writerId, { text: "Dear friend, I am writing from Lisbon about my garden.", language: "en" });
    const card = await postCard(w, letter);
    await group.pressButton(admin, "🌐 Отметить: нужен перевод", { messageId: card.messageId });
    await group.pressButton(admin, "✅ Одобрить", { messageId: card.messageId });
    // Approved but not printed: it waits for the translation.
    expect(group.messages().find((m) => m.messageId === card.messageId)?.text).toContain("Ждёт перевода");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await t.app.prisma.letter.findUniqueOrThrow({ where: { id: letter.id } })).status).toBe("approved");
    const saved = group.waitForMessage(`Перевод для письма ${letter.code} сохранён`, { timeoutMs: 10_000 });
    await group.sendText(admin, "Дорогой друг, пишу вам из Лиссабона о моём саде.", { replyToMessageId: card.messageId });
    await saved;
    await waitForStatus(t, letter.id, "printed");
    const row = await t.app.prisma.letter.findUniqueOrThrow({ where: { id: letter.id } });
    const pdf = await createFileStorage(t.config.storageDir, t.config.keyring).get(row.pdfPath ?? "");
    const text = collapse((await readPdf(pdf ?? Buffer.alloc(0))).map((p) => p.text).join(" "));
    expect(text).toContain("пишу вам из Лиссабона");
    expect(text).toContain("I am writing from Lisbon");
  });
});

describe("Telegram limits in the operators' chat", () => {
  it("a 429 halfway through a card or a batch resumes after retry_after without posting anything twice", async () => {
    const { t, group, admin } = w;
    const { writerId } = await startedWriter(t, "ru");
    const letter = await createLetter(t, writerId, { text: `${"Очень длинное письмо о книгах и прогулках. ".repeat(120)}Конец.` });
    // The header goes out; the first text part is refused with 429 retry_after=1.
    const headerSeen = group.waitForMessage((m) => (m.text ?? "").includes(`Письмо ${letter.code}`), { timeoutMs: 10_000 });
    const lastPart = group.waitForMessage((m) => (m.text ?? "").startsWith(`${letter.code} · 2/2`), { timeoutMs: 15_000 });
    const sendsBefore = t.fake.calls("sendMessage").length;
    // The moment the header is stored, the next send to the group (the first text part) gets 429.
    const unsubscribe = t.fake.subscribe((event) => {
      if (event.type === "message" && event.chatId === group.id && (event.message.text ?? "").includes(`Письмо ${letter.code}`)) {
        t.fake.failNext("sendMessage", { errorCode: 429, retryAfter: 1, chatId: group.id, times: 1 });
      }
    });
    await t.app.queues.moderation({ letterId: letter.id });
    const card = await headerSeen;
    await lastPart;
    unsubscribe();
    const mine = t.fake.calls("sendMessage").slice(sendsBefore).filter((c) => c.chatId === group.id);
    expect(mine.filter((c) => !c.ok).map((c) => c.errorCode)).toEqual([429]);
    const headers = group.messages().filter((m) => (m.text ?? "").includes(`Письмо ${letter.code}`));
    expect(headers).toHaveLength(1);
    expect(group.messages().filter((m) => (m.text ?? "").startsWith(`${letter.code} · `)).map((m) => m.text?.slice(0, letter.code.length + 6))).toEqual([
      `${letter.code} · 1/2`,
      `${letter.code} · 2/2`,
    ]);

    await group.pressButton(admin, "✅ Одобрить", { messageId: card.messageId });
    await waitForStatus(t, letter.id, "printed");
    // The envelope list (the second document) is refused once: the PDF is not posted again on the retry.
    const unsubscribePdf = t.fake.subscribe((event) => {
      if (event.type === "message" && event.chatId === group.id && event.message.document?.file_name?.endsWith(".pdf") === true) {
        t.fake.failNext("sendDocument", { errorCode: 429, retryAfter: 1, chatId: group.id, times: 1 });
      }
    });
    const pdfsBefore = group.messages().filter((m) => m.document?.file_name?.endsWith(".pdf") === true).length;
    const csv = group.waitForMessage((m) => m.document?.file_name?.endsWith(".xlsx") === true && sheetTexts(m.fileBytes()).some((row) => row[0] === letter.code), { timeoutMs: 15_000 });
    await group.sendText(admin, "/batch");
    await csv;
    unsubscribePdf();
    expect(t.fake.calls("sendDocument").filter((c) => c.chatId === group.id && !c.ok).map((c) => c.errorCode)).toEqual([429]);
    expect(group.messages().filter((m) => m.document?.file_name?.endsWith(".pdf") === true).length - pdfsBefore).toBe(1);
  });
});

describe("handwritten letters", () => {
  it("the card shows the pages as an album, and the PDF prints them one per page", async () => {
    const { t, group, admin } = w;
    const { writerId } = await startedWriter(t, "ru");
    const page = (level: number) => sharp({ create: { width: 500, height: 700, channels: 3, background: { r: level, g: level, b: level } } }).jpeg().toBuffer();
    const letter = await createLetter(t, writerId, { pages: [await page(50), await page(150)] });
    const album = group.waitForMessage((m) => m.kind === "photo" && m.caption === `${letter.code} · 2/2`, { timeoutMs: 10_000 });
    const card = await postCard(w, letter);
    expect(card.text).toContain("От руки, страниц: 2");
    const second = await album;
    expect(second.mediaGroupId).toBeDefined();
    expect(second.replyToMessageId).toBe(card.messageId);
    await group.pressButton(admin, "✅ Одобрить", { messageId: card.messageId });
    await waitForStatus(t, letter.id, "printed");
    const row = await t.app.prisma.letter.findUniqueOrThrow({ where: { id: letter.id } });
    const pages = await readPdf((await createFileStorage(t.config.storageDir, t.config.keyring).get(row.pdfPath ?? "")) ?? Buffer.alloc(0));
    expect(pages.map((p) => p.images)).toEqual([1, 1]);
    // Close the batch here: its pages live in this app's storage.
    const csv = group.waitForMessage((m) => (m.caption ?? "").startsWith("✉️ Конверты") && sheetTexts(m.fileBytes()).some((row) => row[0] === letter.code), { timeoutMs: 15_000 });
    await group.sendText(admin, "/batch");
    await csv;
  });
});

describe("without an operators' chat", () => {
  it("the moderation job fails visibly and stays retryable instead of being dropped", async () => {
    const t = await startTestApp({ roles: ["worker"] });
    try {
      const { writerId } = { writerId: (await t.app.prisma.writer.create({ data: { telegramId: BigInt(t.user().id), language: "ru" } })).id };
      const letter = await createLetter(t, writerId);
      const jobId = await t.app.queues.moderation({ letterId: letter.id });
      expect(jobId).toBe(`moderation-${letter.id}`);
      const job = () => t.app.queues.byName[MODERATION_QUEUE].getJob(jobId);
      await expect.poll(async () => (await job())?.failedReason, { timeout: 10_000, interval: 100 }).toBe("No operators' chat is bound");
      // Waiting for its next attempt (or parked in "failed" once attempts run out), never removed.
      expect(await (await job())?.getState()).toMatch(/^(delayed|waiting|failed)$/);
    } finally {
      await t.stop();
    }
  });
});

describe("roles", () => {
  it("a removed operator's next press is refused; non-admins cannot use /operators; strangers cannot /batch", async () => {
    const { t, group, admin } = w;
    const op = await addOperatorUser(w);

    // An operator (not admin) cannot manage operators, in the group or privately.
    const refusedInGroup = group.waitForMessage(REFUSAL_RU, { timeoutMs: 10_000 });
    await group.sendText(op, "/operators list");
    await refusedInGroup;
    const refusedPrivately = op.waitForMessage(REFUSAL_RU, { timeoutMs: 10_000 });
    await op.sendText(`/operators add ${op.id} admin`);
    await refusedPrivately;

    const { writerId } = await startedWriter(t, "ru");
    const letter = await createLetter(t, writerId);
    const card = await postCard(w, letter);
    // As an operator they may open the reasons...
    await group.pressButton(op, "⛔ Отклонить", { messageId: card.messageId });
    await group.pressButton(op, "← Назад", { messageId: card.messageId });

    // The admin lists and removes them privately.
    const list = admin.waitForMessage(/Операторов: \d+/, { timeoutMs: 10_000 });
    await admin.sendText("/operators list");
    expect((await list).text).toContain(`${op.id} · оператор`);
    const removed = admin.waitForMessage(`Готово: ${op.id} больше не оператор.`, { timeoutMs: 10_000 });
    await admin.sendText(`/operators remove ${op.id}`);
    await removed;

    const answer = await group.pressButton(op, "✅ Одобрить", { messageId: card.messageId });
    expect(answer).toMatchObject({ text: REFUSAL_RU, showAlert: true });
    expect((await t.app.prisma.letter.findUniqueOrThrow({ where: { id: letter.id } })).status).toBe("submitted");

    const stranger = t.user({ languageCode: "en" });
    const noBatch = group.waitForMessage(REFUSAL_EN, { timeoutMs: 10_000 });
    await group.sendText(stranger, "/batch");
    await noBatch;
    // A private /batch from a stranger is refused the same way (operators act in their chat only).
    const privateRefusal = stranger.waitForMessage(REFUSAL_EN, { timeoutMs: 10_000 });
    await stranger.sendText("/operators list");
    await privateRefusal;
  });
});

describe("printing to a CUPS printer", () => {
  it("with PRINTER_NAME the batch goes to `lp -d <printer>` and the operators get the envelope list", async () => {
    // A stand-in `lp` first on PATH records its arguments and the PDF it was given on stdin
    // (the stored batch PDF is ciphertext: lp gets the plain bytes piped, never a path).
    const bin = mkdtempSync(join(tmpdir(), "lifeline-fake-lp-"));
    const log = join(bin, "lp.log");
    writeFileSync(join(bin, "lp"), `#!/bin/sh\nprintf '%s\\n' "$@" > "${log}"\ncat > "${log}.pdf"\n`);
    chmodSync(join(bin, "lp"), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path ?? ""}`;
    const printerWorld = await startIsolatedOperatorsWorld({ PRINTER_NAME: "Office_Laser" });
    try {
      const { t, group, admin } = printerWorld;
      const { user: writer, writerId } = await startedWriter(t, "ru");
      const letter = await createLetter(t, writerId, { prisonerLastName: "Принтеров" });
      const card = await postCard(printerWorld, letter);
      await group.pressButton(admin, "✅ Одобрить", { messageId: card.messageId });
      await waitForStatus(t, letter.id, "printed");
      const envelopes = group.waitForMessage(/отправлена на принтер Office_Laser/, { timeoutMs: 15_000 });
      await group.sendText(admin, "/batch");
      const message = await envelopes;
      expect(message.document?.file_name).toMatch(/^envelopes-batch-\d+\.xlsx$/);
      expect(sheetTexts(message.fileBytes()).find((row) => row[0] === letter.code)?.slice(0, 3)).toEqual([letter.code, "Принтеров Пётр Петрович", "1984"]);
      expect(existsSync(log)).toBe(true);
      const args = readFileSync(log, "utf8").trim().split("\n");
      expect(args.slice(0, 2)).toEqual(["-d", "Office_Laser"]);
      const printed = readFileSync(`${log}.pdf`);
      expect(collapse((await readPdf(printed)).map((p) => p.text).join(" "))).toContain("Принтеров Пётр Петрович");
      // No PDF document in the chat: it went to paper.
      expect(group.messages().some((m) => m.document?.file_name?.endsWith(".pdf") === true)).toBe(false);
      const posted = writer.waitForMessage(`Письмо ${letter.code} отправлено по почте!`, { timeoutMs: 10_000 });
      await group.pressButton(admin, "📮 Отметить: отправлено", { messageId: message.messageId });
      await posted;
    } finally {
      await printerWorld.t.stop();
      process.env.PATH = path;
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
