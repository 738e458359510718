// F1: a worker process killed with SIGKILL (no shutdown, no clean-up) (a) while it renders a batch's
// PDF, twice in a row, and (b) in the middle of a multi-page reply delivery. A new worker process
// takes the stranded job over; every letter is printed once and every page reaches the writer once.
// The worker is the real `src/main.ts worker` process; `lp` is a stand-in that keeps each print job;
// the bot runs in the test process. A database of its own: /batch closes every printed letter.
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeGroup, type FakeTelegram, type FakeUser } from "../../src/fake-telegram/index.js";
import { batchJobId } from "../../src/queues/index.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { isolatedDatabaseForSuite, uniqueTelegramId } from "../helpers/db.js";
import { readPdf } from "../media/read-pdf.js";
import { createLetter, startedWriter, type TestLetter } from "../e2e/operators-helpers.js";
import { counted, deployment, fakePrinter, spawnLifeline, stopAll, tally, waitUntil, type Deployment, type FakePrinter, type LifelineProcess } from "./harness.js";
import { recordFault } from "./report.js";

const db = isolatedDatabaseForSuite();
const PRINTER = "fault-printer";

let fake: FakeTelegram;
let group: FakeGroup;
let admin: FakeUser;
let t: TestApp;
let d: Deployment;
let printer: FakePrinter;

beforeAll(async () => {
  fake = await startFakeTelegram();
  group = fake.group({ title: "Operators" });
  admin = fake.user({ id: uniqueTelegramId(), firstName: "Admin", languageCode: "ru" });
  printer = fakePrinter();
  t = await startTestApp({
    fake,
    roles: ["bot"],
    env: { DATABASE_URL: db.url, OPERATORS_CHAT_ID: String(group.id), ADMIN_IDS: String(admin.id), PRINTER_NAME: PRINTER },
  });
  d = deployment({
    fake,
    databaseUrl: db.url,
    redisUrl: t.config.redisUrl,
    redisPrefix: t.config.redisPrefix,
    storageDir: t.config.storageDir,
    operatorsChatId: group.id,
    adminIds: [admin.id],
    env: { PRINTER_NAME: PRINTER, PATH: `${printer.binDir}:${process.env.PATH ?? "/usr/bin:/bin"}` },
  });
}, 60_000);

afterAll(async () => {
  await stopAll();
  await t.stop();
  await fake.close();
});

/** A photographed page, heavy enough that merging a batch of them takes the worker a while. */
async function pagePhoto(seed: number): Promise<Buffer> {
  const width = 1000;
  const height = 1400;
  const raw = Buffer.alloc(width * height);
  let x = seed * 2654435761;
  for (let i = 0; i < raw.length; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    raw[i] = 160 + (x >>> 26);
  }
  return sharp(raw, { raw: { width, height, channels: 1 } }).jpeg({ quality: 92 }).toBuffer();
}

/** Every letter code on the pages of every print job, one entry per job that has it. */
async function codesPrinted(codes: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const job of printer.jobs()) {
    const text = (await readPdf(job.pdf)).map((p) => p.text).join(" ");
    for (const code of codes) if (text.includes(code)) found.push(code);
  }
  return found;
}

async function killWhen(proc: LifelineProcess, ready: () => Promise<boolean>, what: string): Promise<number> {
  await waitUntil(ready, 60_000, what, 10).catch((err: unknown) => {
    throw new Error(`${String(err)}\nworker output:\n${proc.stdout().slice(-3000)}${proc.stderr().slice(-2000)}`);
  });
  await proc.crash();
  return Date.now();
}

