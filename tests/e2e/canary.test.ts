// The measure of issue 10 from outside: a writer's letter text, signature and photo page (EXIF
// camera tag) and an operator's reply PDF (document author) each carry a unique canary through the
// whole loop; afterwards no canary is in the logs (debug), in Redis under the app's prefix, in a
// plain pg_dump, or in any byte of STORAGE_DIR — while the writer reads the reply and the
// operators print a readable PDF.
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { Redis } from "ioredis";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFakeTelegram, type FakeGroup, type FakeUser } from "../../src/fake-telegram/index.js";
import { createLogger } from "../../src/logger.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { canaryPdf } from "../helpers/canary-pdf.js";
import { testDatabaseUrl, uniqueTelegramId } from "../helpers/db.js";
import { collapse, readPdf } from "../media/read-pdf.js";
import { chooseTyped, LETTER_CODE, letterCodeIn, openLetter, pressSend, typePart, WAIT, WAIT_EDITS } from "./letter-helpers.js";
import { waitForStatus } from "./operators-helpers.js";

const tag = () => randomBytes(5).toString("hex");
/** Letters and digits alternating ("q7k2m9..."): the pre-check always takes it for a cipher and quotes it. */
const cipherTag = () => [...randomBytes(6)].map((b, i) => (i % 2 === 0 ? String.fromCharCode(97 + (b % 26)) : String(b % 10))).join("");
const TEXT_CANARY = `TextCanary${cipherTag()}`;
const SIGNATURE_CANARY = `Sig${tag()}`;
const CAMERA_CANARY = `Cam${tag()}`;
const AUTHOR_CANARY = `Author${tag()}`;
const CANARIES = [TEXT_CANARY, SIGNATURE_CANARY, CAMERA_CANARY, AUTHOR_CANARY];
const LONG = { timeoutMs: 20_000 } as const;

let t: TestApp;
let group: FakeGroup;
let admin: FakeUser;
let closeFake: () => Promise<void>;
const logText: string[] = [];

beforeAll(async () => {
  const fake = await startFakeTelegram();
  closeFake = () => fake.close();
  group = fake.group({ title: "Operators" });
  admin = fake.user({ id: uniqueTelegramId(), firstName: "Admin", languageCode: "ru" });
  const logger = createLogger(
    "debug",
    new Writable({
      write(chunk: Buffer, _enc, done) {
        logText.push(chunk.toString("utf8"));
        done();
      },
    }),
  );
  t = await startTestApp({ fake, logger, env: { OPERATORS_CHAT_ID: String(group.id), ADMIN_IDS: String(admin.id), LOG_LEVEL: "debug" } });
});
afterAll(async () => {
  await t.stop();
  await closeFake();
});

/** A phone photo of a handwritten page whose EXIF names the camera with the canary. */
function photoPage(): Promise<Buffer> {
  const svg = `<svg width="600" height="800" xmlns="http://www.w3.org/2000/svg"><text x="40" y="120" font-size="48" fill="#222">Dear Pyotr, hello</text></svg>`;
  return sharp({ create: { width: 600, height: 800, channels: 3, background: "#efe9dc" } })
    .composite([{ input: Buffer.from(svg) }])
    .jpeg({ quality: 90 })
    .withExif({ IFD0: { Make: CAMERA_CANARY, Model: CAMERA_CANARY } })
    .toBuffer();
}

/** Every key under the prefix with its value, whatever the Redis type (strings, hashes, lists, sets, streams). */
async function redisDump(redis: Redis, prefix: string): Promise<string> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    for (const key of keys) {
      const type = await redis.type(key);
      const value =
        type === "string" ? await redis.get(key)
        : type === "hash" ? await redis.hgetall(key)
        : type === "list" ? await redis.lrange(key, 0, -1)
        : type === "set" ? await redis.smembers(key)
        : type === "zset" ? await redis.zrange(key, "0", "-1", "WITHSCORES")
        : type === "stream" ? await redis.xrange(key, "-", "+")
        : null;
      out.push(key, JSON.stringify(value));
    }
  } while (cursor !== "0");
  return out.join("\n");
}

