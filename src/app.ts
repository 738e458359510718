import { constants } from "node:fs";
import { access, mkdir } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { run, type RunnerHandle } from "@grammyjs/runner";
import { Api, GrammyError, HttpError, webhookCallback } from "grammy";
import type { UserFromGetMe } from "grammy/types";
import { Redis } from "ioredis";
import { createBot, type CreateBotOptions, type LifelineBot } from "./bot/index.js";
import { setBotCommands } from "./bot/commands.js";
import { createI18n } from "./bot/i18n.js";
import { redactUrl, type Config } from "./config.js";
import { createPrisma, pingDatabase } from "./db/client.js";
import type { PrismaClient } from "./generated/prisma/client.js";
import { createLogger, type Logger } from "./logger.js";
import { createQueues, MAINTENANCE_QUEUE, scheduleMaintenance, type Queues } from "./queues/index.js";
import { markBotStarting } from "./replies/albums.js";
import { handlers as defaultHandlers, startWorkers, type HandlerFactories, type RunningWorkers } from "./workers/index.js";

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
}

export interface App {
  readonly config: Config;
  readonly logger: Logger;
  readonly prisma: PrismaClient;
  readonly redis: Redis;
  readonly queues: Queues;
  /** Present when the "bot" role runs. */
  readonly bot: LifelineBot | undefined;
  /** Present when the "worker" role runs. */
  readonly workers: RunningWorkers | undefined;
  /** Stops intake, drains, then closes workers, queues, Redis and PostgreSQL. Idempotent. */
  stop(): Promise<void>;
}

/** Start-up failed for a reason the admin can fix; `message` is one line. */
export class StartupError extends Error {
  override name = "StartupError";
}

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.replace(/\s*\n\s*/g, " ").trim();
}

async function connectRedis(config: Config, logger: Logger): Promise<Redis> {
  // maxRetriesPerRequest: null is required by BullMQ workers sharing this connection.
  const redis = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: null });
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

function describeTelegramFailure(config: Config, err: unknown): string {
  if (err instanceof GrammyError && err.error_code === 401) {
    return "Telegram rejected BOT_TOKEN (401 Unauthorized): copy the token again from @BotFather";
  }
  if (err instanceof HttpError || err instanceof GrammyError) {
    return `Cannot reach the Bot API at ${config.telegramApiRoot} (${oneLine(err)}): check the network or TELEGRAM_API_ROOT`;
  }
  return `Bot start-up failed: ${oneLine(err)}`;
}

function webhookServer(bot: LifelineBot, config: Extract<Config["bot"], { mode: "webhook" }>, logger: Logger): Server {
  const path = new URL(config.webhookUrl).pathname;
  const handle = webhookCallback(bot, "http", {
    secretToken: config.webhookSecret,
    // Answer Telegram in time even if a handler is slow; the update keeps running.
    onTimeout: "return",
    timeoutMilliseconds: 25_000,
  });
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (req.method === "POST" && url.pathname === path) {
      handle(req, res).catch((err: unknown) => {
        logger.error({ err }, "webhook request failed");
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
      return;
    }
    if (req.method === "GET" && url.pathname === "/healthz") {
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
      return;
    }
    res.writeHead(404).end();
  });
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

    const prisma = createPrisma(config.databaseUrl, {
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

    const redis = await connectRedis(config, logger);
    cleanups.push(() => redis.quit().catch(() => redis.disconnect()));

    const queues = createQueues(redis, config.redisPrefix);
    cleanups.push(() => queues.close());
    // Before the workers: albums of reply scans wait for what Telegram held while the bot was down.
    if (roles.has("bot")) await markBotStarting(redis, config.redisPrefix);

    let workers: RunningWorkers | undefined;
    if (roles.has("worker")) {
      const api = new Api(config.botToken, { apiRoot: config.telegramApiRoot });
      const started = startWorkers(
        { config, prisma, redis, logger, api, i18n: createI18n(), queues },
        options.handlers ?? defaultHandlers,
      );
      workers = started;
      cleanups.push(() => started.close());
      // Periodic housekeeping (assignment lapses, storage sweep); idempotent across worker processes.
      await scheduleMaintenance(queues.byName[MAINTENANCE_QUEUE]);
      logger.info({ queues: [...started.workers.keys()] }, "workers started");
    }

    let bot: LifelineBot | undefined;
    if (roles.has("bot")) {
      if (config.operatorsChatId === undefined) {
        logger.warn("OPERATORS_CHAT_ID is not set: operator features stay off until it is");
      }
      bot = createBot(
        { config, prisma, redis, logger, queues, ...(options.botInfo ? { botInfo: options.botInfo } : {}) },
        options.bot,
      );
      const theBot = bot;
      try {
        await theBot.init();
      } catch (err) {
        throw new StartupError(describeTelegramFailure(config, err));
      }
      try {
        await setBotCommands(theBot.api, createI18n());
      } catch (err) {
        logger.warn({ err }, "could not set the command menu; continuing");
      }

      const mode = config.bot;
      if (mode.mode === "webhook") {
        const server = webhookServer(theBot, mode, logger);
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
        try {
          await theBot.api.setWebhook(mode.webhookUrl, {
            secret_token: mode.webhookSecret,
            allowed_updates: [...ALLOWED_UPDATES],
          });
        } catch (err) {
          throw new StartupError(describeTelegramFailure(config, err));
        }
        logger.info({ port: mode.port, bot_id: theBot.botInfo.id }, "bot started (webhook)");
      } else {
        try {
          // A webhook left from an earlier deployment would make getUpdates fail with 409.
          await theBot.api.deleteWebhook();
        } catch (err) {
          throw new StartupError(describeTelegramFailure(config, err));
        }
        const runner: RunnerHandle = run(theBot, {
          runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } },
        });
        cleanups.push(async () => {
          if (runner.isRunning()) await runner.stop();
          // stop() ends fetching only; updates already handed to handlers are still running.
          await drain(() => runner.size(), logger);
        });
        runner.task()?.catch((err: unknown) => {
          logger.fatal({ err }, "polling stopped");
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
