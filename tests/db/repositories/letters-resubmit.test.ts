import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import { loadResubmission, resubmitLetter, submitLetter } from "../../../src/db/repositories/letters.js";
import { createTestPrisma, uniqueTelegramId } from "../../helpers/db.js";
import { createLetterFixture } from "../../helpers/letter-fixtures.js";

let prisma: PrismaClient;
let other: PrismaClient;
beforeAll(() => {
  prisma = createTestPrisma();
  other = createTestPrisma();
});
afterAll(async () => {
  await Promise.all([prisma.$disconnect(), other.$disconnect()]);
});

async function sentBack(): Promise<{ writerId: number; letterId: number; code: string; prisonerId: number }> {
  const f = await createLetterFixture(prisma, { telegramId: uniqueTelegramId(), language: "ru", signatureName: "Анна" });
  const { letter } = await submitLetter(prisma, {
    writerId: f.writerId,
    prisonerId: f.prisonerId,
    assignmentId: f.assignmentId,
    kind: "typed",
    text: "Здравствуйте, Пётр! Пишу вам из Риги, где идёт война.",
    language: "ru",
    signatureName: "Анна",
    idempotencyKey: `resubmit-${f.writerId}`,
  });
  await prisma.letter.update({ where: { id: letter.id }, data: { status: "needs_changes", statusReason: "war" } });
  await prisma.letterStatusEvent.create({ data: { letterId: letter.id, status: "needs_changes", reason: "war" } });
  return { writerId: f.writerId, letterId: letter.id, code: letter.code, prisonerId: f.prisonerId };
}

describe("resubmitLetter", () => {
  it("puts the same letter back to submitted once, without touching the counters", async () => {
    const l = await sentBack();
    const source = await loadResubmission(prisma, l.writerId, l.letterId);
    expect(source).toMatchObject({ code: l.code, kind: "typed", reason: "war", target: { available: true, prisonerId: l.prisonerId } });
    // Someone else's letter, or a wrong id: nothing to fix.
    expect(await loadResubmission(prisma, l.writerId + 100_000, l.letterId)).toBeNull();

    // The counter row is locked by another transaction the whole time: a resubmission that tried
    // to count the letter again would wait for it and time out.
    const input = { writerId: l.writerId, letterId: l.letterId, text: "Здравствуйте, Пётр! Пишу вам из Риги.", language: "ru", signatureName: "Анна" };
    const results = await other.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT value FROM counters WHERE key = 'letters_written' FOR UPDATE`;
      await tx.$queryRaw`SELECT value FROM counters WHERE key = 'replies_received' FOR UPDATE`;
      return Promise.race([
        Promise.all([resubmitLetter(prisma, input), resubmitLetter(prisma, input)]),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error("resubmission waited for the counters")), 5_000)),
      ]);
    }, { timeout: 10_000 });
    expect(results.map((r) => r.resubmitted).sort()).toEqual([false, true]);
    expect(results.map((r) => r.version)).toEqual([2, 2]);
    expect(results.every((r) => r.letter.code === l.code)).toBe(true);

    const row = await prisma.letter.findUniqueOrThrow({ where: { id: l.letterId }, include: { statusEvents: { orderBy: { id: "asc" } } } });
    expect(row).toMatchObject({ status: "submitted", statusReason: null, text: input.text });
    expect(row.statusEvents.map((e) => e.status)).toEqual(["submitted", "needs_changes", "submitted"]);
    expect((await prisma.prisoner.findUniqueOrThrow({ where: { id: l.prisonerId } })).lettersCount).toBe(1);
    // No longer waiting for changes.
    expect(await loadResubmission(prisma, l.writerId, l.letterId)).toBeNull();
  });
});
