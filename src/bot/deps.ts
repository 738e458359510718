import type { I18n } from "@grammyjs/i18n";
import type { UserFromGetMe } from "grammy/types";
import type { Redis } from "ioredis";
import type { Config } from "../config.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../logger.js";
import type { Queues } from "../queues/index.js";
import type { OperatorsChat } from "../setup/operators-chat.js";
import type { PrisonerList } from "../setup/prisoner-list.js";
import type { RedisPrefetch } from "../storage/redis-prefetch.js";
import type { LocaleAwareContext } from "../messages/i18n.js";

/** What createBot needs from the outside world. */
export interface BotDeps {
  config: Config;
  prisma: PrismaClient;
  /** Shared ioredis connection (sessions and conversations live here). */
  redis: Redis;
  logger: Logger;
  /** Producers for background jobs (notify, ...). */
  queues: Queues;
  /** The operators' chat: bound from Telegram (/setup) or OPERATORS_CHAT_ID; ask it, never keep it. */
  operatorsChat: OperatorsChat;
  /** Whether anybody can be offered to writers, and the operators' notice when nobody can. */
  prisonerList: PrisonerList;
  /** Preset to skip getMe (tests, or a cached value). */
  botInfo?: UserFromGetMe;
  /** Reads of an update started together (over `redis`); the writer cache reads through it too. Default: one of its own. */
  prefetch?: RedisPrefetch;
}

/** What every feature and conversation factory receives. */
export interface FeatureDeps extends BotDeps {
  i18n: I18n<LocaleAwareContext>;
}
