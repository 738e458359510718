import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, loadDotEnv, redactUrl } from "../src/config.js";
import { encryptText, generateKeyBase64, parseKeyring } from "../src/privacy/cipher.js";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";
const KEY = generateKeyBase64();
/** The variables without defaults. */
const REQUIRED = { BOT_TOKEN: TOKEN, ENCRYPTION_KEY: KEY };

function errorOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    const message = (err as Error).message;
    expect(message).not.toContain("\n");
    return message;
  }
  throw new Error("expected a ConfigError");
}

describe("loadConfig", () => {
  it("needs only BOT_TOKEN and ENCRYPTION_KEY and fills documented defaults", () => {
    const { keyring, ...config } = loadConfig(REQUIRED);
    expect(keyring.current.id).toBe(parseKeyring(KEY).current.id);
    expect(config).toEqual({
      botToken: TOKEN,
      telegramApiRoot: "https://api.telegram.org",
      telegramStartupTimeoutSeconds: 30,
      databaseUrl: "postgresql://postgres@127.0.0.1:5432/lifeline",
      redisUrl: "redis://127.0.0.1:6379",
      redisPrefix: "lifeline",
      bot: { mode: "polling" },
      operatorsChatId: undefined,
      adminIds: [],
      storageDir: resolve("./data"),
      logLevel: "info",
      orgReturnAddress: undefined,
      printerName: undefined,
      flood: { messagesPerMinute: 60, uploadsPerHour: 100 },
      retentionDays: 90,
      translateBeforeDelivering: false,
      operatorsLanguage: "ru",
    });
  });

  it("reads every variable", () => {
    const config = loadConfig({
      ...REQUIRED,
      TELEGRAM_API_ROOT: "http://127.0.0.1:8081/",
      TELEGRAM_STARTUP_TIMEOUT: "120",
      DATABASE_URL: "postgres://u:p@db:5432/x",
      REDIS_URL: "rediss://cache:6380/2",
      REDIS_PREFIX: "ll-test",
      BOT_MODE: "webhook",
      WEBHOOK_URL: "https://bot.example.org/telegram",
      WEBHOOK_SECRET: "s3cr3t_-X",
      PORT: "8443",
      OPERATORS_CHAT_ID: "-1001234567890",
      ADMIN_IDS: " 11, 22,11 ",
      STORAGE_DIR: "/var/lib/lifeline",
      LOG_LEVEL: "debug",
      ORG_RETURN_ADDRESS: "Lifeline\\nPO Box 1\\nBerlin",
      RETENTION_DAYS: "3650",
      TRANSLATE_BEFORE_DELIVERING: "true",
      OPERATORS_LANGUAGE: "en",
    });
    expect(config.telegramApiRoot).toBe("http://127.0.0.1:8081");
    expect(config.telegramStartupTimeoutSeconds).toBe(120);
    expect(config.bot).toEqual({
      mode: "webhook",
      webhookUrl: "https://bot.example.org/telegram",
      webhookSecret: "s3cr3t_-X",
      port: 8443,
    });
    expect(config.operatorsChatId).toBe(-1001234567890);
    expect(config.adminIds).toEqual([11, 22]);
    expect(config.storageDir).toBe("/var/lib/lifeline");
    expect(config.logLevel).toBe("debug");
    expect(config.redisPrefix).toBe("ll-test");
    expect(config.orgReturnAddress).toBe("Lifeline\nPO Box 1\nBerlin");
    expect(config.retentionDays).toBe(3650);
    expect(config.translateBeforeDelivering).toBe(true);
    expect(config.operatorsLanguage).toBe("en");
  });

  it("treats empty values as unset (a copied .env.example)", () => {
    expect(errorOf({ BOT_TOKEN: "", LOG_LEVEL: "" })).toMatch(/^Invalid configuration: BOT_TOKEN is missing: .*@BotFather/);
    expect(loadConfig({ ...REQUIRED, LOG_LEVEL: " ", ADMIN_IDS: "" }).logLevel).toBe("info");
  });

  it.each([
    [{ BOT_TOKEN: "not-a-token" }, /BOT_TOKEN does not look like a bot token/],
    [{ DATABASE_URL: "mysql://localhost/x" }, /DATABASE_URL is not a postgresql:\/\/ URL: set it to a PostgreSQL URL/],
    [{ DATABASE_URL: "::::" }, /DATABASE_URL is not a postgresql:\/\/ URL/],
    [{ DATABASE_URL: "postgresql://localhost" }, /DATABASE_URL names no database/],
    [{ REDIS_URL: "http://x" }, /REDIS_URL is not a redis:\/\/ URL/],
    [{ TELEGRAM_API_ROOT: "ftp://x" }, /TELEGRAM_API_ROOT is not an http\(s\) URL/],
    [{ REDIS_PREFIX: "a b" }, /REDIS_PREFIX has characters/],
    [{ OPERATORS_LANGUAGE: "de" }, /OPERATORS_LANGUAGE is not ru or en: set it to ru or en/],
    [{ TELEGRAM_STARTUP_TIMEOUT: "0" }, /TELEGRAM_STARTUP_TIMEOUT is out of range: set it to a number of seconds/],
    [{ TELEGRAM_STARTUP_TIMEOUT: "30s" }, /TELEGRAM_STARTUP_TIMEOUT is not an integer/],
    [{ FLOOD_MESSAGES_PER_MINUTE: "2" }, /FLOOD_MESSAGES_PER_MINUTE is out of range: set it to a whole number between 5 and 10000/],
    [{ UPLOADS_PER_HOUR: "many" }, /UPLOADS_PER_HOUR is not an integer: set it to a whole number/],
    [{ RETENTION_DAYS: "0" }, /RETENTION_DAYS is out of range: set it to a whole number of days between 1 and 3650/],
    [{ RETENTION_DAYS: "3651" }, /RETENTION_DAYS is out of range/],
    [{ RETENTION_DAYS: "90d" }, /RETENTION_DAYS is not an integer: set it to a whole number of days/],
    [{ TRANSLATE_BEFORE_DELIVERING: "sometimes" }, /TRANSLATE_BEFORE_DELIVERING is not true or false: set it to true or false/],
    [{ BOT_MODE: "push" }, /BOT_MODE is not polling or webhook: set it to polling or webhook/],
    [{ OPERATORS_CHAT_ID: "12345" }, /OPERATORS_CHAT_ID must be negative/],
    [{ OPERATORS_CHAT_ID: "-12x" }, /OPERATORS_CHAT_ID is not an integer/],
    [{ ADMIN_IDS: "1,-2" }, /ADMIN_IDS must be positive integers/],
    [{ ADMIN_IDS: "1;2" }, /ADMIN_IDS must be positive integers/],
    [{ LOG_LEVEL: "verbose" }, /LOG_LEVEL is not a log level: set it to one of fatal, error/],
  ])("rejects %o with one line naming the variable", (env, expected) => {
    expect(errorOf({ ...REQUIRED, ...env })).toMatch(expected);
  });

  it("requires WEBHOOK_URL, WEBHOOK_SECRET and PORT in webhook mode only", () => {
    const message = errorOf({ ...REQUIRED, BOT_MODE: "webhook" });
    expect(message).toContain("WEBHOOK_URL is missing");
    expect(message).toContain("WEBHOOK_SECRET is missing");
    expect(message).toContain("PORT is missing");
    expect(loadConfig({ ...REQUIRED, BOT_MODE: "polling", PORT: "nonsense" }).bot).toEqual({ mode: "polling" });
  });

  it("checks the webhook secret against Telegram's charset and length", () => {
    const webhook = { ...REQUIRED, BOT_MODE: "webhook", WEBHOOK_URL: "https://x.org/hook", PORT: "8080" };
    expect(errorOf({ ...webhook, WEBHOOK_SECRET: "has space" })).toMatch(/WEBHOOK_SECRET is not allowed by Telegram/);
    expect(errorOf({ ...webhook, WEBHOOK_SECRET: "a".repeat(257) })).toMatch(/WEBHOOK_SECRET/);
    expect(loadConfig({ ...webhook, WEBHOOK_SECRET: "a".repeat(256) }).bot.mode).toBe("webhook");
    expect(errorOf({ ...webhook, WEBHOOK_SECRET: "ok", PORT: "70000" })).toMatch(/PORT is not a port number/);
    expect(errorOf({ ...webhook, WEBHOOK_SECRET: "ok", WEBHOOK_URL: "bot.example.org" })).toMatch(/WEBHOOK_URL is not an http\(s\) URL/);
  });

  it("requires ENCRYPTION_KEY and says how to make one", () => {
    expect(errorOf({ BOT_TOKEN: TOKEN })).toBe(
      "Invalid configuration: ENCRYPTION_KEY is missing: make one with `openssl rand -base64 32` and keep it safe: without it the letters cannot be read",
    );
    expect(errorOf({ BOT_TOKEN: TOKEN, ENCRYPTION_KEY: " " })).toMatch(/^Invalid configuration: ENCRYPTION_KEY is missing/);
  });

  it("refuses a malformed ENCRYPTION_KEY or previous key with one line, never echoing it", () => {
    const short = Buffer.alloc(16, 1).toString("base64");
    const message = errorOf({ BOT_TOKEN: TOKEN, ENCRYPTION_KEY: short });
    expect(message).toBe("Invalid configuration: ENCRYPTION_KEY is not 32 bytes in base64: make one with `openssl rand -base64 32`");
    expect(message).not.toContain(short);
    expect(errorOf({ ...REQUIRED, ENCRYPTION_PREVIOUS_KEYS: `${generateKeyBase64()},zz` })).toMatch(
      /ENCRYPTION_PREVIOUS_KEYS \(key 2\) is not 32 bytes/,
    );
  });

  it("decrypts with ENCRYPTION_PREVIOUS_KEYS and encrypts with ENCRYPTION_KEY", () => {
    const old = generateKeyBase64();
    const stored = encryptText(parseKeyring(old), "письмо");
    const { keyring } = loadConfig({ ...REQUIRED, ENCRYPTION_PREVIOUS_KEYS: ` ${old} , ` });
    expect(keyring.current.id).toBe(parseKeyring(KEY).current.id);
    expect(keyring.byId(parseKeyring(old).current.id)).toBeDefined();
    expect(keyring.byId(parseKeyring(old).current.id)?.key.equals(Buffer.from(old, "base64"))).toBe(true);
    expect(stored).not.toContain("письмо");
  });

  it("never echoes secret values in the message", () => {
    const message = errorOf({ BOT_TOKEN: "secret-value-123", DATABASE_URL: "mysql://user:hunter2@x/y" });
    expect(message).not.toContain("secret-value-123");
    expect(message).not.toContain("hunter2");
    expect(message).toMatch(/BOT_TOKEN .*; DATABASE_URL /);
  });
});

describe("loadDotEnv", () => {
  it("loads a .env file without overriding variables already set", () => {
    const dir = mkdtempSync(join(tmpdir(), "lifeline-env-"));
    const file = join(dir, ".env");
    writeFileSync(file, "LIFELINE_TEST_A=from-file\nLIFELINE_TEST_B=from-file\n");
    process.env.LIFELINE_TEST_B = "from-env";
    loadDotEnv(file);
    expect(process.env.LIFELINE_TEST_A).toBe("from-file");
    expect(process.env.LIFELINE_TEST_B).toBe("from-env");
    delete process.env.LIFELINE_TEST_A;
    delete process.env.LIFELINE_TEST_B;
    expect(() => loadDotEnv(join(dir, "missing.env"))).not.toThrow();
  });

  it("redacts passwords in URLs", () => {
    expect(redactUrl("redis://:pw@host:6379")).toBe("redis://:***@host:6379");
  });
});
