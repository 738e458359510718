import { describe, expect, it } from "vitest";
import { submitLetter } from "../../src/db/repositories/letters.js";
import { applyPrisonerImport } from "../../src/db/repositories/prisoner-import.js";
import { getStats, incrementCounter } from "../../src/db/repositories/stats.js";
import { parsePrisonerRecord } from "../../src/domain/prisoner-record.js";
import { isolatedDatabaseForSuite } from "../helpers/db.js";
import { prisonerRecord } from "../helpers/prisoner-records.js";

const db = isolatedDatabaseForSuite();

describe("counters", () => {
  it("are exact after 100 letters submitted concurrently", async () => {
    await applyPrisonerImport(
      db.prisma,
      [
        prisonerRecord("c-1", { lettersCount: 0 }),
        prisonerRecord("c-2", { lettersCount: 0 }),
        prisonerRecord("c-3", { lettersCount: 0 }),
        prisonerRecord("c-4", { canReceiveLetters: false, cannotReceiveReason: "no_address", postalAddress: null }),
      ].map(parsePrisonerRecord),
    );
    const prisoners = await db.prisma.prisoner.findMany({ where: { externalId: { in: ["c-1", "c-2"] } }, orderBy: { externalId: "asc" } });
    const writers = await Promise.all(
      Array.from({ length: 100 }, (_, i) => db.prisma.writer.create({ data: { telegramId: 9_000_000_000 + i, language: "ru" } })),
    );
    expect(await getStats(db.prisma)).toEqual({ lettersWritten: 0, lettersPosted: 0, repliesReceived: 0, waitingForFirstLetter: 3 });

    // Every writer writes to c-1 or c-2 at the same moment: the same counter row and the same two
    // prisoner rows are updated by 100 transactions at once.
    const results = await Promise.allSettled(
      writers.map((w, i) =>
        submitLetter(db.prisma, {
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

    expect(await db.prisma.letter.count()).toBe(100);
    expect(await getStats(db.prisma)).toEqual({ lettersWritten: 100, lettersPosted: 0, repliesReceived: 0, waitingForFirstLetter: 1 });
    const counts = await db.prisma.prisoner.findMany({ where: { externalId: { in: ["c-1", "c-2"] } }, select: { lettersCount: true } });
    expect(counts.map((c) => c.lettersCount)).toEqual([50, 50]);

    // Repeated submissions (a double press) do not count twice.
    await submitLetter(db.prisma, {
      writerId: writers[0]!.id,
      prisonerId: prisoners[0]!.id,
      kind: "typed",
      text: "Здравствуйте! Пишу вам из Тбилиси.",
      language: "ru",
      signatureName: null,
      idempotencyKey: "counters-0",
    });
    expect((await getStats(db.prisma)).lettersWritten).toBe(100);
  });

  it("roll back with the transaction that failed", async () => {
    const before = await getStats(db.prisma);
    await expect(
      db.prisma.$transaction(async (tx) => {
        await incrementCounter(tx, "letters_posted");
        throw new Error("posting failed");
      }),
    ).rejects.toThrow("posting failed");
    await Promise.all(Array.from({ length: 50 }, () => db.prisma.$transaction((tx) => incrementCounter(tx, "replies_received"))));
    const after = await getStats(db.prisma);
    expect(after).toEqual({ ...before, repliesReceived: before.repliesReceived + 50 });
  });
});
