// A worker-only process (`src/main.ts worker`) must not load chat-handler code: workers render with
// src/messages and send with grammY's Api. A module hook in the real process records every file it
// resolves; the worker role must start without one module under src/bot, the bot role with them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { startFakeTelegram } from "../../src/fake-telegram/index.js";
import { deleteRedisKeys, uniqueRedisPrefix } from "../helpers/app.js";
import { createIsolatedDatabase, testEncryptionKey } from "../helpers/db.js";
import { spawnMain } from "../helpers/main-process.js";

const SRC = pathToFileURL(resolve(import.meta.dirname, "../../src")).href;

// Hooks run in their own thread, so they append to a file named by the environment.
const HOOKS = `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (result.url.startsWith("file:")) appendFileSync(process.env.LIFELINE_LOADED_LOG, result.url + "\\n");
  return result;
}
`;
const REGISTER = `import { register } from "node:module";
register("./hooks.mjs", import.meta.url);
`;

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Starts `src/main.ts <role>` until it says it runs, stops it, and returns the src/ files it loaded. */
async function loadedBy(role: "worker" | "bot", startedLine: string): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), "lifeline-hooks-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "hooks.mjs"), HOOKS);
  writeFileSync(join(dir, "register.mjs"), REGISTER);
  const log = join(dir, "loaded.log");
  writeFileSync(log, "");
  const fake = await startFakeTelegram();
  cleanups.push(() => fake.close());
  const prefix = uniqueRedisPrefix();
  cleanups.push(() => deleteRedisKeys("redis://127.0.0.1:6379", prefix));
  // A database of its own: a worker runs the reconciler, which would take up other files' letters.
  const db = await createIsolatedDatabase();
  cleanups.push(() => db.drop());
  const run = spawnMain(
    role,
    {
      BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATABASE_URL: db.url,
      ENCRYPTION_KEY: testEncryptionKey(),
      REDIS_PREFIX: prefix,
      LIFELINE_LOADED_LOG: log,
    },
    ["--import", pathToFileURL(join(dir, "register.mjs")).href],
  );
  cleanups.push(() => run.cleanup());
  await expect.poll(() => run.stdout(), { timeout: 30_000, interval: 100 }).toContain(startedLine);
  run.child.kill("SIGTERM");
  expect((await run.exit).code).toBe(0);
  const urls = readFileSync(log, "utf8").split("\n").filter((url) => url.startsWith(`${SRC}/`));
  return [...new Set(urls.map((url) => url.slice(SRC.length + 1)))];
}

describe("process roles and the modules they load", () => {
  it("the worker role runs its workers without loading anything under src/bot", async () => {
    const loaded = await loadedBy("worker", '"msg":"workers started"');
    // The hook saw the worker side, so an empty src/bot list means something.
    expect(loaded).toContain("workers/moderation.ts");
    expect(loaded).toContain("messages/views/moderation-card.ts");
    expect(loaded.filter((file) => file.startsWith("bot/"))).toEqual([]);
  }, 60_000);

  it("the bot role loads the chat handlers", async () => {
    const loaded = await loadedBy("bot", '"msg":"bot started');
    expect(loaded).toContain("bot/index.ts");
  }, 60_000);
});
