import { randomBytes, randomInt } from "node:crypto";
import { mkdtempSync, rmSync, utimesSync } from "node:fs";
import { Writable } from "node:stream";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createPrisma } from "../../src/db/client.js";
import { getOrCreateWriter } from "../../src/db/repositories/writers.js";
import { createLogger } from "../../src/logger.js";
import { MAINTENANCE_QUEUE } from "../../src/queues/index.js";
import { createFileStorage, type FileStorage } from "../../src/storage/index.js";
import { draftPageKey, letterPageKey } from "../../src/storage/keys.js";
import { sweepStorage } from "../../src/workers/storage-sweep.js";
import { startTestApp } from "../helpers/app.js";
import { createIsolatedDatabase, createTestPrisma, testKeyring, uniqueTelegramId } from "../helpers/db.js";
import { createPrisoner } from "../helpers/letter-fixtures.js";

const DAY = 24 * 3600_000;
const prisma = createTestPrisma();
const dirs: string[] = [];
afterAll(async () => {
  await prisma.$disconnect();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempStorage(): FileStorage {
  const dir = mkdtempSync(join(tmpdir(), "lifeline-sweep-"));
  dirs.push(dir);
  return createFileStorage(dir, testKeyring());
}

/** Writes a file and backdates it (and its folder) by `ageMs`. */
async function putAged(storage: FileStorage, key: string, ageMs: number): Promise<void> {
  await storage.put(key, randomBytes(64));
  const when = new Date(Date.now() - ageMs);
  utimesSync(storage.pathOf(key), when, when);
  utimesSync(join(storage.pathOf(key), ".."), when, when);
}

async function letterFor(writerId: number): Promise<number> {
  const code = `L-${randomBytes(4).toString("hex").toUpperCase()}`;
  const letter = await prisma.letter.create({
    data: { code, writerId, kind: "typed", text: "…", language: "ru", idempotencyKey: `sweep-${code}` },
  });
  return letter.id;
}

describe("storage sweep", () => {
  it("deletes week-old drafts and orphaned folders, keeps fresh drafts and live letters", async () => {
    const storage = tempStorage();
    const writer = await getOrCreateWriter(prisma, { telegramId: uniqueTelegramId(), language: "en" });
    const letterId = await letterFor(writer.id);
    // Ids far above anything this run creates: rows that do not exist.
    const ghostWriter = randomInt(1_500_000_000, 2_000_000_000);
    const ghostLetter = randomInt(1_500_000_000, 2_000_000_000);
    const freshGhost = ghostLetter + 1;

    const oldDraft = draftPageKey(writer.id, "a".repeat(64));
    const freshDraft = draftPageKey(writer.id, "b".repeat(64));
    await putAged(storage, oldDraft, 8 * DAY);
    await putAged(storage, freshDraft, 2 * DAY);
    await putAged(storage, draftPageKey(ghostWriter, "c".repeat(64)), 2 * 3600_000);
    await putAged(storage, letterPageKey(ghostLetter, 1), 2 * 3600_000);
    await putAged(storage, `replies/${ghostLetter}/${"d".repeat(64)}.jpg`, 2 * 3600_000);
    await putAged(storage, letterPageKey(freshGhost, 1), 60_000);
    await putAged(storage, letterPageKey(letterId, 1), 30 * DAY);
    await putAged(storage, `batches/1/batch.pdf`, 30 * DAY);

    const result = await sweepStorage(prisma, storage);
    expect(result).toEqual({ draftFiles: 1, orphanFolders: 3 });
    expect(await storage.exists(oldDraft)).toBe(false);
    expect(await storage.exists(freshDraft)).toBe(true);
    expect(await storage.exists(draftPageKey(ghostWriter, "c".repeat(64)))).toBe(false);
    expect(await storage.exists(letterPageKey(ghostLetter, 1))).toBe(false);
    expect(await storage.exists(`replies/${ghostLetter}/${"d".repeat(64)}.jpg`)).toBe(false);
    // Too new to call orphaned (a folder may be written just before its row commits).
    expect(await storage.exists(letterPageKey(freshGhost, 1))).toBe(true);
    expect(await storage.exists(letterPageKey(letterId, 1))).toBe(true);
    expect(await storage.exists("batches/1/batch.pdf")).toBe(true);

    // A second run finds nothing more to do.
    expect(await sweepStorage(prisma, storage)).toEqual({ draftFiles: 0, orphanFolders: 0 });
  });

  it("an empty or missing storage folder is not an error", async () => {
    expect(await sweepStorage(prisma, tempStorage())).toEqual({ draftFiles: 0, orphanFolders: 0 });
  });
});

describe("maintenance queue", () => {
  it("the worker schedules every task; the runs lapse expired assignments, sweep drafts and apply retention, logging counts only", async () => {
    const db = await createIsolatedDatabase();
    const iso = createPrisma(db.url, { max: 2 });
    const storage = tempStorage();
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString("utf8").split("\n").filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    try {
      const writer = await getOrCreateWriter(iso, { telegramId: uniqueTelegramId(), language: "ru" });
      const expired = new Date(Date.now() - 3600_000);
      const ids = [];
      for (const expiresAt of [expired, expired, new Date(Date.now() + DAY)]) {
        const prisonerId = await createPrisoner(iso);
        ids.push((await iso.assignment.create({ data: { writerId: writer.id, prisonerId, expiresAt } })).id);
      }
      await putAged(storage, draftPageKey(writer.id, "e".repeat(64)), 10 * DAY);
      await putAged(storage, draftPageKey(writer.id, "f".repeat(64)), 3600_000);

      const t = await startTestApp({
        roles: ["worker"],
        maintenance: true,
        env: { DATABASE_URL: db.url, STORAGE_DIR: storage.root },
        logger: createLogger("info", sink),
      });
      try {
        const logged = (msg: string) => lines.find((l) => l.msg === msg);
        await expect.poll(() => logged("expired assignments lapsed") && logged("storage swept") && logged("retention applied"), { timeout: 15_000 }).toBeTruthy();
        const lapseLine = logged("expired assignments lapsed")!;
        expect(lapseLine.lapsed).toBe(2);
        expect(Object.keys(lapseLine).filter((k) => !["level", "time", "pid", "hostname", "service", "msg", "queue", "job_id", "attempt"].includes(k))).toEqual(["lapsed"]);
        expect(logged("storage swept")).toMatchObject({ draft_files: 1, orphan_folders: 0 });
        // Nothing posted yet, so nothing due; counts only (tests/workers/retention.test.ts covers what is due).
        const retentionLine = logged("retention applied")!;
        expect(retentionLine).toMatchObject({ letters: 0, replies: 0, batch_pdfs: 0, done: true });
        expect(Object.keys(retentionLine).filter((k) => !["level", "time", "pid", "hostname", "service", "msg", "queue", "job_id", "attempt"].includes(k))).toEqual(["letters", "replies", "batch_pdfs", "done"]);

        const statuses = await iso.assignment.findMany({ where: { id: { in: ids } }, orderBy: { id: "asc" }, select: { status: true } });
        expect(statuses.map((s) => s.status)).toEqual(["lapsed", "lapsed", "active"]);
        expect(await storage.exists(draftPageKey(writer.id, "e".repeat(64)))).toBe(false);
        expect(await storage.exists(draftPageKey(writer.id, "f".repeat(64)))).toBe(true);

        const schedulers = await t.app.queues.byName[MAINTENANCE_QUEUE].getJobSchedulers();
        expect(schedulers.map((s) => [s.key, s.every]).sort()).toEqual([
          ["clean-storage", 6 * 3600_000],
          ["lapse-assignments", 15 * 60_000],
          ["reconcile", 5 * 60_000],
          ["reminders", 30 * 60_000],
          ["retention", 3600_000],
        ]);
        // Restarting the worker keeps one scheduler per task.
        await t.restart();
        expect(await t.app.queues.byName[MAINTENANCE_QUEUE].getJobSchedulersCount()).toBe(5);
      } finally {
        await t.stop();
      }
    } finally {
      await iso.$disconnect();
      await db.drop();
    }
  }, 60_000);
});
