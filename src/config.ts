import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { z } from "zod";
import { KeyFormatError, parseKeyring, type Keyring } from "./privacy/cipher.js";

export const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type BotModeConfig =
  | { mode: "polling" }
  | { mode: "webhook"; webhookUrl: string; webhookSecret: string; port: number };

export interface Config {
  botToken: string;
  /** Bot API root without a trailing slash; also used for file downloads. */
  telegramApiRoot: string;
  /** How long the start-up Bot API calls may keep failing before the start gives up. */
  telegramStartupTimeoutSeconds: number;
  databaseUrl: string;
  redisUrl: string;
  /** Prefix of every Redis key this service writes (sessions, conversations, queues). */
  redisPrefix: string;
  bot: BotModeConfig;
  /** The initial operators' group chat; a group bound from Telegram (/setup) wins over it (src/setup/operators-chat.ts). */
  operatorsChatId: number | undefined;
  adminIds: number[];
  /** Absolute path. */
  storageDir: string;
  logLevel: LogLevel;
  /** Printed on letters as the sender's address; lines separated by "\n". */
  orgReturnAddress: string | undefined;
  /** CUPS printer for print batches (`lp -d`); undefined sends batches to the operators' chat as PDF. */
  printerName: string | undefined;
  /** Per-person flood limits (src/bot/flood.ts). */
  flood: { messagesPerMinute: number; uploadsPerHour: number };
  /** Days a posted letter's text and pages, and a delivered reply's scans, are kept (src/workers/retention.ts). */
  retentionDays: number;
  /** Replies for writers who read no Russian wait for the operators' translation and go with it (else the scans go at once, the translation after). */
  translateBeforeDelivering: boolean;
  /** The operators' chat's language for what is posted to everyone (cards, summaries); each operator may pick their own with /lang. */
  operatorsLanguage: "ru" | "en";
  /** ENCRYPTION_KEY encrypts; ENCRYPTION_PREVIOUS_KEYS only decrypt, until `keys rotate` has run. */
  keyring: Keyring;
}

