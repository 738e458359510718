import { afterAll, describe, expect, it } from "vitest";
import { createPrisma } from "../../src/db/client.js";
import { verifyEncryptionKey } from "../../src/db/repositories/key-check.js";
import { generateKeyBase64, parseKeyring } from "../../src/privacy/cipher.js";
import { createIsolatedDatabase, type IsolatedDatabase } from "../helpers/db.js";
import { spawnMain, type MainProcess } from "../helpers/main-process.js";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function databaseEncryptedWith(key: string): Promise<IsolatedDatabase> {
  const db = await createIsolatedDatabase();
  cleanups.push(() => db.drop());
  const prisma = createPrisma(db.url, { max: 1 });
  try {
    await verifyEncryptionKey(prisma, parseKeyring(key));
  } finally {
    await prisma.$disconnect();
  }
  return db;
}

function start(env: Record<string, string>): MainProcess {
  const run = spawnMain("all", { BOT_TOKEN: TOKEN, REDIS_URL: "redis://127.0.0.1:1", ...env });
  cleanups.push(() => run.cleanup());
  return run;
}

describe("npm start with ENCRYPTION_KEY", () => {
  it("refuses a key this database was not encrypted with: one clear line, exit code 1", async () => {
    const db = await databaseEncryptedWith(generateKeyBase64());
    const run = start({ DATABASE_URL: db.url, ENCRYPTION_KEY: generateKeyBase64() });
    const { code } = await run.exit;
    expect(code).toBe(1);
    const lines = run.stderr().split("\n").filter((line) => line.trim() !== "");
    expect(lines, run.stderr()).toHaveLength(1);
    expect(lines[0]).toMatch(/^ENCRYPTION_KEY is not the key this database was encrypted with \(its data is under key id [0-9a-f]{8}, this key's id is [0-9a-f]{8}\): set the key it was started with before/);
  });

  it("accepts the right key and goes on to the next check (here: Redis, deliberately unreachable)", async () => {
    const key = generateKeyBase64();
    const db = await databaseEncryptedWith(key);
    const run = start({ DATABASE_URL: db.url, ENCRYPTION_KEY: key });
    expect((await run.exit).code).toBe(1);
    expect(run.stderr()).toMatch(/^Redis at redis:\/\/127\.0\.0\.1:1 is unreachable/);
  });

  it("without ENCRYPTION_KEY: one line saying how to make one", async () => {
    const run = start({});
    expect((await run.exit).code).toBe(1);
    expect(run.stderr().trim()).toBe(
      "Invalid configuration: ENCRYPTION_KEY is missing: make one with `openssl rand -base64 32` and keep it safe: without it the letters cannot be read",
    );
  });
});
