// The fault suite's own world: a redis-server it may stop and restart, a TCP proxy in front of
// PostgreSQL it may cut, real `src/main.ts` processes it may kill, a stand-in for `lp`, and the
// counting every case reports (total / lost / duplicated). The machine's shared PostgreSQL (5432)
// and Redis (6379) are never stopped: cases that cut a service cut these stand-ins.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createConnection, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import type { FakeTelegram } from "../../src/fake-telegram/index.js";
import { freePort, uniqueRedisPrefix } from "../helpers/app.js";
import { testEncryptionKey } from "../helpers/db.js";
import { spawnMain, type MainProcess } from "../helpers/main-process.js";
import type { Counted } from "./report.js";

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds; throws with `what` when `timeoutMs` passes first. */
export async function waitUntil(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, intervalMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(intervalMs);
  }
}

// ---------------------------------------------------------------------------------------------
// Redis of the suite's own

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Whether the server process runs now. */
  readonly running: boolean;
  /** Kills the server (SIGKILL: nothing is saved, it is configured to save nothing anyway). */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty; resolves once it answers PING. */
  start(): Promise<void>;
  /** stop() then start(): what a Redis restarted without persistence looks like to the app. */
  restart(): Promise<void>;
}

/** `redis-server --port N --save "" --appendonly no` on a free port; stopped by `stopAll()`. */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "lifeline-fault-redis-"));
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const url = `redis://127.0.0.1:${port}`;

  const start = async (): Promise<void> => {
    const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir], {
      stdio: "ignore",
    });
    child = proc;
    exited = new Promise((done) => proc.once("exit", () => done()));
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on("error", () => undefined);
    try {
      await waitUntil(
        async () => {
          try {
            if (probe.status !== "ready") await probe.connect();
            return (await probe.ping()) === "PONG";
          } catch {
            probe.disconnect();
            return false;
          }
        },
        10_000,
        `redis-server on port ${port}`,
        50,
      );
    } finally {
      probe.disconnect();
    }
  };
  const stop = async (): Promise<void> => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
    child = undefined;
  };
  await start();
  const server: RedisServer = {
    port,
    url,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    stop,
    start,
    async restart() {
      await stop();
      await start();
    },
  };
  cleanups.push(async () => {
    await stop();
    rmSync(dir, { recursive: true, force: true });
  });
  return server;
}

// ---------------------------------------------------------------------------------------------
// A TCP proxy in front of PostgreSQL

export interface PgProxy {
  /** DATABASE_URL through the proxy (same database, user and options). */
  readonly url: string;
  readonly port: number;
  /** Whether connections pass now. */
  readonly open: boolean;
  /** Connections made through the proxy so far. */
  readonly connectionsMade: number;
  /**
   * PostgreSQL becomes unreachable: every open connection is cut and the port is closed, so a new
   * connection is refused (as when the server or its host is down).
   */
  cut(): Promise<void>;
  /** Listens again on the same port: new connections reach PostgreSQL. */
  restore(): Promise<void>;
}

