// F4: two real worker processes (`src/main.ts worker` twice) on the same queues, database, Redis
// prefix and storage, while the bot (in the test process) and the operators work: cards posted,
// letters approved and printed, multi-page replies delivered, a batch closed, and the reconciler
// started by both at once over drift it must repair. Every card, PDF, batch and reply page once;
// both processes take part; reconciler runs never overlap and the operators get one summary.
// A database of its own: the reconciler and /batch look at every row.
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeGroup, type FakeTelegram, type FakeUser } from "../../src/fake-telegram/index.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { isolatedDatabaseForSuite, uniqueTelegramId } from "../helpers/db.js";
import { readPdf } from "../media/read-pdf.js";
import { createLetter, startedWriter, type TestLetter } from "../e2e/operators-helpers.js";
import { counted, deployment, fakePrinter, spawnLifeline, stopAll, tally, waitUntil, type FakePrinter, type LifelineProcess } from "./harness.js";
import { recordFault } from "./report.js";

const db = isolatedDatabaseForSuite();
const PRINTER = "f4-printer";
/** Letters the operators approve on their cards. */
const APPROVED = 4;
/** Approved letters whose print job Redis lost (the reconciler's drift), approved 2 minutes ago. */
const DRIFT = 2;
const REPLIES = 2;
const PAGES = 3;
const RECONCILE_JOBS = 4;

let fake: FakeTelegram;
let group: FakeGroup;
let admin: FakeUser;
let t: TestApp;
let printer: FakePrinter;
let workers: LifelineProcess[] = [];

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
  const d = deployment({
    fake,
    databaseUrl: db.url,
    redisUrl: t.config.redisUrl,
    redisPrefix: t.config.redisPrefix,
    storageDir: t.config.storageDir,
    operatorsChatId: group.id,
    adminIds: [admin.id],
    env: { PRINTER_NAME: PRINTER, PATH: `${printer.binDir}:${process.env.PATH ?? "/usr/bin:/bin"}` },
  });
  workers = [spawnLifeline("worker", d), spawnLifeline("worker", d)];
  await Promise.all(workers.map((w) => w.ready));
}, 90_000);

afterAll(async () => {
  await stopAll();
  await t?.stop();
  await fake?.close();
});

function scan(width: number): Promise<Buffer> {
  return sharp({ create: { width, height: 700, channels: 3, background: { r: 235, g: 235, b: 225 } } }).jpeg().toBuffer();
}

/** Log lines with this message from both worker processes. */
function logged(msg: string): Array<Record<string, unknown>> {
  return workers.flatMap((w) => w.logLines().filter((l) => l.msg === msg));
}

