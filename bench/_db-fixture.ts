// A scratch database filled straight in SQL for the database benchmarks (bench/assignment.ts,
// bench/growth.ts): realistic sizes and shapes, made fast (generate_series, one statement per table;
// the indexes are the migrations' own), and able to grow step by step: each add* call appends rows
// after the ones already there.
//
// What the app maintains itself is kept true: prisoners.letters_count is the number of letters of
// each person (the letter's transaction increments it; here it is recounted after each batch), and
// the counters table holds the totals /stats reads. prisoners.open_assignments is kept by the
// database's own triggers (the finished assignments below go in with triggers off: none is open).
// Letter text is an encrypted column (src/privacy/cipher.ts); none of the measured paths reads it,
// so it holds a placeholder.
import { randomBytes } from "node:crypto";
import type { PrismaClient } from "../src/generated/prisma/client.js";
import { createPrisma } from "../src/db/client.js";
import { DEFAULT_DATABASE_URL, applyMigrations, dropDatabase, withDatabase } from "../src/db/migrate.js";
import { latinName, searchNameFor } from "../src/domain/names.js";

export const INTERESTS = ["books", "music", "cinema", "art", "history", "science", "sport", "nature", "travel", "cooking", "faith", "languages", "poetry", "games", "technology", "crafts"];
const VIEWS = ["anti-war", "faith", "journalists", "lawyers", "artists", "students"];
const REGIONS = ["Москва", "Санкт-Петербург", "Московская область", "Краснодарский край", "Республика Крым", "Свердловская область", "Башкортостан", "Татарстан", "Новосибирская область", "Пермский край", "Ростовская область", "Челябинская область", "Самарская область", "Нижегородская область", "Иркутская область", "Хабаровский край"];

// Surnames from roots and endings (about 1,300 distinct ones): a large list repeats common
// surnames, as real lists do, so some queries match hundreds of people.
const ROOTS = ["Иван", "Петр", "Сидор", "Кузнец", "Смирн", "Попов", "Соколь", "Лебед", "Козл", "Новик", "Морозь", "Волк", "Солов", "Васил", "Зайц", "Павл", "Семен", "Голуб", "Виноград", "Богдан", "Ворон", "Федот", "Михайл", "Белк", "Тарас", "Беляк", "Комар", "Орл", "Киселе", "Макар", "Андре", "Ковал", "Ильин", "Гусе", "Титк", "Кузьмин", "Кудрявц", "Баран", "Куликь", "Алекс", "Степан", "Якимч", "Сорок", "Сергеенк", "Роман", "Захарч", "Борисен", "Королёв", "Герасим", "Пономар", "Григор", "Лазар", "Медвед", "Ершь", "Никитин", "Соболь", "Рябц", "Поляк", "Цвет", "Данил", "Жук", "Фролк", "Журавл", "Николаенк", "Марк", "Крыл", "Максим", "Сидоренк", "Осип", "Белоус", "Федос", "Дорофе", "Егор", "Матве", "Бобр", "Дмитри", "Калин", "Анис", "Петух", "Антон", "Тимоф", "Никиф", "Весел", "Щербак", "Фомич", "Давыд", "Мельник", "Шевчук", "Лукин", "Щукин", "Ширя", "Яковл", "Гаврил", "Чернышь", "Блинк", "Кириллов", "Хохл", "Третьяк", "Субботь", "Шилов"];
const ENDINGS = ["ов", "ова", "ев", "ева", "ин", "ина", "енко", "ский", "ская", "ук", "ых", "ич", "ец"];
const FIRST_NAMES = ["Александр", "Алексей", "Андрей", "Анна", "Антон", "Артём", "Борис", "Вадим", "Валерия", "Виктор", "Виктория", "Владимир", "Галина", "Георгий", "Дарья", "Денис", "Дмитрий", "Евгений", "Евгения", "Екатерина", "Елена", "Иван", "Игорь", "Илья", "Ирина", "Кирилл", "Ксения", "Максим", "Мария", "Михаил", "Наталья", "Никита", "Николай", "Ольга", "Павел", "Роман", "Сергей", "Софья", "Татьяна", "Фёдор", "Юлия", "Юрий"];
const PATRONYMICS = ["Александрович", "Алексеевна", "Андреевич", "Борисовна", "Викторович", "Владимировна", "Дмитриевич", "Евгеньевна", "Игоревич", "Ивановна", "Михайлович", "Николаевна", "Олегович", "Павловна", "Сергеевич", "Юрьевна"];

