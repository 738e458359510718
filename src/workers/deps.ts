import type { I18n } from "@grammyjs/i18n";
import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { LocaleAwareContext } from "../bot/i18n.js";
import type { Config } from "../config.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../logger.js";
import type { Queues } from "../queues/index.js";

export interface WorkerDeps {
  config: Config;
  prisma: PrismaClient;
  redis: Redis;
  logger: Logger;
  /** grammY's Api (no polling Bot): workers only send. */
  api: Api;
  i18n: I18n<LocaleAwareContext>;
  /** Producers, for handlers that enqueue follow-up jobs. */
  queues: Queues;
}

/**
 * The operators' chat, or a thrown (retryable) error when none is configured: the job then waits in
 * BullMQ's retries and failed list, visible to the admin, instead of being dropped. `what` names
 * what could not be posted; `ids` are logged with it (ids only).
 */
export function operatorsChatOrThrow(
  config: Config,
  log: Pick<Logger, "error">,
  what: string,
  ids: Record<string, number | string>,
): number {
  const chatId = config.operatorsChatId;
  if (chatId === undefined) {
    log.error(ids, `OPERATORS_CHAT_ID is not configured: ${what} cannot be posted; the job stays retryable`);
    throw new Error("OPERATORS_CHAT_ID is not configured");
  }
  return chatId;
}
