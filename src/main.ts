import type { AppRole } from "./app.js";
import { ConfigError, loadConfig, loadDotEnv } from "./config.js";
import { createLogger } from "./logger.js";

const ROLES: Record<string, AppRole[]> = { all: ["bot", "worker"], bot: ["bot"], worker: ["worker"] };

/** Start-up problems go to stderr as exactly one line, then exit 1. */
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
  const app = await startApp(config, {
    roles,
    logger,
    onFatal: () => {
      if (exiting) return;
      exiting = true;
      void app.stop().finally(() => process.exit(1));
    },
  }).catch((err: unknown) => {
    if (err instanceof StartupError) fail(err.message);
    logger.error({ err }, "start-up failed");
    fail(`Start-up failed: ${err instanceof Error ? err.message : String(err)}`);
  });

  const shutdown = (signal: NodeJS.Signals): void => {
    if (exiting) {
      // A second signal while draining: the admin wants out now.
      process.exit(1);
    }
    exiting = true;
    logger.info({ signal }, "shutting down");
    app.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

await main();
