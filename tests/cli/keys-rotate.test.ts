import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPrisma } from "../../src/db/client.js";
import { verifyEncryptionKey } from "../../src/db/repositories/key-check.js";
import { countStaleValues, rotateBatch, type Row } from "../../src/db/repositories/key-rotation.js";
import { decryptText, encryptText, generateKeyBase64, keyIdOfText, parseKeyring } from "../../src/privacy/cipher.js";
import { deleteRedisKeys, uniqueRedisPrefix } from "../helpers/app.js";
import { createIsolatedDatabase, type IsolatedDatabase } from "../helpers/db.js";

const ROOT = resolve(import.meta.dirname, "../..");
const LETTERS = 10_000;
const OLD_KEY = generateKeyBase64();
const NEW_KEY = generateKeyBase64();
const oldKeyring = parseKeyring(OLD_KEY);
const newKeyring = parseKeyring(NEW_KEY);

let db: IsolatedDatabase;
let raw: pg.Pool;
const storageDir = mkdtempSync(join(tmpdir(), "lifeline-rotate-"));
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const redisPrefix = uniqueRedisPrefix();
/** A writer who has not opened the bot since before the key changed: their session is under the old key. */
const idleSession = `${redisPrefix}:session:424242`;

const textOf = (i: number) => `Письмо номер ${i}: держитесь!`;

/** 10,000 typed letters under the old key, one writer with an old-key signature, one legacy plaintext letter. */
async function seed(): Promise<void> {
  const { rows } = await raw.query<{ id: number }>(
    "INSERT INTO writers (telegram_id, language, signature_name, updated_at) VALUES (424242, 'ru', $1, now()) RETURNING id",
    [encryptText(oldKeyring, "Анна")],
  );
  const writerId = rows[0]!.id;
  const indexes = Array.from({ length: LETTERS }, (_, i) => i);
  await raw.query(
    `INSERT INTO letters (code, writer_id, kind, text, language, signature_name, idempotency_key, updated_at)
     SELECT 'R-' || n, $1, 'typed', t, 'ru', s, 'rotate-' || n, now() FROM unnest($2::int[], $3::text[], $4::text[]) AS v(n, t, s)`,
    [writerId, indexes, indexes.map((i) => encryptText(oldKeyring, textOf(i))), indexes.map(() => encryptText(oldKeyring, "Анна"))],
  );
  await raw.query(
    "INSERT INTO letters (code, writer_id, kind, text, language, idempotency_key, updated_at) VALUES ('R-LEGACY', $1, 'typed', 'Старое письмо без шифрования', 'ru', 'rotate-legacy', now())",
    [writerId],
  );
  const prisma = createPrisma(db.url, { max: 1 });
  await verifyEncryptionKey(prisma, oldKeyring).finally(() => prisma.$disconnect());
  const redis = new Redis(redisUrl);
  await redis.set(idleSession, JSON.stringify(encryptText(oldKeyring, JSON.stringify({ language: "ru" })))).finally(() => redis.quit());
}

function runRotate(onLine?: (line: string, kill: () => void) => void) {
  const child = spawn(join(ROOT, "node_modules/.bin/tsx"), [join(ROOT, "src/cli/index.ts"), "keys", "rotate", "--batch", "200"], {
    cwd: storageDir,
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      DATABASE_URL: db.url,
      ENCRYPTION_KEY: NEW_KEY,
      ENCRYPTION_PREVIOUS_KEYS: OLD_KEY,
      STORAGE_DIR: storageDir,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const line of chunk.toString().split("\n")) onLine?.(line, () => child.kill("SIGKILL"));
  });
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => child.on("exit", (code, signal) => done({ code, signal })));
  return { exit, stdout: () => stdout, stderr: () => stderr };
}

beforeAll(async () => {
  db = await createIsolatedDatabase();
  raw = new pg.Pool({ connectionString: db.url, max: 2 });
  await seed();
}, 120_000);

