// Shared set-up for the operators' e2e tests: a fake Telegram with an operators' group, an
// administrator from ADMIN_IDS, writers who have started the bot, and letters put straight into the DB.
import { randomBytes } from "node:crypto";
import { expect } from "vitest";
import { startFakeTelegram, type FakeGroup, type FakeUser } from "../../src/fake-telegram/index.js";
import { getOrCreateWriter } from "../../src/db/repositories/writers.js";
import { createFileStorage } from "../../src/storage/index.js";
import { letterPageKey } from "../../src/storage/keys.js";
import type { LetterStatus } from "../../src/generated/prisma/client.js";
import type { Logger } from "../../src/logger.js";
import { startTestApp, type TestApp } from "../helpers/app.js";
import { createIsolatedDatabase, uniqueTelegramId } from "../helpers/db.js";
import { createPrisoner } from "../helpers/letter-fixtures.js";

export interface OperatorsWorld {
  t: TestApp;
  group: FakeGroup;
  admin: FakeUser;
}

export async function startOperatorsWorld(env: Record<string, string> = {}, opts: { logger?: Logger } = {}): Promise<OperatorsWorld> {
  const fake = await startFakeTelegram();
  const group = fake.group({ title: "Operators" });
  const admin = fake.user({ id: uniqueTelegramId(), firstName: "Admin", languageCode: "ru" });
  const t = await startTestApp({ fake, ...opts, env: { OPERATORS_CHAT_ID: String(group.id), ADMIN_IDS: String(admin.id), ...env } });
  const stop = t.stop.bind(t);
  t.stop = async () => {
    await stop();
    await fake.close();
  };
  return { t, group, admin };
}

/**
 * The same world on a database of its own: for tests whose /batch must print only their own letters
 * (other files' approved letters in the shared database would join the batch).
 */
export async function startIsolatedOperatorsWorld(env: Record<string, string> = {}): Promise<OperatorsWorld> {
  const db = await createIsolatedDatabase();
  const world = await startOperatorsWorld({ DATABASE_URL: db.url, ...env });
  const stop = world.t.stop.bind(world.t);
  world.t.stop = async () => {
    await stop();
    await db.drop();
  };
  return world;
}

/** A new user made an operator by the administrator, the way it is done: /operators add in the group. */
export async function addOperatorUser(w: OperatorsWorld): Promise<FakeUser> {
  const user = w.t.user({ languageCode: "ru" });
  const added = w.group.waitForMessage(`Готово: ${user.id} теперь оператор`, { timeoutMs: 10_000 });
  await w.group.sendText(w.admin, `/operators add ${user.id}`);
  await added;
  return user;
}

export async function startedWriter(t: TestApp, language: "ru" | "en"): Promise<{ user: FakeUser; writerId: number }> {
  const user = t.user({ languageCode: language });
  const welcome = user.waitForMessage(undefined, { timeoutMs: 10_000 });
  await user.sendText("/start");
  await welcome;
  const writer = await getOrCreateWriter(t.app.prisma, { telegramId: user.id, language });
  return { user, writerId: writer.id };
}

export function randomCode(): string {
  const alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
  const bytes = randomBytes(6);
  return `L-${[...bytes].map((b) => alphabet[b % alphabet.length]).join("")}`;
}

export interface TestLetter {
  id: number;
  code: string;
  prisonerId: number;
}

/** A submitted letter as the letter flow would leave it (status event included), optionally further along. */
export async function createLetter(
  t: TestApp,
  writerId: number,
  opts: { text?: string; language?: string; pages?: Buffer[]; status?: LetterStatus; prisonerLastName?: string } = {},
): Promise<TestLetter> {
  const prisma = t.app.prisma;
  const prisonerId = await createPrisoner(prisma, opts.prisonerLastName ? { lastName: opts.prisonerLastName } : {});
  const code = randomCode();
  const letter = await prisma.letter.create({
    data: {
      code,
      writerId,
      prisonerId,
      kind: opts.pages ? "handwritten" : "typed",
      text: opts.pages ? null : (opts.text ?? "Здравствуйте! Пишу вам из Казани. Недавно прочитала «Мастера и Маргариту» <снова>."),
      language: opts.language ?? "ru",
      signatureName: "Анна",
      status: opts.status ?? "submitted",
      idempotencyKey: `test-${code}`,
      statusEvents: { create: [{ status: "submitted" }, ...(opts.status && opts.status !== "submitted" ? [{ status: opts.status }] : [])] },
    },
  });
  if (opts.pages) {
    const storage = createFileStorage(t.config.storageDir, t.config.keyring);
    for (const [i, bytes] of opts.pages.entries()) {
      const key = letterPageKey(letter.id, i + 1);
      await storage.put(key, bytes);
      await prisma.letterPage.create({ data: { letterId: letter.id, index: i, storagePath: key, width: 100, height: 140, sha256: `${i}` } });
    }
  }
  return { id: letter.id, code, prisonerId };
}

export async function letterStatus(t: TestApp, letterId: number): Promise<LetterStatus | undefined> {
  return (await t.app.prisma.letter.findUnique({ where: { id: letterId } }))?.status;
}

export async function waitForStatus(t: TestApp, letterId: number, status: LetterStatus): Promise<void> {
  await expect.poll(() => letterStatus(t, letterId), { timeout: 15_000, interval: 100 }).toBe(status);
}

/** Posts the card and returns the card's header message in the group. */
export async function postCard(w: OperatorsWorld, letter: TestLetter) {
  const card = w.group.waitForMessage((m) => (m.text ?? "").includes(`Письмо ${letter.code}`), { timeoutMs: 10_000 });
  await w.t.app.queues.moderation({ letterId: letter.id });
  return card;
}
