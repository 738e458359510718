import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { createPrisma } from "../../src/db/client.js";
import { submitLetter } from "../../src/db/repositories/letters.js";
import { applyPrisonerImport } from "../../src/db/repositories/prisoner-import.js";
import { getStats, incrementCounter } from "../../src/db/repositories/stats.js";
import { parsePrisonerRecord } from "../../src/domain/prisoner-record.js";
import { createIsolatedDatabase, type IsolatedDatabase } from "../helpers/db.js";
import { prisonerRecord } from "../helpers/prisoner-records.js";

let db: IsolatedDatabase;
let prisma: PrismaClient;
beforeAll(async () => {
  db = await createIsolatedDatabase();
  prisma = createPrisma(db.url);
});
afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

describe("counters", () => {
  it("are exact after 100 letters submitted concurrently", async () => {
    await applyPrisonerImport(
      prisma,
      [
        prisonerRecord("c-1", { lettersCount: 0 }),
        prisonerRecord("c-2", { lettersCount: 0 }),
        prisonerRecord("c-3", { lettersCount: 0 }),
        prisonerRecord("c-4", { canReceiveLetters: false, cannotReceiveReason: "no_address", postalAddress: null }),
      ].map(parsePrisonerRecord),
    );
    const prisoners = await prisma.prisoner.findMany({ where: { externalId: { in: ["c-1", "c-2"] } }, orderBy: { externalId: "asc" } });
    const writers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => prisma.writer.create({ data: { telegramId: 9_000_000_000 + i, language: "ru" } })),
    );
    expect(await getStats(prisma)).toEqual({ lettersWritten: 0, lettersPosted: 0, repliesReceived: 0, waitingForFirstLetter: 3 });

    // Every writer writes to c-1 or c-2 at the same moment: the same counter row and the same two
    // prisoner rows are updated by 100 transactions at once.
    const results = await Promise.allSettled(
      writers.map((w, i) =>
        submitLetter(prisma, {
          writerId: w.id,
          prisonerId: prisoners[i % 2]!.id,
          kind: "typed",
          text: "Здравствуйте! Пишу вам из Тбилиси.",
          language: "ru",
          signatureName: null,
          idempotencyKey: `counters-${i}`,
        }),
      ),
    );
    const failed = results.filter((r) => r.status === "rejected");
    expect(failed.map((r) => String(r.reason))).toEqual([]);

    expect(await prisma.letter.count()).toBe(100);
    expect(await getStats(prisma)).toEqual({ lettersWritten: 100, lettersPosted: 0, repliesReceived: 0, waitingForFirstLetter: 1 });
    const counts = await prisma.prisoner.findMany({ where: { externalId: { in: ["c-1", "c-2"] } }, select: { lettersCount: true } });
    expect(counts.map((c) => c.lettersCount)).toEqual([50, 50]);

    // Repeated submissions (a double press) do not count twice.
    await submitLetter(prisma, {
      writerId: writers[0]!.id,
      prisonerId: prisoners[0]!.id,
      kind: "typed",
      text: "Здравствуйте! Пишу вам из Тбилиси.",
      language: "ru",
      signatureName: null,
      idempotencyKey: "counters-0",
    });
    expect((await getStats(prisma)).lettersWritten).toBe(100);
  });

  it("roll back with the transaction that failed", async () => {
    const before = await getStats(prisma);
    await expect(
      prisma.$transaction(async (tx) => {
        await incrementCounter(tx, "letters_posted");
        throw new Error("posting failed");
      }),
    ).rejects.toThrow("posting failed");
    await Promise.all(Array.from({ length: 50 }, () => prisma.$transaction((tx) => incrementCounter(tx, "replies_received"))));
    const after = await getStats(prisma);
    expect(after).toEqual({ ...before, repliesReceived: before.repliesReceived + 50 });
  });
});
