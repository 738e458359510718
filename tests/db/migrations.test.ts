import { randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { DEFAULT_MIGRATIONS_DIR, applyMigrations, dropDatabase, listMigrations, withDatabase } from "../../src/db/migrate.js";
import { testDatabaseUrl } from "../helpers/db.js";

const run = promisify(execFile);
const migrateCli = (databaseUrl: string) =>
  run(process.execPath, ["--import", "tsx", "src/db/migrate-cli.ts", "deploy"], {
    env: { ...process.env, DATABASE_URL: databaseUrl },
  });
const created: string[] = [];
const tmpDirs: string[] = [];

function scratchUrl(): string {
  const name = `${new URL(testDatabaseUrl()).pathname.slice(1)}_mig_${randomBytes(4).toString("hex")}`;
  const url = withDatabase(testDatabaseUrl(), name);
  created.push(url);
  return url;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

afterAll(async () => {
  for (const url of created) await dropDatabase(url);
  for (const dir of tmpDirs) await rm(dir, { recursive: true, force: true });
});

describe("applyMigrations", () => {
  it("creates a missing database, applies every migration and records it like prisma migrate deploy", async () => {
    const url = scratchUrl();
    const { migrationDirectories } = await listMigrations();
    expect(migrationDirectories.length).toBeGreaterThan(0);

    const applied = await applyMigrations(url);
    expect(applied).toEqual(migrationDirectories.map((m) => m.path));

    const rows = await query<{ migration_name: string; finished_at: Date | null; rolled_back_at: Date | null; checksum: string }>(
      url,
      "SELECT migration_name, finished_at, rolled_back_at, checksum FROM _prisma_migrations ORDER BY migration_name",
    );
    expect(rows.map((r) => r.migration_name)).toEqual(applied);
    for (const r of rows) {
      expect(r.finished_at).toBeInstanceOf(Date);
      expect(r.rolled_back_at).toBeNull();
      expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
    }

    const tables = await query<{ table_name: string }>(
      url,
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining([
        "writers", "prisoners", "assignments", "letters", "letter_pages", "letter_status_events",
        "replies", "reply_pages", "operators", "print_batches", "specific_requests", "counters",
      ]),
    );
    const ext = await query<{ extname: string }>(url, "SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'");
    expect(ext).toHaveLength(1);
  });

  it("does nothing the second time", async () => {
    const url = scratchUrl();
    await applyMigrations(url);
    expect(await applyMigrations(url)).toEqual([]);
  });

  it("applies only the new migration to a database that has the older ones", async () => {
    const url = scratchUrl();
    await applyMigrations(url);
    const dir = await mkdtemp(join(tmpdir(), "lifeline-migrations-"));
    tmpDirs.push(dir);
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const name = "29990101000000_add_note";
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, "migration.sql"), 'ALTER TABLE "writers" ADD COLUMN "note" TEXT;\n');

    expect(await applyMigrations(url, dir)).toEqual([name]);
    const cols = await query<{ column_name: string }>(
      url,
      "SELECT column_name FROM information_schema.columns WHERE table_name = 'writers' AND column_name = 'note'",
    );
    expect(cols).toHaveLength(1);
  });

  it("npm run db:migrate prints the applied migrations, then one clear line and exit 1 on a broken migration", async () => {
    const url = scratchUrl();
    const ok = await migrateCli(url);
    expect(ok.stdout).toMatch(/^Applied migration \d{14}_init$/m);

    const failure = await migrateCli("postgresql://postgres@127.0.0.1:1/nowhere").then(
      () => null,
      (err: { code: number; stdout: string; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim().split("\n")).toHaveLength(1);
    expect(failure?.stderr.trim()).toMatch(
      /^Migration failed: PostgreSQL is unreachable: Can't reach database server at 127\.0\.0\.1:1 \(connection refused; .*\): start PostgreSQL or fix DATABASE_URL$/,
    );
  });

  it("a failing migration is reported in one line and recorded as failed", async () => {
    const url = scratchUrl();
    const dir = await mkdtemp(join(tmpdir(), "lifeline-migrations-"));
    tmpDirs.push(dir);
    await cp(DEFAULT_MIGRATIONS_DIR, dir, { recursive: true });
    const name = "29990101000000_broken";
    await mkdir(join(dir, name));
    await writeFile(join(dir, name, "migration.sql"), 'ALTER TABLE "no_such_table" ADD COLUMN "x" TEXT;\n');
    await expect(applyMigrations(url, dir)).rejects.toThrow(
      /^migration 29990101000000_broken failed: No such table: no_such_table$/,
    );
    const rows = await query<{ migration_name: string; finished_at: Date | null }>(
      url,
      "SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name",
    );
    expect(rows.at(-1)).toMatchObject({ migration_name: name, finished_at: null });
  });
});
