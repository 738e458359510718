// Whether this database has every migration of this version applied. Started against an empty
// database, or one an upgrade left behind (the code pulled, `npm run setup` forgotten), the app
// failed on its first query with Prisma's "relation "settings" does not exist"; this says what to
// run instead, before anything is read or written.
import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import pg from "pg";

const MIGRATIONS_DIR = fileURLToPath(new URL("../../prisma/migrations", import.meta.url));

export class MigrationsPendingError extends Error {
  override name = "MigrationsPendingError";
}

/** The migrations this version brings: one folder each, as Prisma reads them. */
async function expectedMigrations(migrationsDir: string): Promise<string[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

/**
 * Throws MigrationsPendingError (one line: what is missing, what to run) unless every migration in
 * `migrationsDir` is applied. Migrations the database has and this version lacks (a rolled-back
 * checkout) are not this check's business: README "Upgrades" says to restore the backup then.
 */
export async function checkMigrationsApplied(databaseUrl: string, migrationsDir = MIGRATIONS_DIR): Promise<void> {
  const expected = await expectedMigrations(migrationsDir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const table = await client.query<{ name: string | null }>("SELECT to_regclass('_prisma_migrations')::text AS name");
    if (!table.rows[0]?.name) {
      throw new MigrationsPendingError("The database has no Lifeline tables yet: run npm run setup (or npm run db:migrate), then start again");
    }
    // A migration that failed half-way has no finished_at: it counts as missing, and db:migrate says why.
    const { rows } = await client.query<{ migration_name: string }>(
      "SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL",
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    const missing = expected.filter((name) => !applied.has(name));
    if (missing.length > 0) {
      const which = missing.length === 1 ? `migration ${missing[0]} is` : `${missing.length} migrations (from ${missing[0]}) are`;
      throw new MigrationsPendingError(
        `The database is behind this version of Lifeline: ${which} not applied yet: run npm run setup (or npm run db:migrate), then start again`,
      );
    }
  } finally {
    await client.end();
  }
}
