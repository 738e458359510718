// `keys rotate`: after ENCRYPTION_KEY was changed (the old key moved to ENCRYPTION_PREVIOUS_KEYS),
// re-encrypts every stored value and file under the new key. Safe while the bot runs; a killed run
// is resumed by running it again.
import { resolve } from "node:path";
import { Redis } from "ioredis";
import { createPrisma } from "../../db/client.js";
import { rotateKeyCheck } from "../../db/repositories/key-check.js";
import { countStaleValues, rotateEncryptedColumns } from "../../db/repositories/key-rotation.js";
import { KeyFormatError, parseKeyring, type Keyring } from "../../privacy/cipher.js";
import { chatStatePatterns } from "../../messages/state-keys.js";
import { albumPagesPattern } from "../../replies/albums.js";
import { createFileStorage } from "../../storage/index.js";
import { rotateRedisState } from "../../storage/rotate-redis.js";
import { rotateFiles } from "../../storage/rotate.js";

const USAGE = "Usage: npm run cli -- keys rotate [--batch <rows, default 500>]";

function keyringFromEnv(env: NodeJS.ProcessEnv): Keyring {
  const current = env.ENCRYPTION_KEY?.trim();
  if (!current) throw new KeyFormatError("ENCRYPTION_KEY is missing: set it to the new key (`openssl rand -base64 32`) and the old one in ENCRYPTION_PREVIOUS_KEYS");
  return parseKeyring(current, (env.ENCRYPTION_PREVIOUS_KEYS ?? "").split(","));
}

function batchSizeOf(args: string[]): number | undefined {
  const at = args.indexOf("--batch");
  if (at === -1) return 500;
  const size = Number(args[at + 1]);
  return Number.isInteger(size) && size >= 1 && size <= 10_000 ? size : undefined;
}

async function rotateDatabase(databaseUrl: string, keyring: Keyring, batchSize: number): Promise<number> {
  const prisma = createPrisma(databaseUrl, { max: 2 });
  try {
    const before = await countStaleValues(prisma, keyring);
    console.log(`Database: ${Object.entries(before).map(([table, n]) => `${table} ${n}`).join(", ")} values not under key ${keyring.current.id}.`);
    const report = await rotateEncryptedColumns(prisma, keyring, {
      batchSize,
      onBatch: (b) => console.log(`  ${b.table}: ${b.rotated} re-encrypted (rows up to id ${b.lastId})`),
    });
    await rotateKeyCheck(prisma, keyring);
    console.log(`Database: ${report.rotated} values re-encrypted.`);
    for (const f of report.failed) console.error(`  cannot decrypt ${f.table}.${f.column} of row ${f.id} (unknown key or corrupted): left as it is`);
    return report.failed.length;
  } finally {
    await prisma.$disconnect();
  }
}

async function rotateStorage(storageDir: string, keyring: Keyring): Promise<number> {
  const report = await rotateFiles(createFileStorage(storageDir, keyring), keyring, (r) => {
    if (r.looked % 500 === 0) console.log(`  files: ${r.looked} looked at (pass ${r.passes}), ${r.rotated} re-encrypted`);
  });
  console.log(`Files: ${report.scanned} looked at, ${report.rotated} re-encrypted${report.changed > 0 ? `, ${report.changed} changed by the bot meanwhile and left as it made them` : ""}.`);
  for (const key of report.failed) console.error(`  cannot decrypt file ${key} (unknown key or corrupted): left as it is`);
  if (report.left > 0) {
    console.error(`  ${report.left} files were still being written under an older key after ${report.passes} passes: restart the bot and workers with the new ENCRYPTION_KEY, then run this again`);
  }
  return report.failed.length + report.left;
}

/** Sessions, conversations (drafts) and waiting album pages in Redis, under REDIS_PREFIX. */
async function rotateRedis(redisUrl: string, prefix: string, keyring: Keyring): Promise<number> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: false });
  try {
    await redis.connect();
    const report = await rotateRedisState(redis, keyring, { values: chatStatePatterns(prefix), lists: [albumPagesPattern(prefix)] }, (r) => {
      if (r.scanned > 0 && r.scanned % 500 === 0) console.log(`  chat state: ${r.scanned} looked at, ${r.rotated} re-encrypted`);
    });
    console.log(`Redis (${prefix}): ${report.scanned} sessions, drafts and albums looked at, ${report.rotated} re-encrypted${report.changed > 0 ? `, ${report.changed} changed by the bot meanwhile and left as it wrote them` : ""}.`);
    for (const key of report.failed) console.error(`  cannot decrypt Redis key ${key} (unknown key or corrupted): left as it is`);
    return report.failed.length;
  } finally {
    redis.disconnect();
  }
}

/** `keys rotate [--batch n]`: exit 0 when everything is under the current key, 1 otherwise. */
export async function keysCommand(args: string[], databaseUrl: string, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const batchSize = batchSizeOf(args);
  if (args[0] !== "rotate" || batchSize === undefined) {
    console.error(USAGE);
    return 1;
  }
  let keyring: Keyring;
  try {
    keyring = keyringFromEnv(env);
  } catch (err) {
    if (!(err instanceof KeyFormatError)) throw err;
    console.error(err.message);
    return 1;
  }
  console.log(`Re-encrypting under key ${keyring.current.id}.`);
  const failed =
    (await rotateDatabase(databaseUrl, keyring, batchSize)) +
    (await rotateStorage(resolve(env.STORAGE_DIR ?? "./data"), keyring)) +
    (await rotateRedis(env.REDIS_URL ?? "redis://127.0.0.1:6379", env.REDIS_PREFIX ?? "lifeline", keyring));
  if (failed > 0) {
    console.error(`${failed} values or files are not under the new key yet (listed above); keep ENCRYPTION_PREVIOUS_KEYS until they are sorted out.`);
    return 1;
  }
  console.log("Done: everything is under the current key. ENCRYPTION_PREVIOUS_KEYS can now be removed.");
  return 0;
}
