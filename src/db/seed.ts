import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { PrismaClient } from "../generated/prisma/client.js";
import { parsePrisonerFile } from "../domain/prisoner-import.js";
import type { PrisonerInput } from "../domain/prisoner-record.js";
import { applyPrisonerImport, type PrisonerImportOutcome } from "./repositories/prisoner-import.js";

export const DEMO_PRISONERS_FILE = fileURLToPath(new URL("../../prisma/seed/demo-prisoners.json", import.meta.url));

/**
 * Reads and validates the demo dataset with the prisoner importer's parser (format:
 * docs/prisoner-import.md); throws with every problem listed by line.
 */
export async function loadDemoPrisoners(file: string = DEMO_PRISONERS_FILE): Promise<PrisonerInput[]> {
  const parsed = parsePrisonerFile(await readFile(file), file);
  if (parsed.errors.length > 0) {
    throw new Error(parsed.errors.map((e) => `${file}${e.line > 0 ? `:${e.line}` : ""}: ${e.message}`).join("\n"));
  }
  return parsed.rows.map((r) => r.record);
}

/** Imports the demo prisoners exactly like `prisoners import` (one transaction); running it again changes nothing. */
export async function seedDemoPrisoners(prisma: PrismaClient, file?: string): Promise<PrisonerImportOutcome> {
  return applyPrisonerImport(prisma, await loadDemoPrisoners(file));
}
