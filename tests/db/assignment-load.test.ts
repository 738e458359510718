// The per-person count of open assignments (prisoners.open_assignments, kept by triggers; migration
// "prisoner_open_assignments") that the draw reads as part of a person's load. These tests fail if
// the count drifts from the assignments it counts on any path that opens, ends or deletes one, if a
// draw trusts it while expired assignments are still counted, or if concurrent work breaks it.
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { createPrisma, poolOf } from "../../src/db/client.js";
import { DEFAULT_MIGRATIONS_DIR, applyMigrations, dropDatabase, withDatabase } from "../../src/db/migrate.js";
import {
  assignPrisoner,
  declineAssignment,
  lapseExpiredAssignments,
  markAssignmentUsed,
  releaseAssignmentsForPrisoner,
} from "../../src/db/repositories/assignments.js";
import { submitLetter } from "../../src/db/repositories/letters.js";
import { assignmentExpiresAt } from "../../src/domain/assignment.js";
import { upsertPrisoners } from "../../src/db/repositories/prisoners.js";
import type { PrisonerInput } from "../../src/db/repositories/prisoners.js";
import { markLetterContentDeleted } from "../../src/db/repositories/retention.js";
import { deleteWriterData } from "../../src/db/repositories/writers.js";
import { createIsolatedDatabase, testDatabaseUrl, testKeyring } from "../helpers/db.js";
import type { IsolatedDatabase } from "../helpers/db.js";

const HOUR = 3_600_000;
const dbs: IsolatedDatabase[] = [];
const clients: PrismaClient[] = [];
const cleanups: (() => Promise<unknown>)[] = [];

afterAll(async () => {
  for (const c of clients) await c.$disconnect();
  for (const d of dbs) await d.drop();
  for (const f of cleanups) await f();
});

async function isolated(poolSize = 10): Promise<{ prisma: PrismaClient; url: string }> {
  const db = await createIsolatedDatabase();
  dbs.push(db);
  const prisma = createPrisma(db.url, { max: poolSize, keyring: testKeyring() });
  clients.push(prisma);
  return { prisma, url: db.url };
}

let seq = 0;
function person(lettersCount = 0, interests: string[] = []): PrisonerInput {
  seq++;
  return {
    externalId: `load-${seq}-${randomBytes(3).toString("hex")}`,
    lastName: "Примеров", firstName: "Пётр", patronymic: null,
    lastNameLatin: "Primerov", firstNameLatin: "Pyotr", patronymicLatin: null,
    birthDate: new Date("1980-01-01"), region: "Москва", regionEn: "Moscow", facilityName: "СИЗО-1",
    postalAddress: "ул. Примерная, 1", canReceiveLetters: true, cannotReceiveReason: null, releasedAt: null,
    caseSummaryRu: "Антивоенный пост", caseSummaryEn: "An anti-war post", articles: [], sentenceRu: null,
    sentenceEn: null, inCustodySince: null, interests, views: [], professionRu: null, professionEn: null,
    lettersCount,
  };
}

async function addPeople(prisma: PrismaClient, rows: PrisonerInput[]): Promise<number[]> {
  await upsertPrisoners(prisma, rows);
  const found = await prisma.prisoner.findMany({ where: { externalId: { in: rows.map((r) => r.externalId) } } });
  const ids = new Map(found.map((p) => [p.externalId, p.id]));
  return rows.map((r) => ids.get(r.externalId) ?? -1);
}

let telegramSeq = 5_000_000;
async function addWriters(prisma: PrismaClient, n: number): Promise<number[]> {
  const rows = await prisma.writer.createManyAndReturn({
    data: Array.from({ length: n }, () => ({ telegramId: BigInt(telegramSeq++), language: "ru" as const })),
    select: { id: true },
  });
  return rows.map((r) => r.id);
}

