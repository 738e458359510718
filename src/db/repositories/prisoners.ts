import { Prisma, type Prisoner } from "../../generated/prisma/client.js";
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

/** Rows per INSERT/UPDATE statement: each column travels as one array parameter, so a chunk is one round trip. */
const WRITE_CHUNK = 5_000;

/** Columns an import writes, in the order of the unnest() arrays below. */
interface ColumnArrays {
  externalId: string[];
  lastName: string[];
  firstName: string[];
  patronymic: (string | null)[];
  lastNameLatin: string[];
  firstNameLatin: string[];
  patronymicLatin: (string | null)[];
  searchName: string[];
  birthDate: string[];
  region: string[];
  regionEn: (string | null)[];
  facilityName: string[];
  postalAddress: (string | null)[];
  canReceiveLetters: boolean[];
  cannotReceiveReason: (string | null)[];
  releasedAt: (string | null)[];
  caseSummaryRu: string[];
  caseSummaryEn: (string | null)[];
  /** Lists travel as JSON text: unnest() would flatten an array of arrays. */
  articles: string[];
  sentenceRu: (string | null)[];
  sentenceEn: (string | null)[];
  inCustodySince: (string | null)[];
  interests: string[];
  views: string[];
  professionRu: (string | null)[];
  professionEn: (string | null)[];
  lettersCount: number[];
}

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

function columnArrays(rows: readonly PrisonerInput[]): ColumnArrays {
  const c: ColumnArrays = {
    externalId: [], lastName: [], firstName: [], patronymic: [], lastNameLatin: [], firstNameLatin: [], patronymicLatin: [],
    searchName: [], birthDate: [], region: [], regionEn: [], facilityName: [], postalAddress: [], canReceiveLetters: [],
    cannotReceiveReason: [], releasedAt: [], caseSummaryRu: [], caseSummaryEn: [], articles: [], sentenceRu: [], sentenceEn: [],
    inCustodySince: [], interests: [], views: [], professionRu: [], professionEn: [], lettersCount: [],
  };
  for (const r of rows) {
    c.externalId.push(r.externalId);
    c.lastName.push(r.lastName);
    c.firstName.push(r.firstName);
    c.patronymic.push(r.patronymic);
    c.lastNameLatin.push(r.lastNameLatin);
    c.firstNameLatin.push(r.firstNameLatin);
    c.patronymicLatin.push(r.patronymicLatin);
    c.searchName.push(searchNameFor(r));
    c.birthDate.push(isoDay(r.birthDate));
    c.region.push(r.region);
    c.regionEn.push(r.regionEn);
    c.facilityName.push(r.facilityName);
    c.postalAddress.push(r.postalAddress);
    c.canReceiveLetters.push(r.canReceiveLetters);
    c.cannotReceiveReason.push(r.cannotReceiveReason);
    c.releasedAt.push(r.releasedAt ? isoDay(r.releasedAt) : null);
    c.caseSummaryRu.push(r.caseSummaryRu);
    c.caseSummaryEn.push(r.caseSummaryEn);
    c.articles.push(JSON.stringify(r.articles));
    c.sentenceRu.push(r.sentenceRu);
    c.sentenceEn.push(r.sentenceEn);
    c.inCustodySince.push(r.inCustodySince ? isoDay(r.inCustodySince) : null);
    c.interests.push(JSON.stringify(r.interests));
    c.views.push(JSON.stringify(r.views));
    c.professionRu.push(r.professionRu);
    c.professionEn.push(r.professionEn);
    c.lettersCount.push(r.lettersCount ?? 0);
  }
  return c;
}

/** The unnest() of one chunk, as a row source `u` with the columns named like the table's. */
function unnestSource(c: ColumnArrays): Prisma.Sql {
  return Prisma.sql`unnest(
      ${c.externalId}::text[], ${c.lastName}::text[], ${c.firstName}::text[], ${c.patronymic}::text[],
      ${c.lastNameLatin}::text[], ${c.firstNameLatin}::text[], ${c.patronymicLatin}::text[], ${c.searchName}::text[],
      ${c.birthDate}::date[], ${c.region}::text[], ${c.regionEn}::text[], ${c.facilityName}::text[], ${c.postalAddress}::text[],
      ${c.canReceiveLetters}::boolean[], ${c.cannotReceiveReason}::text[], ${c.releasedAt}::date[],
      ${c.caseSummaryRu}::text[], ${c.caseSummaryEn}::text[], ${c.articles}::text[], ${c.sentenceRu}::text[], ${c.sentenceEn}::text[],
      ${c.inCustodySince}::date[], ${c.interests}::text[], ${c.views}::text[], ${c.professionRu}::text[], ${c.professionEn}::text[],
      ${c.lettersCount}::int[]
    ) AS u(external_id, last_name, first_name, patronymic, last_name_latin, first_name_latin, patronymic_latin, search_name,
      birth_date, region, region_en, facility_name, postal_address, can_receive_letters, cannot_receive_reason, released_at,
      case_summary_ru, case_summary_en, articles, sentence_ru, sentence_en, in_custody_since, interests, views,
      profession_ru, profession_en, letters_count)`;
}