describe("F1: a worker process killed mid-job", () => {
  it("F1a: killed twice while rendering a batch, the third worker prints it once, every letter once", async () => {
    const writers = await Promise.all([0, 1, 2].map(() => startedWriter(t, "ru")));
    const letters: TestLetter[] = [];
    for (let i = 0; i < 8; i++) {
      letters.push(await createLetter(t, writers[i % writers.length]!.writerId, { status: "approved", pages: [await pagePhoto(i + 1)] }));
    }
    const codes = letters.map((l) => l.code);

    let worker = spawnLifeline("worker", d);
    await worker.ready;
    for (const letter of letters) await t.app.queues.print({ letterId: letter.id });
    await waitUntil(async () => (await db.prisma.letter.count({ where: { id: { in: letters.map((l) => l.id) }, status: "printed" } })) === letters.length, 60_000, "the letters printed to PDF");

    const closed = group.waitForMessage(/Партия №\d+ \(писем: 8\) закрыта/, { timeoutMs: 10_000 });
    await group.sendText(admin, "/batch");
    const batchId = Number(/№(\d+)/.exec((await closed).text ?? "")?.[1]);
    const jobId = batchJobId({ batchId });
    const batchQueue = t.app.queues.byName.batch;
    const pdfPath = async () => (await db.prisma.printBatch.findUniqueOrThrow({ where: { id: batchId } })).pdfPath;

    // Twice: killed while its worker holds the batch job and has not yet stored the merged PDF.
    const kills: number[] = [];
    for (let crash = 0; crash < 2; crash++) {
      const current = worker;
      // Taken by this worker (a job stranded by the last one stays "active" until it is moved back).
      const runningHere = async () => {
        const job = await batchQueue.getJob(jobId);
        return (await job?.getState()) === "active" && (job?.processedOn ?? 0) >= current.spawnedAt && (await pdfPath()) === null;
      };
      const killedAt = await killWhen(current, runningHere, `the batch job running in worker ${crash + 1}`);
      kills.push(killedAt);
      expect(await pdfPath()).toBeNull();
      expect(printer.jobs()).toHaveLength(0);
      worker = spawnLifeline("worker", d);
      await worker.ready;
    }
    const lastKill = kills.at(-1) ?? 0;
    await waitUntil(() => printer.jobs().length > 0, 60_000, "the batch on the printer").catch(async (err: unknown) => {
      const job = await batchQueue.getJob(jobId);
      throw new Error(`${String(err)}; the batch job is ${await job?.getState()} (${job?.failedReason ?? "no failure"})\nworker output:\n${worker.stdout().slice(-3000)}`);
    });
    const recoveryMs = Date.now() - lastKill;
    const envelopes = () => group.messages().filter((m) => m.document && (m.caption ?? "").includes(`Партия №${batchId} `));
    await waitUntil(() => envelopes().length > 0, 30_000, "the envelope list in the operators' chat");
    // Anything doubled would show by now (the job is complete); look once more after a moment.
    await waitUntil(async () => (await batchQueue.getJobState(jobId)) === "completed", 10_000, "the batch job completed");

    const printedOnPaper = tally(codes, await codesPrinted(codes));
    expect(printer.jobs()).toHaveLength(1);
    expect(printedOnPaper).toMatchObject({ total: 8, lost: 0, duplicated: 0, unexpected: [] });
    expect(envelopes()).toHaveLength(1);
    // Each letter printed (to its own PDF) once: one "printed" status event, one message to its writer.
    const events = await db.prisma.letterStatusEvent.findMany({ where: { letterId: { in: letters.map((l) => l.id) }, status: "printed" } });
    expect(tally(letters.map((l) => String(l.id)), events.map((e) => String(e.letterId)))).toMatchObject({ lost: 0, duplicated: 0 });
    expect(await db.prisma.letter.count({ where: { batchId, status: "printed" } })).toBe(8);

    recordFault({
      id: "F1a",
      title: "Worker killed (kill -9) twice while rendering a print batch",
      happened:
        `An operator closed a batch of ${codes.length} letters with /batch. The worker process was killed twice while it rendered the ` +
        "batch's PDF (the job running, the merged PDF not yet stored, nothing sent to the printer). Each time a new worker process " +
        `started; the stranded job came back after its short lock ran out, and the third worker printed the batch: one print job with ` +
        `every letter once, and one envelope list with the "Mark as posted" button in the operators' chat. Recovery is measured from ` +
        "the second kill to the batch on the printer, the new process's start included.",
      letters: counted(printedOnPaper),
      recoveryMs,
      limits: [
        "A stranded job waits for its lock to expire and the stalled check to see it: about 5 s + 2 × 1.5 s after the crash, plus the new process's start.",
        "A job is taken over after up to 20 crashes in a row; a job that kills its worker every time (a poisoned PDF) fails for good after that and stays in the failed set.",
      ],
    });
  }, 150_000);

  it("F1b: killed in the middle of a five-page reply, a new worker sends the rest, every page once", async () => {
    const { user: writer, writerId } = await startedWriter(t, "en");
    const letter = await createLetter(t, writerId, { status: "posted" });
    const total = 5;
    const captions = Array.from({ length: total }, (_, i) => `Page ${i + 1} of ${total}`);
    const delivered = () => db.prisma.replyPage.count({ where: { reply: { letterId: letter.id }, deliveredAt: { not: null } } });
    const photosAccepted = () => fake.calls("sendPhoto").filter((c) => c.chatId === writer.id && c.ok).length;

    const worker = spawnLifeline("worker", d);
    await worker.ready;
    for (let i = 0; i < total; i++) {
      await group.sendPhoto(admin, await pagePhoto(100 + i), { mediaGroupId: `f1b-${letter.id}`, ...(i === 0 ? { caption: letter.code } : {}) });
    }
    // Pages go about a second apart in one chat: killed while it waits between two of them, with
    // every page Telegram accepted already recorded (the other window is F10's).
    const killedAt = await killWhen(
      worker,
      async () => {
        const n = await delivered();
        return n >= 2 && n < total && photosAccepted() === n;
      },
      "two pages delivered",
    );
    const beforeRestart = photosAccepted();
    expect(beforeRestart).toBeGreaterThanOrEqual(2);
    expect(beforeRestart).toBeLessThan(total);

    const next = spawnLifeline("worker", d);
    await next.ready;
    await waitUntil(() => writer.messages().filter((m) => m.kind === "photo").length >= total, 60_000, "every page at the writer's").catch((err: unknown) => {
      throw new Error(`${String(err)}\nworker output:\n${next.stdout().slice(-3000)}`);
    });
    const recoveryMs = Date.now() - killedAt;
    await waitUntil(async () => (await db.prisma.reply.findFirst({ where: { letterId: letter.id } }))?.deliveryState === "delivered", 10_000, "the reply marked delivered");

    const photos = writer.messages().filter((m) => m.kind === "photo");
    const pages = tally(captions, photos.map((m) => /Page \d of \d/.exec(m.caption ?? "")?.[0] ?? "?"));
    expect(pages).toMatchObject({ total, lost: 0, duplicated: 0, unexpected: [] });
    expect(photos.map((m) => /Page \d of \d/.exec(m.caption ?? "")?.[0])).toEqual(captions);
    expect(photosAccepted()).toBe(total);
    expect(await delivered()).toBe(total);
    // The operators were told once that the reply was taken, though two workers ran its job.
    expect(group.messages().filter((m) => (m.text ?? "").includes(`Ответ на письмо ${letter.code} принят`))).toHaveLength(1);

    recordFault({
      id: "F1b",
      title: "Worker killed (kill -9) in the middle of a multi-page reply delivery (replies counted in pages)",
      happened:
        `Operators sent a ${total}-page reply as an album. The worker process delivering it was killed after ${beforeRestart} pages had ` +
        "reached the writer. A new worker process took the stranded delivery over and sent only the remaining pages, numbered of " +
        "the whole reply, the last with \"Write back\"; the operators' confirmation was not repeated. Recovery is measured from the " +
        "kill to the last page at the writer's, the new process's start included.",
      // Counted in pages: each page must reach the writer once.
      replies: counted(pages),
      recoveryMs,
      limits: [
        "The kill here falls between two pages. A kill in the instant after Telegram accepted a page and before it was recorded sends that page again (F10).",
      ],
    });
  }, 120_000);
});
