// Bots as child processes for the update benchmarks: the real Lifeline (`src/main.ts`, what
// `npm start` runs) and the bare grammY baseline (bench/_bare-bot.ts), each polling its own fake Bot
// API that lives in the benchmark's process. Plus the bursts that drive them and count the answers.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { FakeTelegram, FakeUser } from "../src/fake-telegram/index.js";

const ROOT = resolve(import.meta.dirname, "..");
const TSX = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;

export interface BotProcess {
  readonly child: ChildProcess;
  readonly ready: Promise<void>;
  /** Resident set size now, from /proc (MiB). */
  rssMiB(): number;
  /** CPU time used so far (user + system), from /proc (ms). */
  cpuMs(): number;
  stop(): Promise<void>;
}

/** Spawns `node --import tsx <script> ...args`; ready when a stdout line contains `readyText`. */
export function spawnBot(script: string, args: string[], env: Record<string, string>, readyText: string, nodeArgs: string[] = []): BotProcess {
  const cwd = mkdtempSync(join(tmpdir(), "lifeline-bench-bot-"));
  const child = spawn(process.execPath, ["--import", TSX, ...nodeArgs, join(ROOT, script), ...args], {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? cwd, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let seen = "";
  let stderr = "";
  const ready = new Promise<void>((done, fail) => {
    const onData = (chunk: Buffer): void => {
      // Only the tail is kept: the bot logs a line per update, and the benchmark must not hoard them.
      seen = (seen + chunk.toString()).slice(-4096);
      if (seen.includes(readyText)) {
        child.stdout?.off("data", onData);
        child.stdout?.resume();
        done();
      }
    };
    child.stdout?.on("data", onData);
    child.on("exit", (code, signal) => fail(new Error(`${script} exited (${code ?? signal}) before it was ready:\n${stderr.slice(-3000)}\n${seen}`)));
  });
  ready.catch(() => undefined);
  child.stderr?.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-8192)));
  const exited = new Promise<void>((done) => child.on("exit", () => done()));
  return {
    child,
    ready,
    rssMiB() {
      const status = readFileSync(`/proc/${child.pid}/status`, "utf8");
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? "0");
      return kb / 1024;
    },
    cpuMs() {
      // Fields 14 and 15 of /proc/<pid>/stat, in clock ticks (100 per second on Linux); the name
      // (field 2) may hold spaces, so count from its closing parenthesis.
      const stat = readFileSync(`/proc/${child.pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      return (Number(fields[11]) + Number(fields[12])) * 10;
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}

export function spawnBareBot(fake: FakeTelegram): BotProcess {
  return spawnBot(
    "bench/_bare-bot.ts",
    [],
    { BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.apiRoot, BOT_INFO: JSON.stringify(fake.botInfo) },
    "bare bot started",
  );
}

export interface LifelineEnv {
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  storageDir: string;
  encryptionKey: string;
  extra?: Record<string, string>;
  /** More node arguments for this benchmark (after `npm start`'s own). */
  nodeArgs?: string[];
}

/** The V8 flag `npm start` (package.json), the systemd unit and the Dockerfile run Lifeline with. */
export const START_NODE_ARGS = ["--max-semi-space-size=32"];

/** `src/main.ts <role>` exactly as `npm start` runs it, logging at the production level (info). */
export function spawnLifeline(fake: FakeTelegram, role: "bot" | "all", e: LifelineEnv): BotProcess {
  const start = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts.start ?? "";
  if (!START_NODE_ARGS.every((arg) => start.includes(arg))) throw new Error(`npm start no longer runs node with ${START_NODE_ARGS.join(" ")}: update bench/_bots.ts`);
  return spawnBot(
    "src/main.ts",
    [role],
    {
      BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATABASE_URL: e.databaseUrl,
      REDIS_URL: e.redisUrl,
      REDIS_PREFIX: e.redisPrefix,
      STORAGE_DIR: e.storageDir,
      ENCRYPTION_KEY: e.encryptionKey,
      LOG_LEVEL: "info",
      ...e.extra,
    },
    "bot started",
    // BENCH_CPU_PROF=<dir>: a V8 CPU profile of the bot, written when it stops (open in Chrome DevTools).
    [...START_NODE_ARGS, ...(e.nodeArgs ?? []), ...(process.env.BENCH_CPU_PROF ? ["--cpu-prof", "--cpu-prof-dir", process.env.BENCH_CPU_PROF] : []), ...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(" ") : [])],
  );
}

/**
 * Counts the bot's messages into the given chats until `expected` arrived; resolves with the
 * seconds from the call to the last one. `act` pushes the updates once the count is armed.
 */
export async function timeBurst(fake: FakeTelegram, chats: ReadonlySet<number>, expected: number, act: () => void, timeoutMs = 180_000): Promise<number> {
  let count = 0;
  const started = performance.now();
  let finishedAt = started;
  await new Promise<void>((done, fail) => {
    const timer = setTimeout(() => {
      unsubscribe();
      fail(new Error(`only ${count} of ${expected} answers arrived within ${timeoutMs} ms`));
    }, timeoutMs);
    const unsubscribe = fake.subscribe((event) => {
      if (event.type !== "message" || event.message.sender !== "bot" || !chats.has(event.chatId)) return;
      if (++count === expected) {
        finishedAt = performance.now();
        clearTimeout(timer);
        unsubscribe();
        done();
      }
    });
    act();
  });
  return (finishedAt - started) / 1000;
}

/** `perUser` × /help from each user, all pushed at once; resolves with updates per second. */
export async function helpBurst(fake: FakeTelegram, users: FakeUser[], perUser: number): Promise<number> {
  const total = users.length * perUser;
  const seconds = await timeBurst(fake, new Set(users.map((u) => u.id)), total, () => {
    for (let i = 0; i < perUser; i++) for (const user of users) void user.sendText("/help");
  });
  return total / seconds;
}

/**
 * `perUser` presses of the button with callback data matching `data` from each user, all pushed at
 * once; each press must be answered and followed by one message. Resolves with presses per second.
 */
export async function pressBurst(fake: FakeTelegram, users: FakeUser[], perUser: number, data: RegExp): Promise<number> {
  const total = users.length * perUser;
  const answers: Promise<unknown>[] = [];
  const seconds = await timeBurst(fake, new Set(users.map((u) => u.id)), total, () => {
    for (const user of users) {
      const button = user
        .messages()
        .flatMap((m) => m.inlineKeyboard.flat())
        .map((b) => ("callback_data" in b ? b.callback_data : undefined))
        .filter((d): d is string => d !== undefined && data.test(d))
        .at(-1);
      if (button === undefined) throw new Error(`no button matching ${data} in chat ${user.id}`);
      for (let i = 0; i < perUser; i++) answers.push(user.pressButton(button, { timeoutMs: 180_000 }));
    }
  });
  await Promise.all(answers);
  return total / seconds;
}
