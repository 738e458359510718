// EXPLAIN (ANALYZE, BUFFERS) of everything a repository call runs, statements inside PL/pgSQL
// functions included: PostgreSQL's auto_explain module on one connection of a client of its own,
// its plans sent back as notices (auto_explain.log_level = notice) and collected here.
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../src/generated/prisma/client.js";

export interface ExplainedStatement {
  /** The statement's text as auto_explain gives it. */
  query: string;
  /** The plan in EXPLAIN's text format. */
  plan: string;
}

/** Runs `call` with a one-connection client whose every statement (nested too) is explained. */
export async function explainAll(databaseUrl: string, call: (prisma: PrismaClient) => Promise<unknown>): Promise<ExplainedStatement[]> {
  const notices: string[] = [];
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  pool.on("connect", (client) => {
    client.on("notice", (n) => notices.push(n.message ?? ""));
  });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  try {
    for (const setting of [
      "LOAD 'auto_explain'",
      "SET auto_explain.log_min_duration = 0",
      "SET auto_explain.log_analyze = on",
      "SET auto_explain.log_buffers = on",
      "SET auto_explain.log_timing = on",
      "SET auto_explain.log_nested_statements = on",
      "SET auto_explain.log_level = notice",
    ]) {
      await prisma.$executeRawUnsafe(setting);
    }
    notices.length = 0;
    await call(prisma);
    await prisma.$executeRawUnsafe("SET auto_explain.log_min_duration = -1");
  } finally {
    await prisma.$disconnect();
  }
  // "duration: 1.234 ms  plan:\nQuery Text: ...\n<plan>"
  return notices
    .filter((n) => n.includes("plan:"))
    .map((n) => {
      const body = n.slice(n.indexOf("plan:") + 5).replace(/^\n/, "");
      const match = /^Query Text: ([\s\S]*?)\n(\S[\s\S]*)$/.exec(body);
      return match ? { query: match[1]!.trim(), plan: match[2]! } : { query: "", plan: body };
    })
    .filter((s) => !/^SET |^LOAD /i.test(s.query));
}

/** Tables read by a sequential scan anywhere in the plans. */
export function seqScannedTables(statements: readonly ExplainedStatement[]): Set<string> {
  const tables = new Set<string>();
  for (const s of statements) for (const m of s.plan.matchAll(/Seq Scan on (\w+)/g)) tables.add(m[1]!);
  return tables;
}

/** Indexes of `table` used anywhere in the plans (index, index-only and bitmap index scans). */
export function indexesUsedOn(statements: readonly ExplainedStatement[], table: string): Set<string> {
  const used = new Set<string>();
  for (const s of statements) {
    for (const m of s.plan.matchAll(/Index (?:Only )?Scan(?: Backward)? using (\w+) on (\w+)/g)) if (m[2] === table) used.add(m[1]!);
    for (const m of s.plan.matchAll(/Bitmap Index Scan on (\w+)/g)) if (m[1]!.startsWith(`${table}_`)) used.add(m[1]!);
  }
  return used;
}
