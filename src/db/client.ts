import { createHash } from "node:crypto";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "../generated/prisma/client.js";
import type { Prisma } from "../generated/prisma/client.js";
import type { Keyring } from "../privacy/cipher.js";
import { encryptedColumns } from "./repositories/encrypted-columns.js";
import { attachWriterCache, writerCache, type WriterCacheOptions } from "./repositories/writer-cache.js";

export { DEFAULT_DATABASE_URL } from "./migrate.js";

/** A client or an open transaction: every repository function takes one as its first argument. */
export type Db = PrismaClient | Prisma.TransactionClient;

export interface CreatePrismaOptions {
  /**
   * Called when an idle or in-transaction connection dies (PostgreSQL restarted, network cut).
   * Without a listener such an error would crash the process; the query that needed the
   * connection fails on its own, and the pool reconnects on the next query.
   */
  onPoolError?: (err: Error) => void;
  /** Pool size (default 10). */
  max?: number;
  /**
   * Encrypts and decrypts the encrypted columns (src/db/repositories/encrypted-columns.ts). Only
   * clients that never touch them (prisoner import, seed, operators, `keys rotate` on raw
   * ciphertext) go without one.
   */
  keyring?: Keyring;
}

/**
 * A raw query whose SQL starts with this comment is prepared once per connection (a named
 * statement) instead of parsed and planned again on every call. For hot statements of fixed text
 * only (the assignment draw: a tenth of a millisecond of the server's time per call): each one
 * stays in the server's memory for the connection's life.
 */
export const PREPARED = "/* prepared */";

const preparedNames = new Map<string, string>();

function preparedStatementName(sql: string): string | undefined {
  if (!sql.startsWith(PREPARED)) return undefined;
  let name = preparedNames.get(sql);
  if (name === undefined) {
    name = `lifeline_${createHash("sha256").update(sql).digest("hex").slice(0, 24)}`;
    preparedNames.set(sql, name);
  }
  return name;
}

/** The pool under each client createPrisma made, and under withWriterCache's of those. */
const pools = new WeakMap<object, pg.Pool>();

/**
 * The pg pool under a client from createPrisma (or withWriterCache of one); undefined for a
 * transaction or any other client. For the assignment draw only, the one statement hot enough
 * that Prisma's own work per call (a fifth of a millisecond of the process's time, more than
 * PostgreSQL's parsing and planning) shows in the draw's latency.
 */
export function poolOf(db: Db): pg.Pool | undefined {
  return pools.get(db);
}

export function createPrisma(databaseUrl: string, opts: CreatePrismaOptions = {}): PrismaClient {
  const onError = (err: Error) => opts.onPoolError?.(err);
  const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.max ?? 10 });
  pool.on("error", onError);
  const adapter = new PrismaPg(pool, {
    disposeExternalPool: true,
    onPoolError: onError,
    onConnectionError: onError,
    // Typed as always returning a name; pg treats an undefined one as the usual unnamed statement.
    statementNameGenerator: (query) => preparedStatementName(query.sql) as string,
  });
  const client = new PrismaClient({ adapter });
  // A query extension changes no model or result type, so the client keeps PrismaClient's type
  // and every repository keeps taking a plain PrismaClient / transaction.
  const result = opts.keyring ? (client.$extends(encryptedColumns(opts.keyring)) as unknown as PrismaClient) : client;
  pools.set(result, pool);
  return result;
}

/**
 * The same client with writers looked up by Telegram id cached in Redis for a short while
 * (src/db/repositories/writer-cache.ts). Every process that changes writers must use it.
 */
export function withWriterCache(prisma: PrismaClient, opts: WriterCacheOptions): PrismaClient {
  const client = prisma.$extends(writerCache(opts)) as unknown as PrismaClient;
  attachWriterCache(client, opts);
  const pool = pools.get(prisma);
  if (pool) pools.set(client, pool);
  return client;
}

// Prisma's messages start with "Invalid `prisma.$queryRaw()` invocation:" and end with
// "Raw query failed. Code: `3D000`. Message: `database "x" does not exist`": keep the cause.
function lastLine(message: string): string {
  const last = message.split("\n").map((l) => l.trim()).filter(Boolean).at(-1) ?? "unknown error";
  return /Message: `(.+)`$/.exec(last)?.[1] ?? last;
}

/** Throws an Error with a one-line message when the database cannot be reached. */
export async function pingDatabase(prisma: PrismaClient): Promise<void> {
  try {
    await prisma.$queryRaw`SELECT 1`;
  } catch (err) {
    const detail = lastLine(err instanceof Error ? err.message : String(err));
    throw new Error(`PostgreSQL is unreachable: ${detail}`, { cause: err });
  }
}