/** A bad environment: `message` is one line naming the variable and how to fix it. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

// One fix-it hint per variable, so every message tells the admin what to do.
const HINTS: Record<string, string> = {
  BOT_TOKEN: "set it to the token @BotFather gave you, like 123456789:AAE...",
  TELEGRAM_API_ROOT: "set it to an http(s) URL such as https://api.telegram.org, or remove it",
  TELEGRAM_STARTUP_TIMEOUT: "set it to a number of seconds between 1 and 3600 (default 30), or remove it",
  DATABASE_URL: "set it to a PostgreSQL URL such as postgresql://postgres@127.0.0.1:5432/lifeline",
  REDIS_URL: "set it to a Redis URL such as redis://127.0.0.1:6379",
  REDIS_PREFIX: "use letters, digits, '.', '_' or '-' (default lifeline)",
  BOT_MODE: "set it to polling or webhook",
  WEBHOOK_URL: "in webhook mode set it to the public URL Telegram posts to, like https://bot.example.org/telegram",
  WEBHOOK_SECRET: "in webhook mode set it to 1-256 characters from A-Z, a-z, 0-9, _ and -",
  PORT: "in webhook mode set it to the port to listen on (1-65535)",
  OPERATORS_CHAT_ID: "set it to the operators' group chat id, a negative number like -1001234567890, or remove it",
  ADMIN_IDS: "set it to comma-separated Telegram user ids like 11111111,22222222, or remove it",
  STORAGE_DIR: "set it to a writable directory, or remove it to use ./data",
  LOG_LEVEL: `set it to one of ${LOG_LEVELS.join(", ")}`,
  ORG_RETURN_ADDRESS: "set it to the organisation's postal address, lines separated by \\n",
  ENCRYPTION_KEY: "make one with `openssl rand -base64 32` and keep it safe: without it the letters cannot be read",
  ENCRYPTION_PREVIOUS_KEYS: "set it to the comma-separated older keys (base64 of 32 bytes each), or remove it",
  RETENTION_DAYS: "set it to a whole number of days between 1 and 3650 (default 90), or remove it",
  FLOOD_MESSAGES_PER_MINUTE: "set it to a whole number between 5 and 10000 (default 60), or remove it",
  UPLOADS_PER_HOUR: "set it to a whole number between 1 and 10000 (default 100), or remove it",
  TRANSLATE_BEFORE_DELIVERING: "set it to true or false (default false), or remove it",
  OPERATORS_LANGUAGE: "set it to ru or en (default ru), or remove it",
  PRINTER_NAME: "set it to a CUPS printer name as `lpstat -p` lists it (letters, digits, '.', '_', '-'), or remove it",
};

const urlWithProtocols = (protocols: string[], message: string) =>
  z.string().refine((value) => {
    try {
      const url = new URL(value);
      return protocols.includes(url.protocol) && url.hostname !== "";
    } catch {
      return false;
    }
  }, { error: message, abort: true });

const intString = z.string().regex(/^-?\d{1,16}$/, "is not an integer").transform(Number);

const base = z.object({
  BOT_TOKEN: z
    .string({ error: "is missing" })
    .regex(/^\d+:[A-Za-z0-9_-]{20,}$/, "does not look like a bot token"),
  TELEGRAM_API_ROOT: urlWithProtocols(["http:", "https:"], "is not an http(s) URL")
    .default("https://api.telegram.org")
    .transform((value) => value.replace(/\/+$/, "")),
  TELEGRAM_STARTUP_TIMEOUT: intString.refine((s) => s >= 1 && s <= 3600, "is out of range").default(30),
  DATABASE_URL: urlWithProtocols(["postgresql:", "postgres:"], "is not a postgresql:// URL")
    .default("postgresql://postgres@127.0.0.1:5432/lifeline")
    .refine((value) => new URL(value).pathname.length > 1, "names no database"),
  REDIS_URL: urlWithProtocols(["redis:", "rediss:"], "is not a redis:// URL").default("redis://127.0.0.1:6379"),
  REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,64}$/, "has characters other than letters, digits, '.', '_' and '-'")
    .default("lifeline"),
  OPERATORS_CHAT_ID: intString
    .refine((id) => id < 0, "must be negative (group chat ids are)")
    .optional(),
  ADMIN_IDS: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((part) => part.trim()).filter((part) => part !== ""))
    .refine((ids) => ids.every((id) => /^[1-9]\d{0,15}$/.test(id)), "must be positive integers")
    .transform((ids) => [...new Set(ids.map(Number))]),
  STORAGE_DIR: z.string().default("./data").transform((dir) => resolve(dir)),
  LOG_LEVEL: z.enum(LOG_LEVELS, { error: "is not a log level" }).default("info"),
  FLOOD_MESSAGES_PER_MINUTE: intString.refine((n) => n >= 5 && n <= 10_000, "is out of range").default(60),
  UPLOADS_PER_HOUR: intString.refine((n) => n >= 1 && n <= 10_000, "is out of range").default(100),
  RETENTION_DAYS: intString.refine((days) => days >= 1 && days <= 3650, "is out of range").default(90),
  TRANSLATE_BEFORE_DELIVERING: z
    .enum(["true", "false", "1", "0", "yes", "no"], { error: "is not true or false" })
    .default("false")
    .transform((value) => value === "true" || value === "1" || value === "yes"),
  OPERATORS_LANGUAGE: z.enum(["ru", "en"], { error: "is not ru or en" }).default("ru"),
  PRINTER_NAME: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,127}$/, "is not a CUPS printer name")
    .optional(),
  ORG_RETURN_ADDRESS: z
    .string()
    .optional()
    .transform((value) => value?.replace(/\\n/g, "\n").trim() || undefined),
  ENCRYPTION_KEY: z.string({ error: "is missing" }),
  ENCRYPTION_PREVIOUS_KEYS: z
    .string()
    .default("")
    .transform((value) => value.split(",").map((part) => part.trim()).filter((part) => part !== "")),
});

const mode = z.discriminatedUnion(
  "BOT_MODE",
  [
    z.object({ BOT_MODE: z.literal("polling") }),
    z.object({
      BOT_MODE: z.literal("webhook"),
      WEBHOOK_URL: urlWithProtocols(["http:", "https:"], "is not an http(s) URL"),
      WEBHOOK_SECRET: z
        .string({ error: "is missing" })
        .regex(/^[A-Za-z0-9_-]{1,256}$/, "is not allowed by Telegram"),
      PORT: intString.refine((port) => port >= 1 && port <= 65535, "is not a port number"),
    }),
  ],
  { error: "is not polling or webhook" },
);

const schema = z.intersection(
  base,
  z.preprocess(
    (env) => ({ BOT_MODE: "polling", ...(env as Record<string, unknown>) }),
    mode,
  ),
);

function describe(issue: z.core.$ZodIssue): string {
  const variable = String(issue.path[0] ?? (issue.code === "invalid_union" ? "BOT_MODE" : "environment"));
  const problem = issue.code === "invalid_type" ? "is missing" : issue.message;
  const hint = HINTS[variable];
  return `${variable} ${problem}${hint ? `: ${hint}` : ""}`;
}

/**
 * Parses the environment once. Empty values count as unset, so a copied .env.example with
 * `BOT_TOKEN=` reads as "missing" rather than "malformed".
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== "") cleaned[key] = value.trim();
  }
  const parsed = schema.safeParse(cleaned);
  if (!parsed.success) {
    // One line, however many problems: the admin sees everything to fix at once.
    const problems = [...new Set(parsed.error.issues.map(describe))];
    throw new ConfigError(`Invalid configuration: ${problems.join("; ")}`);
  }
  const e = parsed.data;
  return {
    botToken: e.BOT_TOKEN,
    telegramApiRoot: e.TELEGRAM_API_ROOT,
    telegramStartupTimeoutSeconds: e.TELEGRAM_STARTUP_TIMEOUT,
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    redisPrefix: e.REDIS_PREFIX,
    bot:
      e.BOT_MODE === "webhook"
        ? { mode: "webhook", webhookUrl: e.WEBHOOK_URL, webhookSecret: e.WEBHOOK_SECRET, port: e.PORT }
        : { mode: "polling" },
    operatorsChatId: e.OPERATORS_CHAT_ID,
    adminIds: e.ADMIN_IDS,
    storageDir: e.STORAGE_DIR,
    logLevel: e.LOG_LEVEL,
    orgReturnAddress: e.ORG_RETURN_ADDRESS,
    printerName: e.PRINTER_NAME,
    flood: { messagesPerMinute: e.FLOOD_MESSAGES_PER_MINUTE, uploadsPerHour: e.UPLOADS_PER_HOUR },
    retentionDays: e.RETENTION_DAYS,
    translateBeforeDelivering: e.TRANSLATE_BEFORE_DELIVERING,
    operatorsLanguage: e.OPERATORS_LANGUAGE,
    keyring: keyringFrom(e.ENCRYPTION_KEY, e.ENCRYPTION_PREVIOUS_KEYS),
  };
}

function keyringFrom(current: string, previous: string[]): Keyring {
  try {
    return parseKeyring(current, previous);
  } catch (err) {
    if (!(err instanceof KeyFormatError)) throw err;
    throw new ConfigError(`Invalid configuration: ${err.message}`);
  }
}

/** Loads `.env` from `path` into process.env when the file exists; set variables win. */
export function loadDotEnv(path = ".env"): void {
  if (existsSync(path)) process.loadEnvFile(path);
}

/** The URL with any password replaced, safe for logs and error messages. */
export function redactUrl(value: string): string {
  try {
    const url = new URL(value);
    if (url.password) url.password = "***";
    return url.toString();
  } catch {
    return "(unparseable URL)";
  }
}
