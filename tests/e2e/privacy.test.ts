import { randomBytes } from "node:crypto";
import { readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeGroup, type FakeUser } from "../../src/fake-telegram/index.js";
import { PRIVACY_CB } from "../../src/bot/features/privacy.js";
import { submitLetter } from "../../src/db/repositories/letters.js";
import { createReply } from "../../src/db/repositories/replies.js";
import { createSpecificRequest } from "../../src/db/repositories/specific-requests.js";
import { findWriterByTelegramId, getOrCreateWriter, updateWriterProfile } from "../../src/db/repositories/writers.js";
import { MODERATION_QUEUE, moderationJobId, NOTIFY_QUEUE, notifyJobId, PRINT_QUEUE, REPLY_DELIVERY_QUEUE, replyDeliveryJobId } from "../../src/queues/index.js";
import { createFileStorage } from "../../src/storage/index.js";
import { draftPageKey } from "../../src/storage/keys.js";
import { batchPdfKey, letterPdfKey } from "../../src/workers/printable.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { uniqueTelegramId } from "../helpers/db.js";
import { createPrisoner } from "../helpers/letter-fixtures.js";

const WAIT = { timeoutMs: 10_000 };
const EDIT = { timeoutMs: 10_000, includeEdits: true };
const HOUR = 3600_000;

let t: TestApp;
let group: FakeGroup;
beforeAll(async () => {
  const fake = await startFakeTelegram();
  group = fake.group({ title: "Operators" });
  t = await startTestApp({ fake, env: { OPERATORS_CHAT_ID: String(group.id) } });
  const stop = t.stop.bind(t);
  t.stop = async () => {
    await stop();
    await fake.close();
  };
}, 30_000);
afterAll(async () => {
  await t.stop();
});

function sha(): string {
  return randomBytes(32).toString("hex");
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)).split("\\").join("/"));
}

/** Every Redis key of this app that mentions the chat id. */
async function redisKeysMentioning(chatId: number): Promise<string[]> {
  const found: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await t.app.redis.scan(cursor, "MATCH", `${t.config.redisPrefix}:*`, "COUNT", 1000);
    cursor = next;
    found.push(...keys.filter((k) => k.includes(String(chatId))));
  } while (cursor !== "0");
  return found;
}

/** Rows in any table that point at one of the ids, or whose text contains one of the markers. */
async function rowsReferencing(ids: { writer: number; letters: number[]; replies: number[]; requests: number[]; telegramId: number }, markers: string[]) {
  const prisma = t.app.prisma;
  const columns = await prisma.$queryRaw<{ table: string; column: string }[]>`
    SELECT table_name AS "table", column_name AS "column" FROM information_schema.columns
    WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'`;
  const tables = [...new Set(columns.map((c) => c.table))];
  expect(tables).toEqual(expect.arrayContaining(["writers", "letters", "letter_pages", "letter_status_events", "replies", "reply_pages", "assignments", "specific_requests", "print_batches"]));
  const byColumn: Record<string, number[]> = {
    writer_id: [ids.writer],
    letter_id: ids.letters,
    reply_id: ids.replies,
    specific_request_id: ids.requests,
  };
  const hits: string[] = [];
  for (const { table, column } of columns) {
    const wanted = byColumn[column];
    if (wanted && wanted.length > 0) {
      const [row] = await prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}" WHERE "${column}" = ANY($1::int[])`, wanted);
      if (row && row.n > 0n) hits.push(`${table}.${column}`);
    }
    if (column === "telegram_id") {
      const [row] = await prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}" WHERE "${column}" = $1::bigint`, ids.telegramId);
      if (row && row.n > 0n) hits.push(`${table}.telegram_id`);
    }
  }
  const own: Record<string, number[]> = { writers: [ids.writer], letters: ids.letters, replies: ids.replies, specific_requests: ids.requests };
  for (const table of tables) {
    const mine = own[table];
    if (mine && mine.length > 0) {
      const [row] = await prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}" WHERE id = ANY($1::int[])`, mine);
      if (row && row.n > 0n) hits.push(`${table}.id`);
    }
    const [row] = await prisma.$queryRawUnsafe<{ n: bigint }[]>(`SELECT count(*) AS n FROM "${table}" t WHERE t::text LIKE ANY($1::text[])`, markers.map((m) => `%${m}%`));
    if (row && row.n > 0n) hits.push(`${table} (text)`);
  }
  return hits;
}

