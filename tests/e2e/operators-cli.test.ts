import { afterAll, describe, expect, it, vi } from "vitest";
import { operatorsCommand } from "../../src/cli/commands/operators.js";
import { authorizeOperator } from "../../src/db/repositories/operators.js";
import { createTestPrisma, testDatabaseUrl, uniqueTelegramId } from "../helpers/db.js";

const prisma = createTestPrisma();
afterAll(async () => {
  await prisma.$disconnect();
});

describe("npm run cli -- operators", () => {
  it("adds, lists and removes operators; the database role is what authorizes", async () => {
    const id = uniqueTelegramId();
    const log = vi.spyOn(console, "log").mockImplementation(() => undefined);
    const error = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      expect(await operatorsCommand(["add", String(id), "--admin"], testDatabaseUrl())).toBe(0);
      expect(await authorizeOperator(prisma, id, [])).toMatchObject({ role: "admin" });
      expect(await operatorsCommand(["add", String(id)], testDatabaseUrl())).toBe(0);
      expect(await authorizeOperator(prisma, id, [])).toMatchObject({ role: "operator" });

      log.mockClear();
      expect(await operatorsCommand(["list"], testDatabaseUrl())).toBe(0);
      expect(log.mock.calls.flat().join("\n")).toMatch(new RegExp(`\\t${id}\\toperator`));

      expect(await operatorsCommand(["remove", String(id)], testDatabaseUrl())).toBe(0);
      expect(await authorizeOperator(prisma, id, [])).toBeNull();
      expect(await operatorsCommand(["remove", String(id)], testDatabaseUrl())).toBe(1);
      expect(await operatorsCommand(["add", "@someone"], testDatabaseUrl())).toBe(1);
      expect(error.mock.calls.flat().join("\n")).toContain("Usage: npm run cli -- operators");

      // ADMIN_IDS are administrators from the first start, without any command.
      const fromEnv = uniqueTelegramId();
      expect(await authorizeOperator(prisma, fromEnv, [fromEnv])).toMatchObject({ role: "admin" });
    } finally {
      log.mockRestore();
      error.mockRestore();
    }
  });
});
