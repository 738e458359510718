import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import { createPrisma } from "../../../src/db/client.js";
import { getStats, incrementCounter } from "../../../src/db/repositories/stats.js";
import { seedDemoPrisoners } from "../../../src/db/seed.js";
import { createIsolatedDatabase, type IsolatedDatabase } from "../../helpers/db.js";

// Exact counts need a database of our own.
let db: IsolatedDatabase;
let prisma: PrismaClient;
beforeAll(async () => {
  db = await createIsolatedDatabase();
  prisma = createPrisma(db.url, { max: 8 });
});
afterAll(async () => {
  await prisma.$disconnect();
  await db.drop();
});

describe("stats", () => {
  it("starts at zero", async () => {
    expect(await getStats(prisma)).toEqual({ lettersWritten: 0, lettersPosted: 0, repliesReceived: 0, waitingForFirstLetter: 0 });
  });

  it("stays exact under 100 concurrent transactions", async () => {
    await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        prisma.$transaction(async (tx) => {
          await incrementCounter(tx, "letters_written");
          if (i % 4 === 0) await incrementCounter(tx, "letters_posted");
        }),
      ),
    );
    await incrementCounter(prisma, "replies_received", 3);
    const stats = await getStats(prisma);
    expect(stats).toMatchObject({ lettersWritten: 100, lettersPosted: 25, repliesReceived: 3 });
  });

  it("rolls back with the transaction that failed", async () => {
    await expect(
      prisma.$transaction(async (tx) => {
        await incrementCounter(tx, "letters_written");
        throw new Error("letter insert failed");
      }),
    ).rejects.toThrow("letter insert failed");
    expect((await getStats(prisma)).lettersWritten).toBe(100);
  });

  it("counts people who can receive letters and have none yet", async () => {
    await seedDemoPrisoners(prisma);
    const expected = await prisma.prisoner.count({ where: { canReceiveLetters: true, lettersCount: 0 } });
    expect(expected).toBeGreaterThan(5);
    expect((await getStats(prisma)).waitingForFirstLetter).toBe(expected);
    const one = await prisma.prisoner.findFirstOrThrow({ where: { canReceiveLetters: true, lettersCount: 0 } });
    await prisma.prisoner.update({ where: { id: one.id }, data: { lettersCount: { increment: 1 } } });
    expect((await getStats(prisma)).waitingForFirstLetter).toBe(expected - 1);
  });
});