const jsonList = (column: string) => Prisma.raw(`ARRAY(SELECT jsonb_array_elements_text(u.${column}::jsonb))`);

/** The Prisoner a written input row became (the database adds only ids and timestamps). */
function prisonerFrom(row: PrisonerInput, base: Pick<Prisoner, "id" | "publicToken" | "createdAt" | "updatedAt" | "lettersCount" | "openAssignments" | "lastLetterAt">): Prisoner {
  return { ...dataOf(row), externalId: row.externalId, ...base };
}

/** Every column of `prisoners`, selected under its Prisma field name (Prisoner's shape, without Prisma's per-parameter cost). */
const PRISONER_COLUMNS = Prisma.raw(
  Object.entries({
    id: "id", externalId: "external_id", publicToken: "public_token", lastName: "last_name", firstName: "first_name", patronymic: "patronymic",
    lastNameLatin: "last_name_latin", firstNameLatin: "first_name_latin", patronymicLatin: "patronymic_latin",
    searchName: "search_name", birthDate: "birth_date", region: "region", regionEn: "region_en", facilityName: "facility_name",
    postalAddress: "postal_address", canReceiveLetters: "can_receive_letters", cannotReceiveReason: "cannot_receive_reason",
    releasedAt: "released_at", caseSummaryRu: "case_summary_ru", caseSummaryEn: "case_summary_en", articles: "articles",
    sentenceRu: "sentence_ru", sentenceEn: "sentence_en", inCustodySince: "in_custody_since", interests: "interests",
    views: "views", professionRu: "profession_ru", professionEn: "profession_en", lettersCount: "letters_count",
    openAssignments: "open_assignments", lastLetterAt: "last_letter_at", createdAt: "created_at", updatedAt: "updated_at",
  } satisfies Record<keyof Prisoner, string>)
    .map(([field, column]) => `${column} AS "${field}"`)
    .join(", "),
);

/**
 * The rows with these external ids, in one query: `= ANY(array)` is one parameter, where a
 * Prisma `in` list of 10,000 values costs most of a second to build.
 */