interface World {
  user: FakeUser;
  writerId: number;
  letters: { handwritten: { id: number; code: string; pages: string[] }; replied: { id: number; code: string }; printed: { id: number; code: string } };
  replyId: number;
  replyPage: string;
  requestId: number;
  batchId: number;
  otherLetterId: number;
  draft: string;
  markers: string[];
}

/**
 * A Russian-speaking writer with everything Lifeline can hold: profile, an assignment used by a
 * handwritten letter (2 pages on disk), a replied letter with a scanned page, a printed letter in a
 * batch shared with another writer (letter and batch PDFs), a specific request, a draft page, a
 * session and a pacing mark in Redis.
 */
async function richWriter(): Promise<World> {
  const prisma = t.app.prisma;
  const storage = createFileStorage(t.config.storageDir, t.config.keyring);
  const user = t.user({ languageCode: "ru" });
  const welcome = user.waitForMessage(undefined, WAIT);
  await user.sendText("/start");
  await welcome;
  const writer = await getOrCreateWriter(prisma, { telegramId: user.id, language: "ru" });
  const signature = `Приватность-${randomBytes(3).toString("hex")}`;
  const interest = `custom:вышивка-${randomBytes(3).toString("hex")}`;
  await updateWriterProfile(prisma, writer.id, { signatureName: signature, interests: ["books", interest], rulesAcceptedVersion: 1 });

  const prisonerId = await createPrisoner(prisma);
  const assignment = await prisma.assignment.create({ data: { writerId: writer.id, prisonerId, expiresAt: new Date(Date.now() + 72 * HOUR) } });
  const pages = [{ sha256: sha(), width: 1240, height: 1754 }, { sha256: sha(), width: 1240, height: 1754 }];
  const handwritten = await submitLetter(prisma, {
    writerId: writer.id,
    prisonerId,
    assignmentId: assignment.id,
    kind: "handwritten",
    language: "ru",
    signatureName: signature,
    idempotencyKey: `privacy-${randomBytes(6).toString("hex")}`,
    pages,
  });
  for (const page of handwritten.pages) await storage.put(page.storagePath, randomBytes(2048));
  expect(handwritten.pages).toHaveLength(2);
  // A second, open assignment (not tied to any letter).
  await prisma.assignment.create({ data: { writerId: writer.id, prisonerId: await createPrisoner(prisma), expiresAt: new Date(Date.now() + 72 * HOUR) } });

  const replied = await submitLetter(prisma, {
    writerId: writer.id,
    prisonerId: await createPrisoner(prisma),
    kind: "typed",
    text: `Здравствуйте! ${signature}`,
    language: "ru",
    signatureName: signature,
    idempotencyKey: `privacy-${randomBytes(6).toString("hex")}`,
  });
  await prisma.letter.update({ where: { id: replied.letter.id }, data: { status: "posted" } });
  const operator = await prisma.operator.create({ data: { telegramId: BigInt(uniqueTelegramId()) } });
  const replyPage = `replies/${replied.letter.id}/${sha()}.jpg`;
  await storage.put(replyPage, randomBytes(4096));
  const reply = await createReply(prisma, { letterId: replied.letter.id, operatorId: operator.id, pages: [{ storagePath: replyPage, mimeType: "image/jpeg", sha256: sha() }] });

  // A printed letter in a printed (not yet posted) batch together with another writer's letter.
  const batch = await prisma.printBatch.create({ data: { status: "printed", printedAt: new Date(), pdfPath: null } });
  const printed = await submitLetter(prisma, {
    writerId: writer.id,
    prisonerId: await createPrisoner(prisma),
    kind: "typed",
    text: "Письмо в пачке",
    language: "ru",
    signatureName: signature,
    idempotencyKey: `privacy-${randomBytes(6).toString("hex")}`,
  });
  await prisma.letter.update({ where: { id: printed.letter.id }, data: { status: "printed", batchId: batch.id, pdfPath: letterPdfKey(printed.letter.id) } });
  await storage.put(letterPdfKey(printed.letter.id), Buffer.from("%PDF-1.7 letter"));
  const other = await getOrCreateWriter(prisma, { telegramId: uniqueTelegramId(), language: "en" });
  const otherLetter = await submitLetter(prisma, {
    writerId: other.id,
    prisonerId: await createPrisoner(prisma),
    kind: "typed",
    text: "Another writer's letter",
    language: "en",
    signatureName: "Sam",
    idempotencyKey: `privacy-${randomBytes(6).toString("hex")}`,
  });
  await prisma.letter.update({ where: { id: otherLetter.letter.id }, data: { status: "printed", batchId: batch.id, pdfPath: letterPdfKey(otherLetter.letter.id) } });
  await storage.put(letterPdfKey(otherLetter.letter.id), Buffer.from("%PDF-1.7 other"));
  await prisma.printBatch.update({ where: { id: batch.id }, data: { pdfPath: batchPdfKey(batch.id) } });
  await storage.put(batchPdfKey(batch.id), Buffer.from("%PDF-1.7 batch"));

  const request = await createSpecificRequest(prisma, { writerId: writer.id, fullName: `Иванов Иван ${signature}`, birthYear: 1980, facility: null });
  const draft = draftPageKey(writer.id, sha());
  await storage.put(draft, randomBytes(1024));
  await t.app.redis.set(`${t.config.redisPrefix}:pace:${user.id}`, "1", "PX", 60_000);

  return {
    user,
    writerId: writer.id,
    letters: {
      handwritten: { id: handwritten.letter.id, code: handwritten.letter.code, pages: handwritten.pages.map((p) => p.storagePath) },
      replied: { id: replied.letter.id, code: replied.letter.code },
      printed: { id: printed.letter.id, code: printed.letter.code },
    },
    replyId: reply.replyId,
    replyPage,
    requestId: request.id,
    batchId: batch.id,
    otherLetterId: otherLetter.letter.id,
    draft,
    markers: [signature, interest, handwritten.letter.code, replied.letter.code, printed.letter.code],
  };
}

