// A writer, a reachable person and an active assignment between them, for letter tests.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { upsertPrisoners } from "../../src/db/repositories/prisoners.js";
import { getOrCreateWriter } from "../../src/db/repositories/writers.js";
import { parsePrisonerRecord } from "../../src/domain/prisoner-record.js";
import { RULES_VERSION } from "../../src/domain/rules.js";
import { prisonerRecord } from "./prisoner-records.js";

export interface LetterFixture {
  writerId: number;
  prisonerId: number;
  assignmentId: number;
}

/** A fresh person (unique external id) that can receive letters. */
export async function createPrisoner(prisma: PrismaClient, over: Parameters<typeof prisonerRecord>[1] = {}): Promise<number> {
  const externalId = `letter-test-${randomBytes(6).toString("hex")}`;
  await upsertPrisoners(prisma, [parsePrisonerRecord(prisonerRecord(externalId, over))]);
  const row = await prisma.prisoner.findUniqueOrThrow({ where: { externalId } });
  return row.id;
}

/**
 * The writer (created with the given Telegram id and language, rules accepted, optionally a
 * signature), a person, and the writer's active assignment to that person.
 */
export async function createLetterFixture(
  prisma: PrismaClient,
  input: { telegramId: number; language: "ru" | "en"; signatureName?: string | null; prisoner?: Parameters<typeof prisonerRecord>[1] },
): Promise<LetterFixture> {
  const writer = await getOrCreateWriter(prisma, { telegramId: input.telegramId, language: input.language });
  await prisma.writer.update({
    where: { id: writer.id },
    data: { rulesAcceptedVersion: RULES_VERSION, signatureName: input.signatureName ?? null, interests: ["books"] },
  });
  const prisonerId = await createPrisoner(prisma, input.prisoner);
  const assignment = await prisma.assignment.create({
    data: { writerId: writer.id, prisonerId, status: "active", expiresAt: new Date(Date.now() + 72 * 3600 * 1000) },
  });
  return { writerId: writer.id, prisonerId, assignmentId: assignment.id };
}
