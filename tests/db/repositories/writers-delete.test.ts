import { afterAll, describe, expect, it } from "vitest";
import { deleteWriterData, getOrCreateWriter, isPristineWriter, setWriterLanguage, summarizeWriterData } from "../../../src/db/repositories/writers.js";
import { submitLetter } from "../../../src/db/repositories/letters.js";
import { createTestPrisma, uniqueTelegramId } from "../../helpers/db.js";
import { createLetterFixture } from "../../helpers/letter-fixtures.js";

const prisma = createTestPrisma();
afterAll(() => prisma.$disconnect());

describe("deleteWriterData", () => {
  it("removes the writer with their letters, pages, events and assignments, returns what went, and is idempotent", async () => {
    const fixture = await createLetterFixture(prisma, { telegramId: uniqueTelegramId(), language: "en", signatureName: "Sam" });
    const submitted = await submitLetter(prisma, {
      writerId: fixture.writerId,
      prisonerId: fixture.prisonerId,
      assignmentId: fixture.assignmentId,
      kind: "handwritten",
      language: "en",
      signatureName: "Sam",
      idempotencyKey: `delete-${fixture.writerId}`,
      pages: [{ sha256: "a".repeat(64), width: 10, height: 10 }],
    });
    const prisonerBefore = await prisma.prisoner.findUniqueOrThrow({ where: { id: fixture.prisonerId } });
    expect(await summarizeWriterData(prisma, fixture.writerId)).toEqual({ letters: 1, unposted: 1, replies: 0 });

    const removed = await deleteWriterData(prisma, fixture.writerId);
    expect(removed).toEqual({
      writerId: fixture.writerId,
      letterIds: [submitted.letter.id],
      replyIds: [],
      assignmentIds: [fixture.assignmentId],
      specificRequestIds: [],
      filePaths: submitted.pages.map((p) => p.storagePath),
      withdrawn: [{ code: submitted.letter.code, status: "submitted", batchId: null }],
    });
    expect(await prisma.writer.count({ where: { id: fixture.writerId } })).toBe(0);
    expect(await prisma.letter.count({ where: { id: submitted.letter.id } })).toBe(0);
    expect(await prisma.letterPage.count({ where: { letterId: submitted.letter.id } })).toBe(0);
    expect(await prisma.letterStatusEvent.count({ where: { letterId: submitted.letter.id } })).toBe(0);
    expect(await prisma.assignment.count({ where: { writerId: fixture.writerId } })).toBe(0);
    // The person's letter count holds nothing about the writer and keeps steering assignment.
    expect((await prisma.prisoner.findUniqueOrThrow({ where: { id: fixture.prisonerId } })).lettersCount).toBe(prisonerBefore.lettersCount);

    expect(await deleteWriterData(prisma, fixture.writerId)).toBeNull();
  });

  it("a writer is pristine only while the row is exactly as first contact created it", async () => {
    const writer = await getOrCreateWriter(prisma, { telegramId: uniqueTelegramId(), language: "ru" });
    expect(await isPristineWriter(prisma, writer.id)).toBe(true);
    await setWriterLanguage(prisma, writer.id, "en");
    expect(await isPristineWriter(prisma, writer.id)).toBe(false);
    expect(await isPristineWriter(prisma, 2_000_000_001)).toBe(false);
  });
});
