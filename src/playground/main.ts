// `npm run playground`: the real bot and workers against a local stand-in for Telegram, with a
// chat page on 127.0.0.1. Reads only these variables (not .env, which may hold a real bot's
// token): DATABASE_URL, REDIS_URL, REDIS_PREFIX, STORAGE_DIR, PORT, LOG_LEVEL.
import { resolve } from "node:path";
import { LOG_LEVELS, type LogLevel } from "../config.js";

const DEFAULTS = {
  DATABASE_URL: "postgresql://postgres@127.0.0.1:5432/lifeline_playground",
  REDIS_URL: "redis://127.0.0.1:6379",
  REDIS_PREFIX: "lifeline-playground",
  STORAGE_DIR: "./data/playground",
  PORT: "8090",
  LOG_LEVEL: "warn",
} as const;

function setting(name: keyof typeof DEFAULTS): string {
  const value = process.env[name]?.trim();
  return value === undefined || value === "" ? DEFAULTS[name] : value;
}

function fail(message: string): never {
  process.stderr.write(`${message.replace(/\s*\n\s*/g, " ")}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const port = Number(setting("PORT"));
  if (!Number.isInteger(port) || port < 0 || port > 65_535) fail(`PORT ${setting("PORT")} is not a port number: use 1-65535 (default 8090)`);
  const logLevel = setting("LOG_LEVEL");
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) fail(`LOG_LEVEL ${logLevel} is not a log level: use one of ${LOG_LEVELS.join(", ")}`);

  // Loaded only now: a bad setting is reported without loading Prisma, BullMQ and grammY.
  const { startPlayground } = await import("./playground.js");
  const { StartupError } = await import("../app.js");
  const { ConfigError } = await import("../config.js");
  const { MigrationError } = await import("../db/migrate.js");
  process.stdout.write("Starting the Lifeline playground (database, Redis, bot, workers)…\n");
  const playground = await startPlayground({
    databaseUrl: setting("DATABASE_URL"),
    redisUrl: setting("REDIS_URL"),
    redisPrefix: setting("REDIS_PREFIX"),
    storageDir: resolve(setting("STORAGE_DIR")),
    port,
    logLevel: logLevel as LogLevel,
  }).catch((err: unknown) => {
    if (err instanceof StartupError || err instanceof ConfigError || err instanceof MigrationError) fail(err.message);
    const code = (err as { code?: string }).code;
    if (code === "EADDRINUSE") fail(`Port ${port} is taken: run with another one, e.g. PORT=8091 npm run playground`);
    fail(`The playground could not start: ${err instanceof Error ? err.message : String(err)}`);
  });

  process.stdout.write(`\nLifeline playground is running. Open ${playground.url} in your browser.\nPress Ctrl+C to stop.\n`);

  let stopping = false;
  const shutdown = (): void => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stdout.write("Stopping…\n");
    playground.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

await main();
