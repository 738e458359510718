// Follows the README's "Install on Debian 12 or 13" against a PostgreSQL configured like Debian's
// (peer authentication on the socket, scram-sha-256 passwords over TCP): a throwaway cluster made
// with initdb in a temporary directory, since this machine's own PostgreSQL trusts everyone.
// The commands are read from the README itself, so the test breaks when the README does.
import { execFile, spawn } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDatabaseConnection } from "../../src/db/connection-check.js";
import { startFakeTelegram } from "../../src/fake-telegram/index.js";
import { deleteRedisKeys, uniqueRedisPrefix } from "../helpers/app.js";
import { uniqueTelegramId } from "../helpers/db.js";
import { spawnMain } from "../helpers/main-process.js";

const ROOT = resolve(import.meta.dirname, "../..");
const run = promisify(execFile);

// initdb refuses to run as root: as root the cluster belongs to "postgres", as on Debian.
const AS_ROOT = process.getuid?.() === 0;
const OWNER = AS_ROOT ? "postgres" : userInfo().username;
function asOwner(...command: string[]) {
  const [file, ...args] = AS_ROOT ? ["runuser", "-u", "postgres", "--", ...command] : command;
  return run(file!, args);
}

function postgresBin(): string {
  const versions = readdirSync("/usr/lib/postgresql").sort((a, b) => Number(b) - Number(a));
  const bin = versions.map((v) => `/usr/lib/postgresql/${v}/bin`).find((dir) => existsSync(join(dir, "initdb")));
  if (!bin) throw new Error("PostgreSQL's server binaries (initdb, pg_ctl) are not under /usr/lib/postgresql/*/bin");
  return bin;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as { port: number };
  await new Promise((done) => server.close(done));
  return port;
}

