// What went wrong when connecting to PostgreSQL, in one line that says what to do. The driver's own
// messages ("SASL: SCRAM-SERVER-FIRST-MESSAGE: client password must be a string") mean nothing to
// a volunteer admin; the fixes below follow the README's install steps (Debian's PostgreSQL).
import pg from "pg";

export class DatabaseConnectionError extends Error {
  override name = "DatabaseConnectionError";
}

interface UrlParts {
  host: string;
  user: string;
  database: string;
  hasPassword: boolean;
}

function parts(databaseUrl: string): UrlParts {
  const url = new URL(databaseUrl);
  return {
    host: `${url.hostname}:${url.port || "5432"}`,
    user: decodeURIComponent(url.username) || "postgres",
    database: decodeURIComponent(url.pathname.replace(/^\//, "")),
    hasPassword: url.password !== "",
  };
}

const ENCODE_HINT = "URL-encode special characters in it: @ as %40, : as %3A, / as %2F, # as %23, % as %25";

/** One line naming the cause and the fix; `databaseUrl` is the URL that was tried (never printed). */
export function describeConnectionError(databaseUrl: string, err: unknown): string {
  const { host, user, database, hasPassword } = parts(databaseUrl);
  const e = err as { code?: string; message?: string };
  const message = (e.message ?? String(err)).replace(/\s*\n\s*/g, " ");
  const code = e.code;

  const asksForPassword = /client password must be a (non-empty )?string|password authentication failed|no password supplied/i.test(message);
  if (asksForPassword && !hasPassword) {
    return (
      `DATABASE_URL has no password, but PostgreSQL at ${host} asks for one: put the password of role "${user}" ` +
      `into DATABASE_URL, like postgresql://${user}:PASSWORD@${host}/${database} (${ENCODE_HINT})`
    );
  }
  if (code === "28P01" || asksForPassword) {
    // PostgreSQL gives the same answer for a wrong password and a role that does not exist.
    return (
      `PostgreSQL at ${host} refused the password for role "${user}": check the password in DATABASE_URL ` +
      `(${ENCODE_HINT}); if the role does not exist yet, create it with: sudo -u postgres createuser -P ${user}`
    );
  }
  if (code === "28000" && /role .* does not exist/.test(message)) {
    return `Role "${user}" does not exist on PostgreSQL at ${host}: create it with: sudo -u postgres createuser -P ${user}, or fix the user in DATABASE_URL`;
  }
  if (code === "28000" && /peer|ident/i.test(message)) {
    return `PostgreSQL at ${host} checks the system user for this connection (${message}): connect over TCP with a password, like postgresql://${user}:PASSWORD@127.0.0.1:5432/${database}`;
  }
  if (code === "28000") {
    return `PostgreSQL at ${host} does not let role "${user}" connect (${message}): allow it in pg_hba.conf, or connect over 127.0.0.1`;
  }
  if (code === "3D000") {
    return (
      `Database "${database}" does not exist on PostgreSQL at ${host}: create it with: ` +
      `sudo -u postgres createdb -O ${user} ${database}, then run npm run db:migrate`
    );
  }
  if (code === "42501" && /create database/i.test(message)) {
    return `Role "${user}" may not create database "${database}": create it with: sudo -u postgres createdb -O ${user} ${database}, then run npm run db:migrate again`;
  }
  if (code === "57P03") {
    return `PostgreSQL at ${host} is starting up or shutting down: try again in a few seconds`;
  }
  if (code === "ECONNREFUSED" || code === "ETIMEDOUT" || code === "EHOSTUNREACH" || /timeout/i.test(message)) {
    const why = code === "ECONNREFUSED" ? "connection refused" : "no answer";
    // Worded like Prisma's own "Can't reach database server at ..." that admins may search for.
    return `PostgreSQL is unreachable: Can't reach database server at ${host} (${why}; on Debian: sudo systemctl start postgresql): start PostgreSQL or fix DATABASE_URL`;
  }
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
    return `PostgreSQL is unreachable: host "${host.replace(/:\d+$/, "")}" in DATABASE_URL is not known: fix the host in DATABASE_URL`;
  }
  return `Cannot connect to PostgreSQL at ${host} as "${user}" (${message}): check DATABASE_URL`;
}

/** Opens one connection to check the URL works; throws DatabaseConnectionError with a one-line fix. */
export async function checkDatabaseConnection(databaseUrl: string, timeoutMs = 10_000): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl, connectionTimeoutMillis: timeoutMs });
  client.on("error", () => undefined); // a connection dropped after connect() is not this check's concern
  try {
    await client.connect();
  } catch (err) {
    throw new DatabaseConnectionError(describeConnectionError(databaseUrl, err), { cause: err });
  } finally {
    await client.end().catch(() => undefined);
  }
}
