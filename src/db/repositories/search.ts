// Finding prisoners: by name (pg_trgm on prisoners.search_name, tolerant of typos and of Latin vs
// Cyrillic spelling) and by facet (interest, views or group, profession, region).
import { Prisma } from "../../generated/prisma/client.js";
import { normalizeName, type PersonNameField } from "../../domain/names.js";
import type { PrisonerInput } from "../../domain/prisoner-record.js";
import { PLACE_SECRET_REASONS } from "../../domain/where-held.js";
import type { Db } from "../client.js";

/** What a short result card shows: the record's own fields (names in both spellings), plus these. */
export interface PrisonerSummary
  extends Pick<
    PrisonerInput,
    | PersonNameField
    | "externalId"
    | "region"
    | "regionEn"
    | "professionRu"
    | "professionEn"
    | "canReceiveLetters"
    | "cannotReceiveReason"
  > {
  id: number;
  /** For shared links (/start c_<token>): not guessable, unlike the id and the external id. */
  publicToken: string;
  birthYear: number;
  lettersCount: number;
}

export interface SearchPage {
  total: number;
  items: PrisonerSummary[];
}

export interface PageRequest {
  limit: number;
  offset: number;
}

/** Queries are cut to this many characters after normalisation: a name is never longer. */
export const MAX_QUERY_CHARS = 100;
/**
 * word_similarity threshold for a match. pg_trgm's default (0.6) misses two typos in a short
 * surname; below ~0.4 unrelated names start to match.
 */
export const NAME_MATCH_THRESHOLD = 0.45;

const SUMMARY_COLUMNS = Prisma.sql`
  id, external_id AS "externalId", public_token AS "publicToken", last_name AS "lastName", first_name AS "firstName", patronymic,
  last_name_latin AS "lastNameLatin", first_name_latin AS "firstNameLatin", patronymic_latin AS "patronymicLatin",
  EXTRACT(YEAR FROM birth_date)::int AS "birthYear", region, region_en AS "regionEn",
  profession_ru AS "professionRu", profession_en AS "professionEn",
  can_receive_letters AS "canReceiveLetters", cannot_receive_reason::text AS "cannotReceiveReason",
  letters_count AS "lettersCount"`;

type Row = PrisonerSummary & { total: bigint };

function pageOf(rows: Row[]): SearchPage {
  return { total: Number(rows[0]?.total ?? 0), items: rows.map(({ total: _total, ...item }) => item) };
}

/**
 * The window count is empty on a page past the end: count separately then, so the caller can
 * show the last real page.
 */
async function withTotal(db: Db, rows: Row[], page: PageRequest, from: Prisma.Sql): Promise<SearchPage> {
  if (rows.length > 0 || page.offset === 0) return pageOf(rows);
  const [count] = await db.$queryRaw<{ total: bigint }[]>`SELECT count(*) AS total ${from}`;
  return { total: Number(count?.total ?? 0), items: [] };
}

/** The normalised form searched for ("" when nothing searchable is left: symbols only, emoji). */
export function searchableQuery(query: string): string {
  return normalizeName(query.slice(0, MAX_QUERY_CHARS * 4)).slice(0, MAX_QUERY_CHARS).trim();
}

/** The SQL of a name search; exported so a test can EXPLAIN exactly what runs. */
export function nameSearchSql(normalized: string, page: PageRequest): Prisma.Sql {
  return Prisma.sql`
    SELECT ${SUMMARY_COLUMNS}, count(*) OVER () AS total
    FROM prisoners
    WHERE ${normalized} <% search_name
    ORDER BY word_similarity(${normalized}, search_name) DESC, similarity(${normalized}, search_name) DESC,
             letters_count ASC, id ASC
    LIMIT ${page.limit} OFFSET ${page.offset}`;
}

/**
 * People whose name (either spelling) matches the query, best matches first. The threshold is
 * set for this transaction only (SET LOCAL), so other sessions keep pg_trgm's default.
 *
 * Sequential scans are off for the same transaction: the planner prices a trigram match like a
 * simple comparison, so once prisoners has some dead rows (every letter updates letters_count) it
 * checks every name of the list instead of the trigram index: twice as slow at 15,000 people
 * (bench/growth.ts). Without a usable trigram (a one-letter query) it still scans.
 */
