import { readFileSync } from "node:fs";
import { join } from "node:path";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { ENCRYPTED_COLUMNS, RELATIONS } from "../../../src/db/repositories/encrypted-columns.js";
import { loadResubmission, submitLetter } from "../../../src/db/repositories/letters.js";
import { loadLetterForCard, setTranslation } from "../../../src/db/repositories/moderation.js";
import { createSpecificRequest, listWriterSpecificRequests } from "../../../src/db/repositories/specific-requests.js";
import { findWriterById, updateWriterProfile } from "../../../src/db/repositories/writers.js";
import { DecryptionError, keyIdOfText } from "../../../src/privacy/cipher.js";
import { createTestPrisma, testDatabaseUrl, testKeyring, uniqueTelegramId } from "../../helpers/db.js";
import { createLetterFixture } from "../../helpers/letter-fixtures.js";

const prisma = createTestPrisma();
const raw = new pg.Pool({ connectionString: testDatabaseUrl(), max: 1 });
afterAll(async () => {
  await prisma.$disconnect();
  await raw.end();
});

const TEXT = "Дорогой Иван, держитесь! Мы помним о вас.";
const SIGNATURE = "Мария из Тулы";

async function rowOf(table: string, id: number): Promise<Record<string, unknown>> {
  const { rows } = await raw.query<Record<string, unknown>>(`SELECT * FROM ${table} WHERE id = $1`, [id]);
  return rows[0]!;
}

async function typedLetter(signatureName = SIGNATURE) {
  const fixture = await createLetterFixture(prisma, { telegramId: uniqueTelegramId(), language: "ru", signatureName });
  const { letter } = await submitLetter(prisma, {
    writerId: fixture.writerId,
    prisonerId: fixture.prisonerId,
    kind: "typed",
    text: TEXT,
    language: "ru",
    signatureName,
    idempotencyKey: `enc-${uniqueTelegramId()}`,
  });
  return { fixture, letter };
}

describe("encrypted columns", () => {
  it("stores letter text, signature and translation as ciphertext under the current key, and reads them back plain", async () => {
    const { letter } = await typedLetter();
    expect(letter.text).toBe(TEXT);
    expect(letter.signatureName).toBe(SIGNATURE);
    await setTranslation(prisma, letter.id, "Dear Ivan, hold on!");

    const stored = await rowOf("letters", letter.id);
    for (const column of ["text", "signature_name", "translation_text"]) {
      expect(keyIdOfText(String(stored[column])), column).toBe(testKeyring().current.id);
    }
    expect(JSON.stringify(stored)).not.toMatch(/Иван|Мария|Dear Ivan/);

    const card = await loadLetterForCard(prisma, letter.id);
    expect(card).toMatchObject({ text: TEXT, signatureName: SIGNATURE, translationText: "Dear Ivan, hold on!" });
  });

  it("encrypts the writer's signature and a request's name and facility, nested includes too", async () => {
    const { fixture } = await typedLetter();
    await updateWriterProfile(prisma, fixture.writerId, { signatureName: "Пётр" });
    expect(keyIdOfText(String((await rowOf("writers", fixture.writerId)).signature_name))).toBe(testKeyring().current.id);
    expect((await findWriterById(prisma, fixture.writerId))?.signatureName).toBe("Пётр");

    const request = await createSpecificRequest(prisma, { writerId: fixture.writerId, fullName: "Сидоров Сидор", birthYear: 1970, facility: "ИК-2 Мордовия" });
    const storedRequest = await rowOf("specific_requests", request.id);
    expect(JSON.stringify(storedRequest)).not.toMatch(/Сидор|Мордовия/);
    const { letter } = await submitLetter(prisma, {
      writerId: fixture.writerId,
      specificRequestId: request.id,
      kind: "typed",
      text: TEXT,
      language: "ru",
      signatureName: null,
      idempotencyKey: `enc-${uniqueTelegramId()}`,
    });
    const card = await loadLetterForCard(prisma, letter.id);
    expect(card?.specificRequest).toMatchObject({ fullName: "Сидоров Сидор", facility: "ИК-2 Мордовия" });
    expect(card?.signatureName).toBeNull();
    const [listed] = await listWriterSpecificRequests(prisma, fixture.writerId);
    expect(listed).toMatchObject({ fullName: "Сидоров Сидор", letter: { code: letter.code } });
  });

  it("reads plaintext rows from before encryption as they are", async () => {
    const { letter } = await typedLetter();
    await raw.query("UPDATE letters SET text = $1, signature_name = NULL WHERE id = $2", ["Старый текст", letter.id]);
    expect(await loadLetterForCard(prisma, letter.id)).toMatchObject({ text: "Старый текст", signatureName: null });
  });

  it("throws a DecryptionError for a corrupted value, without its text in the message", async () => {
    const { fixture, letter } = await typedLetter();
    const stored = String((await rowOf("letters", letter.id)).text);
    const corrupted = `${stored.slice(0, -6)}AAAAAA`;
    await raw.query("UPDATE letters SET text = $1, status = 'needs_changes' WHERE id = $2", [corrupted, letter.id]);
    const read = loadResubmission(prisma, fixture.writerId, letter.id);
    await expect(read).rejects.toBeInstanceOf(DecryptionError);
    await expect(read).rejects.not.toThrow(/Иван/);
  });

  it("refuses to filter on an encrypted column", async () => {
    await expect(prisma.letter.findMany({ where: { text: TEXT } })).rejects.toThrow("Letter.text is encrypted and cannot be searched or compared");
    await expect(prisma.writer.count({ where: { signatureName: null } })).resolves.toBeGreaterThanOrEqual(0);
  });

  it("knows every relation of prisma/schema.prisma that leads to an encrypted model", () => {
    const schema = readFileSync(join(import.meta.dirname, "../../../prisma/schema.prisma"), "utf8");
    const models = [...schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)];
    const names = new Set(models.map((m) => m[1]!));
    for (const [, model, body] of models) {
      const relations: Record<string, string> = {};
      for (const [, field, type] of body!.matchAll(/^\s+(\w+)\s+(\w+)(\[\])?\??\s/gm)) {
        if (names.has(type!)) relations[field!] = type!;
      }
      const expected = Object.keys(relations).length > 0 ? relations : undefined;
      expect(RELATIONS[model as keyof typeof RELATIONS], model).toEqual(expected);
    }
    expect(Object.keys(ENCRYPTED_COLUMNS).every((model) => names.has(model))).toBe(true);
  });
});
