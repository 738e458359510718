import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrismaClient } from "../../../src/generated/prisma/client.js";
import { getLetterByCode, listLettersByWriter, loadLetterTarget, submitLetter } from "../../../src/db/repositories/letters.js";
import { getStats } from "../../../src/db/repositories/stats.js";
import { LETTER_CODE_PATTERN } from "../../../src/domain/letter.js";
import { createTestPrisma, uniqueTelegramId } from "../../helpers/db.js";
import { createLetterFixture, createPrisoner } from "../../helpers/letter-fixtures.js";

let prisma: PrismaClient;
beforeAll(() => {
  prisma = createTestPrisma();
});
afterAll(async () => {
  await prisma.$disconnect();
});

describe("submitLetter", () => {
  it("creates the letter, its event, counters, the person's count and uses the assignment, in one go", async () => {
    const f = await createLetterFixture(prisma, { telegramId: uniqueTelegramId(), language: "ru", signatureName: "Анна" });
    const before = await getStats(prisma);
    const now = new Date("2026-11-01T10:00:00Z");
    const result = await submitLetter(prisma, {
      writerId: f.writerId,
      prisonerId: f.prisonerId,
      assignmentId: f.assignmentId,
      kind: "typed",
      text: "Здравствуйте, Пётр! Пишу вам из Риги.",
      language: "ru",
      signatureName: "Анна",
      precheckWarnings: [{ code: "slogans", matches: ["держитесь"] }],
      idempotencyKey: `test-${f.writerId}-1`,
      now,
    });
    expect(result.created).toBe(true);
    expect(result.letter.code).toMatch(LETTER_CODE_PATTERN);
    expect(result.letter).toMatchObject({ status: "submitted", kind: "typed", writerId: f.writerId, prisonerId: f.prisonerId });
    const events = await prisma.letterStatusEvent.findMany({ where: { letterId: result.letter.id } });
    expect(events).toMatchObject([{ status: "submitted", operatorId: null }]);
    expect((await getStats(prisma)).lettersWritten).toBeGreaterThanOrEqual(before.lettersWritten + 1);
    const prisoner = await prisma.prisoner.findUniqueOrThrow({ where: { id: f.prisonerId } });
    expect(prisoner.lettersCount).toBe(1);
    expect(prisoner.lastLetterAt?.toISOString()).toBe(now.toISOString());
    const assignment = await prisma.assignment.findUniqueOrThrow({ where: { id: f.assignmentId } });
    expect(assignment).toMatchObject({ status: "used", letterId: result.letter.id });
    expect((await getLetterByCode(prisma, result.letter.code.toLowerCase()))?.id).toBe(result.letter.id);
    expect((await listLettersByWriter(prisma, f.writerId)).map((l) => l.code)).toEqual([result.letter.code]);
  });

  it("makes one letter for one idempotency key, even when sent concurrently", async () => {
    const f = await createLetterFixture(prisma, { telegramId: uniqueTelegramId(), language: "en" });
    const input = {
      writerId: f.writerId,
      prisonerId: f.prisonerId,
      kind: "handwritten" as const,
      language: "en",
      signatureName: "Friend",
      idempotencyKey: `test-${f.writerId}-double`,
      pages: [
        { sha256: "a".repeat(64), width: 1000, height: 1400 },
        { sha256: "b".repeat(64), width: 1000, height: 1400 },
      ],
    };
    const results = await Promise.all([submitLetter(prisma, input), submitLetter(prisma, input), submitLetter(prisma, input)]);
    expect(new Set(results.map((r) => r.letter.id)).size).toBe(1);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const id = results[0]?.letter.id ?? 0;
    expect(results[0]?.pages).toEqual([
      { index: 1, storagePath: `letters/${id}/page-1.jpg` },
      { index: 2, storagePath: `letters/${id}/page-2.jpg` },
    ]);
    expect(await prisma.letter.count({ where: { writerId: f.writerId } })).toBe(1);
    expect((await prisma.prisoner.findUniqueOrThrow({ where: { id: f.prisonerId } })).lettersCount).toBe(1);
    // No assignment id given: the writer's open assignment with this person is used.
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: f.assignmentId } })).status).toBe("used");
    const again = await submitLetter(prisma, input);
    expect(again).toMatchObject({ created: false, letter: { id } });
  });

  it("does not touch someone else's assignment", async () => {
    const f = await createLetterFixture(prisma, { telegramId: uniqueTelegramId(), language: "ru" });
    const other = await createLetterFixture(prisma, { telegramId: uniqueTelegramId(), language: "ru" });
    await submitLetter(prisma, {
      writerId: f.writerId,
      prisonerId: f.prisonerId,
      assignmentId: other.assignmentId,
      kind: "typed",
      text: "Текст письма достаточной длины для проверки.",
      language: "ru",
      signatureName: null,
      idempotencyKey: `test-${f.writerId}-foreign`,
    });
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: other.assignmentId } })).status).toBe("active");
  });
});

describe("loadLetterTarget", () => {
  it("names the person in both scripts and says whether they can receive letters", async () => {
    const id = await createPrisoner(prisma);
    const target = await loadLetterTarget(prisma, 1, { prisonerId: id });
    expect(target).toMatchObject({ available: true, prisonerId: id, nameRu: "Пётр Примеров", nameEn: "Pyotr Primerov" });
    const closed = await createPrisoner(prisma, { canReceiveLetters: false, cannotReceiveReason: "asked_privacy" });
    expect(await loadLetterTarget(prisma, 1, { prisonerId: closed })).toMatchObject({ available: false, reason: "unavailable" });
    expect(await loadLetterTarget(prisma, 1, { prisonerId: 2_000_000_000 })).toBeNull();
  });

  it("a specific-person request is the writer's own, and takes exactly one letter", async () => {
    const f = await createLetterFixture(prisma, { telegramId: uniqueTelegramId(), language: "ru" });
    const request = await prisma.specificRequest.create({
      data: { writerId: f.writerId, fullName: "Иванова Мария Сергеевна", birthYear: 1990, facility: null },
    });
    expect(await loadLetterTarget(prisma, f.writerId + 1, { specificRequestId: request.id })).toBeNull();
    expect(await loadLetterTarget(prisma, f.writerId, { specificRequestId: request.id })).toMatchObject({
      available: true,
      prisonerId: null,
      specificRequestId: request.id,
      nameRu: "Иванова Мария Сергеевна",
      facility: "",
    });
    const result = await submitLetter(prisma, {
      writerId: f.writerId,
      specificRequestId: request.id,
      kind: "typed",
      text: "Здравствуйте, Мария! Пишу вам из Вильнюса.",
      language: "ru",
      signatureName: "Ольга",
      idempotencyKey: `test-${f.writerId}-request`,
    });
    expect(result.letter).toMatchObject({ specificRequestId: request.id, prisonerId: null });
    expect(await loadLetterTarget(prisma, f.writerId, { specificRequestId: request.id })).toMatchObject({ available: false, reason: "used" });
  });
});
