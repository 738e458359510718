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