/** People whose stored count differs from their active assignments (expected: none). */
async function drift(prisma: PrismaClient): Promise<{ id: number; stored: number; actual: number }[]> {
  return prisma.$queryRaw`
    SELECT p.id, p.open_assignments AS stored, count(a.id) FILTER (WHERE a.status = 'active')::int AS actual
    FROM prisoners p LEFT JOIN assignments a ON a.prisoner_id = p.id
    GROUP BY p.id HAVING p.open_assignments <> count(a.id) FILTER (WHERE a.status = 'active')`;
}

async function openCount(prisma: PrismaClient, prisonerId: number): Promise<number> {
  return (await prisma.prisoner.findUniqueOrThrow({ where: { id: prisonerId }, select: { openAssignments: true } })).openAssignments;
}

async function lettersCount(prisma: PrismaClient, prisonerId: number): Promise<number> {
  return (await prisma.prisoner.findUniqueOrThrow({ where: { id: prisonerId }, select: { lettersCount: true } })).lettersCount;
}

describe("open assignments per person stay equal to the active assignments", () => {
  it("through draws, letters, declines, lapses, releases, erasure, moves and deletes", async () => {
    const { prisma } = await isolated();
    const people = await addPeople(prisma, Array.from({ length: 6 }, () => person()));
    const writers = await addWriters(prisma, 8);
    const drawn = new Map<number, { assignmentId: number; prisonerId: number }>();
    for (const writerId of writers) {
      const r = await assignPrisoner(prisma, { writerId });
      expect(r?.reused).toBe(false);
      drawn.set(writerId, r!);
    }
    expect(await drift(prisma)).toEqual([]);
    expect((await prisma.prisoner.aggregate({ _sum: { openAssignments: true } }))._sum.openAssignments).toBe(8);

    // A letter on an assignment: one more letter, one open assignment less (the load stays).
    const [w1, w2, w3, w4, w5] = writers as [number, number, number, number, number];
    const a1 = drawn.get(w1)!;
    const before = { letters: await lettersCount(prisma, a1.prisonerId), open: await openCount(prisma, a1.prisonerId) };
    const { letter } = await submitLetter(prisma, {
      writerId: w1, prisonerId: a1.prisonerId, assignmentId: a1.assignmentId, kind: "typed", text: "Здравствуйте!",
      language: "ru", signatureName: "Анна", idempotencyKey: randomBytes(8).toString("hex"),
    });
    expect(await lettersCount(prisma, a1.prisonerId)).toBe(before.letters + 1);
    expect(await openCount(prisma, a1.prisonerId)).toBe(before.open - 1);
    expect(await drift(prisma)).toEqual([]);

    // The letter moving through its statuses and its content deleted by retention change no count.
    const counts = async () => ({ letters: await lettersCount(prisma, a1.prisonerId), open: await openCount(prisma, a1.prisonerId) });
    const afterLetter = await counts();
    for (const status of ["approved", "printed", "posted"] as const) {
      await prisma.letter.update({ where: { id: letter.id }, data: { status, statusChangedAt: new Date() } });
    }
    expect(await markLetterContentDeleted(prisma, [letter.id], new Date())).toBe(1);
    expect(await counts()).toEqual(afterLetter);

    expect((await declineAssignment(prisma, drawn.get(w2)!.assignmentId, { writerId: w2 })).status).toBe("declined");
    expect(await markAssignmentUsed(prisma, drawn.get(w3)!.assignmentId)).toBe(true);
    expect(await drift(prisma)).toEqual([]);

    // Lapsing: the sweep, and a draw lapsing in passing (its clock three days on).
    await prisma.assignment.create({ data: { writerId: w4, prisonerId: people[0]!, expiresAt: new Date(Date.now() - HOUR) } });
    expect(await drift(prisma)).toEqual([]);
    expect(await lapseExpiredAssignments(prisma)).toBe(1);
    expect(await drift(prisma)).toEqual([]);
    const later = new Date(Date.now() + 73 * HOUR);
    expect((await assignPrisoner(prisma, { writerId: w2, now: later }))?.reused).toBe(false);
    expect(await prisma.assignment.count({ where: { status: "active", expiresAt: { lte: later } } })).toBe(0);
    expect(await drift(prisma)).toEqual([]);
    // Used after it lapsed (the writer took longer but did write): nothing was open any more.
    const lapsed = await prisma.assignment.findFirstOrThrow({ where: { status: "lapsed", writerId: w5 } });
    expect(await markAssignmentUsed(prisma, lapsed.id)).toBe(true);
    expect(await drift(prisma)).toEqual([]);

    // New open assignments for everyone, then a release, an erasure, a move and deletes.
    for (const writerId of writers) await assignPrisoner(prisma, { writerId, now: later });
    expect(await drift(prisma)).toEqual([]);
    const target = (await prisma.assignment.findFirstOrThrow({ where: { status: "active" } })).prisonerId;
    expect((await releaseAssignmentsForPrisoner(prisma, target)).length).toBeGreaterThan(0);
    expect(await openCount(prisma, target)).toBe(0);
    const erased = (await prisma.assignment.findFirstOrThrow({ where: { status: "active", writerId: { not: w1 } } })).writerId;
    const lettersBefore = await lettersCount(prisma, a1.prisonerId);
    expect(await deleteWriterData(prisma, erased)).not.toBeNull();
    expect(await drift(prisma)).toEqual([]);
    expect(await deleteWriterData(prisma, w1)).not.toBeNull();
    // A person's letter count is kept when the writer is erased (see deleteWriterData).
    expect(await lettersCount(prisma, a1.prisonerId)).toBe(lettersBefore);
    const moving = await prisma.assignment.findFirstOrThrow({ where: { status: "active" } });
    const elsewhere = people.find((id) => id !== moving.prisonerId)!;
    await prisma.assignment.update({ where: { id: moving.id }, data: { prisonerId: elsewhere } });
    expect(await drift(prisma)).toEqual([]);
    await prisma.assignment.deleteMany({ where: { id: moving.id } });
    await prisma.prisoner.delete({ where: { id: people[5]! } });
    expect(await drift(prisma)).toEqual([]);
  });
});