/** A proxy on a free port forwarding to the host and port of `databaseUrl`; closed by `stopAll()`. */
export async function startPgProxy(databaseUrl: string): Promise<PgProxy> {
  const target = new URL(databaseUrl);
  const targetHost = target.hostname;
  const targetPort = Number(target.port || 5432);
  const port = await freePort();
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let made = 0;

  const listen = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const s = createServer((client) => {
        made++;
        const upstream = createConnection({ host: targetHost, port: targetPort });
        sockets.add(client);
        sockets.add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on("error", drop);
        upstream.on("error", drop);
        client.on("close", drop);
        upstream.on("close", drop);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      s.once("error", reject);
      s.listen(port, "127.0.0.1", () => {
        server = s;
        resolve();
      });
    });
  const close = async (): Promise<void> => {
    const s = server;
    server = undefined;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await listen();
  const through = new URL(databaseUrl);
  through.hostname = "127.0.0.1";
  through.port = String(port);
  cleanups.push(close);
  return {
    url: through.toString(),
    port,
    get open() {
      return server !== undefined;
    },
    get connectionsMade() {
      return made;
    },
    cut: close,
    async restore() {
      if (!server) await listen();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// A stand-in for CUPS' lp

export interface PrintJob {
  title: string;
  pdf: Buffer;
}

export interface FakePrinter {
  /** Put first on PATH: the worker's `lp -d <printer> -t <title>` runs this script. */
  readonly binDir: string;
  /** Every job "printed" so far, in order. */
  jobs(): PrintJob[];
}

/** An `lp` that keeps each job it is given (the PDF on its standard input) in a folder. */
export function fakePrinter(): FakePrinter {
  const root = mkdtempSync(join(tmpdir(), "lifeline-fault-lp-"));
  const binDir = join(root, "bin");
  const out = join(root, "jobs");
  mkdirSync(binDir);
  mkdirSync(out);
  // lp -d PRINTER -t TITLE, the PDF on stdin; written under a temporary name, then renamed, so a
  // job is either whole or absent.
  const script = [
    "#!/bin/sh",
    'title=""',
    'while [ $# -gt 0 ]; do case "$1" in -t) title="$2"; shift 2;; *) shift;; esac; done',
    `name="$(date +%s%N)-$$"`,
    `cat > "${out}/.$name" && printf '%s' "$title" > "${out}/$name.title" && mv "${out}/.$name" "${out}/$name.pdf"`,
  ].join("\n");
  writeFileSync(join(binDir, "lp"), `${script}\n`);
  chmodSync(join(binDir, "lp"), 0o755);
  cleanups.push(() => Promise.resolve(rmSync(root, { recursive: true, force: true })));
  return {
    binDir,
    jobs() {
      return readdirSync(out)
        .filter((n) => n.endsWith(".pdf"))
        .sort()
        .map((n) => ({ title: readFileSync(join(out, n.replace(/\.pdf$/, ".title")), "utf8"), pdf: readFileSync(join(out, n)) }));
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Real Lifeline processes

/** One deployment the processes share: the same fake Telegram, database, Redis prefix and storage. */
export interface Deployment {
  fake: FakeTelegram;
  databaseUrl: string;
  redisUrl: string;
  redisPrefix: string;
  storageDir: string;
  operatorsChatId?: number;
  adminIds?: number[];
  /** Anything else (PRINTER_NAME, BOT_MODE, FLOOD_MESSAGES_PER_MINUTE, ...). */
  env?: Record<string, string>;
}

/** A deployment with a fresh Redis prefix and storage folder (removed by `stopAll()`). */
export function deployment(opts: Omit<Deployment, "redisPrefix" | "storageDir"> & Partial<Pick<Deployment, "redisPrefix" | "storageDir">>): Deployment {
  const storageDir = opts.storageDir ?? mkdtempSync(join(tmpdir(), "lifeline-fault-storage-"));
  if (!opts.storageDir) cleanups.push(() => Promise.resolve(rmSync(storageDir, { recursive: true, force: true })));
  return { ...opts, storageDir, redisPrefix: opts.redisPrefix ?? uniqueRedisPrefix() };
}

/** The environment `src/main.ts` reads for this deployment (the same variables an operator sets). */
export function deploymentEnv(d: Deployment, extra: Record<string, string> = {}): Record<string, string> {
  return {
    BOT_TOKEN: d.fake.token,
    TELEGRAM_API_ROOT: d.fake.apiRoot,
    DATABASE_URL: d.databaseUrl,
    REDIS_URL: d.redisUrl,
    REDIS_PREFIX: d.redisPrefix,
    STORAGE_DIR: d.storageDir,
    LOG_LEVEL: "info",
    ENCRYPTION_KEY: testEncryptionKey(),
    ...(d.operatorsChatId !== undefined ? { OPERATORS_CHAT_ID: String(d.operatorsChatId) } : {}),
    ...(d.adminIds ? { ADMIN_IDS: d.adminIds.join(",") } : {}),
    ...d.env,
    ...extra,
  };
}

export interface LifelineProcess extends MainProcess {
  readonly role: "all" | "bot" | "worker";
  /** When the process was spawned (ms since the epoch). */
  readonly spawnedAt: number;
  /** Resolves when every role it runs logged its start ("workers started", "bot started"); rejects if it exits first. */
  readonly ready: Promise<number>;
  /** Its pino lines so far, parsed (non-JSON lines are left out). */
  logLines(): Array<Record<string, unknown>>;
  /** Whether it still runs. */
  readonly alive: boolean;
  /** kill -9: no shutdown, no clean-up; resolves when it is gone. */
  crash(): Promise<void>;
}

const processes: LifelineProcess[] = [];

/** `node --import tsx src/main.ts <role>` for this deployment; stopped by `stopAll()`. */
export function spawnLifeline(role: "all" | "bot" | "worker", d: Deployment, extraEnv: Record<string, string> = {}): LifelineProcess {
  const main = spawnMain(role, deploymentEnv(d, extraEnv));
  const spawnedAt = Date.now();
  const wants = [...(role !== "bot" ? ['"msg":"workers started"'] : []), ...(role !== "worker" ? ['"msg":"bot started'] : [])];
  const ready = new Promise<number>((resolve, reject) => {
    const check = () => {
      if (wants.every((w) => main.stdout().includes(w))) {
        main.child.stdout?.off("data", check);
        resolve(Date.now());
      }
    };
    main.child.stdout?.on("data", check);
    void main.exit.then(({ code, signal }) =>
      reject(new Error(`lifeline ${role} exited (${code ?? signal}) before it started:\n${main.stderr().slice(-2000)}\n${main.stdout().slice(-2000)}`)),
    );
  });
  // Nobody may be waiting on it (a process killed later): the rejection is not an unhandled one.
  ready.catch(() => undefined);
  const proc: LifelineProcess = {
    ...main,
    role,
    spawnedAt,
    ready,
    logLines() {
      return main
        .stdout()
        .split("\n")
        .flatMap((line) => {
          if (!line.startsWith("{")) return [];
          try {
            return [JSON.parse(line) as Record<string, unknown>];
          } catch {
            return [];
          }
        });
    },
    get alive() {
      return main.child.exitCode === null && main.child.signalCode === null;
    },
    async crash() {
      if (main.child.exitCode === null && main.child.signalCode === null) main.child.kill("SIGKILL");
      await main.exit;
    },
  };
  processes.push(proc);
  return proc;
}

// ---------------------------------------------------------------------------------------------
// Clean-up and counting

const cleanups: Array<() => Promise<void>> = [];

/** Kills every process this file started, closes proxies, stops its redis-servers, removes folders. */
export async function stopAll(): Promise<void> {
  for (const proc of processes.splice(0)) await proc.cleanup();
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
}

/**
 * Counts what arrived against what was put on its way: `expected` the keys (letter codes, page
 * captions ...), `observed` every arrival, repeats included. `duplicated` counts the keys that
 * arrived more than once, `extra` the surplus copies, `unexpected` arrivals nobody sent.
 */
export function tally(expected: readonly string[], observed: readonly string[]): Counted & { extra: number; unexpected: string[] } {
  const seen = new Map<string, number>();
  for (const key of observed) seen.set(key, (seen.get(key) ?? 0) + 1);
  const wanted = new Set(expected);
  let lost = 0;
  let duplicated = 0;
  let extra = 0;
  for (const key of wanted) {
    const n = seen.get(key) ?? 0;
    if (n === 0) lost++;
    if (n > 1) {
      duplicated++;
      extra += n - 1;
    }
  }
  return { total: wanted.size, lost, duplicated, extra, unexpected: [...seen.keys()].filter((k) => !wanted.has(k)) };
}

/** Only the Counted fields, for recordFault. */
export function counted(t: Counted): Counted {
  return { total: t.total, lost: t.lost, duplicated: t.duplicated };
}

/** A short random tag, for texts a case must find again. */
export function tag(): string {
  return randomBytes(4).toString("hex");
}
