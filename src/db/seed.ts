import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { PrismaClient } from "../generated/prisma/client.js";
import { prisonerRecordSchema } from "../domain/prisoner-record.js";
import type { PrisonerInput } from "../domain/prisoner-record.js";
import { upsertPrisoners } from "./repositories/prisoners.js";
import type { PrisonerUpsertResult } from "./repositories/prisoners.js";

export const DEMO_PRISONERS_FILE = fileURLToPath(new URL("../../prisma/seed/demo-prisoners.json", import.meta.url));

/** Reads and validates the demo dataset (format: prisma/seed/README.md). */
export async function loadDemoPrisoners(file: string = DEMO_PRISONERS_FILE): Promise<PrisonerInput[]> {
  const doc = JSON.parse(await readFile(file, "utf8")) as unknown;
  const records = Array.isArray(doc) ? doc : (doc as { prisoners?: unknown } | null)?.prisoners;
  if (!Array.isArray(records)) throw new Error(`${file}: expected an array of prisoners or { "prisoners": [...] }`);
  return records.map((record, i) => {
    const parsed = prisonerRecordSchema.safeParse(record);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new Error(`${file}: prisoner #${i + 1}: ${issue?.path.join(".") ?? ""} ${issue?.message ?? "is invalid"}`);
    }
    return parsed.data;
  });
}

/** Upserts the demo prisoners in one transaction; running it again changes nothing. */
export async function seedDemoPrisoners(prisma: PrismaClient, file?: string): Promise<PrisonerUpsertResult> {
  const rows = await loadDemoPrisoners(file);
  return prisma.$transaction((tx) => upsertPrisoners(tx, rows), { timeout: 60_000 });
}
