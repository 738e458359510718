import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loadDemoPrisoners } from "../../src/db/seed.js";
import { isolatedDatabaseForSuite } from "../helpers/db.js";

const run = promisify(execFile);
const db = isolatedDatabaseForSuite();

const seed = () =>
  run(process.execPath, ["--import", "tsx", "src/cli/index.ts", "seed"], { env: { ...process.env, DATABASE_URL: db.url } });

describe("demo dataset", () => {
  it("is valid, fictional-looking and varied", async () => {
    const rows = await loadDemoPrisoners();
    expect(rows.length).toBeGreaterThanOrEqual(60);
    const unreachable = rows.filter((r) => !r.canReceiveLetters);
    expect(unreachable.length / rows.length).toBeGreaterThan(0.28);
    expect(unreachable.length / rows.length).toBeLessThan(0.4);
    expect(new Set(unreachable.map((r) => r.cannotReceiveReason))).toEqual(
      new Set(["no_address", "identity_protected", "asked_privacy", "released", "other"]),
    );
    expect(new Set(rows.map((r) => r.region)).size).toBeGreaterThanOrEqual(12);
    expect(new Set(rows.map((r) => r.professionEn)).size).toBeGreaterThanOrEqual(15);
    for (const view of ["anti-war", "faith", "journalists", "students", "artists"]) {
      expect(rows.some((r) => r.views.includes(view)), view).toBe(true);
    }
    const counts = rows.map((r) => r.lettersCount ?? 0);
    expect(counts.filter((c) => c === 0).length).toBeGreaterThanOrEqual(15);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(100);
    for (const r of rows) {
      expect(r.caseSummaryRu).toMatch(/[а-яё]/i);
      expect(r.caseSummaryEn).toMatch(/^[\x20-\x7e]+$/);
      expect(r.sentenceEn === null).toBe(r.sentenceRu === null);
      expect(r.postalAddress ?? "").not.toMatch(/ул\. (?!Примерная)/); // every street is the placeholder one
    }
    expect(new Set(rows.map((r) => r.externalId)).size).toBe(rows.length);
  });

  it("npm run db:seed loads it, and a second run changes nothing", async () => {
    const first = await seed();
    const rows = await loadDemoPrisoners();
    expect(first.stdout.trim()).toBe(`Demo prisoners: ${rows.length} created, 0 updated, 0 unchanged.`);
    expect(await db.prisma.prisoner.count()).toBe(rows.length);
    const waiting = await db.prisma.prisoner.count({ where: { canReceiveLetters: true, lettersCount: 0 } });
    expect(waiting).toBeGreaterThan(0);

    const second = await seed();
    expect(second.stdout.trim()).toBe(`Demo prisoners: 0 created, 0 updated, ${rows.length} unchanged.`);
    expect(await db.prisma.prisoner.count()).toBe(rows.length);
  });
});