describe("F4: two worker processes on the same queues", () => {
  it("every card, PDF, batch and reply page once; reconciler runs never overlap", { timeout: 150_000 }, async () => {
    const prisma = db.prisma;
    const started = Date.now();
    const writers = await Promise.all([0, 1, 2].map(() => startedWriter(t, "en")));

    // Drift: approved letters whose print jobs are gone (as after Redis lost them), then the
    // reconciler started several times at once: both processes take a run at the same moment.
    const drift: TestLetter[] = [];
    for (let i = 0; i < DRIFT; i++) drift.push(await createLetter(t, writers[i % 3]!.writerId, { status: "approved" }));
    await prisma.letter.updateMany({ where: { id: { in: drift.map((l) => l.id) } }, data: { statusChangedAt: new Date(Date.now() - 120_000) } });
    const maintenance = t.app.queues.byName.maintenance;
    await Promise.all(Array.from({ length: RECONCILE_JOBS }, (_, i) => maintenance.add("reconcile", { task: "reconcile" }, { jobId: `f4-reconcile-${i}` })));

    // Letters to approve: their cards come from the workers; an operator approves each.
    const letters: TestLetter[] = [];
    for (let i = 0; i < APPROVED; i++) letters.push(await createLetter(t, writers[i % 3]!.writerId));
    await Promise.all(letters.map((l) => t.app.queues.moderation({ letterId: l.id })));
    const cardOf = (l: TestLetter) => group.messages().find((m) => (m.text ?? "").startsWith(`📨 Письмо ${l.code}`));

    // Replies: several pages as an album, each to its writer.
    const answered: Array<{ letter: TestLetter; user: FakeUser }> = [];
    for (let r = 0; r < REPLIES; r++) {
      const w = writers[r]!;
      const letter = await createLetter(t, w.writerId, { status: "posted" });
      answered.push({ letter, user: w.user });
      for (let p = 0; p < PAGES; p++) {
        await group.sendPhoto(admin, await scan(400 + 20 * p), { mediaGroupId: `f4-${letter.id}`, ...(p === 0 ? { caption: letter.code } : {}) });
      }
    }

    await waitUntil(() => letters.every((l) => cardOf(l) !== undefined), 60_000, "every card in the operators' chat");
    for (const l of letters) await group.pressButton(admin, "✅ Одобрить", { messageId: cardOf(l)!.messageId, timeoutMs: 20_000 });
    const all = [...letters, ...drift];
    const ids = all.map((l) => l.id);
    await waitUntil(async () => (await prisma.letter.count({ where: { id: { in: ids }, status: "printed" } })) === all.length, 60_000, "every letter printed to PDF").catch(
      (err: unknown) => {
        throw new Error(`${String(err)}\n${workers.map((w) => w.stdout().slice(-2500)).join("\n---\n")}`);
      },
    );

    // One batch of every printed letter.
    const closed = group.waitForMessage(new RegExp(`Партия №\\d+ \\(писем: ${all.length}\\) закрыта`), { timeoutMs: 20_000 });
    await group.sendText(admin, "/batch");
    const batchId = Number(/№(\d+)/.exec((await closed).text ?? "")?.[1]);
    const envelopes = () => group.messages().filter((m) => m.document && (m.caption ?? "").includes(`Партия №${batchId} `));
    await waitUntil(() => printer.jobs().length > 0 && envelopes().length > 0, 60_000, "the batch on the printer and its envelope list");

    const photosOf = (user: FakeUser) => user.messages().filter((m) => m.kind === "photo");
    await waitUntil(() => answered.every((a) => photosOf(a.user).length >= PAGES), 60_000, "every reply page at its writer's");
    await waitUntil(async () => (await maintenance.getJobs(["completed"])).filter((j) => j.id?.startsWith("f4-reconcile-")).length === RECONCILE_JOBS, 30_000, "the reconciler runs done");
    // Anything doubled would trickle in now.
    await new Promise((r) => setTimeout(r, 2_000));
    const elapsedMs = Date.now() - started;

    // Cards: one per letter.
    const cards = tally(letters.map((l) => l.code), group.messages().flatMap((m) => /^📨 Письмо (L-[2-9A-Z]+)/.exec(m.text ?? "")?.[1] ?? []));
    expect(cards).toMatchObject({ lost: 0, duplicated: 0, unexpected: [] });
    // PDFs: each letter rendered once, by whichever process, and one "printed" event.
    const rendered = tally(ids.map(String), logged("letter printed to PDF").map((l) => String(l.letter_id)));
    expect(rendered).toMatchObject({ total: all.length, lost: 0, duplicated: 0, unexpected: [] });
    const events = await prisma.letterStatusEvent.findMany({ where: { letterId: { in: ids }, status: "printed" } });
    expect(tally(ids.map(String), events.map((e) => String(e.letterId)))).toMatchObject({ lost: 0, duplicated: 0 });
    // The batch: one print job with every letter once, one envelope list, one batch row.
    expect(printer.jobs()).toHaveLength(1);
    const onPaper = (await readPdf(printer.jobs()[0]!.pdf)).map((p) => p.text).join(" ");
    const printedCodes = tally(all.map((l) => l.code), all.map((l) => l.code).filter((c) => onPaper.includes(c)));
    expect(printedCodes).toMatchObject({ lost: 0, duplicated: 0 });
    expect(envelopes()).toHaveLength(1);
    expect(await prisma.printBatch.count()).toBe(1);
    expect(logged("batch delivered")).toHaveLength(1);
    // Reply pages: each once, in order, each reply's confirmation to the operators once.
    const pageKeys = answered.flatMap((a) => Array.from({ length: PAGES }, (_, p) => `${a.letter.code}:Page ${p + 1} of ${PAGES}`));
    const pageArrivals = answered.flatMap((a) => photosOf(a.user).map((m) => `${a.letter.code}:${/Page \d of \d/.exec(m.caption ?? "")?.[0] ?? "?"}`));
    const pages = tally(pageKeys, pageArrivals);
    expect(pages).toMatchObject({ total: REPLIES * PAGES, lost: 0, duplicated: 0, unexpected: [] });
    for (const a of answered) {
      expect(group.messages().filter((m) => (m.text ?? "").includes(`Ответ на письмо ${a.letter.code} принят`))).toHaveLength(1);
      expect((await prisma.reply.findFirstOrThrow({ where: { letterId: a.letter.id } })).deliveryState).toBe("delivered");
    }

    // The reconciler: runs that did the work never overlapped; the others saw the lock and stepped
    // aside; the drift was repaired and the operators told once.
    const runs = (await maintenance.getJobs(["completed"])).filter((j) => j.id?.startsWith("f4-reconcile-"));
    // (the schedule's own first run, at the workers' start, is not one of these)
    const ours = (msg: string) => new Set(logged(msg).map((l) => String(l.job_id)).filter((id) => id.startsWith("f4-reconcile-")));
    const ranIds = ours("queues reconciled with the database");
    const skippedIds = ours("another reconciler run is in progress; this one skipped");
    expect(ranIds.size + skippedIds.size).toBe(RECONCILE_JOBS);
    const ran = runs.filter((j) => ranIds.has(String(j.id))).map((j) => [j.processedOn ?? 0, j.finishedOn ?? 0] as const);
    const overlapping = ran.filter(([s1, e1], i) => ran.some(([s2, e2], k) => k !== i && s1 < e2 && s2 < e1)).length;
    expect(overlapping).toBe(0);
    const summaries = group.messages().filter((m) => (m.text ?? "").startsWith("🔄 Сверка"));
    expect(summaries).toHaveLength(1);
    expect(summaries[0]?.text).toContain(`${DRIFT} `);
    // Two runs started within this long of each other: the lock, not luck, kept them apart.
    const starts = runs.map((j) => j.processedOn ?? 0).sort((a, b) => a - b);
    const closestStartsMs = Math.min(...starts.slice(1).map((s, i) => s - starts[i]!));

    // Both processes took part.
    const jobsBy = workers.map((w) => w.logLines().filter((l) => typeof l.job_id === "string" || typeof l.job_id === "number").length);
    expect(jobsBy.every((n) => n > 0)).toBe(true);
    const handled = workers.map(
      (w) => new Set(w.logLines().flatMap((l) => (typeof l.job_id === "string" && typeof l.queue === "string" ? [`${l.queue}:${l.job_id}`] : []))).size,
    );

    process.stdout.write(
      `F4: ${all.length} letters, ${REPLIES}×${PAGES} pages, 1 batch through two worker processes in ${(elapsedMs / 1000).toFixed(1)} s; jobs seen by each ${handled.join(" / ")}; ` +
        `reconciler runs ${ranIds.size} ran, ${skippedIds.size} skipped, closest two starts ${closestStartsMs} ms apart\n`,
    );
    recordFault({
      id: "F4",
      title: "Two worker processes on the same queues",
      happened:
        `Two \`src/main.ts worker\` processes shared one database, Redis prefix and storage (they logged ${handled.join(" and ")} distinct jobs). ` +
        `The workers posted ${APPROVED} moderation cards, an operator approved them, and both printed; ${DRIFT} approved letters whose print jobs were missing were put back by the reconciler; ` +
        `an operator closed one batch of all ${all.length}; ${REPLIES} replies of ${PAGES} pages went to their writers. Every card, letter PDF, batch (one print job, one envelope list) and reply page arrived once. ` +
        `${RECONCILE_JOBS} reconciler runs were started at once (the closest two began ${closestStartsMs} ms apart in different processes): ${ranIds.size} ran, one after another, ${skippedIds.size} found the other's lock and stepped aside, ` +
        `and the operators got one summary of the repair.`,
      letters: counted(rendered),
      replies: counted(pages),
      limits: [
        "The reconciler's lock lasts 5 minutes: a run that outlives it (a very large backlog) could overlap the next one; every job it adds carries the normal job id, so an overlap doubles a summary, not work.",
      ],
    });
  });
});