/** The data of every BullMQ job under the prefix (a job is a hash with "name" and "data"). */
async function jobPayloads(redis: Redis, prefix: string): Promise<Array<{ key: string; data: unknown }>> {
  const out: Array<{ key: string; data: unknown }> = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
    cursor = next;
    for (const key of keys) {
      if ((await redis.type(key)) !== "hash") continue;
      const [name, data] = await redis.hmget(key, "name", "data");
      if (typeof name === "string" && typeof data === "string") out.push({ key, data: JSON.parse(data) });
    }
  } while (cursor !== "0");
  return out;
}

/** Ids only: numbers, booleans and short id-like strings (keys, codes, locale), nothing a person wrote. */
function idsOnly(value: unknown): boolean {
  if (value === null || typeof value === "number" || typeof value === "boolean") return true;
  if (typeof value === "string") return /^[\w:.-]{0,80}$/.test(value);
  if (Array.isArray(value)) return value.every(idsOnly);
  return typeof value === "object" && Object.values(value).every(idsOnly);
}

function filesUnder(dir: string): Buffer[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => readFileSync(path));
}

async function approve(code: string): Promise<void> {
  const isCard = (m: { text?: string | undefined }) => (m.text ?? "").includes(`Письмо ${code}`);
  // The card may already be in the chat (it is posted while the next letter is being written).
  const card = group.messages().find(isCard) ?? (await group.waitForMessage(isCard, LONG));
  // A handwritten page needs no translator: the mark is taken off, so the letter goes to print.
  const unmark = "🌐 Снять отметку о переводе";
  if (card.inlineKeyboard.flat().some((b) => b.text === unmark)) await group.pressButton(admin, unmark, { messageId: card.messageId });
  await group.pressButton(admin, "✅ Одобрить", { messageId: card.messageId });
}

