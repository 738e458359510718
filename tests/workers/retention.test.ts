// Retention: the clock is moved by passing `now`, never by sleeping. Each test has its own database
// (exact counts, and print batches nobody else's test can touch) and its own storage folder.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import type { LetterStatus, PrismaClient } from "../../src/generated/prisma/client.js";
import { getOrCreateWriter } from "../../src/db/repositories/writers.js";
import { generateKeyBase64, parseKeyring } from "../../src/privacy/cipher.js";
import { createFileStorage, type FileStorage } from "../../src/storage/index.js";
import { draftPageKey, letterPageKey } from "../../src/storage/keys.js";
import { batchPdfKey, letterPdfKey } from "../../src/workers/printable.js";
import { applyRetention } from "../../src/workers/retention.js";
import { isolatedDatabaseForSuite, uniqueTelegramId } from "../helpers/db.js";
import { createPrisoner } from "../helpers/letter-fixtures.js";

const DAY = 24 * 3600_000;
const DAYS = 90;
const NOW = new Date("2026-12-05T12:00:00Z");
const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);

const db = isolatedDatabaseForSuite();
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

let storage: FileStorage;
let writerId: number;
let prisonerId: number;
beforeEach(async () => {
  const dir = mkdtempSync(join(tmpdir(), "lifeline-retention-"));
  dirs.push(dir);
  storage = createFileStorage(dir, parseKeyring(generateKeyBase64()));
  writerId = (await getOrCreateWriter(db.prisma, { telegramId: uniqueTelegramId(), language: "ru" })).id;
  prisonerId = await createPrisoner(db.prisma);
});

interface LetterSpec {
  status: LetterStatus;
  /** When it was posted (a "posted" status event); none for letters that never were. */
  postedAt?: Date;
  handwritten?: boolean;
  batchId?: number;
}

/** A letter with text, signature, translation, accepted warnings, a PDF, pages (handwritten) and history. */
async function letter(prisma: PrismaClient, spec: LetterSpec): Promise<number> {
  const code = `L-${randomBytes(4).toString("hex").toUpperCase()}`;
  const created = daysAgo(200);
  const row = await prisma.letter.create({
    data: {
      code, writerId, prisonerId, kind: spec.handwritten ? "handwritten" : "typed", language: "en",
      text: spec.handwritten ? null : "Dear Pyotr, the chestnuts are in bloom.", signatureName: "Anna",
      translationText: "Дорогой Пётр, цветут каштаны.", precheckWarnings: [{ code: "phone", matches: ["+7 900 000-00-00"] }],
      needsTranslation: true, idempotencyKey: `retention-${code}`, status: spec.status, createdAt: created,
      statusChangedAt: spec.postedAt ?? created, batchId: spec.batchId ?? null,
    },
  });
  const events: { status: LetterStatus; at: Date }[] = [{ status: "submitted", at: created }];
  if (spec.postedAt) events.push({ status: "printed", at: new Date(spec.postedAt.getTime() - DAY) }, { status: "posted", at: spec.postedAt });
  if (spec.status === "replied") events.push({ status: "replied", at: new Date((spec.postedAt ?? created).getTime() + 20 * DAY) });
  if (spec.status === "held") events.push({ status: "held", at: created });
  await prisma.letterStatusEvent.createMany({ data: events.map((e) => ({ letterId: row.id, ...e })) });
  if (spec.status !== "submitted" && spec.status !== "held") {
    await storage.put(letterPdfKey(row.id), Buffer.from("%PDF letter"));
    await prisma.letter.update({ where: { id: row.id }, data: { pdfPath: letterPdfKey(row.id) } });
  }
  if (spec.handwritten) {
    for (const index of [1, 2]) {
      await storage.put(letterPageKey(row.id, index), randomBytes(32));
      await prisma.letterPage.create({ data: { letterId: row.id, index, storagePath: letterPageKey(row.id, index), width: 10, height: 14, sha256: "0".repeat(64) } });
    }
  }
  return row.id;
}