describe("the draw does not count expired assignments that are not lapsed yet", () => {
  it("one held by another transaction (the draw's lapse skips it)", async () => {
    const { prisma, url } = await isolated();
    const [waiting] = await addPeople(prisma, [person(0)]);
    await addPeople(prisma, Array.from({ length: 9 }, () => person(1)));
    const [other, writer] = (await addWriters(prisma, 2)) as [number, number];
    const expired = await prisma.assignment.create({ data: { writerId: other, prisonerId: waiting!, expiresAt: new Date(Date.now() - HOUR) } });
    const holder = new pg.Client({ connectionString: url });
    await holder.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT id FROM assignments WHERE id = $1 FOR UPDATE", [expired.id]);
      // Its load is 0 (tier 0), everybody else's 1: only it can be drawn. Counting the expired
      // assignment would put it among the other nine.
      const r = await assignPrisoner(prisma, { writerId: writer });
      expect(r?.prisonerId).toBe(waiting);
      expect((await prisma.assignment.findUniqueOrThrow({ where: { id: expired.id } })).status).toBe("active");
    } finally {
      await holder.query("ROLLBACK");
      await holder.end();
    }
    expect(await drift(prisma)).toEqual([]);
  });

  it("more than a draw lapses in passing", async () => {
    const { prisma } = await isolated();
    const [waiting] = await addPeople(prisma, [person(0)]);
    await addPeople(prisma, Array.from({ length: 9 }, () => person(1)));
    const writers = await addWriters(prisma, 151);
    await prisma.assignment.createMany({
      data: writers.slice(1).map((writerId, i) => ({ writerId, prisonerId: waiting!, expiresAt: new Date(Date.now() - HOUR - i * 1000) })),
    });
    expect(await openCount(prisma, waiting!)).toBe(150);
    const r = await assignPrisoner(prisma, { writerId: writers[0]! });
    expect(r?.prisonerId).toBe(waiting);
    // The draw lapsed its batch; the rest is still there, and counted.
    expect(await prisma.assignment.count({ where: { status: "active", prisonerId: waiting! } })).toBeGreaterThan(1);
    expect(await drift(prisma)).toEqual([]);
  });
});

