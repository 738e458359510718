import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { findWriterByTelegramId } from "../../src/db/repositories/writers.js";
import { startFakeTelegram, type FakeTelegram } from "../../src/fake-telegram/index.js";
import { deleteRedisKeys, uniqueRedisPrefix } from "../helpers/app.js";
import { createPrisma } from "../../src/db/client.js";
import { createIsolatedDatabase, testDatabaseUrl, testEncryptionKey, testKeyring, uniqueTelegramId } from "../helpers/db.js";

const ROOT = resolve(import.meta.dirname, "../..");
const MAIN = join(ROOT, "src/main.ts");
/** `tsx src/main.ts all`, exactly what `npm start` runs. */
const VIA_TSX_CLI = { command: join(ROOT, "node_modules/.bin/tsx"), args: [MAIN, "all"] };
/**
 * The same code in a single process (`node --import tsx`). The tsx CLI runs the app as a child and,
 * on SIGTERM, SIGKILLs it unless the child acknowledges within 30 ms, which a loaded CI machine
 * misses now and then; signals are therefore tested on the process that handles them.
 */
const SINGLE_PROCESS = {
  command: process.execPath,
  args: ["--import", pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href, MAIN, "all"],
};
const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Runs `tsx src/main.ts all` like `npm start`, with exactly this environment, from an empty
 * directory so a developer's .env cannot leak in.
 */
function runMain(env: Record<string, string>, how = VIA_TSX_CLI): Run {
  const cwd = mkdtempSync(join(tmpdir(), "lifeline-proc-"));
  const child = spawn(how.command, how.args, {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? cwd, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on("exit", (code, signal) => done({ code, signal })),
  );
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exit;
    }
    rmSync(cwd, { recursive: true, force: true });
  });
  return { child, stdout: () => stdout, stderr: () => stderr, exit };
}

async function expectOneLineFailure(env: Record<string, string>, pattern: RegExp): Promise<string> {
  const run = runMain(env);
  const { code } = await run.exit;
  expect(code).not.toBe(0);
  const lines = run.stderr().split("\n").filter((line) => line.trim() !== "");
  expect(lines, `stderr was: ${run.stderr()}`).toHaveLength(1);
  expect(lines[0]).toMatch(pattern);
  return lines[0]!;
}

describe("npm start (tsx src/main.ts all)", () => {
  it("without BOT_TOKEN: one clear line and a non-zero exit", async () => {
    await expectOneLineFailure({}, /^Invalid configuration: BOT_TOKEN is missing: set it to the token @BotFather gave you/);
  });

  it("with a malformed DATABASE_URL: one clear line and a non-zero exit", async () => {
    const line = await expectOneLineFailure(
      { BOT_TOKEN: TOKEN, DATABASE_URL: "postgres//user:pw@localhost/db" },
      /DATABASE_URL is not a postgresql:\/\/ URL: set it to a PostgreSQL URL/,
    );
    expect(line).not.toContain(TOKEN);
  });

  it("with PostgreSQL unreachable: one clear line and a non-zero exit", async () => {
    await expectOneLineFailure(
      { BOT_TOKEN: TOKEN, ENCRYPTION_KEY: testEncryptionKey(), DATABASE_URL: "postgresql://postgres@127.0.0.1:1/lifeline" },
      /^PostgreSQL is unreachable: Can't reach database server at 127\.0\.0\.1:1 .*start PostgreSQL or fix DATABASE_URL$/,
    );
  });

  it("with Redis unreachable: one clear line and a non-zero exit", async () => {
    await expectOneLineFailure(
      { BOT_TOKEN: TOKEN, ENCRYPTION_KEY: testEncryptionKey(), DATABASE_URL: testDatabaseUrl(), REDIS_URL: "redis://127.0.0.1:1" },
      /^Redis at redis:\/\/127\.0\.0\.1:1 is unreachable .*start Redis or fix REDIS_URL$/,
    );
  });

  it("polls getUpdates at TELEGRAM_API_ROOT, answers /start, and exits 0 on SIGTERM", async () => {
    const fake: FakeTelegram = await startFakeTelegram();
    const prefix = uniqueRedisPrefix();
    // A database of its own: the worker runs the reconciler, which would take up other files' letters.
    const db = await createIsolatedDatabase();
    const prisma = createPrisma(db.url, { keyring: testKeyring() });
    cleanups.push(async () => {
      await fake.close();
      await prisma.$disconnect();
      await db.drop();
      await deleteRedisKeys("redis://127.0.0.1:6379", prefix);
    });
    const run = runMain({
      BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATABASE_URL: db.url,
      ENCRYPTION_KEY: testEncryptionKey(),
      REDIS_PREFIX: prefix,
      LOG_LEVEL: "info",
    }, SINGLE_PROCESS);

    const user = fake.user({ id: uniqueTelegramId(), languageCode: "ru" });
    const welcome = user.waitForMessage(undefined, { timeoutMs: 20_000 });
    await user.sendText("/start");
    expect((await welcome).text).toContain("Здравствуйте! Это Lifeline.");
    expect(fake.calls("getUpdates").length).toBeGreaterThan(0);
    expect((await findWriterByTelegramId(prisma, user.id))?.language).toBe("ru");

    run.child.kill("SIGTERM");
    const { code } = await run.exit;
    expect(code, `stderr: ${run.stderr()}\nstdout: ${run.stdout().slice(-3000)}`).toBe(0);
    expect(run.stdout()).toContain('"msg":"stopped"');
    // Logs carry ids, never the user's words or name.
    expect(run.stdout()).not.toContain(user.info.first_name);
  }, 40_000);
});
