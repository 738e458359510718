import { Prisma } from "../../generated/prisma/client.js";
import type { Language, Writer } from "../../generated/prisma/client.js";
import type { Db } from "../client.js";

export type { Writer };
export type WriterLanguage = Language;

/**
 * The writer with this Telegram id; created with `language` when new. An existing writer's language
 * is never overwritten (they may have switched it). Safe when two updates race on first contact.
 */
export async function getOrCreateWriter(
  db: Db,
  input: { telegramId: bigint | number; language: WriterLanguage },
): Promise<Writer> {
  const telegramId = BigInt(input.telegramId);
  const existing = await db.writer.findUnique({ where: { telegramId } });
  if (existing) return existing;
  try {
    return await db.writer.create({ data: { telegramId, language: input.language } });
  } catch (err) {
    if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === "P2002") {
      return db.writer.findUniqueOrThrow({ where: { telegramId } });
    }
    throw err;
  }
}

export function findWriterByTelegramId(db: Db, telegramId: bigint | number): Promise<Writer | null> {
  return db.writer.findUnique({ where: { telegramId: BigInt(telegramId) } });
}

export function findWriterById(db: Db, writerId: number): Promise<Writer | null> {
  return db.writer.findUnique({ where: { id: writerId } });
}

export function setWriterLanguage(db: Db, writerId: number, language: WriterLanguage): Promise<Writer> {
  return db.writer.update({ where: { id: writerId }, data: { language } });
}

export interface WriterProfilePatch {
  signatureName?: string | null;
  interests?: string[];
  rulesAcceptedVersion?: number | null;
  botBlockedAt?: Date | null;
}

/** Updates only the fields present in `patch`. */
export function updateWriterProfile(db: Db, writerId: number, patch: WriterProfilePatch): Promise<Writer> {
  return db.writer.update({ where: { id: writerId }, data: patch });
}
