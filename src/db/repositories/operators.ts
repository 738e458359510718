import type { Db } from "../client.js";
import type { Operator, OperatorRole } from "../../generated/prisma/client.js";

export type { Operator, OperatorRole };

/** The operator behind an action, as the database says at this moment. */
export interface ActingOperator {
  id: number;
  telegramId: bigint;
  role: OperatorRole;
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
    return { id: row.id, telegramId: row.telegramId, role: row.role };
  }
  const row = await db.operator.findUnique({ where: { telegramId: id } });
  if (!row?.active) return null;
  return { id: row.id, telegramId: row.telegramId, role: row.role };
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
