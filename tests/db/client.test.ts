import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { Prisma } from "../../src/generated/prisma/client.js";
import { PREPARED, createPrisma, pingDatabase } from "../../src/db/client.js";
import { withDatabase } from "../../src/db/migrate.js";
import { testDatabaseUrl } from "../helpers/db.js";

const clients: { $disconnect(): Promise<void> }[] = [];
afterAll(async () => {
  for (const c of clients) await c.$disconnect();
});

describe("createPrisma / pingDatabase", () => {
  it("pings a reachable database", async () => {
    const prisma = createPrisma(testDatabaseUrl());
    clients.push(prisma);
    await expect(pingDatabase(prisma)).resolves.toBeUndefined();
  });

  it.each([
    ["nothing listens on the port", "postgresql://postgres@127.0.0.1:1/lifeline"],
    ["the database does not exist", withDatabase(testDatabaseUrl(), "lifeline_no_such_database")],
  ])("throws one clear line when %s", async (_case, url) => {
    const prisma = createPrisma(url);
    clients.push(prisma);
    const err = await pingDatabase(prisma).then(
      () => null,
      (e: unknown) => e as Error,
    );
    expect(err?.message).toMatch(/^PostgreSQL is unreachable: (Can.t reach database server at 127\.0\.0\.1:1|database "lifeline_no_such_database" does not exist)$/);
    expect(err?.message).not.toContain("\n");
  });

  it("survives the server closing its connections, reports it, and reconnects", async () => {
    const errors: Error[] = [];
    const prisma = createPrisma(testDatabaseUrl(), { onPoolError: (e) => errors.push(e) });
    clients.push(prisma);
    const pid = async () => (await prisma.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`)[0]?.pid;
    const before = await pid();
    expect(before).toBeTypeOf("number");

    // What a PostgreSQL restart does to an idle pooled connection.
    const admin = new pg.Client({ connectionString: testDatabaseUrl() });
    await admin.connect();
    await admin.query("SELECT pg_terminate_backend($1)", [before]);
    await admin.end();
    await expect.poll(() => errors.length, { timeout: 5000 }).toBeGreaterThan(0);

    // The process is still here, and the next query gets a fresh connection.
    const after = await pid();
    expect(after).toBeTypeOf("number");
    expect(after).not.toBe(before);
  });
});

describe("prepared statements", () => {
  it("keeps a statement marked PREPARED prepared on its connection, and no other", async () => {
    const prisma = createPrisma(testDatabaseUrl(), { max: 1 });
    clients.push(prisma);
    const prepared = () => prisma.$queryRaw<{ statement: string }[]>`SELECT statement FROM pg_prepared_statements`;
    await prisma.$queryRaw`SELECT ${1}::int AS unmarked`;
    expect(await prepared()).toEqual([]);
    for (const n of [1, 2, 3]) {
      expect(await prisma.$queryRaw<{ n: number }[]>`${Prisma.raw(PREPARED)} SELECT ${n}::int AS n`).toEqual([{ n }]);
    }
    const rows = await prepared();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.statement).toMatch(/^\/\* prepared \*\/ SELECT \$1::int AS n$/);
  });
});
