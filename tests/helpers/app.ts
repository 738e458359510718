import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach } from "vitest";
import { startApp, type App, type AppRole, type StartAppOptions } from "../../src/app.js";
import { loadConfig, type Config } from "../../src/config.js";
import { startFakeTelegram, type FakeTelegram, type FakeUser, type FakeUserOptions } from "../../src/fake-telegram/index.js";
import { createLogger, type Logger } from "../../src/logger.js";
import type { Paces } from "../../src/workers/telegram-pace.js";
import { testDatabaseUrl, testEncryptionKey, testRedisPrefix, uniqueTelegramId } from "./db.js";

export interface TestAppOptions {
  /** Default: bot and worker, like `npm start`. */
  roles?: AppRole[];
  /** Default polling; webhook runs the real HTTP server on a free port with a random secret. */
  mode?: "polling" | "webhook";
  /** Feature / conversation lists for createBot (e.g. an extra feature that throws). */
  bot?: StartAppOptions["bot"];
  /** Queue handlers for the workers. */
  handlers?: StartAppOptions["handlers"];
  /** Extra environment variables (OPERATORS_CHAT_ID, ADMIN_IDS, ...), read like the real process does. */
  env?: Record<string, string>;
  /** Reuse a running fake (it is then not closed by stop()). */
  fake?: FakeTelegram;
  /** A logger to inspect what the app logs (default: pino at TEST_LOG_LEVEL or silent). */
  logger?: Logger;
  /**
   * Outgoing paces. Default TEST_PACES: Telegram's shape (bot-wide, per group, per private chat)
   * a good deal faster, so a file whose tests all talk in one operators' group does not wait 3.4 s
   * a message. Tests of the pace itself (or of timing across it) pass TELEGRAM_PACES.
   */
  paces?: Paces;
  /**
   * Schedule the maintenance tasks (reconciler, retention, storage sweep, lapses) as a worker
   * process does. Default off: most files share one database, and a reconciler run in one file's
   * app would put another file's letters into its queues. Files with a database of their own
   * (tests/workers/maintenance, reconcile) turn it on.
   */
  maintenance?: boolean;
}

/** Telegram's limits scaled for tests: the same buckets and bursts, each interval about 20x shorter. */
export const TEST_PACES: Paces = {
  bot: { intervalMs: 2, burst: 1 },
  group: { intervalMs: 150, burst: 2 },
  privateChat: { intervalMs: 50, burst: 1 },
};

export interface TestApp {
  fake: FakeTelegram;
  /** The running app; replaced by restart(). */
  app: App;
  config: Config;
  /** Stops the app and starts a new one on the same fake, database, Redis prefix and storage dir. */
  restart(): Promise<App>;
  /**
   * A fake user with an id unique across this test run (the database is shared by all test
   * files, and every fake numbers its users from the same start).
   */
  user(opts?: Omit<FakeUserOptions, "id">): FakeUser;
  /** Stops the app, closes the fake (if created here), deletes this test's Redis keys and storage dir. */
  stop(): Promise<void>;
}

let counter = 0;

/** A unique Redis prefix per test app, under the per-run prefix. */
export function uniqueRedisPrefix(): string {
  counter++;
  return `${testRedisPrefix()}-app${counter}-${randomBytes(3).toString("hex")}`;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Deletes every key under `prefix` (sessions, conversations, queues). */
export async function deleteRedisKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    await redis.quit();
  }
}

/**
 * Starts a fake Telegram and the app in-process, configured the way main.ts configures it
 * (through loadConfig), against the per-run test database and a unique Redis prefix.
 */
export async function startTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const fake = opts.fake ?? (await startFakeTelegram());
  const storageDir = mkdtempSync(join(tmpdir(), "lifeline-test-storage-"));
  const env: Record<string, string> = {
    BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.apiRoot,
    DATABASE_URL: testDatabaseUrl(),
    REDIS_URL: process.env.REDIS_URL ?? "redis://127.0.0.1:6379",
    REDIS_PREFIX: uniqueRedisPrefix(),
    STORAGE_DIR: storageDir,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
    ENCRYPTION_KEY: testEncryptionKey(),
  };
  if (opts.mode === "webhook") {
    const port = await freePort();
    Object.assign(env, {
      BOT_MODE: "webhook",
      PORT: String(port),
      WEBHOOK_URL: `http://127.0.0.1:${port}/telegram/${randomBytes(4).toString("hex")}`,
      WEBHOOK_SECRET: randomBytes(16).toString("hex"),
    });
  }
  const config = loadConfig({ ...env, ...opts.env });
  const logger = opts.logger ?? createLogger(config.logLevel);
  const start = (): Promise<App> =>
    startApp(config, {
      roles: opts.roles ?? ["bot", "worker"],
      botInfo: fake.botInfo,
      logger,
      paces: opts.paces ?? TEST_PACES,
      maintenance: opts.maintenance ?? false,
      ...(opts.bot ? { bot: opts.bot } : {}),
      ...(opts.handlers ? { handlers: opts.handlers } : {}),
    });

  let app: App;
  try {
    app = await start();
  } catch (err) {
    if (!opts.fake) await fake.close();
    rmSync(storageDir, { recursive: true, force: true });
    throw err;
  }

  let stopped: Promise<void> | undefined;
  const handle: TestApp = {
    fake,
    app,
    config,
    async restart() {
      await handle.app.stop();
      handle.app = await start();
      return handle.app;
    },
    user(userOpts = {}) {
      return fake.user({ ...userOpts, id: uniqueTelegramId() });
    },
    stop() {
      stopped ??= (async () => {
        await handle.app.stop();
        if (!opts.fake) await fake.close();
        await deleteRedisKeys(config.redisUrl, config.redisPrefix);
        rmSync(storageDir, { recursive: true, force: true });
      })();
      return stopped;
    },
  };
  return handle;
}

/**
 * For test files that start a fresh app per test: returns a `start` that starts one (options over
 * `defaults`) and registers an afterEach that stops every app it started.
 */
export function startTestAppPerTest(defaults: TestAppOptions = {}): (opts?: TestAppOptions) => Promise<TestApp> {
  let running: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(running.map((t) => t.stop()));
    running = [];
  });
  return async (opts = {}) => {
    const t = await startTestApp({ ...defaults, ...opts });
    running.push(t);
    return t;
  };
}