function selectByExternalIds(db: Db, externalIds: string[]): Promise<Prisoner[]> {
  return db.$queryRaw<Prisoner[]>`SELECT ${PRISONER_COLUMNS} FROM prisoners WHERE external_id = ANY(${externalIds}::text[])`;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * Inserts new prisoners and updates changed ones, matched by externalId. Unchanged rows are not
 * written at all, so re-importing the same file does nothing. Pass a transaction for all-or-nothing.
 *
 * Built for lists of tens of thousands: one SELECT of the existing rows, then one multi-row
 * INSERT and one multi-row UPDATE per chunk (each column as an array parameter, unnest()ed), so
 * the cost does not grow with per-row round trips.
 */
export async function upsertPrisoners(db: Db, rows: readonly PrisonerInput[]): Promise<PrisonerUpsertResult> {
  const ids = rows.map((r) => r.externalId);
  if (new Set(ids).size !== ids.length) throw new Error("upsertPrisoners: duplicate externalId in the input");
  const existing = new Map<string, Prisoner>();
  for (const part of chunks(ids, 10_000)) {
    for (const p of await selectByExternalIds(db, part)) existing.set(p.externalId, p);
  }
  const result: PrisonerUpsertResult = { created: 0, updated: 0, unchanged: 0, changes: [] };

  const fresh = rows.filter((r) => !existing.has(r.externalId));
  for (const part of chunks(fresh, WRITE_CHUNK)) {
    const inserted = await db.$queryRaw<{ id: number; external_id: string; public_token: string; created_at: Date; updated_at: Date; letters_count: number }[]>`
      INSERT INTO prisoners (external_id, last_name, first_name, patronymic, last_name_latin, first_name_latin, patronymic_latin,
        search_name, birth_date, region, region_en, facility_name, postal_address, can_receive_letters, cannot_receive_reason,
        released_at, case_summary_ru, case_summary_en, articles, sentence_ru, sentence_en, in_custody_since, interests, views,
        profession_ru, profession_en, letters_count, updated_at)
      SELECT u.external_id, u.last_name, u.first_name, u.patronymic, u.last_name_latin, u.first_name_latin, u.patronymic_latin,
        u.search_name, u.birth_date, u.region, u.region_en, u.facility_name, u.postal_address, u.can_receive_letters,
        u.cannot_receive_reason::"CannotReceiveReason", u.released_at, u.case_summary_ru, u.case_summary_en, ${jsonList("articles")},
        u.sentence_ru, u.sentence_en, u.in_custody_since, ${jsonList("interests")}, ${jsonList("views")},
        u.profession_ru, u.profession_en, u.letters_count, now()
      FROM ${unnestSource(columnArrays(part))}
      RETURNING id, external_id, public_token, created_at, updated_at, letters_count`;
    const byExternalId = new Map(inserted.map((r) => [r.external_id, r]));
    for (const row of part) {
      const r = byExternalId.get(row.externalId);
      if (!r) throw new Error(`upsertPrisoners: ${row.externalId} was not inserted`);
      const prisoner = prisonerFrom(row, { id: r.id, publicToken: r.public_token, createdAt: r.created_at, updatedAt: r.updated_at, lettersCount: r.letters_count, openAssignments: 0, lastLetterAt: null });
      result.changes.push({ kind: "created", externalId: row.externalId, prisoner });
    }
    result.created += part.length;
  }

  const changed: { row: PrisonerInput; previous: Prisoner; changedFields: PrisonerDataField[] }[] = [];
  for (const row of rows) {
    const previous = existing.get(row.externalId);
    if (!previous) continue;
    const changedFields = PRISONER_DATA_FIELDS.filter((f) => !sameValue(previous[f], row[f]));
    if (changedFields.length === 0 && previous.searchName === searchNameFor(row)) {
      result.unchanged++;
      continue;
    }
    changed.push({ row, previous, changedFields });
  }
  for (const part of chunks(changed, WRITE_CHUNK)) {
    // Every data column is set from the file; for a changed row the unchanged ones get their own value back.
    const updated = await db.$queryRaw<{ external_id: string; updated_at: Date }[]>`
      UPDATE prisoners AS p SET
        last_name = u.last_name, first_name = u.first_name, patronymic = u.patronymic, last_name_latin = u.last_name_latin,
        first_name_latin = u.first_name_latin, patronymic_latin = u.patronymic_latin, search_name = u.search_name,
        birth_date = u.birth_date, region = u.region, region_en = u.region_en, facility_name = u.facility_name,
        postal_address = u.postal_address, can_receive_letters = u.can_receive_letters,
        cannot_receive_reason = u.cannot_receive_reason::"CannotReceiveReason", released_at = u.released_at,
        case_summary_ru = u.case_summary_ru, case_summary_en = u.case_summary_en, articles = ${jsonList("articles")},
        sentence_ru = u.sentence_ru, sentence_en = u.sentence_en, in_custody_since = u.in_custody_since,
        interests = ${jsonList("interests")}, views = ${jsonList("views")}, profession_ru = u.profession_ru,
        profession_en = u.profession_en, updated_at = now()
      FROM ${unnestSource(columnArrays(part.map((c) => c.row)))}
      WHERE p.external_id = u.external_id
      RETURNING p.external_id, p.updated_at`;
    const stamps = new Map(updated.map((r) => [r.external_id, r.updated_at]));
    for (const { row, previous, changedFields } of part) {
      const updatedAt = stamps.get(row.externalId);
      if (!updatedAt) throw new Error(`upsertPrisoners: ${row.externalId} was not updated`);
      const prisoner = prisonerFrom(row, { id: previous.id, publicToken: previous.publicToken, createdAt: previous.createdAt, updatedAt, lettersCount: previous.lettersCount, openAssignments: previous.openAssignments, lastLetterAt: previous.lastLetterAt });
      result.changes.push({ kind: "updated", externalId: row.externalId, prisoner, previous, changedFields });
    }
    result.updated += part.length;
  }
  return result;
}

export function findPrisonerById(db: Db, prisonerId: number): Promise<Prisoner | null> {
  return db.prisoner.findUnique({ where: { id: prisonerId } });
}

/** The person a shared link (/start c_<token>) points to. */
export function findPrisonerByPublicToken(db: Db, publicToken: string): Promise<Prisoner | null> {
  return db.prisoner.findUnique({ where: { publicToken } });
}

export function findPrisonerByExternalId(db: Db, externalId: string): Promise<Prisoner | null> {
  return db.prisoner.findUnique({ where: { externalId } });
}

/** How many people are in the database at all (the playground seeds demo data into an empty one). */
export function countPrisoners(db: Db): Promise<number> {
  return db.prisoner.count();
}