/** A reply to `letterId` with scan pages stored under `keys` (replies/<letterId>/<name>). */
async function reply(prisma: PrismaClient, letterId: number, opts: { deliveredAt?: Date; state?: "pending" | "blocked"; files: string[] }): Promise<number> {
  const receivedAt = new Date((opts.deliveredAt ?? daysAgo(150)).getTime() - 3600_000);
  const row = await prisma.reply.create({
    data: {
      letterId, receivedAt, closedAt: receivedAt, deliveryState: opts.deliveredAt ? "delivered" : (opts.state ?? "pending"),
      deliveredAt: opts.deliveredAt ?? null, deliveryAttempts: 1,
    },
  });
  for (const [index, name] of opts.files.entries()) {
    const key = `replies/${letterId}/${name}.jpg`;
    await storage.put(key, randomBytes(32));
    await prisma.replyPage.create({ data: { replyId: row.id, index, storagePath: key, mimeType: "image/jpeg", sha256: name.padEnd(64, "0"), deliveredAt: opts.deliveredAt ?? null } });
  }
  return row.id;
}

/** What retention must never change: counters and every letter's status history. */
async function untouchable(prisma: PrismaClient) {
  const [counters, events, letters] = await Promise.all([
    prisma.counter.findMany({ orderBy: { key: "asc" } }),
    prisma.letterStatusEvent.findMany({ orderBy: { id: "asc" } }),
    prisma.letter.findMany({ orderBy: { id: "asc" }, select: { id: true, code: true, status: true, statusChangedAt: true, createdAt: true, language: true } }),
  ]);
  return { counters, events, letters };
}

