// The one source of the operators' chat: precedence, group upgrades, and two processes agreeing.
import { describe, expect, it } from "vitest";
import { claimNotice, releaseNotice } from "../../src/db/repositories/settings.js";
import { createLogger } from "../../src/logger.js";
import { createOperatorsChat } from "../../src/setup/operators-chat.js";
import { isolatedDatabaseForSuite } from "../helpers/db.js";

const db = isolatedDatabaseForSuite();
const logger = createLogger("silent");

describe("operators' chat", () => {
  it("OPERATORS_CHAT_ID until a group is bound in Telegram; then the binding wins, also in another process", async () => {
    const botProcess = createOperatorsChat({ prisma: db.prisma, envChatId: -100111, logger, ttlMs: 200 });
    const workerProcess = createOperatorsChat({ prisma: db.prisma, envChatId: -100111, logger, ttlMs: 200 });
    expect(await botProcess.info()).toMatchObject({ chatId: -100111, source: "env" });
    expect(await workerProcess.id()).toBe(-100111);

    expect(await botProcess.bind(-100222, 42)).toEqual({ previous: -100111 });
    // The binding process sees it at once; another process within its short cache time.
    expect(await botProcess.info()).toMatchObject({ chatId: -100222, source: "telegram", binding: { boundBy: 42 } });
    await expect.poll(() => workerProcess.id(), { timeout: 2_000, interval: 50 }).toBe(-100222);
  });

  it("follows a group upgrade only for the operators' chat itself", async () => {
    const chat = createOperatorsChat({ prisma: db.prisma, envChatId: undefined, logger });
    await chat.bind(-400333, 7);
    expect(await chat.migrate(-400999, -100400999)).toBe(false);
    expect(await chat.id()).toBe(-400333);
    expect(await chat.migrate(-400333, -100400333)).toBe(true);
    expect(await chat.info()).toMatchObject({ chatId: -100400333, binding: { migratedFrom: -400333, boundBy: 7 } });
    // The second service message of the same upgrade changes nothing.
    expect(await chat.migrate(-400333, -100400333)).toBe(false);
  });

  it("a notice is claimed by exactly one of many concurrent callers, and can be re-armed", async () => {
    const claims = await Promise.all(Array.from({ length: 8 }, () => claimNotice(db.prisma, "test-notice")));
    expect(claims.filter(Boolean)).toHaveLength(1);
    await releaseNotice(db.prisma, "test-notice");
    expect(await claimNotice(db.prisma, "test-notice")).toBe(true);
  });
});
