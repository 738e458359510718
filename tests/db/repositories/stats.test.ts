import { describe, expect, it } from "vitest";
import { getStats, incrementCounter } from "../../../src/db/repositories/stats.js";
import { seedDemoPrisoners } from "../../../src/db/seed.js";
import { isolatedDatabaseForSuite } from "../../helpers/db.js";

// Exact counts need a database of our own.
const db = isolatedDatabaseForSuite({ max: 8 });

describe("stats", () => {
  it("starts at zero", async () => {
    expect(await getStats(db.prisma)).toEqual({ lettersWritten: 0, lettersPosted: 0, repliesReceived: 0, waitingForFirstLetter: 0 });
  });

  it("stays exact under 100 concurrent transactions", async () => {
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        db.prisma.$transaction(async (tx) => {
          await incrementCounter(tx, "letters_written");
          if (i % 4 === 0) await incrementCounter(tx, "letters_posted");
        }),
      ),
    );
    await incrementCounter(db.prisma, "replies_received", 3);
    const stats = await getStats(db.prisma);
    expect(stats).toMatchObject({ lettersWritten: 100, lettersPosted: 25, repliesReceived: 3 });
  });

  it("rolls back with the transaction that failed", async () => {
    await expect(
      db.prisma.$transaction(async (tx) => {
        await incrementCounter(tx, "letters_written");
        throw new Error("letter insert failed");
      }),
    ).rejects.toThrow("letter insert failed");
    expect((await getStats(db.prisma)).lettersWritten).toBe(100);
  });

  it("counts people who can receive letters and have none yet", async () => {
    await seedDemoPrisoners(db.prisma);
    const expected = await db.prisma.prisoner.count({ where: { canReceiveLetters: true, lettersCount: 0 } });
    expect(expected).toBeGreaterThan(5);
    expect((await getStats(db.prisma)).waitingForFirstLetter).toBe(expected);
    const one = await db.prisma.prisoner.findFirstOrThrow({ where: { canReceiveLetters: true, lettersCount: 0 } });
    await db.prisma.prisoner.update({ where: { id: one.id }, data: { lettersCount: { increment: 1 } } });
    expect((await getStats(db.prisma)).waitingForFirstLetter).toBe(expected - 1);
  });
});