/** The README section "Install on Debian 12 or 13": its shell lines, comments removed. */
function readmeInstallLines(): string[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("### Install on Debian 12 or 13");
  const end = readme.indexOf("\n## ", start);
  expect(start, "README has the section Install on Debian 12 or 13").toBeGreaterThan(0);
  const section = readme.slice(start, end);
  const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? "");
  return blocks.flatMap((block) => block.split("\n").map((line) => line.trim()).filter(Boolean));
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command in a new session (no terminal), feeding `input` on stdin, as createuser -P reads it. */
function sh(command: string, env: Record<string, string>, input = ""): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn("sh", ["-c", command], { cwd: ROOT, env: { ...process.env, ...env }, detached: true });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", fail);
    child.on("exit", (code) => done({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe("README: install on Debian with a password-protected PostgreSQL", () => {
  const dir = mkdtempSync(join(tmpdir(), "lifeline-debian-pg-"));
  const data = join(dir, "data");
  const bin = postgresBin();
  let port = 0;
  // Every character the README says must be URL-encoded.
  const password = "p@ss:w/rd #1%";
  let pgEnv: Record<string, string> = {};
  /** DATABASE_URL as the admin writes it into .env, once the README's steps made the role. */
  let databaseUrl = "";

  beforeAll(async () => {
    // The cluster's owner must be able to write the directory (mkdtemp makes it private to us).
    const ownerUid = AS_ROOT ? Number((await run("id", ["-u", "postgres"])).stdout) : process.getuid!();
    chownSync(dir, ownerUid, -1);
    port = await freePort();
    await asOwner(join(bin, "initdb"), "-D", data, "-U", OWNER, "-A", "peer", "--no-sync");
    // Debian's stock pg_hba.conf: the system user on the socket, a password over the network.
    const hba = [
      "local all postgres peer",
      "local all all peer",
      "host all all 127.0.0.1/32 scram-sha-256",
      "host all all ::1/128 scram-sha-256",
    ];
    writeFileSync(join(data, "pg_hba.conf"), `${hba.join("\n")}\n`);
    chownSync(join(data, "pg_hba.conf"), ownerUid, -1);
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
    await asOwner(join(bin, "pg_ctl"), "-D", data, "-o", options, "-l", join(dir, "log"), "-w", "start");
    // What `sudo -u postgres createuser` reaches on Debian: the socket of this cluster.
    pgEnv = { PGHOST: dir, PGPORT: String(port) };
  }, 60_000);

  afterAll(async () => {
    await asOwner(join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop").catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  const url = (userinfo: string, database = "lifeline") => `postgresql://${userinfo}@127.0.0.1:${port}/${database}`;

  it("creates the role and database as written, migrates with the password, and explains every refusal", async () => {
    const lines = readmeInstallLines();
    const sudoLines = lines.filter((line) => line.startsWith("sudo -u postgres "));
    expect(sudoLines).toEqual([
      "sudo -u postgres createuser -P lifeline",
      "sudo -u postgres createdb -O lifeline lifeline",
    ]);
    for (const line of sudoLines) {
      const command = line.replace(/^sudo -u postgres /, AS_ROOT ? "runuser -u postgres -- " : "");
      // createuser -P asks for the password twice.
      const result = await sh(command, pgEnv, `${password}\n${password}\n`);
      expect(result, line).toMatchObject({ code: 0 });
    }

    // The README's one-liner for URL-encoding the password.
    const encodeLine = lines.find((line) => line.startsWith("node -e "));
    expect(encodeLine).toBeDefined();
    const encoded = (await sh(encodeLine!.replace("'your password'", `'${password}'`), {})).stdout.trim();
    expect(encoded).toBe("p%40ss%3Aw%2Frd%20%231%25");

    // DATABASE_URL exactly as the README writes it, with this cluster's port and the password.
    const urlLine = lines.find((line) => line.startsWith("DATABASE_URL="));
    expect(urlLine).toBe("DATABASE_URL=postgresql://lifeline:YOUR-PASSWORD@127.0.0.1:5432/lifeline");
    databaseUrl = urlLine!.replace("DATABASE_URL=", "").replace("YOUR-PASSWORD", encoded).replace(":5432/", `:${port}/`);

    const migrated = await sh("npm run --silent db:migrate", { DATABASE_URL: databaseUrl });
    expect(migrated.stderr).toBe("");
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/^Applied migration \d{14}_init$/m);

    // Without the password: the exact complaint, now with the fix.
    const withoutPassword = await sh("npm run --silent db:migrate", { DATABASE_URL: url("lifeline") });
    expect(withoutPassword.code).toBe(1);
    expect(withoutPassword.stderr.trim()).toBe(
      `Migration failed: DATABASE_URL has no password, but PostgreSQL at 127.0.0.1:${port} asks for one: ` +
        `put the password of role "lifeline" into DATABASE_URL, like postgresql://lifeline:PASSWORD@127.0.0.1:${port}/lifeline ` +
        "(URL-encode special characters in it: @ as %40, : as %3A, / as %2F, # as %23, % as %25)",
    );
  }, 60_000);

  it("npm start with the .env the README describes answers /start, and stops cleanly on SIGTERM", async () => {
    expect(databaseUrl, "the first test made the role and migrated").not.toBe("");
    // .env.example with what step 4 says to set: the token, a key from openssl, DATABASE_URL.
    const example = readFileSync(join(ROOT, ".env.example"), "utf8");
    const readmeUrl = readmeInstallLines().find((line) => line.startsWith("DATABASE_URL="))!;
    expect(example).toContain(`# ${readmeUrl}\n`);
    expect(example).toMatch(/^BOT_TOKEN=$/m);
    expect(example).toMatch(/^ENCRYPTION_KEY=$/m);
    const key = await sh("openssl rand -base64 32", {});
    expect(key.stdout.trim()).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    const fake = await startFakeTelegram();
    const dotEnv = example
      .replace(/^BOT_TOKEN=$/m, `BOT_TOKEN=${fake.token}`)
      .replace(/^ENCRYPTION_KEY=$/m, `ENCRYPTION_KEY=${key.stdout.trim()}`)
      .replace(`# ${readmeUrl}\n`, `DATABASE_URL=${databaseUrl}\n`);
    // Only where Telegram is and a Redis prefix of this run come from outside the .env.
    const prefix = uniqueRedisPrefix();
    const app = spawnMain("all", { TELEGRAM_API_ROOT: fake.apiRoot, REDIS_PREFIX: prefix }, [], { ".env": dotEnv });
    try {
      const user = fake.user({ id: uniqueTelegramId(), languageCode: "ru" });
      const welcome = user.waitForMessage(undefined, { timeoutMs: 30_000 });
      await user.sendText("/start");
      expect((await welcome).text, app.stderr()).toContain("Здравствуйте! Это Lifeline.");
      app.child.kill("SIGTERM");
      const { code } = await app.exit;
      expect(code, `stderr: ${app.stderr()}`).toBe(0);
      expect(app.stderr()).toBe("");
      expect(app.stdout()).toContain('"msg":"stopped"');
    } finally {
      await app.cleanup();
      await fake.close();
      await deleteRedisKeys("redis://127.0.0.1:6379", prefix);
    }
  }, 60_000);

  it.each([
    ["a wrong password", () => url("lifeline:wrong"), /^PostgreSQL at 127\.0\.0\.1:\d+ refused the password for role "lifeline": check the password in DATABASE_URL .*createuser -P lifeline$/],
    ["a role that does not exist", () => url("nobody:secret"), /^PostgreSQL at 127\.0\.0\.1:\d+ refused the password for role "nobody": .*sudo -u postgres createuser -P nobody$/],
    [
      "a database that does not exist",
      () => url(`lifeline:${encodeURIComponent(password)}`, "no_such_db"),
      /^Database "no_such_db" does not exist on PostgreSQL at 127\.0\.0\.1:\d+: create it with: sudo -u postgres createdb -O lifeline no_such_db, then run npm run db:migrate$/,
    ],
  ])("start-up check with %s says what to do", async (_case, makeUrl, expected) => {
    const err = await checkDatabaseConnection(makeUrl()).then(() => null, (e: Error) => e);
    expect(err?.message).toMatch(expected);
    expect(err?.message).not.toContain("wrong");
    expect(err?.message).not.toContain("secret");
  });

  it("a role that may not create databases is told to ask for one", async () => {
    const databaseUrl = url(`lifeline:${encodeURIComponent(password)}`, "lifeline_other");
    const result = await sh("npm run --silent db:migrate", { DATABASE_URL: databaseUrl });
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Migration failed: Role "lifeline" may not create database "lifeline_other": create it with: ' +
        "sudo -u postgres createdb -O lifeline lifeline_other, then run npm run db:migrate again",
    );
  }, 30_000);
});