afterAll(async () => {
  await raw.end();
  await db.drop();
  await deleteRedisKeys(redisUrl, redisPrefix);
  rmSync(storageDir, { recursive: true, force: true });
});

describe("npm run cli -- keys rotate", () => {
  it("re-encrypts 10,000 letters under the new key, survives a SIGKILL mid-way and finishes when run again", async () => {
    const prisma = createPrisma(db.url, { max: 1 });
    try {
      const first = runRotate((line, kill) => {
        if (/letters: \d+ re-encrypted/.test(line)) kill();
      });
      expect((await first.exit).signal).toBe("SIGKILL");
      const afterKill = await countStaleValues(prisma, newKeyring);
      expect(afterKill.letters).toBeGreaterThan(0);
      expect(afterKill.letters).toBeLessThan(2 * LETTERS + 1);

      const second = runRotate();
      const { code } = await second.exit;
      expect(code, second.stderr()).toBe(0);
      expect(second.stdout()).toContain("Done: everything is under the current key.");
      // No table with encrypted columns keeps a value under the old key.
      expect(Object.entries(await countStaleValues(prisma, newKeyring)).filter(([, n]) => n > 0)).toEqual([]);

      // Every letter reads with the new key alone; nothing is left under the old one.
      const onlyNew = parseKeyring(NEW_KEY);
      const { rows } = await raw.query<{ code: string; text: string; signature_name: string | null }>("SELECT code, text, signature_name FROM letters ORDER BY id");
      expect(rows).toHaveLength(LETTERS + 1);
      for (const row of rows) {
        expect(keyIdOfText(row.text)).toBe(onlyNew.current.id);
        const n = row.code.slice(2);
        expect(decryptText(onlyNew, row.text)).toBe(n === "LEGACY" ? "Старое письмо без шифрования" : textOf(Number(n)));
        if (row.signature_name !== null) expect(decryptText(onlyNew, row.signature_name)).toBe("Анна");
      }
      await expect(verifyEncryptionKey(prisma, onlyNew)).resolves.toEqual({ created: false });
      // And the idle writer's session in Redis too.
      expect(second.stdout()).toMatch(/Redis \(.+\): 1 sessions, drafts and albums looked at/);
      const redis = new Redis(redisUrl);
      const session = await redis.get(idleSession).finally(() => redis.quit());
      expect(decryptText(onlyNew, JSON.parse(session ?? "null") as string)).toBe(JSON.stringify({ language: "ru" }));
    } finally {
      await prisma.$disconnect();
    }
  }, 120_000);

  it("never overwrites a value the running bot changed after it was read (compare-and-set)", async () => {
    const prisma = createPrisma(db.url, { max: 2 });
    try {
      const newest = parseKeyring(generateKeyBase64(), [NEW_KEY]);
      const read = await raw.query<Row>("SELECT id, text FROM letters ORDER BY id LIMIT 2");
      const [changed, untouched] = read.rows;
      // The bot writes a new text after the rotation read the row, before it writes.
      const byBot = encryptText(newest, "Исправленный текст");
      await raw.query("UPDATE letters SET text = $1 WHERE id = $2", [byBot, changed!.id]);
      const report = { rotated: 0, failed: [] };
      const written = await rotateBatch(prisma, newest, "letters", ["text"], read.rows, report);
      expect(written).toBe(1);
      const after = await raw.query<{ id: number; text: string }>("SELECT id, text FROM letters WHERE id = ANY($1) ORDER BY id", [[changed!.id, untouched!.id]]);
      expect(after.rows[0]!.text).toBe(byBot);
      expect(keyIdOfText(after.rows[1]!.text)).toBe(newest.current.id);
      expect(decryptText(newest, after.rows[1]!.text)).toBe(decryptText(newest, String(untouched!.text)));
    } finally {
      await prisma.$disconnect();
    }
  });
});
