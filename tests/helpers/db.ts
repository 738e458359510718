import { randomBytes, randomInt } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, inject } from "vitest";
import type { PrismaClient } from "../../src/generated/prisma/client.js";
import { createPrisma } from "../../src/db/client.js";
import { dropDatabase, withDatabase } from "../../src/db/migrate.js";
import { parseKeyring, type Keyring } from "../../src/privacy/cipher.js";

/** This run's migrated database, shared by all test files: use unique ids (uniqueTelegramId) per test. */
export function testDatabaseUrl(): string {
  return inject("databaseUrl");
}

/** Unique per run; add a per-test suffix for Redis and BullMQ keys. */
export function testRedisPrefix(): string {
  return inject("redisPrefix");
}

/** ENCRYPTION_KEY of this run (base64), the key of everything in the shared test database. */
export function testEncryptionKey(): string {
  return inject("encryptionKey");
}

/** The keyring of testEncryptionKey(), for repositories on the shared test database. */
export function testKeyring(): Keyring {
  return parseKeyring(testEncryptionKey());
}

/** A Prisma client on the shared test database; disconnect it in afterAll. */
export function createTestPrisma(): PrismaClient {
  return createPrisma(testDatabaseUrl(), { max: 4, keyring: testKeyring() });
}

/** A Telegram-like user id no other test in this run is likely to use. */
export function uniqueTelegramId(): number {
  return randomInt(1_000_000_000, 2 ** 47);
}

export interface IsolatedDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, migrated, empty database of its own (copied from the run's template in a fraction of a
 * second), for tests that need exact counts or whole-table data. Drop it in afterAll; whatever is
 * left is dropped when the run ends.
 */
export async function createIsolatedDatabase(): Promise<IsolatedDatabase> {
  const template = inject("templateDatabaseUrl");
  const templateName = new URL(template).pathname.slice(1);
  const name = `${templateName.replace(/_template$/, "")}_iso_${randomBytes(4).toString("hex")}`;
  const client = new pg.Client({ connectionString: withDatabase(template, "postgres") });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}" TEMPLATE "${templateName}"`);
  } finally {
    await client.end();
  }
  const url = withDatabase(template, name);
  return { url, drop: () => dropDatabase(url) };
}

/**
 * An isolated database and a Prisma client on it for the surrounding describe (or file): created in beforeAll,
 * disconnected and dropped in afterAll. Read `url` and `prisma` inside hooks and tests only.
 */
export function isolatedDatabaseForSuite(opts: { max?: number } = {}): { readonly url: string; readonly prisma: PrismaClient } {
  let db: IsolatedDatabase | undefined;
  let prisma: PrismaClient | undefined;
  beforeAll(async () => {
    db = await createIsolatedDatabase();
    prisma = createPrisma(db.url, { ...opts, keyring: testKeyring() });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });
  const ready = () => {
    if (!db || !prisma) throw new Error("the isolated database exists only inside hooks and tests");
    return { db, prisma };
  };
  return {
    get url() {
      return ready().db.url;
    },
    get prisma() {
      return ready().prisma;
    },
  };
}
