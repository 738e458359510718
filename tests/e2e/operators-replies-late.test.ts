// Replies: kept for a writer who blocked the bot and delivered when they come back; albums that
// survive a restart; too-large uploads; a PDF reply rasterised and delivered as page photos.
import sharp from "sharp";
import { mkdirSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { capturedLogger } from "../helpers/logs.js";
import { canaryPdf } from "../helpers/canary-pdf.js";
import { createLetter, startedWriter, startOperatorsWorld, type OperatorsWorld } from "./operators-helpers.js";

let w: OperatorsWorld;
const { logger, lines } = capturedLogger();
beforeAll(async () => {
  w = await startOperatorsWorld({}, { logger });
});
// What the app did, kept when a test fails (test-artifacts/logs/): these tests wait on workers.
afterEach(({ task }) => {
  if (task.result?.state !== "fail") return;
  mkdirSync(resolve("test-artifacts/logs"), { recursive: true });
  writeFileSync(resolve("test-artifacts/logs/operators-replies-late.jsonl"), lines.map((l) => JSON.stringify(l)).join("\n"));
});
afterAll(async () => {
  await w.t.stop();
});

// Generous: a PDF reply is rasterised and gathered before the first notice, and CI runs many files at once.
const WAIT = { timeoutMs: 30_000 } as const;

function scan(level: number): Promise<Buffer> {
  return sharp({ create: { width: 600, height: 850, channels: 3, background: { r: level, g: level, b: level } } }).jpeg().toBuffer();
}

/** A page told apart by its width: the scan pipeline keeps a page's size, not its tones. */
function scanOfWidth(width: number): Promise<Buffer> {
  return sharp({ create: { width, height: 700, channels: 3, background: { r: 235, g: 235, b: 225 } } }).jpeg().toBuffer();
}


async function replies(letterId: number) {
  return w.t.app.prisma.reply.findMany({ where: { letterId }, include: { pages: { orderBy: { index: "asc" } } }, orderBy: { id: "asc" } });
}

async function blockedAt(writerId: number): Promise<Date | null> {
  return (await w.t.app.prisma.writer.findUniqueOrThrow({ where: { id: writerId } })).botBlockedAt;
}

describe("replies for writers who blocked the bot", { timeout: 90_000 }, () => {
  it("a PDF reply kept while the writer had blocked the bot is delivered once, as page photos without its metadata, when they unblock it", async () => {
    const { t, group, admin } = w;
    const { user: writer, writerId } = await startedWriter(t, "en");
    const letter = await createLetter(t, writerId, { status: "posted" });
    writer.block();
    await expect.poll(() => blockedAt(writerId), { timeout: 10_000 }).not.toBeNull();

    const kept = group.waitForMessage(/не доставлен: автор #\d+ заблокировал бота/, WAIT);
    const canary = `ReplyPdfCanary${letter.id}`;
    const pdf = await canaryPdf(canary, 2);
    await group.sendDocument(admin, pdf, { fileName: "scan.pdf", mimeType: "application/pdf", caption: letter.code });
    expect((await kept).text).toContain(letter.code);
    expect((await replies(letter.id))[0]?.deliveryState).toBe("blocked");
    expect(writer.messages().filter((m) => m.kind === "photo" || m.kind === "document")).toHaveLength(0);

    // Unblocking (my_chat_member → member) releases it; the operators hear it arrived after all.
    const late = group.waitForMessage(/всё-таки доставлен: автор #\d+ вернулся в бота/, WAIT);
    const delivered = writer.waitForMessage((m) => m.kind === "photo" && /Page 2 of 2/.test(m.caption ?? ""), WAIT);
    writer.unblock();
    const doc = await delivered;
    const photos = writer.messages().filter((m) => m.kind === "photo");
    expect(photos.map((m) => m.caption)).toEqual([`📬 You have a reply! Pyotr Primerov has answered your letter ${letter.code}. Page 1 of 2.`, "Page 2 of 2."]);
    // Each PDF page became a clean JPEG: readable, and nothing of the PDF's metadata or its scanner's EXIF.
    for (const photo of photos) {
      const bytes = photo.fileBytes() ?? Buffer.alloc(0);
      expect((await sharp(bytes).metadata()).width).toBeGreaterThan(1500);
      expect(bytes.toString("latin1")).not.toContain(canary);
    }
    expect(doc.inlineKeyboard.flat().map((b) => b.text)).toEqual(["✍️ Write back"]);
    expect((await late).text).toContain(letter.code);

    const [reply] = await replies(letter.id);
    expect(reply?.deliveryState).toBe("delivered");
    expect(reply?.pages.every((p) => p.deliveredAt !== null)).toBe(true);
    expect(await blockedAt(writerId)).toBeNull();
    // Once: a later message from the writer sends nothing again.
    await writer.sendText("/start");
    await writer.waitForMessage((m) => m.kind === "text", { timeoutMs: 10_000, afterMessageId: doc.messageId });
    expect(t.fake.calls("sendPhoto").filter((c) => c.chatId === writer.id && c.ok)).toHaveLength(2);
  });

  it("a writer marked as having blocked the bot who simply writes again gets the pages not yet delivered, and only those", async () => {
    const { t, group, admin } = w;
    const { user: writer, writerId } = await startedWriter(t, "ru");
    const letter = await createLetter(t, writerId, { status: "posted" });

    // Page 1 arrives; page 2 is refused with 403 (the writer blocked the bot; the unblock update never came).
    const first = writer.waitForMessage((m) => m.kind === "photo", WAIT);
    const kept = group.waitForMessage(/не доставлен: автор #\d+ заблокировал бота/, WAIT);
    await group.sendPhoto(admin, await scan(50), { mediaGroupId: `kept-${letter.id}`, caption: letter.code });
    await group.sendPhoto(admin, await scan(200), { mediaGroupId: `kept-${letter.id}` });
    await first;
    t.fake.failNext("sendPhoto", { errorCode: 403, description: "Forbidden: bot was blocked by the user", chatId: writer.id });
    // The operators' notice is refused once (429): it is sent again, and only once.
    t.fake.failNext("sendMessage", { errorCode: 429, retryAfter: 1, chatId: group.id });
    await kept;
    expect(await blockedAt(writerId)).not.toBeNull();
    const [held] = await replies(letter.id);
    expect(held?.deliveryState).toBe("blocked");
    expect(held?.pages.map((p) => p.deliveredAt !== null)).toEqual([true, false]);

    const late = group.waitForMessage(/всё-таки доставлен/, WAIT);
    const second = writer.waitForMessage((m) => m.kind === "photo", { ...WAIT, afterMessageId: writer.lastMessage()?.messageId ?? 0 });
    t.fake.failNext("sendMessage", { errorCode: 429, retryAfter: 1, chatId: group.id });
    await writer.sendText("/start");
    expect((await second).caption).toBe("Страница 2 из 2.");
    await late;
    const refused = t.fake.calls("sendMessage").filter((c) => c.chatId === group.id && !c.ok && typeof c.params.text === "string" && c.params.text.includes(letter.code));
    expect(refused.map((c) => c.errorCode)).toEqual([429, 429]);
    const about = (pattern: RegExp) => group.messages().filter((m) => pattern.test(m.text ?? "") && (m.text ?? "").includes(letter.code));
    expect(about(/не доставлен: автор #\d+ заблокировал бота/)).toHaveLength(1);
    expect(about(/всё-таки доставлен/)).toHaveLength(1);
    const [reply] = await replies(letter.id);
    expect(reply?.deliveryState).toBe("delivered");
    // Page 1 was not sent again.
    expect(t.fake.calls("sendPhoto").filter((c) => c.chatId === writer.id && c.ok)).toHaveLength(2);
    expect(writer.messages().filter((m) => m.kind === "photo").map((m) => m.caption?.replace(/^.*(Страница \d из \d)\.$/s, "$1"))).toEqual(["Страница 1 из 2", "Страница 2 из 2"]);
    expect(await blockedAt(writerId)).toBeNull();
  });
});

describe("reply uploads", () => {
  it("an album survives a restart between its 2nd and 3rd photo: one reply with 3 pages, delivered once", async () => {
    const { t, group, admin } = w;
    const { user: writer, writerId } = await startedWriter(t, "ru");
    const letter = await createLetter(t, writerId, { status: "posted" });
    const groupId = `restart${letter.id}`;
    const pagesKey = `${t.config.redisPrefix}:album:${group.id}:${groupId}:pages`;

    await group.sendPhoto(admin, await scanOfWidth(400), { mediaGroupId: groupId, caption: letter.code });
    await group.sendPhoto(admin, await scanOfWidth(450), { mediaGroupId: groupId });
    // Both pages are stored outside the process before it goes away.
    await expect.poll(() => t.app.redis.llen(pagesKey), { timeout: 10_000, interval: 50 }).toBe(2);
    await t.restart();

    const accepted = group.waitForMessage(`Ответ на письмо ${letter.code} принят`, WAIT);
    const last = writer.waitForMessage((m) => (m.caption ?? "").endsWith("Страница 3 из 3."), { timeoutMs: 25_000 });
    await group.sendPhoto(admin, await scanOfWidth(500), { mediaGroupId: groupId });
    expect((await accepted).text).toContain("страниц: 3");
    await last;
    await expect.poll(async () => (await replies(letter.id))[0]?.deliveryState, { timeout: 10_000 }).toBe("delivered");

    const all = await replies(letter.id);
    expect(all).toHaveLength(1);
    expect(all[0]?.pages).toHaveLength(3);
    const photos = writer.messages().filter((m) => m.kind === "photo");
    expect(photos).toHaveLength(3);
    expect(await Promise.all(photos.map(async (m) => (await sharp(m.fileBytes()).metadata()).width))).toEqual([400, 450, 500]);
    expect(group.messages().filter((m) => (m.text ?? "").includes(`Ответ на письмо ${letter.code} принят`))).toHaveLength(1);
    // Nothing left waiting in Redis.
    expect(await t.app.redis.llen(pagesKey)).toBe(0);
  });

  it("a document over 20 MB is refused with a clear message and nothing is stored", async () => {
    const { t, group, admin } = w;
    const { writerId } = await startedWriter(t, "ru");
    const letter = await createLetter(t, writerId, { status: "posted" });
    const big = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(21 * 1024 * 1024, 32), Buffer.from("\n%%EOF\n")]);
    const refused = group.waitForMessage("файл больше 20 МБ", WAIT);
    const sent = await group.sendDocument(admin, big, { fileName: "huge.pdf", mimeType: "application/pdf", caption: letter.code });
    expect((await refused).text).toContain("Ответ не сохранён");
    expect(await replies(letter.id)).toEqual([]);
    // Refused before downloading anything.
    expect(sent.document?.file_size).toBeGreaterThan(20 * 1024 * 1024);
    expect(t.fake.calls("getFile").filter((c) => c.params.file_id === sent.document?.file_id)).toHaveLength(0);
    expect((await t.app.prisma.letter.findUniqueOrThrow({ where: { id: letter.id } })).status).toBe("posted");
  });
});