describe("concurrent work", () => {
  it("30 writers at once where the loads are open assignments: nobody gets a second while someone with less is free", async () => {
    const { prisma } = await isolated(10);
    // 20 people with no letter but one open assignment each (load 1), 20 with one letter (load 1).
    const held = await addPeople(prisma, Array.from({ length: 20 }, () => person(0)));
    const oneLetter = await addPeople(prisma, Array.from({ length: 20 }, () => person(1)));
    const others = await addWriters(prisma, 20);
    for (const [i, writerId] of others.entries()) {
      await prisma.assignment.create({ data: { writerId, prisonerId: held[i]!, expiresAt: new Date(Date.now() + 24 * HOUR) } });
    }
    const writers = await addWriters(prisma, 30);

    const results = await Promise.all(writers.map((writerId) => assignPrisoner(prisma, { writerId })));

    expect(results.every((r) => r !== null && !r.reused)).toBe(true);
    expect(await drift(prisma)).toEqual([]);
    const rows = await prisma.prisoner.findMany({ select: { id: true, lettersCount: true, openAssignments: true } });
    const load = new Map(rows.map((p) => [p.id, p.lettersCount + p.openAssignments]));
    // All 40 share tier 1 (load 1): 30 different ones of them reach load 2, nobody reaches 3.
    const loads = [...held, ...oneLetter].map((id) => load.get(id));
    expect(loads.filter((l) => l === 2)).toHaveLength(30);
    expect(loads.filter((l) => l === 1)).toHaveLength(10);
  });

  it("draws, letters, declines, sweeps and erasures at once keep the counts true", async () => {
    const { prisma } = await isolated(10);
    const people = await addPeople(prisma, Array.from({ length: 30 }, (_, i) => person(i < 20 ? 0 : 1)));
    const writers = await addWriters(prisma, 80);
    // Some open assignments already past their time, for the sweeps and the draws to lapse at once.
    await prisma.assignment.createMany({
      data: writers.slice(60).map((writerId, i) => ({ writerId, prisonerId: people[i % 30]!, expiresAt: new Date(Date.now() - HOUR) })),
    });

    const first = await Promise.all(writers.slice(0, 40).map((writerId) => assignPrisoner(prisma, { writerId })));
    expect(first.every((r) => r !== null && !r.reused)).toBe(true);
    const work: Promise<unknown>[] = [];
    // Of the first 40, ten write their letter, ten decline and ask again, five are erased ...
    first.forEach((r, i) => {
      const writerId = writers[i]!;
      if (i < 10) {
        work.push(submitLetter(prisma, {
          writerId, prisonerId: r!.prisonerId, assignmentId: r!.assignmentId, kind: "typed", text: "Привет",
          language: "ru", signatureName: "Иван", idempotencyKey: randomBytes(8).toString("hex"),
        }));
      } else if (i < 20) {
        work.push(declineAssignment(prisma, r!.assignmentId, { writerId }).then(() => assignPrisoner(prisma, { writerId })));
      } else if (i < 25) {
        work.push(deleteWriterData(prisma, writerId));
      }
    });
    // ... while twenty more writers draw and sweeps run.
    for (const writerId of writers.slice(40, 60)) work.push(assignPrisoner(prisma, { writerId }));
    for (let i = 0; i < 3; i++) work.push(lapseExpiredAssignments(prisma));
    await Promise.all(work);

    expect(await drift(prisma)).toEqual([]);
    expect(await prisma.assignment.count({ where: { status: "active", expiresAt: { lte: new Date() } } })).toBe(0);
    const perWriter = await prisma.assignment.groupBy({ by: ["writerId"], where: { status: "active" }, _count: true });
    expect(perWriter.every((g) => g._count === 1)).toBe(true);
    expect(await prisma.letter.count()).toBe(10);
  });
});

