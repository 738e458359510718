// Once per `vitest run`: a fresh, migrated PostgreSQL database and a unique Redis prefix, shared by
// every test file (through provide/inject, see tests/helpers/db.ts), removed at the end.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { Redis } from "ioredis";
import type { TestProject } from "vitest/node";
import { applyMigrations, dropDatabase, withDatabase } from "../../src/db/migrate.js";
import { generateKeyBase64 } from "../../src/privacy/cipher.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The migrated database of this run. */
    databaseUrl: string;
    /** A migrated, never-connected copy: the template for isolated databases (createIsolatedDatabase). */
    templateDatabaseUrl: string;
    /** Prefix for every Redis key written by this run's tests. */
    redisPrefix: string;
    /** ENCRYPTION_KEY of this run: the shared database holds values (and a check value) under it. */
    encryptionKey: string;
  }
}

const DEFAULT_SERVER_URL = "postgresql://postgres@127.0.0.1:5432/postgres";
const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
/** Databases of crashed runs older than this are dropped at the next run's start. */
const STALE_AFTER_SECONDS = 2 * 3600;
export const TEST_DATABASE_PREFIX = "lifeline_test_";

async function onServer<T>(serverUrl: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

async function dropStaleDatabases(serverUrl: string, nowSeconds: number): Promise<void> {
  const { rows } = await onServer(serverUrl, (client) =>
    client.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE $1", [
      `${TEST_DATABASE_PREFIX}%`,
    ]),
  );
  for (const { datname } of rows) {
    const started = Number(/^lifeline_test_(\d+)_/.exec(datname)?.[1]);
    if (Number.isFinite(started) && nowSeconds - started > STALE_AFTER_SECONDS) {
      await dropDatabase(withDatabase(serverUrl, datname)).catch(() => undefined);
    }
  }
}

async function runDatabases(serverUrl: string): Promise<string[]> {
  const { rows } = await onServer(serverUrl, (client) =>
    client.query<{ datname: string }>("SELECT datname FROM pg_database"),
  );
  return rows.map((r) => r.datname);
}

async function deleteRedisKeys(prefix: string): Promise<void> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  redis.on("error", () => undefined);
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.TEST_DATABASE_URL ?? DEFAULT_SERVER_URL;
  const nowSeconds = Math.floor(Date.now() / 1000);
  const runId = `${nowSeconds}_${randomBytes(4).toString("hex")}`;
  const runPrefix = `${TEST_DATABASE_PREFIX}${runId}`;
  const databaseUrl = withDatabase(serverUrl, runPrefix);
  const templateDatabaseUrl = withDatabase(serverUrl, `${runPrefix}_template`);
  const redisPrefix = `lifeline-test-${runId.replace("_", "-")}`;

  const teardown = async () => {
    // Isolated databases made by tests share the run prefix: drop them all.
    for (const name of await runDatabases(serverUrl)) {
      if (name.startsWith(runPrefix)) await dropDatabase(withDatabase(serverUrl, name));
    }
    await deleteRedisKeys(redisPrefix).catch(() => undefined);
  };

  await dropStaleDatabases(serverUrl, nowSeconds);
  try {
    await applyMigrations(databaseUrl);
    // Copying is faster than migrating twice; nothing is connected to the fresh database yet.
    await onServer(serverUrl, (client) =>
      client.query(`CREATE DATABASE "${runPrefix}_template" TEMPLATE "${runPrefix}"`),
    );
  } catch (err) {
    await teardown().catch(() => undefined);
    throw err;
  }

  project.provide("databaseUrl", databaseUrl);
  project.provide("templateDatabaseUrl", templateDatabaseUrl);
  project.provide("redisPrefix", redisPrefix);
  project.provide("encryptionKey", generateKeyBase64());

  return teardown;
}
