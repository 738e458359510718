// deploy/lifeline-backup.sh as the README's "Backups" runs it, then the README's restore commands:
// the database and STORAGE_DIR come back together, and nothing readable is left next to the backup.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma } from "../../src/db/client.js";
import { dropDatabase, withDatabase } from "../../src/db/migrate.js";
import { seedDemoPrisoners } from "../../src/db/seed.js";
import { createIsolatedDatabase, type IsolatedDatabase } from "../helpers/db.js";

const SCRIPT = resolve(import.meta.dirname, "../../deploy/lifeline-backup.sh");
const run = promisify(execFile);

async function prisonerCount(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return Number((await client.query<{ n: string }>("SELECT count(*) AS n FROM prisoners")).rows[0]?.n);
  } finally {
    await client.end();
  }
}

describe("deploy/lifeline-backup.sh", () => {
  let db: IsolatedDatabase;
  let app: string;
  let restoredUrl = "";

  beforeAll(async () => {
    db = await createIsolatedDatabase();
    const prisma = createPrisma(db.url, { max: 2 });
    await seedDemoPrisoners(prisma);
    await prisma.$disconnect();
    // An installation: deploy/ and .env in the app directory, STORAGE_DIR=./data with a letter page.
    app = await mkdtemp(join(tmpdir(), "lifeline-backup-"));
    await mkdir(join(app, "deploy"));
    await writeFile(join(app, "deploy/lifeline-backup.sh"), await readFile(SCRIPT), { mode: 0o755 });
    await mkdir(join(app, "data/letters/L-7K3Q"), { recursive: true });
    await writeFile(join(app, "data/letters/L-7K3Q/page-1.jpg"), "a photographed page");
  });

  afterAll(async () => {
    await db.drop();
    if (restoredUrl) await dropDatabase(restoredUrl);
    await rm(app, { recursive: true, force: true });
  });

  it("writes one encrypted file that restores the database and the letter files", async () => {
    await run("age-keygen", ["-o", join(app, "key")]);
    const publicKey = (await run("age-keygen", ["-y", join(app, "key")])).stdout.trim();
    // A value with spaces and \n, as ORG_RETURN_ADDRESS has: the script must not trip over it.
    await writeFile(
      join(app, ".env"),
      [`DATABASE_URL=${db.url}`, "ORG_RETURN_ADDRESS=Lifeline\\nPO Box 1, Berlin", `AGE_RECIPIENT=${publicKey}`, ""].join("\n"),
    );
    const backups = join(app, "backups");
    const { stdout } = await run(join(app, "deploy/lifeline-backup.sh"), [], { env: { ...process.env, BACKUP_DIR: backups } });
    const files = await readdir(backups);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^lifeline-\d{8}T\d{6}Z\.tar\.age$/);
    expect(stdout.trim()).toBe(`Backup written: ${join(backups, files[0]!)}`);
    // Encrypted: neither the dump's nor the page's bytes are in the file.
    const encrypted = await readFile(join(backups, files[0]!));
    expect(encrypted.subarray(0, 21).toString()).toBe("age-encryption.org/v1");
    expect(encrypted.includes("a photographed page")).toBe(false);
    expect(encrypted.includes("PGDMP")).toBe(false);

    // The README's restore: decrypt, untar, pg_restore into an empty database, untar the files.
    const restore = join(app, "restore");
    await mkdir(restore);
    await run("sh", ["-c", `age -d -i ../key ../backups/${files[0]} | tar -xf -`], { cwd: restore });
    expect((await readdir(restore)).sort()).toEqual(["lifeline.dump", "storage.tar"]);
    restoredUrl = withDatabase(db.url, `${new URL(db.url).pathname.slice(1)}_restored`);
    const admin = new pg.Client({ connectionString: withDatabase(db.url, "postgres") });
    await admin.connect();
    await admin.query(`CREATE DATABASE "${new URL(restoredUrl).pathname.slice(1)}"`);
    await admin.end();
    await run("pg_restore", ["--no-owner", "-d", restoredUrl, join(restore, "lifeline.dump")]);
    expect(await prisonerCount(restoredUrl)).toBe(await prisonerCount(db.url));
    expect(await prisonerCount(restoredUrl)).toBeGreaterThan(0);
    const files2 = join(app, "restored-files");
    await mkdir(files2);
    await run("tar", ["-C", files2, "-xf", join(restore, "storage.tar")]);
    expect(await readFile(join(files2, "data/letters/L-7K3Q/page-1.jpg"), "utf8")).toBe("a photographed page");
  }, 60_000);

  it("refuses to write an unencrypted backup", async () => {
    await writeFile(join(app, ".env"), `DATABASE_URL=${db.url}\n`);
    const failure = await run(join(app, "deploy/lifeline-backup.sh"), [], {
      env: { ...process.env, BACKUP_DIR: join(app, "none"), AGE_RECIPIENT: "" },
    }).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr.trim()).toBe("Set AGE_RECIPIENT to the age public key (age1...) backups are encrypted to");
    await expect(readdir(join(app, "none"))).rejects.toThrow(/ENOENT/);
  });
});