describe("canaries", () => {
  it("go through the whole loop and are found nowhere at rest", async () => {
    const prisma = t.app.prisma;
    // A typed letter, its text and signature carrying canaries.
    const typist = t.user({ languageCode: "ru" });
    await openLetter(t, typist, { language: "ru" });
    await chooseTyped(typist, "ru");
    await typePart(typist, "ru", `Здравствуйте, Пётр! Пишу вам из Риги, думаю о вас каждый день. ${TEXT_CANARY}`);
    // The pre-check takes the canary for a cipher and quotes it; the letter goes as it is (the
    // warning's code is stored, never the quoted words).
    const precheck = typist.waitForMessage("Мы проверили письмо", WAIT);
    await typist.pressButton("✅ Готово");
    expect((await precheck).text).toContain(TEXT_CANARY);
    const signatureAsk = typist.waitForMessage("Как подписать ваше письмо?", WAIT);
    await typist.pressButton("Отправить как есть");
    await signatureAsk;
    const summary = typist.waitForMessage("Проверьте письмо перед отправкой", WAIT);
    await typist.sendText(`Анна ${SIGNATURE_CANARY}`);
    await summary;
    const typedCode = letterCodeIn(await pressSend(typist, "ru"));

    // A handwritten letter: one photographed page with the camera canary in its EXIF.
    const hand = t.user({ languageCode: "en" });
    await openLetter(t, hand, { language: "en", signatureName: "Friend" });
    const prompt = hand.waitForMessage("Send photos of your handwritten letter", WAIT);
    await hand.pressButton("📷 Photos of a handwritten letter");
    await prompt;
    const one = hand.waitForMessage("Pages received: 1", WAIT_EDITS);
    const uploaded = await hand.sendPhoto(await photoPage());
    // Telegram's ids of the writer's upload are not kept once the page is stored (checked below).
    const fileIds = (uploaded.photo ?? []).flatMap((size) => [size.file_id, size.file_unique_id]);
    expect(fileIds.length).toBeGreaterThan(0);
    await one;
    const check = hand.waitForMessage("Please check your letter before it goes", WAIT);
    await hand.pressButton("✅ Done");
    await check;
    const sent = hand.waitForMessage(LETTER_CODE, WAIT);
    await hand.pressButton("📨 Send");
    const handCode = letterCodeIn(await sent);

    // The operators approve, print (the batch PDF is readable and carries the letter) and post.
    await approve(typedCode);
    await approve(handCode);
    const typed = await prisma.letter.findUniqueOrThrow({ where: { code: typedCode } });
    await waitForStatus(t, typed.id, "printed");
    await waitForStatus(t, (await prisma.letter.findUniqueOrThrow({ where: { code: handCode } })).id, "printed");
    const envelopes = group.waitForMessage((m) => /^envelopes-batch-\d+\.xlsx$/.test(m.document?.file_name ?? ""), LONG);
    await group.sendText(admin, "/batch");
    const envelopeMessage = await envelopes;
    const batchPdf = group.messages().find((m) => /^batch-\d+\.pdf$/.test(m.document?.file_name ?? ""))?.fileBytes() ?? Buffer.alloc(0);
    const printedText = collapse((await readPdf(batchPdf)).map((p) => p.text).join(" "));
    expect(printedText).toContain(TEXT_CANARY);
    expect(printedText).toContain(SIGNATURE_CANARY);
    await group.pressButton(admin, "📮 Отметить: отправлено", { messageId: envelopeMessage.messageId });
    await waitForStatus(t, typed.id, "posted");

    // The reply: a PDF whose metadata carries the author canary; the writer reads it as a page photo.
    const reply = typist.waitForMessage((m) => m.kind === "photo", LONG);
    await group.sendDocument(admin, await canaryPdf(AUTHOR_CANARY), { fileName: "scan.pdf", mimeType: "application/pdf", caption: typedCode });
    const photo = await reply;
    expect(photo.caption).toContain(typedCode);
    expect((await sharp(photo.fileBytes() ?? Buffer.alloc(0)).metadata()).width).toBeGreaterThan(1500);
    await waitForStatus(t, typed.id, "replied");
    await expect.poll(async () => (await prisma.reply.findFirst({ where: { letterId: typed.id } }))?.deliveryState, { timeout: 20_000 }).toBe("delivered");

    // BullMQ payloads carry ids only: every job of the loop (moderation, print, batch, notify, delivery...).
    const jobs = await jobPayloads(t.app.redis, t.config.redisPrefix);
    expect(jobs.length).toBeGreaterThan(5);
    for (const job of jobs) expect(idsOnly(job.data), `${job.key}: ${JSON.stringify(job.data)}`).toBe(true);

    // Nowhere at rest, and nowhere in the logs.
    const where = {
      logs: logText.join(""),
      redis: await redisDump(t.app.redis, t.config.redisPrefix),
      storage: filesUnder(t.config.storageDir).map((b) => b.toString("latin1")).join("\n"),
      pg_dump: execFileSync("pg_dump", ["--no-owner", testDatabaseUrl()], { maxBuffer: 512 * 1024 * 1024, encoding: "utf8" }),
    };
    expect(where.logs.length).toBeGreaterThan(1000);
    expect(where.redis).toContain(t.config.redisPrefix);
    expect(where.pg_dump).toContain(typedCode);
    expect(where.storage.length).toBeGreaterThan(10_000);
    for (const place of ["redis", "storage", "pg_dump"] as const) {
      for (const id of fileIds) expect(where[place].includes(id), `the photo's file id in ${place}`).toBe(false);
    }
    for (const [place, text] of Object.entries(where)) {
      // The failure names the place and shows the canary's surroundings (a table's COPY line, a key).
      for (const canary of CANARIES) expect(text.slice(Math.max(0, text.indexOf(canary) - 300), text.indexOf(canary) + 40), `${canary} in ${place}`).not.toContain(canary);
    }
  });
});