/** The client, with every `letter.findMany` recording its `take` (how many rows one read may bring). */
function countingLetterReads(prisma: PrismaClient, takes: number[]): PrismaClient {
  const letter = prisma.letter;
  const findMany = ((args: { take?: number }) => {
    takes.push(args.take ?? -1);
    return letter.findMany(args);
  }) as unknown as typeof letter.findMany;
  const spiedLetter = new Proxy(letter, { get: (target, prop) => (prop === "findMany" ? findMany : (Reflect.get(target, prop) as unknown)) });
  return new Proxy(prisma, {
    get(target, prop) {
      if (prop === "letter") return spiedLetter;
      const value: unknown = Reflect.get(target, prop);
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

describe("retention of letters", () => {
  it("deletes a letter's content RETENTION_DAYS after posting; keeps younger, unposted and held letters whole", async () => {
    const prisma = db.prisma;
    await prisma.counter.upsert({ where: { key: "letters_posted" }, create: { key: "letters_posted", value: 7 }, update: {} });
    const oldTyped = await letter(prisma, { status: "posted", postedAt: daysAgo(DAYS + 1) });
    const oldHandwritten = await letter(prisma, { status: "replied", postedAt: daysAgo(DAYS + 1), handwritten: true });
    const young = await letter(prisma, { status: "posted", postedAt: daysAgo(DAYS - 1), handwritten: true });
    const printed = await letter(prisma, { status: "printed", handwritten: true });
    const held = await letter(prisma, { status: "held", handwritten: true });
    const submitted = await letter(prisma, { status: "submitted" });
    const draft = draftPageKey(writerId, "d".repeat(64));
    await storage.put(draft, randomBytes(16));
    const before = await untouchable(prisma);

    const result = await applyRetention(prisma, storage, { days: DAYS, now: NOW });
    expect(result).toEqual({ letters: 2, replies: 0, batchPdfs: 0, done: true });

    for (const id of [oldTyped, oldHandwritten]) {
      const row = await prisma.letter.findUniqueOrThrow({ where: { id }, include: { pages: true } });
      expect(row).toMatchObject({ text: null, signatureName: null, translationText: null, pdfPath: null, contentDeletedAt: NOW, pages: [] });
      // Which warnings the writer accepted stays; the words of the letter they matched do not.
      expect(row.precheckWarnings).toEqual([{ code: "phone", matches: [] }]);
      expect(await storage.exists(letterPdfKey(id))).toBe(false);
      expect(await storage.exists(letterPageKey(id, 1))).toBe(false);
    }
    for (const id of [young, printed, held, submitted]) {
      const row = await prisma.letter.findUniqueOrThrow({ where: { id }, include: { pages: true } });
      expect(row.contentDeletedAt).toBeNull();
      expect(row).toMatchObject({ signatureName: "Anna", translationText: "Дорогой Пётр, цветут каштаны." });
      expect(row.precheckWarnings).toEqual([{ code: "phone", matches: ["+7 900 000-00-00"] }]);
    }
    for (const id of [young, printed, held]) {
      expect(await prisma.letterPage.count({ where: { letterId: id } })).toBe(2);
      expect(await storage.exists(letterPageKey(id, 2))).toBe(true);
    }
    expect(await storage.exists(letterPdfKey(young))).toBe(true);
    expect((await prisma.letter.findUniqueOrThrow({ where: { id: submitted } })).text).toBe("Dear Pyotr, the chestnuts are in bloom.");
    expect(await storage.exists(draft)).toBe(true);
    expect(await untouchable(prisma)).toEqual(before);

    // A day later the young letter is still a day short; two days later it goes too.
    expect((await applyRetention(prisma, storage, { days: DAYS, now: new Date(NOW.getTime() + DAY - 60_000) })).letters).toBe(0);
    expect((await applyRetention(prisma, storage, { days: DAYS, now: new Date(NOW.getTime() + 2 * DAY) })).letters).toBe(1);
    expect(await storage.exists(letterPageKey(young, 1))).toBe(false);
  });

  it("deletes a posted batch's merged PDF with its letters, not a younger or unposted batch's", async () => {
    const prisma = db.prisma;
    const batch = async (status: "printed" | "posted", postedAt: Date | null) => {
      const row = await prisma.printBatch.create({ data: { status, postedAt, printedAt: daysAgo(150) } });
      await storage.put(batchPdfKey(row.id), Buffer.from("%PDF batch"));
      await prisma.printBatch.update({ where: { id: row.id }, data: { pdfPath: batchPdfKey(row.id) } });
      return row.id;
    };
    const old = await batch("posted", daysAgo(DAYS + 1));
    const young = await batch("posted", daysAgo(DAYS - 1));
    const printed = await batch("printed", null);
    await letter(prisma, { status: "posted", postedAt: daysAgo(DAYS + 1), batchId: old });

    const result = await applyRetention(prisma, storage, { days: DAYS, now: NOW });
    expect(result).toMatchObject({ letters: 1, batchPdfs: 1 });
    expect(await storage.exists(batchPdfKey(old))).toBe(false);
    expect((await prisma.printBatch.findUniqueOrThrow({ where: { id: old } })).pdfPath).toBeNull();
    for (const id of [young, printed]) {
      expect(await storage.exists(batchPdfKey(id))).toBe(true);
      expect((await prisma.printBatch.findUniqueOrThrow({ where: { id } })).pdfPath).toBe(batchPdfKey(id));
    }
  });

  it("works in bounded batches until done, stops at its time budget, and a second run changes nothing", async () => {
    const prisma = db.prisma;
    const count = 450;
    const codes = Array.from({ length: count }, () => `L-${randomBytes(5).toString("hex").toUpperCase()}`);
    await prisma.letter.createMany({
      data: codes.map((code) => ({
        code, writerId, prisonerId, kind: "typed" as const, language: "ru", text: "Привет!", signatureName: "Аня",
        idempotencyKey: `retention-bulk-${code}`, status: "posted" as const, statusChangedAt: daysAgo(DAYS + 5),
      })),
    });
    const ids = (await prisma.letter.findMany({ where: { code: { in: codes } }, select: { id: true } })).map((l) => l.id);
    await prisma.letterStatusEvent.createMany({ data: ids.map((letterId) => ({ letterId, status: "posted" as const, at: daysAgo(DAYS + 5) })) });

    const queries: number[] = [];
    // No time left: nothing is touched, and the run says it is not done.
    expect(await applyRetention(prisma, storage, { days: DAYS, now: NOW, budgetMs: 0 })).toEqual({ letters: 0, replies: 0, batchPdfs: 0, done: false });
    expect(await prisma.letter.count({ where: { id: { in: ids }, contentDeletedAt: null } })).toBe(count);

    const result = await applyRetention(countingLetterReads(prisma, queries), storage, { days: DAYS, now: NOW, batchSize: 200 });
    expect(result).toEqual({ letters: count, replies: 0, batchPdfs: 0, done: true });
    // 200 + 200 + 50: three bounded reads, the last one short.
    expect(queries).toEqual([200, 200, 200]);
    expect(await prisma.letter.count({ where: { id: { in: ids }, text: { not: null } } })).toBe(0);

    const later = new Date(NOW.getTime() + 3600_000);
    expect(await applyRetention(prisma, storage, { days: DAYS, now: later })).toEqual({ letters: 0, replies: 0, batchPdfs: 0, done: true });
    // The first deletion's date stays: a second run does not touch marked letters.
    expect(await prisma.letter.count({ where: { id: { in: ids }, contentDeletedAt: NOW } })).toBe(count);
  });
});

describe("retention of reply scans", () => {
  it("deletes scans RETENTION_DAYS after delivery; keeps younger and undelivered replies, and a scan a kept reply shares", async () => {
    const prisma = db.prisma;
    const letterId = await letter(prisma, { status: "replied", postedAt: daysAgo(DAYS - 30) });
    const old = await reply(prisma, letterId, { deliveredAt: daysAgo(DAYS + 1), files: ["a1", "a2", "shared"] });
    const young = await reply(prisma, letterId, { deliveredAt: daysAgo(DAYS - 1), files: ["b1", "shared"] });
    const blocked = await reply(prisma, letterId, { state: "blocked", files: ["c1"] });
    const pending = await reply(prisma, letterId, { state: "pending", files: ["d1"] });
    const before = await prisma.reply.findUniqueOrThrow({ where: { id: old } });
    const counters = await prisma.counter.findMany({ orderBy: { key: "asc" } });

    const result = await applyRetention(prisma, storage, { days: DAYS, now: NOW });
    expect(result).toEqual({ letters: 0, replies: 1, batchPdfs: 0, done: true });

    const after = await prisma.reply.findUniqueOrThrow({ where: { id: old }, include: { pages: true } });
    expect(after).toEqual({ ...before, scansDeletedAt: NOW, pages: [] });
    expect(await storage.exists(`replies/${letterId}/a1.jpg`)).toBe(false);
    expect(await storage.exists(`replies/${letterId}/a2.jpg`)).toBe(false);
    // The same scan is also a page of the younger reply: its file stays for it.
    expect(await storage.exists(`replies/${letterId}/shared.jpg`)).toBe(true);
    for (const [id, files] of [[young, ["b1", "shared"]], [blocked, ["c1"]], [pending, ["d1"]]] as const) {
      const row = await prisma.reply.findUniqueOrThrow({ where: { id }, include: { pages: true } });
      expect(row.scansDeletedAt).toBeNull();
      expect(row.pages).toHaveLength(files.length);
      for (const name of files) expect(await storage.exists(`replies/${letterId}/${name}.jpg`)).toBe(true);
    }
    // The letter was posted less than RETENTION_DAYS ago: its own content stays.
    expect((await prisma.letter.findUniqueOrThrow({ where: { id: letterId } })).contentDeletedAt).toBeNull();
    expect(await prisma.counter.findMany({ orderBy: { key: "asc" } })).toEqual(counters);

    expect((await applyRetention(prisma, storage, { days: DAYS, now: NOW })).replies).toBe(0);
    expect((await applyRetention(prisma, storage, { days: DAYS, now: new Date(NOW.getTime() + 2 * DAY) })).replies).toBe(1);
    expect(await storage.exists(`replies/${letterId}/shared.jpg`)).toBe(false);
  });
});
