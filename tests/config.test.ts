import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig, loadDotEnv, redactUrl } from "../src/config.js";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

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
  it("needs only BOT_TOKEN and fills documented defaults", () => {
    const config = loadConfig({ BOT_TOKEN: TOKEN });
    expect(config).toEqual({
      botToken: TOKEN,
      telegramApiRoot: "https://api.telegram.org",
      databaseUrl: "postgresql://postgres@127.0.0.1:5432/lifeline",
      redisUrl: "redis://127.0.0.1:6379",
      redisPrefix: "lifeline",
      bot: { mode: "polling" },
      operatorsChatId: undefined,
      adminIds: [],
      storageDir: resolve("./data"),
      logLevel: "info",
      orgReturnAddress: undefined,
    });
  });

  it("reads every variable", () => {
    const config = loadConfig({
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: "http://127.0.0.1:8081/",
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
    });
    expect(config.telegramApiRoot).toBe("http://127.0.0.1:8081");
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
  });

  it("treats empty values as unset (a copied .env.example)", () => {
    expect(errorOf({ BOT_TOKEN: "", LOG_LEVEL: "" })).toMatch(/^Invalid configuration: BOT_TOKEN is missing: .*@BotFather/);
    expect(loadConfig({ BOT_TOKEN: TOKEN, LOG_LEVEL: " ", ADMIN_IDS: "" }).logLevel).toBe("info");
  });

  it.each([
    [{ BOT_TOKEN: "not-a-token" }, /BOT_TOKEN does not look like a bot token/],
    [{ DATABASE_URL: "mysql://localhost/x" }, /DATABASE_URL is not a postgresql:\/\/ URL: set it to a PostgreSQL URL/],
    [{ DATABASE_URL: "::::" }, /DATABASE_URL is not a postgresql:\/\/ URL/],
    [{ DATABASE_URL: "postgresql://localhost" }, /DATABASE_URL names no database/],
    [{ REDIS_URL: "http://x" }, /REDIS_URL is not a redis:\/\/ URL/],
    [{ TELEGRAM_API_ROOT: "ftp://x" }, /TELEGRAM_API_ROOT is not an http\(s\) URL/],
    [{ REDIS_PREFIX: "a b" }, /REDIS_PREFIX has characters/],
    [{ BOT_MODE: "push" }, /BOT_MODE is not polling or webhook: set it to polling or webhook/],
    [{ OPERATORS_CHAT_ID: "12345" }, /OPERATORS_CHAT_ID must be negative/],
    [{ OPERATORS_CHAT_ID: "-12x" }, /OPERATORS_CHAT_ID is not an integer/],
    [{ ADMIN_IDS: "1,-2" }, /ADMIN_IDS must be positive integers/],
    [{ ADMIN_IDS: "1;2" }, /ADMIN_IDS must be positive integers/],
    [{ LOG_LEVEL: "verbose" }, /LOG_LEVEL is not a log level: set it to one of fatal, error/],
  ])("rejects %o with one line naming the variable", (env, expected) => {
    expect(errorOf({ BOT_TOKEN: TOKEN, ...env })).toMatch(expected);
  });

  it("requires WEBHOOK_URL, WEBHOOK_SECRET and PORT in webhook mode only", () => {
    const message = errorOf({ BOT_TOKEN: TOKEN, BOT_MODE: "webhook" });
    expect(message).toContain("WEBHOOK_URL is missing");
    expect(message).toContain("WEBHOOK_SECRET is missing");
    expect(message).toContain("PORT is missing");
    expect(loadConfig({ BOT_TOKEN: TOKEN, BOT_MODE: "polling", PORT: "nonsense" }).bot).toEqual({ mode: "polling" });
  });

  it("checks the webhook secret against Telegram's charset and length", () => {
    const webhook = { BOT_TOKEN: TOKEN, BOT_MODE: "webhook", WEBHOOK_URL: "https://x.org/hook", PORT: "8080" };
    expect(errorOf({ ...webhook, WEBHOOK_SECRET: "has space" })).toMatch(/WEBHOOK_SECRET is not allowed by Telegram/);
    expect(errorOf({ ...webhook, WEBHOOK_SECRET: "a".repeat(257) })).toMatch(/WEBHOOK_SECRET/);
    expect(loadConfig({ ...webhook, WEBHOOK_SECRET: "a".repeat(256) }).bot.mode).toBe("webhook");
    expect(errorOf({ ...webhook, WEBHOOK_SECRET: "ok", PORT: "70000" })).toMatch(/PORT is not a port number/);
    expect(errorOf({ ...webhook, WEBHOOK_SECRET: "ok", WEBHOOK_URL: "bot.example.org" })).toMatch(/WEBHOOK_URL is not an http\(s\) URL/);
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
