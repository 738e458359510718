import { constants } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import { run, type RunnerHandle } from "@grammyjs/runner";
import { Api } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { Redis } from "ioredis";
// Types only: the chat handlers are loaded below, when the "bot" role runs (a worker process never loads them).
import type { CreateBotOptions, LifelineBot } from "./bot/index.js";
import { setBotCommands } from "./telegram/commands.js";
import { createI18n } from "./messages/i18n.js";
import { redactUrl, type Config } from "./config.js";
import { withWriterCache, createPrisma, pingDatabase } from "./db/client.js";
import { RedisPrefetch } from "./storage/redis-prefetch.js";
import { checkDatabaseConnection, DatabaseConnectionError } from "./db/connection-check.js";
import { checkMigrationsApplied, MigrationsPendingError } from "./db/migration-status.js";
import { verifyEncryptionKey, WrongEncryptionKeyError } from "./db/repositories/key-check.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { createLogger, type Logger } from "./logger.js";
import { createQueues, MAINTENANCE_QUEUE, scheduleMaintenance, type Queues } from "./queues/index.js";
import { markBotStarting } from "./replies/albums.js";
import { checkSetupAtStart } from "./setup/at-start.js";
import { createOperatorsChat, followGroupUpgrade, type OperatorsChat } from "./setup/operators-chat.js";
import { createPrisonerList } from "./setup/prisoner-list.js";
import { acquirePollingLease, isPollingConflict } from "./telegram/polling-lease.js";
import { StartupError, TelegramUnreachableError, telegramStartup, type TelegramStartup } from "./telegram-startup.js";
import { handlers as defaultHandlers, startWorkers, type HandlerFactories, type RunningWorkers } from "./workers/index.js";
import { botIdOf, OutgoingPace, type Paces } from "./workers/telegram-pace.js";
import { createWebhookServer } from "./webhook-server.js";
import { botApiClientOptions } from "./telegram/bot-api-fetch.js";

export type AppRole = "bot" | "worker";

/** Update types the bot asks Telegram for; a feature needing another type adds it here. */
export const ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "inline_query", "my_chat_member"] as const;

export interface StartAppOptions {
  roles: AppRole[];
  /** Preset bot identity (skips getMe). */
  botInfo?: UserFromGetMe;
  logger?: Logger;
  /** Feature/conversation lists for createBot (defaults: the production lists). */
  bot?: CreateBotOptions;
  /** Queue handlers for the workers (default: src/workers handlers). */
  handlers?: Partial<HandlerFactories>;
  /** Called when the app can no longer work (e.g. Telegram rejects the token while polling). */
  onFatal?: (err: unknown) => void;
  /** Outgoing paces (default: Telegram's limits, TELEGRAM_PACES); tests run a faster fake world. */
  paces?: Paces;
  /**
   * Whether a worker process keeps the periodic housekeeping scheduled (default true). Tests that
   * share one database with other test files turn it off: a reconciler run there would pick up the
   * other files' letters.
   */
  maintenance?: boolean;
}

export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly prisma: PrismaClient;
  readonly redis: Redis;
  readonly queues: Queues;
  /** The operators' chat, as every bot and worker process reads it. */
  readonly operatorsChat: OperatorsChat;
  /** Present when the "bot" role runs. */
  readonly bot: LifelineBot | undefined;
  /** Present when the "worker" role runs. */
  readonly workers: RunningWorkers | undefined;
  /** Stops intake, drains, then closes workers, queues, Redis and PostgreSQL. Idempotent. */
  stop(): Promise<void>;
}

export { StartupError };

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s*\n\s*/g, " ").trim();
}

/**
 * `chat`: the bot's own connection for per-update chat state (order, flood counters, sessions,
 * conversations, the answers' pace). Auto-pipelining sends the commands of every update in flight
 * in one write per event-loop turn: about a third less CPU per update and twice the updates per
 * second under load (bench/update.ts). BullMQ keeps a plain connection: its scripts and blocking
 * reads are not meant to be pipelined that way.
 */
