// npm run db:migrate            -> deploy: apply pending migrations to DATABASE_URL (creating the database)
// npm run db:migration -- <name> -> create: write prisma/migrations/<timestamp>_<name>/ from the schema diff
import { DEFAULT_DATABASE_URL, applyMigrations, createMigration } from "./migrate.js";
import { loadDotEnv } from "../config.js";

function oneLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split("\n").map((l) => l.trim()).filter(Boolean).join(" ");
}

async function main(argv: string[]): Promise<number> {
  const [command, name] = argv;
  const databaseUrl = process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
  switch (command) {
    case "deploy": {
      const applied = await applyMigrations(databaseUrl);
      if (applied.length === 0) console.log("Database is up to date: no pending migrations.");
      for (const m of applied) console.log(`Applied migration ${m}`);
      return 0;
    }
    case "create": {
      if (!name) {
        console.error("Usage: npm run db:migration -- <name>   (lower-case letters, digits, underscores)");
        return 1;
      }
      const folder = await createMigration(databaseUrl, name);
      console.log(
        folder
          ? `Created prisma/migrations/${folder}/migration.sql: review it, then run npm run db:migrate`
          : "The schema matches the migrations: nothing to create.",
      );
      return 0;
    }
    default:
      console.error("Usage: tsx src/db/migrate-cli.ts deploy | create <name>");
      return 1;
  }
}

// The admin's settings live in .env, like the bot's.
loadDotEnv();
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`Migration failed: ${oneLine(err)}`);
    process.exit(1);
  },
);
