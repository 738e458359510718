import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TEST_PACES } from "../helpers/app.js";
import { canaryPdf } from "../helpers/canary-pdf.js";
import { createLetter, startedWriter, startOperatorsWorld, type OperatorsWorld } from "./operators-helpers.js";

let w: OperatorsWorld;
beforeAll(async () => {
  w = await startOperatorsWorld();
});
afterAll(async () => {
  await w.t.stop();
});

/** A scan-like page: a distinct grey level per page, so each delivered photo is recognisable. */
function scan(level: number): Promise<Buffer> {
  return sharp({ create: { width: 600, height: 850, channels: 3, background: { r: level, g: level, b: level } } }).jpeg().toBuffer();
}

/** A page told apart by its width: the scan pipeline keeps a page's size, not its tones. */
function scanOfWidth(width: number): Promise<Buffer> {
  return sharp({ create: { width, height: 700, channels: 3, background: { r: 235, g: 235, b: 225 } } }).jpeg().toBuffer();
}

async function widthOf(bytes: Buffer | undefined): Promise<number | undefined> {
  return bytes ? (await sharp(bytes).metadata()).width : undefined;
}

function replyPhotosTo(chatId: number) {
  return w.t.fake.calls("sendPhoto").filter((c) => c.chatId === chatId && c.ok);
}

async function replyRow(letterId: number) {
  return w.t.app.prisma.reply.findFirst({ where: { letterId }, include: { pages: { orderBy: { index: "asc" } } }, orderBy: { id: "desc" } });
}