/** Deterministic pseudo-random numbers (mulberry32): the same names in every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(xs: readonly T[], r: () => number): T {
  return xs[Math.floor(r() * xs.length)]!;
}

export interface PersonName {
  lastName: string;
  firstName: string;
  patronymic: string;
}

/** The name of fixture person number i (1-based), the same in every run. */
export function personName(i: number): PersonName {
  const r = rng(i * 2654435761);
  // Common roots more often: the square skews towards the start of the list.
  const root = ROOTS[Math.floor(r() ** 2 * ROOTS.length)]!;
  return { lastName: root + pick(ENDINGS, r), firstName: pick(FIRST_NAMES, r), patronymic: pick(PATRONYMICS, r) };
}

export interface Scratch {
  url: string;
  prisma: PrismaClient;
  /** Row counts so far. */
  size: { prisoners: number; writers: number; letters: number };
  close(): Promise<void>;
}

/** A new database with every migration applied, dropped by close(). */
export async function openScratch(poolSize = 12): Promise<Scratch> {
  const url = withDatabase(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, `lifeline_bench_${randomBytes(4).toString("hex")}`);
  await applyMigrations(url);
  const prisma = createPrisma(url, { max: poolSize });
  return {
    url,
    prisma,
    size: { prisoners: 0, writers: 0, letters: 0 },
    async close() {
      await prisma.$disconnect();
      await dropDatabase(url);
    },
  };
}

/**
 * Appends prisoners up to `total`: a fifth cannot receive letters; interests, views, regions spread.
 * (The "+ 0 * i" in the interest subqueries ties them to the row: uncorrelated, PostgreSQL would
 * evaluate them once and give everybody the same interests.)
 */
export async function addPrisoners(s: Scratch, total: number): Promise<void> {
  const from = s.size.prisoners + 1;
  if (total < from) return;
  const last: string[] = [], first: string[] = [], patronymic: string[] = [];
  const lastLatin: string[] = [], firstLatin: string[] = [], patronymicLatin: string[] = [], search: string[] = [];
  for (let i = from; i <= total; i++) {
    const n = personName(i);
    const latin = { lastNameLatin: latinName(n.lastName), firstNameLatin: latinName(n.firstName), patronymicLatin: latinName(n.patronymic) };
    last.push(n.lastName); first.push(n.firstName); patronymic.push(n.patronymic);
    lastLatin.push(latin.lastNameLatin); firstLatin.push(latin.firstNameLatin); patronymicLatin.push(latin.patronymicLatin);
    search.push(searchNameFor({ ...n, ...latin }));
  }
  await s.prisma.$executeRawUnsafe(
    `INSERT INTO prisoners (external_id, last_name, first_name, patronymic, last_name_latin, first_name_latin,
       patronymic_latin, search_name, birth_date, region, facility_name, postal_address, can_receive_letters,
       cannot_receive_reason, case_summary_ru, case_summary_en, interests, views, profession_ru, profession_en,
       letters_count, updated_at)
     SELECT 'bench-' || i, n.l, n.f, n.p, n.ll, n.fl, n.pl, n.s, DATE '1960-01-01' + (i * 7919) % 18000,
       ($8::text[])[1 + i % cardinality($8::text[])], 'ИК-' || (i % 90), 'ул. Примерная, ' || i, i % 5 <> 0,
       CASE WHEN i % 5 = 0 THEN 'no_address'::"CannotReceiveReason" END, 'Дело', 'Case',
       ARRAY(SELECT t FROM unnest($9::text[]) t WHERE random() < 0.2 + 0 * i),
       ARRAY(SELECT t FROM unnest($10::text[]) t WHERE random() < 0.15 + 0 * i),
       CASE WHEN i % 4 = 0 THEN 'учитель' END, CASE WHEN i % 4 = 0 THEN 'teacher' END, 0, now()
     FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
            WITH ORDINALITY AS n(l, f, p, ll, fl, pl, s, k),
          LATERAL (SELECT ${from - 1} + n.k::int AS i) AS idx`,
    last, first, patronymic, lastLatin, firstLatin, patronymicLatin, search, REGIONS, INTERESTS, VIEWS,
  );
  s.size.prisoners = total;
}

/** Appends writers up to `total`, with interests. */
export async function addWriters(s: Scratch, total: number): Promise<void> {
  const from = s.size.writers + 1;
  if (total < from) return;
  await s.prisma.$executeRawUnsafe(
    `INSERT INTO writers (telegram_id, language, interests, updated_at)
     SELECT 10000000 + i, 'ru', ARRAY(SELECT t FROM unnest($1::text[]) t WHERE random() < 0.15 + 0 * i), now()
     FROM generate_series(${from}, ${total}) i`,
    INTERESTS,
  );
  s.size.writers = total;
}

