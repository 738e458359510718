// The playground: the real bot and workers (the same startApp as `npm start`) against the fake
// Bot API, with a web page that lets a person act as several writers and as an operator.
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startApp, type App } from "../app.js";
import { localizedCommands } from "../messages/commands.js";
import { createI18n, LOCALES } from "../messages/i18n.js";
import { loadConfig, type LogLevel } from "../config.js";
import { createPrisma } from "../db/client.js";
import { applyMigrations } from "../db/migrate.js";
import { countPrisoners } from "../db/repositories/prisoners.js";
import { seedDemoPrisoners } from "../db/seed.js";
import { startFakeTelegram, type FakeTelegram } from "../fake-telegram/index.js";
import { createLogger, type Logger } from "../logger.js";
import { generateKeyBase64 } from "../privacy/cipher.js";
import type { PlaygroundState } from "./protocol.js";
import { startPlaygroundServer, type PlaygroundChat } from "./server.js";

export interface PlaygroundOptions {
  databaseUrl: string;
  redisUrl: string;
  /** Keeps the playground's sessions and queues apart from a real bot on the same Redis. */
  redisPrefix: string;
  storageDir: string;
  /** 0 picks a free port. */
  port: number;
  host?: string;
  logLevel?: LogLevel;
  logger?: Logger;
}

export interface Playground {
  /** The page's address, e.g. http://127.0.0.1:8090/ */
  url: string;
  fake: FakeTelegram;
  app: App;
  chats: PlaygroundChat[];
  /** Stops the page, then the app, then the fake Telegram. Idempotent. */
  close(): Promise<void>;
}

export interface DemoPerson {
  id: number;
  firstName: string;
  languageCode: "ru" | "en";
}

/** Fixed ids: the writers keep their letters in the database from one run to the next. */
export const DEMO_WRITERS: readonly DemoPerson[] = [
  { id: 5_100_001, firstName: "Аня", languageCode: "ru" },
  { id: 5_100_002, firstName: "Ben", languageCode: "en" },
  { id: 5_100_003, firstName: "Катя", languageCode: "ru" },
];
export const DEMO_OPERATOR: DemoPerson = { id: 5_100_100, firstName: "Оля", languageCode: "ru" };
export const DEMO_GROUP = { id: -1_005_100_000_001, title: "Lifeline · операторы" } as const;
const BOT_ID = 6_000_000_001;

/** Migrates the database and loads the demo people when it has nobody yet. */
async function prepareDatabase(databaseUrl: string, logger: Logger): Promise<void> {
  const applied = await applyMigrations(databaseUrl);
  if (applied.length > 0) logger.info({ migrations: applied.length }, "playground database migrated");
  const prisma = createPrisma(databaseUrl);
  try {
    if ((await countPrisoners(prisma)) === 0) {
      const outcome = await seedDemoPrisoners(prisma);
      logger.info({ created: outcome.created }, "demo prisoners loaded");
    }
  } finally {
    await prisma.$disconnect();
  }
}

/**
 * The playground's own ENCRYPTION_KEY, made on its first start and kept in its storage dir so its
 * database stays readable across restarts. Demo data only: a real key never sits beside the data.
 */
function playgroundEncryptionKey(storageDir: string): string {
  const path = join(storageDir, "playground-encryption.key");
  if (existsSync(path)) return readFileSync(path, "utf8").trim();
  const key = generateKeyBase64();
  mkdirSync(storageDir, { recursive: true });
  writeFileSync(path, `${key}\n`, { mode: 0o600 });
  return key;
}

export async function startPlayground(opts: PlaygroundOptions): Promise<Playground> {
  const logLevel = opts.logLevel ?? "warn";
  const logger = opts.logger ?? createLogger(logLevel);
  await prepareDatabase(opts.databaseUrl, logger);

  // A fresh token each run: nothing real is ever authorised by it.
  const fake = await startFakeTelegram({
    token: `${BOT_ID}:${randomBytes(24).toString("base64url")}`,
    botUsername: "lifeline_playground_bot",
    botFirstName: "Lifeline",
  });
  const closers: Array<() => Promise<void>> = [() => fake.close()];
  const closeAll = async (): Promise<void> => {
    for (const close of closers.splice(0).reverse()) await close().catch((err: unknown) => logger.warn({ err }, "playground shutdown step failed"));
  };

  try {
    const group = fake.group({ id: DEMO_GROUP.id, title: DEMO_GROUP.title });
    const operator = fake.user({ id: DEMO_OPERATOR.id, firstName: DEMO_OPERATOR.firstName, languageCode: DEMO_OPERATOR.languageCode });
    group.setMemberStatus(operator, "administrator");
    const chats: PlaygroundChat[] = DEMO_WRITERS.map((person) => {
      const user = fake.user({ id: person.id, firstName: person.firstName, languageCode: person.languageCode });
      return {
        kind: "private" as const,
        user,
        view: { id: user.id, kind: "private" as const, title: fake.botInfo.first_name, persona: { id: person.id, name: person.firstName, languageCode: person.languageCode } },
      };
    });
    chats.push({
      kind: "group",
      group,
      operator,
      view: {
        id: group.id,
        kind: "group",
        title: DEMO_GROUP.title,
        persona: { id: operator.id, name: DEMO_OPERATOR.firstName, languageCode: DEMO_OPERATOR.languageCode },
      },
    });

    const config = loadConfig({
      BOT_TOKEN: fake.token,
      TELEGRAM_API_ROOT: fake.apiRoot,
      DATABASE_URL: opts.databaseUrl,
      REDIS_URL: opts.redisUrl,
      REDIS_PREFIX: opts.redisPrefix,
      STORAGE_DIR: opts.storageDir,
      LOG_LEVEL: logLevel,
      BOT_MODE: "polling",
      OPERATORS_CHAT_ID: String(group.id),
      ADMIN_IDS: String(operator.id),
      ENCRYPTION_KEY: playgroundEncryptionKey(opts.storageDir),
    });
    const app = await startApp(config, { roles: ["bot", "worker"], botInfo: fake.botInfo, logger });
    // The app stops before the fake, or its polling loop would log connection errors.
    closers.push(() => app.stop());

    const i18n = createI18n();
    const state: PlaygroundState = {
      bot: { name: fake.botInfo.first_name, username: fake.botInfo.username },
      chats: chats.map((c) => c.view),
      commands: Object.fromEntries(LOCALES.map((locale) => [locale, localizedCommands(i18n, locale)])),
    };
    const web = await startPlaygroundServer({ fake, chats, state, i18n, logger }, opts.host ?? "127.0.0.1", opts.port);
    closers.push(() => web.close());

    let closing: Promise<void> | undefined;
    return {
      url: web.url,
      fake,
      app,
      chats,
      close() {
        closing ??= closeAll();
        return closing;
      },
    };
  } catch (err) {
    await closeAll();
    throw err;
  }
}