export async function searchPrisonersByName(db: Db, query: string, page: PageRequest): Promise<SearchPage> {
  const normalized = searchableQuery(query);
  if (normalized === "") return { total: 0, items: [] };
  const run = async (tx: Db) => {
    await tx.$executeRaw`SELECT set_config('pg_trgm.word_similarity_threshold', ${String(NAME_MATCH_THRESHOLD)}, true),
      set_config('enable_seqscan', 'off', true)`;
    const rows = await tx.$queryRaw<Row[]>(nameSearchSql(normalized, page));
    return withTotal(tx, rows, page, Prisma.sql`FROM prisoners WHERE ${normalized} <% search_name`);
  };
  return "$transaction" in db ? db.$transaction(run) : run(db);
}

/** People whose place is secret (domain/where-held.ts) are never listed under a region. */
const placeMayBeShown = Prisma.sql`(cannot_receive_reason IS NULL OR cannot_receive_reason::text <> ALL(${[...PLACE_SECRET_REASONS]}::text[]))`;

export type FacetKind = "interest" | "view" | "profession" | "region";

export interface FacetValue {
  /** The stored value (a key for interests and views, the English profession, the Russian region). */
  value: string;
  /** The Russian label where the data has one (profession, region), else null. */
  labelRu: string | null;
  /** The English label where the data has one, else null. */
  labelEn: string | null;
  count: number;
}

/** Every value of a facet with how many people have it, most common first. */
export async function listFacetValues(db: Db, facet: FacetKind): Promise<FacetValue[]> {
  type R = { value: string; labelRu: string | null; labelEn: string | null; count: bigint };
  let rows: R[];
  switch (facet) {
    case "interest":
    case "view": {
      const column = facet === "interest" ? Prisma.raw("interests") : Prisma.raw("views");
      rows = await db.$queryRaw<R[]>`
        SELECT v AS value, NULL AS "labelRu", NULL AS "labelEn", count(*) AS count
        FROM prisoners, unnest(${column}) AS v GROUP BY v ORDER BY count(*) DESC, v`;
      break;
    }
    case "profession":
      rows = await db.$queryRaw<R[]>`
        SELECT profession_en AS value, min(profession_ru) AS "labelRu", profession_en AS "labelEn", count(*) AS count
        FROM prisoners WHERE profession_en IS NOT NULL GROUP BY profession_en ORDER BY count(*) DESC, profession_en`;
      break;
    case "region":
      rows = await db.$queryRaw<R[]>`
        SELECT region AS value, region AS "labelRu", min(region_en) AS "labelEn", count(*) AS count
        FROM prisoners WHERE ${placeMayBeShown} GROUP BY region ORDER BY count(*) DESC, region`;
      break;
  }
  return rows.map((r) => ({ ...r, count: Number(r.count) }));
}

/**
 * People with one facet value. Those who can receive letters come first, fewest letters first:
 * browsing should lead to people who are waiting.
 */
export async function browsePrisoners(db: Db, facet: FacetKind, value: string, page: PageRequest): Promise<SearchPage> {
  const where =
    facet === "interest"
      ? Prisma.sql`interests @> ARRAY[${value}]::text[]`
      : facet === "view"
        ? Prisma.sql`views @> ARRAY[${value}]::text[]`
        : facet === "profession"
          ? Prisma.sql`profession_en = ${value}`
          : Prisma.sql`region = ${value} AND ${placeMayBeShown}`;
  const rows = await db.$queryRaw<Row[]>`
    SELECT ${SUMMARY_COLUMNS}, count(*) OVER () AS total
    FROM prisoners WHERE ${where}
    ORDER BY can_receive_letters DESC, letters_count ASC, last_name, id
    LIMIT ${page.limit} OFFSET ${page.offset}`;
  return withTotal(db, rows, page, Prisma.sql`FROM prisoners WHERE ${where}`);
}

/** For inline mode with an empty query: reachable people still waiting, fewest letters first. */
export async function waitingPrisoners(db: Db, page: PageRequest): Promise<SearchPage> {
  const rows = await db.$queryRaw<Row[]>`
    SELECT ${SUMMARY_COLUMNS}, count(*) OVER () AS total
    FROM prisoners WHERE can_receive_letters
    ORDER BY letters_count ASC, id
    LIMIT ${page.limit} OFFSET ${page.offset}`;
  return withTotal(db, rows, page, Prisma.sql`FROM prisoners WHERE can_receive_letters`);
}

export async function findPrisonerSummary(db: Db, prisonerId: number): Promise<PrisonerSummary | null> {
  const rows = await db.$queryRaw<Row[]>`SELECT ${SUMMARY_COLUMNS}, 1::bigint AS total FROM prisoners WHERE id = ${prisonerId}`;
  return pageOf(rows).items[0] ?? null;
}