describe("replies", () => {
  it("a scanned reply sent as an album with the code in the caption reaches the writer once, paced, with Write back", async () => {
    const { t, group, admin } = w;
    const { user: writer, writerId } = await startedWriter(t, "en");
    const letter = await createLetter(t, writerId, { status: "posted" });

    // The first page's send is answered 429 retry_after=1: the page comes once, at least a second later.
    t.fake.failNext("sendPhoto", { errorCode: 429, retryAfter: 1, chatId: writer.id });
    // Three pages through the page pipeline, then the reply's quiet window: room for a loaded CI machine.
    const accepted = group.waitForMessage(`Ответ на письмо ${letter.code} принят`, { timeoutMs: 30_000 });
    const last = writer.waitForMessage((m) => m.caption === "Page 3 of 3.", { timeoutMs: 40_000 });
    for (const [i, width] of [400, 450, 500].entries()) {
      await group.sendPhoto(admin, await scanOfWidth(width), { mediaGroupId: `album-${letter.id}`, ...(i === 0 ? { caption: `ответ ${letter.code.toLowerCase()}` } : {}) });
    }
    const ok = await accepted;
    expect(ok.text).toContain("Отправитель: Примеров Пётр Петрович");
    expect(ok.text).toMatch(/автор письма — #\d+; страниц: 3\./);
    const lastPage = await last;
    expect(lastPage.inlineKeyboard.flat().map((b) => b.text)).toEqual(["✍️ Write back"]);

    const photos = writer.messages().filter((m) => m.kind === "photo");
    expect(photos.map((m) => m.caption)).toEqual([`📬 You have a reply! Pyotr Primerov has answered your letter ${letter.code}. Page 1 of 3.`, "Page 2 of 3.", "Page 3 of 3."]);
    // Pages in order, their own bytes (widths), each sent once.
    expect(await Promise.all(photos.map((m) => widthOf(m.fileBytes())))).toEqual([400, 450, 500]);
    const calls = (replyPhotosTo(writer.id)).map((c) => c.at);
    expect(calls).toHaveLength(3);
    const failed = t.fake.calls("sendPhoto").find((c) => c.chatId === writer.id && !c.ok);
    expect(failed?.errorCode).toBe(429);
    // The pace runs on Redis's clock and these times on the fake's: a few ms either way are the clocks, not the pace.
    expect((calls[0] ?? 0) - (failed?.at ?? 0)).toBeGreaterThanOrEqual(980);
    // Messages in one chat keep the private-chat pace (the tests' faster one; Telegram's second is
    // tested in outgoing-pace.test.ts), a few ms either way for the two clocks.
    for (let i = 1; i < calls.length; i++) expect((calls[i] ?? 0) - (calls[i - 1] ?? 0)).toBeGreaterThanOrEqual(TEST_PACES.privateChat.intervalMs - 10);

    // Recorded right after the last send.
    await expect.poll(async () => (await replyRow(letter.id))?.deliveryState, { timeout: 10_000, interval: 100 }).toBe("delivered");
    const reply = await replyRow(letter.id);
    expect(reply?.pages.every((p) => p.deliveredAt !== null)).toBe(true);
    expect((await t.app.prisma.letter.findUniqueOrThrow({ where: { id: letter.id } })).status).toBe("replied");

    // "Write back" belongs to this writer only.
    const other = t.user({ languageCode: "en" });
    await other.sendText("/start");
    await expect(other.pressButton(`rep:wb:${letter.id}`)).rejects.toThrow(/No inline button/);

    // My letters: the reply can be opened again.
    await writer.sendText("/letters");
    await writer.waitForMessage("Your letters", { timeoutMs: 10_000 });
    const detail = writer.waitForMessage(`Letter ${letter.code}`, { timeoutMs: 10_000, includeEdits: true });
    await writer.pressButton("Pyotr Primerov · ✉️ 1 · 📬 1");
    await writer.pressButton(`✉️ ${letter.code}`);
    expect((await detail).text).toContain("— reply received");
    const again = writer.waitForMessage(`Reply to letter ${letter.code}, page 3 of 3.`, { timeoutMs: 10_000 });
    const openButton = writer.lastMessage()?.inlineKeyboard.flat().find((b) => b.text.startsWith("📬 Reply 1, received "));
    expect(openButton).toBeDefined();
    await writer.pressButton(openButton?.text ?? "");
    await again;
  }, 90_000);

  it("a delivery interrupted after the first page and resumed after a restart never sends a page twice", async () => {
    const { t, group, admin } = w;
    const { user: writer, writerId } = await startedWriter(t, "ru");
    const letter = await createLetter(t, writerId, { status: "posted" });
    const card = await t.app.prisma.letter.findUniqueOrThrow({ where: { id: letter.id } });
    expect(card.status).toBe("posted");

    const firstPage = writer.waitForMessage((m) => m.kind === "photo", { timeoutMs: 15_000 });
    await group.sendPhoto(admin, await scan(60), { mediaGroupId: `restart-${letter.id}`, caption: letter.code });
    await group.sendPhoto(admin, await scan(160), { mediaGroupId: `restart-${letter.id}` });
    await firstPage;
    // The next page fails (Telegram down); meanwhile the whole app stops and starts again.
    t.fake.failNext("sendPhoto", { errorCode: 500, description: "Internal Server Error", chatId: writer.id, times: 1 });
    await t.restart();
    await expect.poll(async () => (await replyRow(letter.id))?.deliveryState, { timeout: 20_000, interval: 200 }).toBe("delivered");
    const sent = (replyPhotosTo(writer.id)).length;
    expect(sent).toBe(2);
    // The interruption really happened: one failed send, and more than one delivery attempt.
    expect(t.fake.calls("sendPhoto").filter((c) => c.chatId === writer.id && !c.ok).map((c) => c.errorCode)).toEqual([500]);
    expect((await replyRow(letter.id))?.deliveryAttempts).toBeGreaterThanOrEqual(2);
    expect(writer.messages().filter((m) => m.kind === "photo").map((m) => m.caption?.replace(/^.*(Страница \d из \d)\.$/s, "$1"))).toEqual(["Страница 1 из 2", "Страница 2 из 2"]);
  });

  it("a writer who blocked the bot keeps the reply, and the operators are told", async () => {
    const { t, group, admin } = w;
    const { user: writer, writerId } = await startedWriter(t, "en");
    const letter = await createLetter(t, writerId, { status: "posted" });
    writer.block();
    const told = group.waitForMessage(/не доставлен: автор #\d+ заблокировал бота/, { timeoutMs: 15_000 });
    const pdf = await canaryPdf("BlockedReplyPdf");
    await group.sendDocument(admin, pdf, { fileName: "reply.pdf", mimeType: "application/pdf", caption: letter.code });
    expect((await told).text).toContain(letter.code);
    const reply = await replyRow(letter.id);
    expect(reply?.deliveryState).toBe("blocked");
    expect(reply?.pages).toHaveLength(1);
    // Rasterised on arrival (src/media/pdf-scrub.ts): the kept page is an image, not the PDF.
    expect(reply?.pages[0]?.mimeType).toBe("image/jpeg");
    expect(reply?.pages[0]?.deliveredAt).toBeNull();
    expect((await t.app.prisma.writer.findUniqueOrThrow({ where: { id: writerId } })).botBlockedAt).not.toBeNull();
  });

  it("refuses bad uploads with a reason and stores nothing", async () => {
    const { t, group, admin } = w;
    const { writerId } = await startedWriter(t, "ru");
    const posted = await createLetter(t, writerId, { status: "posted" });
    const submitted = await createLetter(t, writerId);
    const photo = await scan(90);

    const expectAnswer = async (send: () => Promise<unknown>, text: string | RegExp) => {
      const answer = group.waitForMessage(text, { timeoutMs: 10_000 });
      await send();
      await answer;
    };
    await expectAnswer(() => group.sendPhoto(admin, photo), "Не получается понять, к какому письму этот ответ.");
    await expectAnswer(() => group.sendPhoto(admin, photo, { caption: "L-ZZZZZZ" }), "Письма с кодом L-ZZZZZZ нет.");
    const typo = `${posted.code.slice(0, -1)}${posted.code.endsWith("Z") ? "Y" : "Z"}`;
    await expectAnswer(() => group.sendPhoto(admin, photo, { caption: typo }), `Может быть, вы имели в виду: ${posted.code}?`);
    await expectAnswer(() => group.sendPhoto(admin, photo, { caption: submitted.code }), `Письмо ${submitted.code} ещё не отправлено по почте`);
    await expectAnswer(
      () => group.sendDocument(admin, Buffer.from("MZ this is not a pdf at all"), { fileName: "scan.pdf", mimeType: "application/pdf", caption: posted.code }),
      "файл назван PDF, но это не PDF",
    );
    await expectAnswer(
      () => group.sendDocument(admin, Buffer.from("just some words"), { fileName: "notes.txt", mimeType: "text/plain", caption: posted.code }),
      "такой формат не подходит",
    );
    // A server installed without poppler-utils: the operators hear what is missing, not that the PDF is damaged.
    const pdf = await canaryPdf("NoPopplerHere");
    const noTools = mkdtempSync(join(tmpdir(), "lifeline-no-poppler-"));
    const path = process.env.PATH;
    process.env.PATH = noTools;
    try {
      await expectAnswer(
        () => group.sendDocument(admin, pdf, { fileName: "reply.pdf", mimeType: "application/pdf", caption: posted.code }),
        "на сервере нет программы для чтения PDF (poppler-utils) — попросите администратора выполнить sudo apt install poppler-utils",
      );
    } finally {
      process.env.PATH = path;
      rmSync(noTools, { recursive: true, force: true });
    }
    expect(await replyRow(posted.id)).toBeNull();

    // Strangers in the chat cannot upload replies.
    const stranger = t.user({ languageCode: "en" });
    await expectAnswer(() => group.sendPhoto(stranger, photo, { caption: posted.code }), "Sorry, this is not available to you.");
    expect(await replyRow(posted.id)).toBeNull();
  });

  it("a reply sent as a 10-page album and a 2-page album reaches the writer as one sequence, pages 1 to 12, each once", async () => {
    const { t, group, admin } = w;
    const { user: writer, writerId } = await startedWriter(t, "en");
    const letter = await createLetter(t, writerId, { status: "posted" });
    const widths = Array.from({ length: 12 }, (_, i) => 400 + 10 * i);
    const accepted = group.waitForMessage(`Ответ на письмо ${letter.code} принят`, { timeoutMs: 60_000 });
    const last = writer.waitForMessage((m) => m.caption === "Page 12 of 12.", { timeoutMs: 90_000 });
    // Telegram splits 12 photos into an album of 10 and one of 2, sent one right after the other.
    for (const [i, width] of widths.entries()) {
      const album = i < 10 ? `big-${letter.id}` : `small-${letter.id}`;
      await group.sendPhoto(admin, await scanOfWidth(width), { mediaGroupId: album, ...(i === 0 || i === 10 ? { caption: letter.code } : {}) });
    }
    const ok = await accepted;
    expect(ok.text).toContain("страниц: 12");
    await last;

    const photos = writer.messages().filter((m) => m.kind === "photo");
    expect(photos.map((m) => m.caption)).toEqual([
      `📬 You have a reply! Pyotr Primerov has answered your letter ${letter.code}. Page 1 of 12.`,
      ...widths.slice(1).map((_, i) => `Page ${i + 2} of 12.`),
    ]);
    // In the order the operators sent them, each once; Write back under the last one only.
    expect(await Promise.all(photos.map((m) => widthOf(m.fileBytes())))).toEqual(widths);
    expect(replyPhotosTo(writer.id)).toHaveLength(12);
    expect(photos.map((m) => m.inlineKeyboard.flat().length)).toEqual([...Array<number>(11).fill(0), 1]);

    // One reply, one answer in the operators' chat, naming the whole page count.
    const stored = await t.app.prisma.reply.findMany({ where: { letterId: letter.id }, include: { pages: { orderBy: { index: "asc" } } } });
    expect(stored).toHaveLength(1);
    expect(stored[0]?.pages.map((p) => p.width)).toEqual(widths);
    await expect.poll(async () => (await replyRow(letter.id))?.deliveryState, { timeout: 10_000 }).toBe("delivered");
    expect(group.messages().filter((m) => (m.text ?? "").includes(`Ответ на письмо ${letter.code} принят`))).toHaveLength(1);
  }, 120_000);
});
