import type { I18n } from "@grammyjs/i18n";
import type { Api } from "grammy";
import type { Redis } from "ioredis";
import type { LocaleAwareContext } from "../messages/i18n.js";
import type { Config } from "../config.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../logger.js";
import type { Queues } from "../queues/index.js";
import type { OperatorsChat } from "../setup/operators-chat.js";

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
  /** The operators' chat (bound in Telegram, or OPERATORS_CHAT_ID): read per job, never kept. */
  operatorsChat: OperatorsChat;
}

/**
 * The operators' chat, or a thrown (retryable) error when none is bound yet: the job then waits in
 * BullMQ's retries and failed list, visible to the admin, instead of being dropped. `what` names
 * what could not be posted; `ids` are logged with it (ids only).
 */
export async function operatorsChatOrThrow(
  operatorsChat: OperatorsChat,
  log: Pick<Logger, "error">,
  what: string,
  ids: Record<string, number | string>,
): Promise<number> {
  const chatId = await operatorsChat.id();
  if (chatId === undefined) {
    log.error(ids, `No operators' chat yet: ${what} cannot be posted; the job stays retryable. Add the bot to the volunteers' group and send /setup there`);
    throw new Error("No operators' chat is bound");
  }
  return chatId;
}