async function connectRedis(config: Config, logger: Logger, use: "queues" | "chat" = "queues"): Promise<Redis> {
  // maxRetriesPerRequest: null is required by BullMQ workers sharing the queues' connection; for chat
  // state it makes a command wait through a Redis restart instead of failing the update.
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: null, enableAutoPipelining: use === "chat" });
  let connected = false;
  redis.on("error", (err: Error) => {
    if (connected) logger.warn({ err }, "redis connection error; reconnecting");
  });
  try {
    await redis.connect();
    await redis.ping();
    connected = true;
    return redis;
  } catch (err) {
    redis.disconnect();
    throw new StartupError(
      `Redis at ${redactUrl(config.redisUrl)} is unreachable (${oneLine(err)}): start Redis or fix REDIS_URL`,
    );
  }
}

/** Prisma puts the driver's reason ("Can't reach database server at ...") deep in the message. */
function databaseFailure(err: unknown): string {
  const messages = [err instanceof Error ? err.message : "", err instanceof Error && err.cause instanceof Error ? err.cause.message : ""];
  for (const message of messages) {
    const reason = /Message: `([^`]+)`/.exec(message)?.[1];
    if (reason) return `PostgreSQL is unreachable: ${reason}`;
  }
  return oneLine(err);
}

const DRAIN_TIMEOUT_MS = 30_000;

/** Waits until no update is in flight (or the timeout passes, so shutdown never hangs). */
async function drain(inFlight: () => number, logger: Logger): Promise<void> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  while (inFlight() > 0) {
    if (Date.now() > deadline) {
      logger.warn({ in_flight: inFlight() }, "shutdown: updates still running after the drain timeout");
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The command menu is a convenience: Telegram refusing it must not stop the bot. */
async function setCommandMenu(telegram: TelegramStartup, logger: Logger): Promise<void> {
  try {
    await telegram.run("setMyCommands", (api) => setBotCommands(api, createI18n()));
  } catch (err) {
    // Unreachable Telegram ends the start like the other calls; a refusal only costs the menu.
    if (err instanceof TelegramUnreachableError) throw err;
    logger.warn({ err }, "could not set the command menu; continuing");
  }
}

/**
 * Connects PostgreSQL and Redis, then runs the requested roles. Throws StartupError (one line)
 * when a dependency is unreachable; everything already opened is closed again.
 */
export async function startApp(config: Config, options: StartAppOptions): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const roles = new Set(options.roles);
  const cleanups: Array<() => Promise<unknown>> = [];
  const closeAll = async (): Promise<void> => {
    // Reverse order of opening: intake first, the database last.
    for (const cleanup of cleanups.splice(0).reverse()) {
      try {
        await cleanup();
      } catch (err) {
        logger.warn({ err }, "error while shutting down");
      }
    }
  };

  try {
    try {
      await mkdir(config.storageDir, { recursive: true });
      await access(config.storageDir, constants.W_OK);
    } catch (err) {
      throw new StartupError(`STORAGE_DIR ${config.storageDir} is not a writable directory (${oneLine(err)}): fix STORAGE_DIR or its permissions`);
    }

    // One plain connection first: a missing password, a wrong one, a missing role or database and a
    // stopped server each get their own fix, which Prisma's wrapped errors do not allow.
    try {
      await checkDatabaseConnection(config.databaseUrl);
    } catch (err) {
      throw err instanceof DatabaseConnectionError ? new StartupError(err.message) : err;
    }
    let prisma = createPrisma(config.databaseUrl, {
      keyring: config.keyring,
      onPoolError: (err) => logger.error({ err }, "postgresql pool error"),
    });
    cleanups.push(() => prisma.$disconnect());
    try {
      await pingDatabase(prisma);
    } catch (err) {
      const reason = databaseFailure(err);
      const fix = /does not exist/.test(reason)
        ? "create it with npm run db:migrate, or fix DATABASE_URL"
        : "start PostgreSQL or fix DATABASE_URL";
      throw new StartupError(`${reason} (DATABASE_URL ${redactUrl(config.databaseUrl)}): ${fix}`);
    }
    // An empty database, or one an upgrade left behind: say what to run, not Prisma's missing relation.
    await checkMigrationsApplied(config.databaseUrl).catch((err: unknown) => {
      throw err instanceof MigrationsPendingError ? new StartupError(err.message) : err;
    });
    await verifyEncryptionKey(prisma, config.keyring).catch((err: unknown) => {
      throw err instanceof WrongEncryptionKeyError ? new StartupError(err.message) : err;
    });

    const redis = await connectRedis(config, logger);
    cleanups.push(() => redis.quit().catch(() => redis.disconnect()));
    // The bot loads a chat's writer on every update; bot and workers share this short-lived cache.
    const uncached = prisma;
    prisma = withWriterCache(prisma, { redis, prefix: config.redisPrefix, keyring: config.keyring });

    const queues = createQueues(redis, config.redisPrefix);
    cleanups.push(() => queues.close());
    // The one source of the operators' chat for the bot and the workers (bound in Telegram, or OPERATORS_CHAT_ID).
    const operatorsChat = createOperatorsChat({ prisma, envChatId: config.operatorsChatId, logger });
    // Before the workers: albums of reply scans wait for what Telegram held while the bot was down.
    if (roles.has("bot")) await markBotStarting(redis, config.redisPrefix);

    // One pace per bot token for every process sending as this bot (see src/workers/telegram-pace.ts):
    // the same Redis keys, whichever connection reads them.
    const paceOn = (connection: Redis): OutgoingPace =>
      new OutgoingPace(connection, {
        prefix: config.redisPrefix,
        botId: botIdOf(config.botToken),
        ...(options.paces ? { paces: options.paces } : {}),
        onRecordError: (err) => logger.warn({ err }, "could not count an answer in the outgoing pace"),
      });

    let workers: RunningWorkers | undefined;
    if (roles.has("worker")) {
      const pace = paceOn(redis);
      const api = new Api(config.botToken, botApiClientOptions(config.telegramApiRoot));
      // Installed first, so it wraps the actual call: every message a worker sends waits for its turn.
      api.config.use(pace.transformer("wait"));
      api.config.use(followGroupUpgrade(operatorsChat));
      const started = startWorkers(
        { config, prisma, redis, logger, api, i18n: createI18n(), queues, operatorsChat },
        options.handlers ?? defaultHandlers,
      );
      workers = started;
      cleanups.push(() => started.close());
      // Runs before the close above: a job waiting for its turn to send gives up (and is retried later)
      // instead of holding the shutdown for as long as the pace says.
      cleanups.push(() => Promise.resolve(pace.stop()));
      if (options.maintenance ?? true) {
        // Periodic housekeeping (assignment lapses, storage sweep); idempotent across worker processes.
        await scheduleMaintenance(queues.byName[MAINTENANCE_QUEUE]);
        // A Redis restarted without persistence lost the schedulers too: they come back with the
        // connection, and the reconciler's first run puts the lost jobs back on their way.
        const reschedule = (): void => {
          scheduleMaintenance(queues.byName[MAINTENANCE_QUEUE]).catch((err: unknown) => logger.warn({ err }, "could not restore the maintenance schedule"));
        };
        redis.on("ready", reschedule);
        cleanups.push(() => Promise.resolve(redis.off("ready", reschedule)));
      }
      logger.info({ queues: [...started.workers.keys()] }, "workers started");
    }

    let bot: LifelineBot | undefined;
    if (roles.has("bot")) {
      const prisonerList = createPrisonerList({ prisma, operatorsChat, i18n: createI18n(), logger, operatorsLanguage: config.operatorsLanguage });
      const { createBot } = await import("./bot/index.js");
      const chatRedis = await connectRedis(config, logger, "chat");
      cleanups.push(() => chatRedis.quit().catch(() => chatRedis.disconnect()));
      // The same cache (same keys, same PostgreSQL pool) over the bot's pipelined connection: a lookup
      // per update then shares a write to Redis with the update's other commands.
      const prefetch = new RedisPrefetch(chatRedis);
      const botPrisma = withWriterCache(uncached, { redis: chatRedis, reads: prefetch, prefix: config.redisPrefix, keyring: config.keyring });
      bot = createBot(
        { config, prisma: botPrisma, redis: chatRedis, prefetch, logger, queues, operatorsChat, prisonerList, ...(options.botInfo ? { botInfo: options.botInfo } : {}) },
        options.bot,
      );
      const theBot = bot;
      // Answers to people go at once and are only counted, so the workers' bulk sends make room for them.
      theBot.api.config.use(paceOn(chatRedis).transformer("record"));
      // Bounded: with Telegram unreachable the start fails with one line instead of waiting forever.
      const telegram = telegramStartup({
        token: config.botToken,
        apiRoot: config.telegramApiRoot,
        deadlineMs: config.telegramStartupTimeoutSeconds * 1000,
        logger,
      });
      if (!theBot.isInited()) theBot.botInfo = await telegram.run("getMe", (api) => api.getMe());
      // Warnings only (operators' chat, prisoner list, menus): none of them stops the start.
      await checkSetupAtStart({ api: theBot.api, botInfo: theBot.botInfo, operatorsChat, prisonerList, logger, operatorsLanguage: config.operatorsLanguage });

      const mode = config.bot;
      if (mode.mode === "webhook") {
        const server = createWebhookServer(theBot, { path: new URL(mode.webhookUrl).pathname, secretToken: mode.webhookSecret, logger });
        await new Promise<void>((resolve, reject) => {
          server.once("error", reject);
          server.listen(mode.port, () => resolve());
        }).catch((err: unknown) => {
          throw new StartupError(`Cannot listen on PORT ${mode.port} (${oneLine(err)}): choose a free port`);
        });
        cleanups.push(
          () =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeIdleConnections();
            }),
        );
        await telegram.run("setWebhook", (api) =>
          api.setWebhook(mode.webhookUrl, { secret_token: mode.webhookSecret, allowed_updates: [...ALLOWED_UPDATES] }),
        );
        await setCommandMenu(telegram, logger);
        logger.info({ port: mode.port, bot_id: theBot.botInfo.id }, "bot started (webhook)");
      } else {
        // One polling process per bot: a second one stops here with one line (src/telegram/polling-lease.ts).
        const polling: { runner?: RunnerHandle } = {};
        const lease = await acquirePollingLease({
          redis,
          prefix: config.redisPrefix,
          botId: botIdOf(config.botToken),
          logger,
          onLost: (holder) => {
            const err = new StartupError(`Another bot process (${holder}) took over polling Telegram as this bot; this one stops`);
            logger.fatal(err.message);
            void polling.runner?.stop();
            options.onFatal?.(err);
          },
        });
        // Given back after the runner has stopped and drained (clean-ups run in reverse).
        cleanups.push(() => lease.release());
        // A webhook left from an earlier deployment would make getUpdates fail with 409.
        await telegram.run("deleteWebhook", (api) => api.deleteWebhook());
        await setCommandMenu(telegram, logger);
        const runner: RunnerHandle = run(theBot, {
          runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } },
        });
        polling.runner = runner;
        cleanups.push(async () => {
          if (runner.isRunning()) await runner.stop();
          // stop() ends fetching only; updates already handed to handlers are still running.
          await drain(() => runner.size(), logger);
        });
        runner.task()?.catch((err: unknown) => {
          if (isPollingConflict(err)) {
            // Same BOT_TOKEN polled from elsewhere (another installation or Redis): say so plainly.
            logger.fatal(
              "Telegram ended this bot's polling because another process polls with the same BOT_TOKEN: run one polling bot per token, or use BOT_MODE=webhook",
            );
          } else {
            logger.fatal({ err }, "polling stopped");
          }
          options.onFatal?.(err);
        });
        logger.info({ bot_id: theBot.botInfo.id }, "bot started (polling)");
      }
    }

    let stopping: Promise<void> | undefined;
    return {
      config,
      logger,
      prisma,
      redis,
      queues,
      operatorsChat,
      bot,
      workers,
      stop() {
        stopping ??= closeAll().then(() => logger.info("stopped"));
        return stopping;
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
