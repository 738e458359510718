import type { Prisoner } from "../../generated/prisma/client.js";
import { searchNameFor } from "../../domain/names.js";
import type { PrisonerInput } from "../../domain/prisoner-record.js";
import type { Db } from "../client.js";

export type { Prisoner, PrisonerInput };

/** The fields an import may change (lettersCount is Lifeline's own and only seeds a new row). */
export const PRISONER_DATA_FIELDS = [
  "lastName",
  "firstName",
  "patronymic",
  "lastNameLatin",
  "firstNameLatin",
  "patronymicLatin",
  "birthDate",
  "region",
  "regionEn",
  "facilityName",
  "postalAddress",
  "canReceiveLetters",
  "cannotReceiveReason",
  "releasedAt",
  "caseSummaryRu",
  "caseSummaryEn",
  "articles",
  "sentenceRu",
  "sentenceEn",
  "inCustodySince",
  "interests",
  "views",
  "professionRu",
  "professionEn",
] as const satisfies readonly (keyof PrisonerInput & keyof Prisoner)[];
export type PrisonerDataField = (typeof PRISONER_DATA_FIELDS)[number];

export type PrisonerUpsertChange =
  | { kind: "created"; externalId: string; prisoner: Prisoner }
  | {
      kind: "updated";
      externalId: string;
      prisoner: Prisoner;
      /** The row before the update: compare to tell a release, a transfer or a new "cannot receive". */
      previous: Prisoner;
      changedFields: PrisonerDataField[];
    };

export interface PrisonerUpsertResult {
  created: number;
  updated: number;
  unchanged: number;
  changes: PrisonerUpsertChange[];
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => v === b[i]);
  }
  return (a ?? null) === (b ?? null);
}

function dataOf(row: PrisonerInput) {
  const data = Object.fromEntries(PRISONER_DATA_FIELDS.map((f) => [f, row[f]])) as Pick<PrisonerInput, PrisonerDataField>;
  return { ...data, searchName: searchNameFor(row) };
}

/**
 * Inserts new prisoners and updates changed ones, matched by externalId. Unchanged rows are not
 * written at all, so re-importing the same file does nothing. Pass a transaction for all-or-nothing.
 */
export async function upsertPrisoners(db: Db, rows: readonly PrisonerInput[]): Promise<PrisonerUpsertResult> {
  const ids = rows.map((r) => r.externalId);
  if (new Set(ids).size !== ids.length) throw new Error("upsertPrisoners: duplicate externalId in the input");
  const existing = new Map(
    (await db.prisoner.findMany({ where: { externalId: { in: ids } } })).map((p) => [p.externalId, p]),
  );
  const result: PrisonerUpsertResult = { created: 0, updated: 0, unchanged: 0, changes: [] };
  const fresh = rows.filter((r) => !existing.has(r.externalId));
  if (fresh.length > 0) {
    // One statement for all new rows: an initial import of thousands stays fast.
    const created = await db.prisoner.createManyAndReturn({
      data: fresh.map((row) => ({ ...dataOf(row), externalId: row.externalId, lettersCount: row.lettersCount ?? 0 })),
    });
    for (const prisoner of created) {
      result.changes.push({ kind: "created", externalId: prisoner.externalId, prisoner });
    }
    result.created = created.length;
  }
  for (const row of rows) {
    const previous = existing.get(row.externalId);
    if (!previous) continue;
    const data = dataOf(row);
    const changedFields = PRISONER_DATA_FIELDS.filter((f) => !sameValue(previous[f], row[f]));
    if (changedFields.length === 0 && previous.searchName === data.searchName) {
      result.unchanged++;
      continue;
    }
    const patch = Object.fromEntries(changedFields.map((f) => [f, data[f]]));
    const prisoner = await db.prisoner.update({
      where: { id: previous.id },
      data: { ...patch, searchName: data.searchName },
    });
    result.updated++;
    result.changes.push({ kind: "updated", externalId: row.externalId, prisoner, previous, changedFields });
  }
  return result;
}

export function findPrisonerById(db: Db, prisonerId: number): Promise<Prisoner | null> {
  return db.prisoner.findUnique({ where: { id: prisonerId } });
}

export function findPrisonerByExternalId(db: Db, externalId: string): Promise<Prisoner | null> {
  return db.prisoner.findUnique({ where: { externalId } });
}

/** How many people are in the database at all (the playground seeds demo data into an empty one). */
export function countPrisoners(db: Db): Promise<number> {
  return db.prisoner.count();
}