describe("the draw's two ways to the database", () => {
  it("straight on the client's pool and inside a Prisma transaction: the same draw, times in UTC", async () => {
    const { prisma } = await isolated(4);
    await addPeople(prisma, Array.from({ length: 3 }, () => person()));
    const [a, b] = (await addWriters(prisma, 2)) as [number, number];
    expect(poolOf(prisma)).toBeDefined();
    const now = new Date("2031-03-04T05:06:07.089Z");

    const direct = await assignPrisoner(prisma, { writerId: a, now });
    const inTx = await prisma.$transaction(async (tx) => {
      expect(poolOf(tx)).toBeUndefined();
      return assignPrisoner(tx, { writerId: b, now });
    });

    for (const [r, writerId] of [[direct, a], [inTx, b]] as const) {
      expect(r?.reused).toBe(false);
      expect(r?.expiresAt.toISOString()).toBe(assignmentExpiresAt(now).toISOString());
      const stored = await prisma.assignment.findUniqueOrThrow({ where: { id: r!.assignmentId } });
      expect(stored).toMatchObject({ writerId, prisonerId: r!.prisonerId, status: "active", createdAt: now, expiresAt: r!.expiresAt });
    }
    expect((await assignPrisoner(prisma, { writerId: a, now }))).toEqual({ ...direct, reused: true });
    await expect(assignPrisoner(prisma, { writerId: 987654321, now })).rejects.toThrow(/writer 987654321 does not exist/);
    expect(await drift(prisma)).toEqual([]);
  });
});

describe("the migration", () => {
  it("counts the open assignments that are there when it runs", async () => {
    const url = withDatabase(testDatabaseUrl(), `${new URL(testDatabaseUrl()).pathname.slice(1)}_load_${randomBytes(4).toString("hex")}`);
    cleanups.push(() => dropDatabase(url));
    const dir = await mkdtemp(join(tmpdir(), "lifeline-migrations-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // The migrations before this one (and none after it).
    const firstLeftOut = "20261206044000_prisoner_open_assignments";
    await cp(DEFAULT_MIGRATIONS_DIR, dir, {
      recursive: true,
      filter: (src) => {
        const name = src.slice(DEFAULT_MIGRATIONS_DIR.length + 1).split("/")[0] ?? "";
        return !/^\d{14}_/.test(name) || name < firstLeftOut;
      },
    });
    await applyMigrations(url, dir);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(`
        INSERT INTO prisoners (external_id, last_name, first_name, last_name_latin, first_name_latin, search_name, birth_date,
          region, facility_name, can_receive_letters, case_summary_ru, updated_at)
        SELECT 'm-' || i, 'Ф', 'И', 'F', 'I', 'f i', DATE '1980-01-01', 'Москва', 'ИК-1', true, 'Дело', now()
        FROM generate_series(1, 3) i`);
      await client.query(`INSERT INTO writers (telegram_id, language, updated_at) SELECT 900 + i, 'ru', now() FROM generate_series(1, 6) i`);
      await client.query(`
        INSERT INTO assignments (writer_id, prisoner_id, status, expires_at, updated_at)
        SELECT w.id, p.id, s.status::"AssignmentStatus", now() + interval '1 day', now()
        FROM (VALUES (1, 1, 'active'), (2, 1, 'active'), (3, 1, 'lapsed'), (4, 2, 'active'), (5, 2, 'used'), (6, 3, 'declined'))
               AS s(w, p, status)
        JOIN writers w ON w.telegram_id = 900 + s.w JOIN prisoners p ON p.external_id = 'm-' || s.p`);
      await applyMigrations(url);
      const rows = await client.query<{ external_id: string; open_assignments: number }>(
        "SELECT external_id, open_assignments FROM prisoners ORDER BY external_id");
      expect(rows.rows.map((r) => [r.external_id, r.open_assignments])).toEqual([["m-1", 2], ["m-2", 1], ["m-3", 0]]);
    } finally {
      await client.end();
    }
  });
});
