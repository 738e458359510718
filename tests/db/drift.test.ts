import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { DEFAULT_SCHEMA_PATH, diffMigrationsAgainstSchema } from "../../src/db/migrate.js";
import { testDatabaseUrl } from "../helpers/db.js";

describe("schema.prisma and prisma/migrations agree", () => {
  it("has no drift: the migrations produce exactly the schema", async () => {
    const sql = await diffMigrationsAgainstSchema(testDatabaseUrl());
    // On failure: run `npm run db:migration -- <name>` and commit the new migration.
    expect(sql).toBe("");
  });

  it("detects a field added to the schema without a migration", async () => {
    const schema = await readFile(DEFAULT_SCHEMA_PATH, "utf8");
    const modified = schema.replace(
      /(model Writer \{\n)/,
      '$1  nickname String? @map("nickname")\n',
    );
    expect(modified).not.toBe(schema);
    const sql = await diffMigrationsAgainstSchema(testDatabaseUrl(), { schema: modified });
    expect(sql).toContain('ALTER TABLE "writers" ADD COLUMN     "nickname" TEXT');
  });
});
