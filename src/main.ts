import type { AppRole } from "./app.js";
import { ConfigError, loadConfig, loadDotEnv } from "./config.js";
import { createLogger } from "./logger.js";

const ROLES: Record<string, AppRole[]> = { all: ["bot", "worker"], bot: ["bot"], worker: ["worker"] };

/** Start-up problems go to stderr as exactly one line, then exit 1. */
/** How long a stop asked for during start-up waits for the start to finish before giving up. */
const STOP_WHILE_STARTING_MS = 10_000;

function fail(message: string): never {
  process.stderr.write(`${message.replace(/\s*\n\s*/g, " ")}\n`);
  process.exit(1);
}

async function main(): Promise<void> {
  const roleArg = process.argv[2] ?? "all";
  const roles = ROLES[roleArg];
  if (!roles) fail(`Unknown role "${roleArg}": use all, bot or worker`);

  let config;
  try {
    loadDotEnv();
    config = loadConfig(process.env);
  } catch (err) {
    fail(err instanceof ConfigError ? err.message : `Cannot read configuration: ${String(err)}`);
  }

  // Loaded only now: a configuration mistake is reported without loading Prisma, BullMQ and grammY.
  const { startApp, StartupError } = await import("./app.js");
  const logger = createLogger(config.logLevel);
  process.on("unhandledRejection", (reason) => logger.error({ err: reason }, "unhandled promise rejection"));

  let exiting = false;
  type App = Awaited<ReturnType<typeof startApp>>;
  /** The running app, once start-up has finished. */
  const started: { app?: App } = {};
  let exitCode = 0;
  const stopAndExit = (running: App): void => {
    running.stop().then(
      () => process.exit(exitCode),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  // Listened to before start-up: a stop asked for while starting (systemd, Ctrl+C) waits for the
  // start to finish, then stops cleanly, instead of killing the process half-started.
  const shutdown = (signal: NodeJS.Signals): void => {
    if (exiting) {
      // A second signal while draining: the admin wants out now.
      process.exit(1);
    }
    exiting = true;
    logger.info({ signal }, "shutting down");
    if (started.app) stopAndExit(started.app);
    // Still starting (waiting for PostgreSQL, say): give the start a moment to finish, no more.
    else setTimeout(() => process.exit(1), STOP_WHILE_STARTING_MS).unref();
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);

  const app = await startApp(config, {
    roles,
    logger,
    onFatal: () => {
      if (exiting) return;
      exiting = true;
      exitCode = 1;
      if (started.app) stopAndExit(started.app);
    },
  }).catch((err: unknown) => {
    if (err instanceof StartupError) fail(err.message);
    logger.error({ err }, "start-up failed");
    fail(`Start-up failed: ${err instanceof Error ? err.message : String(err)}`);
  });
  started.app = app;
  // A signal (or a fatal error) came while starting: stop now that there is something to stop.
  if (exiting) stopAndExit(app);
}

await main();
