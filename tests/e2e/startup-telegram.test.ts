import { createServer, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { deleteRedisKeys, uniqueRedisPrefix } from "../helpers/app.js";
import { createIsolatedDatabase, testEncryptionKey } from "../helpers/db.js";
import { spawnMain } from "../helpers/main-process.js";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
  );
}

/** A port on which nothing listens: connections are refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  const port = await listen(server);
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A server that accepts connections and never answers, like a black-holing proxy. */
async function silentServer(): Promise<{ port: number; connections: () => number }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => sockets.push(socket));
  const port = await listen(server);
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  );
  return { port, connections: () => sockets.length };
}

async function startAgainst(apiRoot: string) {
  const prefix = uniqueRedisPrefix();
  // A database of its own: the process's worker runs the reconciler, which would take up the
  // letters other test files leave in the shared one.
  const db = await createIsolatedDatabase();
  cleanups.push(() => db.drop());
  const run = spawnMain("all", {
    BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    TELEGRAM_STARTUP_TIMEOUT: "5",
    DATABASE_URL: db.url,
    ENCRYPTION_KEY: testEncryptionKey(),
    REDIS_PREFIX: prefix,
  });
  cleanups.push(async () => {
    await run.cleanup();
    await deleteRedisKeys("redis://127.0.0.1:6379", prefix);
  });
  const { code } = await run.exit;
  const warnings = run
    .stdout()
    .split("\n")
    .filter((line) => line.includes("not reachable yet; retrying"))
    .map((line) => JSON.parse(line) as { level: number; call: string; reason: string; attempt: number });
  const errorLines = run.stderr().split("\n").filter((line) => line.trim() !== "");
  return { code, warnings, errorLines, output: run.stdout() + run.stderr() };
}

describe("npm start with the Bot API unreachable", () => {
  it("refused connections: a warning per retry, then one clear line and exit 1", async () => {
    const apiRoot = `http://127.0.0.1:${await closedPort()}`;
    const { code, warnings, errorLines, output } = await startAgainst(apiRoot);

    expect(code).toBe(1);
    expect(errorLines, output).toHaveLength(1);
    expect(errorLines[0]).toBe(
      `Cannot reach the Bot API at ${apiRoot} within 5 s (getMe: connection refused): ` +
        "check the network, a firewall or proxy, or TELEGRAM_API_ROOT",
    );
    // Retries are visible while they happen, as warnings (pino level 40).
    expect(warnings.length).toBeGreaterThanOrEqual(2);
    expect(warnings[0]).toMatchObject({ level: 40, call: "getMe", reason: "connection refused", attempt: 1 });
    expect(output).not.toContain(TOKEN);
  }, 60_000);

  it("a server that accepts and never answers: each attempt times out, then one clear line and exit 1", async () => {
    const silent = await silentServer();
    const apiRoot = `http://127.0.0.1:${silent.port}`;
    const { code, warnings, errorLines, output } = await startAgainst(apiRoot);

    expect(code).toBe(1);
    expect(errorLines, output).toEqual([
      `Cannot reach the Bot API at ${apiRoot} within 5 s (getMe: no answer): ` +
        "check the network, a firewall or proxy, or TELEGRAM_API_ROOT",
    ]);
    expect(warnings[0]).toMatchObject({ call: "getMe", reason: "no answer", attempt: 1 });
    // The bot really talked to the address, and tried again after the first attempt.
    expect(silent.connections()).toBeGreaterThanOrEqual(2);
    expect(output).not.toContain(TOKEN);
  }, 60_000);
});
