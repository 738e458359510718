// Name normalisation shared by the prisoner import (which stores `search_name`) and by search (which
// normalises the query the same way), so "Ivanova", "Иванова" and "ivanova" meet in one spelling.

const CYRILLIC_TO_LATIN: Record<string, string> = {
  а: "a", б: "b", в: "v", г: "g", д: "d", е: "e", ё: "e", ж: "zh", з: "z", и: "i", й: "y",
  к: "k", л: "l", м: "m", н: "n", о: "o", п: "p", р: "r", с: "s", т: "t", у: "u", ф: "f",
  х: "kh", ц: "ts", ч: "ch", ш: "sh", щ: "shch", ъ: "", ы: "y", ь: "", э: "e", ю: "yu", я: "ya",
  // Ukrainian and Belarusian letters that appear in names.
  і: "i", ї: "yi", є: "ye", ґ: "g", ў: "u",
};

/** Lower-case Latin transliteration of Cyrillic text; other letters pass through without diacritics. */
export function transliterate(text: string): string {
  let out = "";
  for (const ch of text.toLowerCase()) out += CYRILLIC_TO_LATIN[ch] ?? ch;
  return out.normalize("NFD").replace(/\p{M}/gu, "");
}

/**
 * A name in Latin letters as it is written ("Иванова-Петрова" -> "Ivanova-Petrova"): for people
 * whose list gives no Latin spelling. Every word, and every part of a hyphenated one, starts upper-case.
 */
export function latinName(text: string): string {
  return transliterate(text.trim()).replace(/(^|[\s\-'’])(\p{L})/gu, (_, before: string, letter: string) => before + letter.toUpperCase());
}

// Latin spellings of Russian names vary by scheme (Yevgeniya / Evgenia, Dmitriy / Dmitry,
// Mikhail / Mihail, Aleksey / Alexei, Fyodor / Fedor): fold them to one form, so exact and trigram
// matches both work. Applied to stored names and to queries alike.
const LATIN_FOLDS: [RegExp, string][] = [
  [/j/g, "y"],
  [/x/g, "ks"],
  [/w/g, "v"],
  [/kh/g, "h"],
  [/tz/g, "ts"],
  [/yo/g, "e"],
  [/ye/g, "e"],
  [/iya/g, "ya"],
  [/ia/g, "ya"],
  [/iu/g, "yu"],
  [/(?:iy|ii|yy|yi)\b/g, "y"],
  [/([aeou])i\b/g, "$1y"],
];

/**
 * The form in which names are compared: transliterated, folded, lower-case Latin words separated by
 * single spaces; everything that is not a letter or digit is a separator. "" when nothing is left.
 */
export function normalizeName(text: string): string {
  let out = transliterate(text).replace(/[^a-z0-9]+/g, " ");
  for (const [pattern, replacement] of LATIN_FOLDS) out = out.replace(pattern, replacement);
  return out.trim();
}

export interface PersonNames {
  lastName: string;
  firstName: string;
  patronymic?: string | null;
  lastNameLatin: string;
  firstNameLatin: string;
  patronymicLatin?: string | null;
}

/** The name columns of a person, in both spellings: for picking them from a row type. */
export type PersonNameField = keyof PersonNames;

/**
 * The value of `prisoners.search_name`: both spellings of the full name (our transliteration of the
 * Cyrillic and the Latin from the data, which may follow another scheme), each word once.
 */
export function searchNameFor(names: PersonNames): string {
  const words = [
    names.lastName, names.firstName, names.patronymic ?? "",
    names.lastNameLatin, names.firstNameLatin, names.patronymicLatin ?? "",
  ].flatMap((part) => normalizeName(part).split(" ").filter(Boolean));
  return [...new Set(words)].join(" ");
}
