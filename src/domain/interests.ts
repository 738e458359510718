// Interests of writers and prisoners. The fixed keys are the ones prisoner records use
// (prisma/seed/README.md), so a writer's choice can meet a prisoner's in the assignment draw.
// A writer's own words are stored as "custom:<text>"; they never collide with a fixed key.

export const INTEREST_KEYS = [
  "books",
  "music",
  "cinema",
  "art",
  "history",
  "science",
  "sport",
  "nature",
  "travel",
  "cooking",
  "faith",
  "languages",
  "poetry",
  "games",
  "technology",
  "crafts",
] as const;
export type InterestKey = (typeof INTEREST_KEYS)[number];

export const CUSTOM_INTEREST_PREFIX = "custom:";
/** A writer's own interests: at most this many, each at most this long. */
export const MAX_CUSTOM_INTERESTS = 5;
export const MAX_CUSTOM_INTEREST_LENGTH = 40;

export function isInterestKey(value: string): value is InterestKey {
  return (INTEREST_KEYS as readonly string[]).includes(value);
}

/** Words a writer may type for a fixed interest (lower case): "шахматы" counts as games. */
const SYNONYMS: Record<InterestKey, readonly string[]> = {
  books: ["books", "book", "reading", "literature", "книги", "книга", "чтение", "литература"],
  music: ["music", "музыка"],
  cinema: ["cinema", "films", "movies", "film", "кино", "фильмы", "кинематограф"],
  art: ["art", "painting", "drawing", "искусство", "живопись", "рисование"],
  history: ["history", "история"],
  science: ["science", "наука", "физика", "physics", "математика", "maths", "math", "mathematics"],
  sport: ["sport", "sports", "спорт", "футбол", "football", "бег", "running"],
  nature: ["nature", "animals", "природа", "животные", "nature and animals", "природа и животные"],
  travel: ["travel", "travelling", "traveling", "путешествия"],
  cooking: ["cooking", "кулинария", "готовка"],
  faith: ["faith", "religion", "вера", "религия"],
  languages: ["languages", "языки", "иностранные языки"],
  poetry: ["poetry", "poems", "поэзия", "стихи"],
  games: ["games", "chess", "игры", "шахматы", "games and chess", "игры и шахматы", "настольные игры", "board games"],
  technology: ["technology", "tech", "технологии", "техника", "programming", "программирование"],
  crafts: ["crafts", "handicraft", "рукоделие", "ремёсла", "ремесла"],
};

const SYNONYM_TO_KEY = new Map<string, InterestKey>(
  INTEREST_KEYS.flatMap((key) => SYNONYMS[key].map((word) => [word, key] as const)),
);

/** Removes control and format characters (NUL, bidi marks, ...) and folds runs of spaces. */
export function cleanText(text: string): string {
  return text
    .replace(/[\p{Cc}\p{Cf}\p{Co}\p{Cs}]/gu, " ")
    .replace(/\s+/gu, " ")
    .trim();
}

export interface ParsedCustomInterests {
  /** Fixed keys recognised among the words ("шахматы" → games). */
  keys: InterestKey[];
  /** The remaining interests in the writer's words, cleaned, without duplicates. */
  custom: string[];
  /** Pieces longer than MAX_CUSTOM_INTEREST_LENGTH, left out. */
  tooLong: string[];
  /** True when more than MAX_CUSTOM_INTERESTS own interests were given (the rest are left out). */
  truncated: boolean;
}

/** Splits "шахматы, вышивка; jazz" into interests: known words become fixed keys, others stay custom. */
export function parseCustomInterests(text: string): ParsedCustomInterests {
  const keys = new Set<InterestKey>();
  const custom: string[] = [];
  const tooLong: string[] = [];
  const seen = new Set<string>();
  let truncated = false;
  for (const raw of text.split(/[,;\n]+/u)) {
    const piece = cleanText(raw).replace(/^[-•*.\s]+|[.\s]+$/gu, "");
    if (piece === "") continue;
    const folded = piece.toLowerCase();
    const key = SYNONYM_TO_KEY.get(folded);
    if (key) {
      keys.add(key);
      continue;
    }
    if ([...piece].length > MAX_CUSTOM_INTEREST_LENGTH) {
      tooLong.push(piece);
      continue;
    }
    if (seen.has(folded)) continue;
    seen.add(folded);
    if (custom.length >= MAX_CUSTOM_INTERESTS) {
      truncated = true;
      continue;
    }
    custom.push(piece);
  }
  return { keys: [...keys], custom, tooLong, truncated };
}

/** Fixed keys of a stored interest list, in the canonical order. */
export function fixedInterests(stored: readonly string[]): InterestKey[] {
  return INTEREST_KEYS.filter((key) => stored.includes(key));
}

/** The writer's own interests of a stored list, without the prefix. */
export function customInterests(stored: readonly string[]): string[] {
  return stored.filter((i) => i.startsWith(CUSTOM_INTEREST_PREFIX)).map((i) => i.slice(CUSTOM_INTEREST_PREFIX.length));
}

/** The stored form: fixed keys first (canonical order), then own interests with the prefix. */
export function storedInterests(keys: readonly string[], custom: readonly string[]): string[] {
  return [...fixedInterests(keys), ...custom.map((c) => `${CUSTOM_INTEREST_PREFIX}${c}`)];
}

/** Adds or removes one fixed key, keeping the writer's own interests. */
export function toggleInterest(stored: readonly string[], key: InterestKey): string[] {
  const keys = fixedInterests(stored);
  const next = keys.includes(key) ? keys.filter((k) => k !== key) : [...keys, key];
  return storedInterests(next, customInterests(stored));
}

/** Replaces the writer's own interests with a freshly parsed list; recognised words join the fixed keys. */
export function withCustomInterests(stored: readonly string[], parsed: ParsedCustomInterests): string[] {
  return storedInterests([...fixedInterests(stored), ...parsed.keys], parsed.custom);
}
