// `npm start` against a database that `npm run setup` never migrated, or that an upgrade left
// behind: one line saying what to run (not Prisma's `relation "settings" does not exist`), exit 1.
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { dropDatabase, withDatabase } from "../../src/db/migrate.js";
import { deleteRedisKeys, uniqueRedisPrefix } from "../helpers/app.js";
import { createIsolatedDatabase, testDatabaseUrl, testEncryptionKey } from "../helpers/db.js";
import { spawnMain } from "../helpers/main-process.js";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function sql(url: string, query: string): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(query);
  } finally {
    await client.end();
  }
}

/** `npm start`'s process against `databaseUrl`; Telegram is never reached (the check comes first). */
async function startAgainst(databaseUrl: string): Promise<{ code: number | null; lines: string[]; output: string }> {
  const prefix = uniqueRedisPrefix();
  const run = spawnMain("all", {
    BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: "http://127.0.0.1:9",
    DATABASE_URL: databaseUrl,
    ENCRYPTION_KEY: testEncryptionKey(),
    REDIS_PREFIX: prefix,
  });
  cleanups.push(async () => {
    await run.cleanup();
    await deleteRedisKeys("redis://127.0.0.1:6379", prefix);
  });
  const { code } = await run.exit;
  return { code, lines: run.stderr().split("\n").filter((l) => l.trim() !== ""), output: run.stdout() + run.stderr() };
}

describe("npm start before the migrations", () => {
  it("an empty database: one line saying to run npm run setup, and exit 1", async () => {
    const url = withDatabase(testDatabaseUrl(), `${new URL(testDatabaseUrl()).pathname.slice(1)}_empty`);
    await sql(withDatabase(url, "postgres"), `CREATE DATABASE "${new URL(url).pathname.slice(1)}"`);
    cleanups.push(() => dropDatabase(url));

    const { code, lines, output } = await startAgainst(url);
    expect(code).toBe(1);
    expect(lines, output).toEqual(["The database has no Lifeline tables yet: run npm run setup (or npm run db:migrate), then start again"]);
    // Nothing was created behind the admin's back.
    expect((await sql(url, "SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public'")).rows[0]).toEqual({ n: 0 });
  }, 60_000);

  it("a database one migration behind: names it, says to run npm run setup, and exit 1", async () => {
    const db = await createIsolatedDatabase();
    cleanups.push(() => db.drop());
    const { rows } = await sql(db.url, "DELETE FROM _prisma_migrations WHERE migration_name = (SELECT max(migration_name) FROM _prisma_migrations) RETURNING migration_name");
    const latest = String((rows[0] as { migration_name: string }).migration_name);

    const { code, lines, output } = await startAgainst(db.url);
    expect(code).toBe(1);
    expect(lines, output).toEqual([
      `The database is behind this version of Lifeline: migration ${latest} is not applied yet: run npm run setup (or npm run db:migrate), then start again`,
    ]);
  }, 60_000);
});
