// Run-time settings kept in PostgreSQL (table "settings", one JSON value per key), so every bot and
// worker process, on any host, reads the same value without a restart.
import { z } from "zod";
import type { Db } from "../client.js";

const OPERATORS_CHAT_KEY = "operators_chat";

const bindingSchema = z.object({
  chatId: z.number().int(),
  /** Telegram id of the administrator who bound it; null when it followed a group upgrade. */
  boundBy: z.number().int().nullable(),
  boundAt: z.iso.datetime(),
  /** The chat id before Telegram upgraded the group to a supergroup. */
  migratedFrom: z.number().int().optional(),
});

/** The operators' chat as bound from Telegram. */
export type OperatorsChatBinding = z.infer<typeof bindingSchema>;

/** The stored binding, or null when none was made (or the row is unreadable). */
export async function getOperatorsChatBinding(db: Db): Promise<OperatorsChatBinding | null> {
  const row = await db.setting.findUnique({ where: { key: OPERATORS_CHAT_KEY } });
  const parsed = bindingSchema.safeParse(row?.value);
  return parsed.success ? parsed.data : null;
}

export async function saveOperatorsChatBinding(db: Db, binding: OperatorsChatBinding): Promise<void> {
  await db.setting.upsert({
    where: { key: OPERATORS_CHAT_KEY },
    create: { key: OPERATORS_CHAT_KEY, value: binding },
    update: { value: binding },
  });
}

/**
 * Claims a one-time notice: true for the one caller (in any process) that inserted the key, false
 * when it was already claimed. Release it when the notice could not be delivered, or when the
 * condition it reported is over, so it can be sent again later.
 */
export async function claimNotice(db: Db, key: string, at: Date = new Date()): Promise<boolean> {
  const inserted = await db.$executeRaw`
    INSERT INTO settings (key, value, updated_at)
    VALUES (${`notice:${key}`}, ${JSON.stringify({ claimedAt: at.toISOString() })}::jsonb, ${at})
    ON CONFLICT (key) DO NOTHING`;
  return inserted === 1;
}

export async function releaseNotice(db: Db, key: string): Promise<void> {
  await db.setting.deleteMany({ where: { key: `notice:${key}` } });
}
