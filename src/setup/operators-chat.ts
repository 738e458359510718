// Which Telegram group is the operators' chat. One source for the bot and every worker:
//   1. the group an administrator bound from Telegram (stored in PostgreSQL), else
//   2. OPERATORS_CHAT_ID from the environment (the initial value), else none.
// A binding made in Telegram wins, so no restart is ever needed; a group upgraded to a supergroup
// is followed by storing the new id as the binding.
import type { Transformer } from "grammy";
import {
  getOperatorsChatBinding,
  saveOperatorsChatBinding,
  type OperatorsChatBinding,
} from "../db/repositories/settings.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../logger.js";

/** Where the current operators' chat comes from. */
export type OperatorsChatSource = "telegram" | "env" | "none";

export interface OperatorsChatInfo {
  chatId: number | undefined;
  source: OperatorsChatSource;
  /** The binding stored in the database, if any (also when it came from a group upgrade). */
  binding: OperatorsChatBinding | null;
  /** OPERATORS_CHAT_ID, when set. */
  envChatId: number | undefined;
}

export interface OperatorsChat {
  /** The operators' chat right now, or undefined when there is none. */
  id(): Promise<number | undefined>;
  info(): Promise<OperatorsChatInfo>;
  /** An administrator made `chatId` the operators' chat; returns the chat it replaced, if any. */
  bind(chatId: number, byTelegramId: number): Promise<{ previous: number | undefined }>;
  /** Telegram upgraded group `from` to supergroup `to`: follows it when `from` is the operators' chat. */
  migrate(from: number, to: number): Promise<boolean>;
}

export interface OperatorsChatOptions {
  prisma: PrismaClient;
  envChatId: number | undefined;
  logger: Logger;
  /**
   * How long a read is reused. Several processes share the work, so a binding made in one is seen
   * by the others within this time; the process that made it sees it at once.
   */
  ttlMs?: number;
}

export const OPERATORS_CHAT_TTL_MS = 5_000;

export function createOperatorsChat({ prisma, envChatId, logger, ttlMs = OPERATORS_CHAT_TTL_MS }: OperatorsChatOptions): OperatorsChat {
  let cached: { info: OperatorsChatInfo; until: number } | undefined;
  let loading: Promise<OperatorsChatInfo> | undefined;

  const load = async (): Promise<OperatorsChatInfo> => {
    const binding = await getOperatorsChatBinding(prisma);
    const info: OperatorsChatInfo = binding
      ? { chatId: binding.chatId, source: "telegram", binding, envChatId }
      : { chatId: envChatId, source: envChatId === undefined ? "none" : "env", binding: null, envChatId };
    cached = { info, until: Date.now() + ttlMs };
    return info;
  };

  const info = (): Promise<OperatorsChatInfo> => {
    if (cached && cached.until > Date.now()) return Promise.resolve(cached.info);
    // One query for all updates arriving at the same moment.
    loading ??= load().finally(() => {
      loading = undefined;
    });
    return loading;
  };

  const save = async (binding: OperatorsChatBinding): Promise<void> => {
    await saveOperatorsChatBinding(prisma, binding);
    cached = undefined;
  };

  return {
    info,
    async id() {
      return (await info()).chatId;
    },
    async bind(chatId, byTelegramId) {
      cached = undefined;
      const previous = (await info()).chatId;
      await save({ chatId, boundBy: byTelegramId, boundAt: new Date().toISOString() });
      logger.info({ chat_id: chatId, previous_chat_id: previous, by: byTelegramId }, "operators' chat bound from Telegram");
      return { previous: previous === chatId ? undefined : previous };
    },
    async migrate(from, to) {
      cached = undefined;
      const current = await info();
      if (current.chatId === to) return false;
      if (current.chatId !== from) return false;
      await save({ chatId: to, boundBy: current.binding?.boundBy ?? null, boundAt: new Date().toISOString(), migratedFrom: from });
      logger.warn(
        { chat_id: to, previous_chat_id: from, env_chat_id: current.envChatId },
        "the operators' group became a supergroup with a new id; the new id is stored and used from now on",
      );
      return true;
    },
  };
}

/**
 * An API transformer: a call to a group that Telegram has upgraded to a supergroup fails with
 * `migrate_to_chat_id`; when that group was the operators' chat, the new id is stored and a send
 * is made once more to the new chat. Covers the case where the service message was missed.
 * Edits and deletions are not repeated: message ids belong to the old chat.
 */
export function followGroupUpgrade(operatorsChat: OperatorsChat): Transformer {
  return async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
    const newId = result.ok ? undefined : result.parameters?.migrate_to_chat_id;
    if (newId === undefined || typeof chatId !== "number") return result;
    if (!method.startsWith("send")) {
      await operatorsChat.migrate(chatId, newId);
      return result;
    }
    if (!(await operatorsChat.migrate(chatId, newId)) && (await operatorsChat.id()) !== newId) return result;
    return prev(method, { ...payload, chat_id: newId } as typeof payload, signal);
  };
}
