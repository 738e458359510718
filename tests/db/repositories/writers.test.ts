import { afterAll, describe, expect, it } from "vitest";
import {
  findWriterByTelegramId,
  getOrCreateWriter,
  setWriterLanguage,
  updateWriterProfile,
} from "../../../src/db/repositories/writers.js";
import { createTestPrisma, uniqueTelegramId } from "../../helpers/db.js";

const prisma = createTestPrisma();
afterAll(() => prisma.$disconnect());

describe("writers repository", () => {
  it("creates a writer with the given language and keeps only the minimum", async () => {
    const telegramId = uniqueTelegramId();
    const writer = await getOrCreateWriter(prisma, { telegramId, language: "ru" });
    expect(writer).toMatchObject({
      telegramId: BigInt(telegramId),
      language: "ru",
      signatureName: null,
      interests: [],
      rulesAcceptedVersion: null,
    });
    expect(Object.keys(writer).sort()).toEqual(
      ["botBlockedAt", "createdAt", "id", "interests", "language", "rulesAcceptedVersion", "signatureName", "telegramId", "updatedAt"],
    );
  });

  it("never overwrites the language of an existing writer", async () => {
    const telegramId = BigInt(uniqueTelegramId());
    const first = await getOrCreateWriter(prisma, { telegramId, language: "en" });
    const again = await getOrCreateWriter(prisma, { telegramId, language: "ru" });
    expect(again.id).toBe(first.id);
    expect(again.language).toBe("en");
  });

  it("creates exactly one row when first contacts race", async () => {
    const telegramId = uniqueTelegramId();
    const writers = await Promise.all(
      Array.from({ length: 8 }, () => getOrCreateWriter(prisma, { telegramId, language: "ru" })),
    );
    expect(new Set(writers.map((w) => w.id)).size).toBe(1);
    expect(await prisma.writer.count({ where: { telegramId: BigInt(telegramId) } })).toBe(1);
  });

  it("switches the language and finds the writer by Telegram id", async () => {
    const telegramId = uniqueTelegramId();
    const writer = await getOrCreateWriter(prisma, { telegramId, language: "ru" });
    await setWriterLanguage(prisma, writer.id, "en");
    expect((await findWriterByTelegramId(prisma, telegramId))?.language).toBe("en");
    expect(await findWriterByTelegramId(prisma, uniqueTelegramId())).toBeNull();
  });

  it("updates only the profile fields given", async () => {
    const writer = await getOrCreateWriter(prisma, { telegramId: uniqueTelegramId(), language: "en" });
    await updateWriterProfile(prisma, writer.id, { signatureName: "Anna from Riga", interests: ["books", "music"] });
    const updated = await updateWriterProfile(prisma, writer.id, { rulesAcceptedVersion: 2 });
    expect(updated).toMatchObject({ signatureName: "Anna from Riga", interests: ["books", "music"], rulesAcceptedVersion: 2, language: "en" });
  });
});