/**
 * Appends letters up to `total`, written over the last two years by the writers so far (a few
 * write a lot) to the people so far except the newest tenth (who wait for their first letter);
 * older people have more. Letters older than a month are posted (some replied), newer ones are
 * anywhere in moderation and printing. Then recounts letters_count and the counters.
 */
export async function addLetters(s: Scratch, total: number): Promise<void> {
  const from = s.size.letters + 1;
  if (total < from) return;
  const reachable = Math.max(1, Math.floor(s.size.prisoners * 0.9));
  await withoutForeignKeyChecks(s, `INSERT INTO letters (code, writer_id, prisoner_id, kind, text, language, status, idempotency_key,
       created_at, updated_at, status_changed_at)
     SELECT 'B-' || i, 1 + floor(${s.size.writers} * random() ^ 2)::int, 1 + floor(${reachable} * random() ^ 1.5)::int,
       'typed', '-', 'ru',
       CASE WHEN t.at < now() - interval '30 days'
            THEN (CASE WHEN random() < 0.05 THEN 'replied' ELSE 'posted' END)::"LetterStatus"
            ELSE (ARRAY['submitted', 'approved', 'printed', 'posted'])[1 + floor(random() * 4)::int]::"LetterStatus" END,
       'bench-' || i, t.at, t.at, t.at
     FROM generate_series(${from}, ${total}) i, LATERAL (SELECT now() - random() * interval '730 days' + i * interval '0') t(at)`);
  s.size.letters = total;
  await recount(s);
}

/**
 * Runs one bulk insert whose references are right by construction without the per-row foreign-key
 * triggers (session_replication_role = replica, for this transaction only): it halves the time.
 */
async function withoutForeignKeyChecks(s: Scratch, sql: string): Promise<void> {
  await s.prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe("SET LOCAL session_replication_role = replica");
      await tx.$executeRawUnsafe(sql);
    },
    { timeout: 600_000 },
  );
}

/**
 * The draws that led to the letters so far: a used assignment for every fourth letter, and for
 * every twentieth a lapsed or declined one before it. Only finished ones: open ones are the caller's.
 */
export async function addAssignmentHistory(s: Scratch): Promise<void> {
  await withoutForeignKeyChecks(s, `
    INSERT INTO assignments (writer_id, prisoner_id, status, expires_at, ended_at, letter_id, created_at, updated_at)
    SELECT l.writer_id, l.prisoner_id, 'used', l.created_at + interval '2 days', l.created_at, l.id,
      l.created_at - interval '1 day', l.created_at
    FROM letters l WHERE l.id % 4 = 0 AND l.prisoner_id IS NOT NULL
    UNION ALL
    SELECT l.writer_id, 1 + (l.prisoner_id * 7) % ${s.size.prisoners}, x.status::"AssignmentStatus",
      l.created_at - interval '1 day', l.created_at - interval '1 day', NULL, l.created_at - interval '4 days', l.created_at
    FROM letters l, LATERAL (SELECT CASE WHEN l.id % 40 = 1 THEN 'declined' ELSE 'lapsed' END) x(status)
    WHERE l.id % 20 = 1 AND l.prisoner_id IS NOT NULL`);
}

/** What the letter's transaction maintains: each person's letters_count, and the /stats counters. */
async function recount(s: Scratch): Promise<void> {
  await s.prisma.$executeRawUnsafe(`
    UPDATE prisoners p SET letters_count = c.n, last_letter_at = c.last
    FROM (SELECT prisoner_id, count(*)::int AS n, max(created_at) AS last FROM letters WHERE prisoner_id IS NOT NULL GROUP BY prisoner_id) c
    WHERE c.prisoner_id = p.id AND p.letters_count IS DISTINCT FROM c.n`);
  await s.prisma.$executeRawUnsafe(`
    INSERT INTO counters (key, value)
    SELECT k::"CounterKey", v FROM (SELECT count(*) AS w, count(*) FILTER (WHERE status IN ('posted', 'replied')) AS p,
      count(*) FILTER (WHERE status = 'replied') AS r FROM letters) c,
      LATERAL (VALUES ('letters_written', c.w), ('letters_posted', c.p), ('replies_received', c.r)) AS x(k, v)
    ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value`);
}

/** Fresh statistics (and visibility maps, for index-only scans) after a batch of inserts. */
export async function analyze(s: Scratch): Promise<void> {
  await s.prisma.$executeRawUnsafe("VACUUM (ANALYZE) prisoners, writers, assignments, counters");
  await s.prisma.$executeRawUnsafe("ANALYZE letters");
}
