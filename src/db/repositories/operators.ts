import type { Db } from "../client.js";
import type { Language, Operator, OperatorRole } from "../../generated/prisma/client.js";

export type { Language, Operator, OperatorRole };

/** The operator behind an action, as the database says at this moment. */
export interface ActingOperator {
  id: number;
  telegramId: bigint;
  role: OperatorRole;
  /** Chosen with /lang; null: the installation's operators' language. */
  language: Language | null;
}

/**
 * The role of a Telegram user right now, or null. ADMIN_IDS are administrators from the first start:
 * their row is created (or re-activated) here, so their decisions carry an operator id like anyone's.
 * Always by Telegram id, never by username (usernames change hands).
 */
export async function authorizeOperator(db: Db, telegramId: number | bigint, adminIds: readonly number[]): Promise<ActingOperator | null> {
  const id = BigInt(telegramId);
  if (adminIds.some((admin) => BigInt(admin) === id)) {
    const row = await db.operator.upsert({
      where: { telegramId: id },
      create: { telegramId: id, role: "admin" },
      update: { role: "admin", active: true },
    });
    return { id: row.id, telegramId: row.telegramId, role: row.role, language: row.language };
  }
  const row = await db.operator.findUnique({ where: { telegramId: id } });
  if (!row?.active) return null;
  return { id: row.id, telegramId: row.telegramId, role: row.role, language: row.language };
}

/**
 * Read-only: whether this Telegram user is an operator now, and the language they chose. Nothing is
 * written (authorizeOperator creates ADMIN_IDS rows; this runs on every update in the operators' chat).
 */
export async function operatorLanguage(
  db: Db,
  telegramId: number | bigint,
  adminIds: readonly number[],
): Promise<{ language: Language | null } | null> {
  const id = BigInt(telegramId);
  const row = await db.operator.findUnique({ where: { telegramId: id }, select: { active: true, language: true } });
  if (adminIds.some((admin) => BigInt(admin) === id)) return { language: row?.language ?? null };
  return row?.active ? { language: row.language } : null;
}

/** Stores the language an operator chose with /lang (only the code). */
export async function setOperatorLanguage(db: Db, operatorId: number, language: Language): Promise<void> {
  await db.operator.update({ where: { id: operatorId }, data: { language } });
}

/** Adds or re-activates an operator; an existing row gets the requested role. */
export function addOperator(db: Db, input: { telegramId: number | bigint; role: OperatorRole; addedBy?: number | bigint | null }): Promise<Operator> {
  const telegramId = BigInt(input.telegramId);
  const addedBy = input.addedBy === undefined || input.addedBy === null ? null : BigInt(input.addedBy);
  return db.operator.upsert({
    where: { telegramId },
    create: { telegramId, role: input.role, addedBy },
    update: { role: input.role, active: true, addedBy },
  });
}

/** Deactivates (keeps the row: past decisions point at it). False when there was no active operator. */
export async function removeOperator(db: Db, telegramId: number | bigint): Promise<boolean> {
  const result = await db.operator.updateMany({ where: { telegramId: BigInt(telegramId), active: true }, data: { active: false } });
  return result.count > 0;
}

export function listOperators(db: Db): Promise<Operator[]> {
  return db.operator.findMany({ where: { active: true }, orderBy: [{ role: "asc" }, { id: "asc" }] });
}

export function findOperatorById(db: Db, operatorId: number): Promise<Operator | null> {
  return db.operator.findUnique({ where: { id: operatorId } });
}