describe("privacy: what we keep, and deleting it", () => {
  it("the screen is in Settings and says what is kept, what never is, and who reads letters", async () => {
    const user = t.user({ languageCode: "en" });
    const welcome = user.waitForMessage(undefined, WAIT);
    await user.sendText("/start");
    await welcome;
    const settings = user.waitForMessage("Settings. What would you like to change?", WAIT);
    await user.sendText("/settings");
    expect((await settings).inlineKeyboard.flat().map((b) => b.text)).toContain("🔒 Privacy and my data");
    const screen = user.waitForMessage("Your data in Lifeline", EDIT);
    await user.pressButton("🔒 Privacy and my data");
    const text = (await screen).text;
    for (const fact of ["Telegram id", "language", "sign your letters", "interests", "rules", "letters and the replies", "until you delete it", "phone number", "username", "real name", "metadata", "volunteers", "prison censor"]) {
      expect(text).toContain(fact);
    }
    expect((await screen).inlineKeyboard.flat().map((b) => b.text)).toEqual(["🗑 Delete all my data", "‹ Back"]);

    // "No, keep my data" changes nothing.
    const confirm = user.waitForMessage("Delete all your data?", EDIT);
    await user.pressButton("🗑 Delete all my data");
    expect((await confirm).text).toContain("letters not yet posted would not be sent (you have none right now)");
    const back = user.waitForMessage("Your data in Lifeline", EDIT);
    await user.pressButton("No, keep my data");
    await back;
    expect(await findWriterByTelegramId(t.app.prisma, user.id)).not.toBeNull();
  });

  it("deletes every row, file, Redis key and queued job of the writer, and says so in their language", async () => {
    const w = await richWriter();
    const { user, writerId } = w;
    const storageDir = t.config.storageDir;
    const queues = t.app.queues;

    // Queued work for this writer (delayed, so the running worker leaves it waiting) and for someone else.
    const notifyId = await queues.notify({ writerId, key: "cancel-nothing", dedupeKey: `privacy-${writerId}-later` }, { delay: 10 * 60_000 });
    const keepId = await queues.notify({ writerId: writerId + 1_000_000, key: "cancel-nothing", dedupeKey: `privacy-${writerId}-other` }, { delay: 10 * 60_000 });
    await queues.byName[MODERATION_QUEUE].add(MODERATION_QUEUE, { letterId: w.letters.handwritten.id }, { jobId: moderationJobId({ letterId: w.letters.handwritten.id }), delay: 10 * 60_000 });
    await queues.byName[REPLY_DELIVERY_QUEUE].add(REPLY_DELIVERY_QUEUE, { replyId: w.replyId }, { jobId: replyDeliveryJobId({ replyId: w.replyId }), delay: 10 * 60_000 });
    expect(await (await queues.byName[NOTIFY_QUEUE].getJob(notifyId))?.getState()).toBe("delayed");

    const before = filesUnder(storageDir);
    expect(before).toEqual(expect.arrayContaining([...w.letters.handwritten.pages, w.replyPage, w.draft, letterPdfKey(w.letters.printed.id), batchPdfKey(w.batchId)]));
    expect(await redisKeysMentioning(user.id)).toEqual(expect.arrayContaining([`${t.config.redisPrefix}:session:${user.id}`, `${t.config.redisPrefix}:pace:${user.id}`]));

    const screen = user.waitForMessage("Ваши данные в Lifeline", WAIT);
    await user.sendText("/privacy");
    expect((await screen).text).toContain("тюремный цензор");

    const confirm = user.waitForMessage("Удалить все ваши данные?", EDIT);
    await user.pressButton("🗑 Удалить все мои данные");
    const confirmText = (await confirm).text;
    expect(confirmText).toContain("ваши письма (3) и ответы на них (1)");
    expect(confirmText).toContain("2 письма, которые ещё не ушли по почте, не будут отправлены");
    expect(confirmText).toContain("ответы, которые придут позже, до вас уже не дойдут");
    expect((await confirm).inlineKeyboard.flat().map((b) => b.text)).toEqual(["Да, удалить всё", "Нет, оставить"]);

    const operatorsNotice = group.waitForMessage(/Автор удалил все свои данные/, WAIT);
    const done = user.waitForMessage("Готово. Всё, что Lifeline хранил о вас, удалено", EDIT);
    // Pressed twice before the first press is answered, as a double tap does.
    const first = user.pressButton("Да, удалить всё", { timeoutMs: 15_000 });
    const second = user.pressButton(PRIVACY_CB.confirm(writerId), { timeoutMs: 15_000 });
    const doneMessage = await done;
    expect(doneMessage.inlineKeyboard).toEqual([]);
    await first;
    expect((await second).text).toBe("Ваши данные уже удалены. О вас больше ничего не хранится.");

    // The operators learn which letters must not go out, by code only.
    const notice = (await operatorsNotice).text;
    expect(notice).toContain(w.letters.handwritten.code);
    expect(notice).toContain(`Уже напечатаны (партия #${w.batchId}): ${w.letters.printed.code}`);
    expect(notice).not.toContain(w.letters.replied.code);
    expect(notice).not.toContain(w.markers[0]);

    // Database: nothing anywhere points at the writer, their letters, replies or requests.
    const ids = {
      writer: writerId,
      letters: Object.values(w.letters).map((l) => l.id),
      replies: [w.replyId],
      requests: [w.requestId],
      telegramId: user.id,
    };
    expect(await rowsReferencing(ids, w.markers)).toEqual([]);
    // The batch lives on for the other writer's letter, without the merged PDF that held ours.
    const batch = await t.app.prisma.printBatch.findUniqueOrThrow({ where: { id: w.batchId }, include: { letters: { select: { id: true } } } });
    expect(batch.letters.map((l) => l.id)).toEqual([w.otherLetterId]);
    expect(batch.pdfPath).toBeNull();

    // Files: the writer's are gone, the other writer's letter PDF stays.
    const after = filesUnder(storageDir);
    for (const gone of [...w.letters.handwritten.pages, w.replyPage, w.draft, letterPdfKey(w.letters.printed.id), batchPdfKey(w.batchId)]) {
      expect(after).not.toContain(gone);
    }
    expect(after.filter((f) => Object.values(w.letters).some((l) => f.startsWith(`letters/${l.id}/`) || f.startsWith(`replies/${l.id}/`)))).toEqual([]);
    expect(after).toContain(letterPdfKey(w.otherLetterId));

    // Redis: no session, conversation or pacing key of the chat; the writer's queued jobs are gone.
    await expect.poll(() => redisKeysMentioning(user.id), { timeout: 5000 }).toEqual([]);
    expect(await queues.byName[NOTIFY_QUEUE].getJob(notifyId)).toBeUndefined();
    expect(await queues.byName[MODERATION_QUEUE].getJob(moderationJobId({ letterId: w.letters.handwritten.id }))).toBeUndefined();
    expect(await queues.byName[REPLY_DELIVERY_QUEUE].getJob(replyDeliveryJobId({ replyId: w.replyId }))).toBeUndefined();
    expect(await (await queues.byName[NOTIFY_QUEUE].getJob(keepId))?.getState()).toBe("delayed");
    await (await queues.byName[NOTIFY_QUEUE].getJob(keepId))?.remove();
    expect(notifyJobId({ dedupeKey: `privacy-${writerId}-later` })).toBe(notifyId);

    // Jobs that still arrive for the deleted rows finish quietly: no retries, nothing sent.
    const sentBefore = t.fake.calls().length;
    const late = [
      await queues.moderation({ letterId: w.letters.handwritten.id }),
      await queues.print({ letterId: w.letters.printed.id }),
      await queues.replyDelivery({ replyId: w.replyId }),
      await queues.notify({ writerId, key: "cancel-nothing", dedupeKey: `privacy-${writerId}-late` }),
    ];
    const byId = [MODERATION_QUEUE, PRINT_QUEUE, REPLY_DELIVERY_QUEUE, NOTIFY_QUEUE] as const;
    for (const [i, id] of late.entries()) {
      await expect.poll(async () => (await queues.byName[byId[i]!].getJob(id))?.getState(), { timeout: 10_000 }).toBe("completed");
    }
    expect(t.fake.calls().slice(sentBefore).filter((c) => c.method.startsWith("send"))).toEqual([]);

    // A later /start is a fresh writer: new id, language from Telegram, nothing else.
    const welcome = user.waitForMessage("Здравствуйте! Это Lifeline.", WAIT);
    await user.sendText("/start");
    await welcome;
    const fresh = await findWriterByTelegramId(t.app.prisma, user.id);
    expect(fresh).toMatchObject({ language: "ru", signatureName: null, interests: [], rulesAcceptedVersion: null });
    expect(fresh!.id).not.toBe(writerId);
    const letters = user.waitForMessage(undefined, WAIT);
    await user.sendText("/letters");
    expect((await letters).text).not.toContain(w.letters.replied.code);
  }, 60_000);

  it("an old confirmation button does not delete what a returning writer has built since", async () => {
    const user = t.user({ languageCode: "en" });
    const welcome = user.waitForMessage(undefined, WAIT);
    await user.sendText("/start");
    await welcome;
    const first = await findWriterByTelegramId(t.app.prisma, user.id);

    /** /privacy, then "Delete all my data": the confirmation, edited into the privacy message. */
    const openConfirmation = async () => {
      const screen = user.waitForMessage("Your data in Lifeline", WAIT);
      await user.sendText("/privacy");
      const message = await screen;
      const confirm = user.waitForMessage("Delete all your data?", EDIT);
      await user.pressButton("🗑 Delete all my data", { messageId: message.messageId });
      await confirm;
      return message.messageId;
    };
    const oldOne = await openConfirmation();
    const newOne = await openConfirmation();
    const done = user.waitForMessage("Done. Everything Lifeline kept about you has been deleted", EDIT);
    await user.pressButton("Yes, delete everything", { messageId: newOne });
    await done;
    expect(await findWriterByTelegramId(t.app.prisma, user.id)).toBeNull();

    // They come back and choose a signature: the new writer has something to lose.
    const again = user.waitForMessage(undefined, WAIT);
    await user.sendText("/start");
    await again;
    const second = await findWriterByTelegramId(t.app.prisma, user.id);
    expect(second!.id).not.toBe(first!.id);
    await updateWriterProfile(t.app.prisma, second!.id, { signatureName: "Sam" });

    const answer = await user.pressButton("Yes, delete everything", { messageId: oldOne });
    expect(answer).toMatchObject({ text: "This button is out of date. To delete your data, open /privacy again.", showAlert: true });
    expect((await findWriterByTelegramId(t.app.prisma, user.id))?.signatureName).toBe("Sam");
  });
});
