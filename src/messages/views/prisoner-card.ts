// The prisoner card: who the person is, where they are held and why, shown before a writer writes.
// Reused by the assignment screen, search and reply delivery. HTML parse mode: every value, from the
// database or from the locale files, is escaped. The postal address is for envelopes only and is
// never part of the card; where a protected person is held is not either (domain/where-held.ts).
import { InlineKeyboard } from "grammy";
import type { Prisoner } from "../../db/repositories/prisoners.js";
import { hasAlarmingCharges } from "../../domain/charges.js";
import { INTEREST_KEYS, type InterestKey } from "../../domain/interests.js";
import { transliterate, type PersonNameField } from "../../domain/names.js";
import { mayShowFacility, mayShowRegion } from "../../domain/where-held.js";
import { callback, id } from "../callbacks.js";
import type { Locale, Translate } from "../i18n.js";
import { escapeHtml } from "../text.js";

/** Callback data of the card's own buttons (handled by the guide feature). */
export const CARD_BUTTONS = {
  /** "About the charges" under a prisoner's card: "card:charges:12". */
  charges: callback("card:charges", id),
};

export const INTEREST_EMOJI: Record<InterestKey, string> = {
  books: "📚",
  music: "🎵",
  cinema: "🎬",
  art: "🎨",
  history: "🏛",
  science: "🔬",
  sport: "⚽️",
  nature: "🌿",
  travel: "🧭",
  cooking: "🍲",
  faith: "🕊",
  languages: "🗣",
  poetry: "🖋",
  games: "♟",
  technology: "💻",
  crafts: "🧶",
};

/** The card needs these fields only (so search results and joined rows can be passed as they are). */
export type CardPrisoner = Pick<
  Prisoner,
  | PersonNameField
  | "id"
  | "birthDate"
  | "region"
  | "regionEn"
  | "facilityName"
  | "cannotReceiveReason"
  | "caseSummaryRu"
  | "caseSummaryEn"
  | "articles"
  | "sentenceRu"
  | "sentenceEn"
  | "inCustodySince"
  | "interests"
  | "lettersCount"
>;

/** Full years between the birth date and `now` (dates are stored as UTC midnight). */
export function ageOn(birthDate: Date, now: Date): number {
  let age = now.getUTCFullYear() - birthDate.getUTCFullYear();
  const beforeBirthday =
    now.getUTCMonth() < birthDate.getUTCMonth() ||
    (now.getUTCMonth() === birthDate.getUTCMonth() && now.getUTCDate() < birthDate.getUTCDate());
  if (beforeBirthday) age--;
  return age;
}

/** "Светлячков Фёдор Павлович": as on an envelope. */
export function cyrillicFullName(p: Pick<Prisoner, "lastName" | "firstName" | "patronymic">): string {
  return [p.lastName, p.firstName, p.patronymic].filter(Boolean).join(" ");
}

/** "Fyodor Pavlovich Svetlyachkov": the way English readers expect a name. */
export function latinFullName(p: Pick<Prisoner, "lastNameLatin" | "firstNameLatin" | "patronymicLatin">): string {
  return [p.firstNameLatin, p.patronymicLatin, p.lastNameLatin].filter(Boolean).join(" ");
}

/** The short name for buttons: "Фёдор Светлячков" / "Fyodor Svetlyachkov". */
export function shortName(p: CardPrisoner, locale: Locale): string {
  return locale === "ru" ? `${p.firstName} ${p.lastName}` : `${p.firstNameLatin} ${p.lastNameLatin}`;
}

function regionFor(p: CardPrisoner, locale: Locale): string {
  if (locale === "ru") return p.region;
  if (p.regionEn) return p.regionEn;
  const latin = transliterate(p.region);
  return latin.charAt(0).toUpperCase() + latin.slice(1);
}

export function formatDate(date: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(locale === "ru" ? "ru-RU" : "en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  }).format(date);
}

/** Localised labels of the fixed interests a stored list holds (unknown keys are left out). */
export function interestLabels(t: Translate, interests: readonly string[]): string[] {
  return INTEREST_KEYS.filter((key) => interests.includes(key)).map((key) => t(`interest-${key}`));
}

/** The card's text, HTML, in the reader's language. */
export function prisonerCardText(t: Translate, locale: Locale, prisoner: CardPrisoner, now: Date): string {
  const e = escapeHtml;
  const field = (labelKey: string, value: string): string => `<b>${e(t(labelKey))}</b> ${e(value)}`;

  const lines: string[] = [];
  if (locale === "ru") {
    lines.push(`<b>${e(cyrillicFullName(prisoner))}</b>`);
  } else {
    lines.push(`<b>${e(latinFullName(prisoner))}</b>`);
    lines.push(e(t("card-name-in-russian", { name: cyrillicFullName(prisoner) })));
  }
  const age = ageOn(prisoner.birthDate, now);
  lines.push(e(mayShowRegion(prisoner) ? t("card-age-region", { age, region: regionFor(prisoner, locale) }) : t("card-age", { age })));
  lines.push("");
  if (mayShowFacility(prisoner)) lines.push(field("card-facility", prisoner.facilityName));
  // A list may be in Russian only: English readers then get the Russian text, marked as such.
  if (locale === "ru") lines.push(field("card-case", prisoner.caseSummaryRu));
  else if (prisoner.caseSummaryEn) lines.push(field("card-case", prisoner.caseSummaryEn));
  else lines.push(`${field("card-case", prisoner.caseSummaryRu)}\n<i>${e(t("card-case-in-russian"))}</i>`);
  const sentence = locale === "ru" ? prisoner.sentenceRu : (prisoner.sentenceEn ?? prisoner.sentenceRu);
  const sentenceInRussian = locale !== "ru" && !prisoner.sentenceEn && prisoner.sentenceRu !== null;
  lines.push(field("card-sentence", sentence === null ? t("card-no-verdict") : sentenceInRussian ? `${sentence} ${t("card-in-russian")}` : sentence));
  if (prisoner.inCustodySince) lines.push(field("card-custody-since", formatDate(prisoner.inCustodySince, locale)));
  const interests = interestLabels(t, prisoner.interests);
  if (interests.length > 0) lines.push(field("card-interests", interests.join(", ")));
  lines.push("");
  lines.push(
    e(prisoner.lettersCount === 0 ? t("card-letters-none") : t("card-letters", { count: prisoner.lettersCount })),
  );
  return lines.join("\n");
}

export interface PrisonerCardActions {
  /** Callback data of "Write to <name>". */
  write?: string;
  /** Callback data of "Someone else". */
  someoneElse?: string;
  /** A last "back" button: its callback data and, optionally, its label key (default menu-back). */
  back?: { data: string; labelKey?: string };
}

/**
 * The card's buttons: write, someone else, "about the charges" (added by itself when the articles
 * include terrorism or extremism), back. Callback data of `actions` belongs to the caller.
 */
export function prisonerCardKeyboard(
  t: Translate,
  locale: Locale,
  prisoner: CardPrisoner,
  actions: PrisonerCardActions = {},
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  if (actions.write) keyboard.text(t("card-write", { name: shortName(prisoner, locale) }), actions.write).row();
  if (actions.someoneElse) keyboard.text(t("card-someone-else"), actions.someoneElse).row();
  if (hasAlarmingCharges(prisoner.articles)) {
    keyboard.text(t("card-about-charges"), CARD_BUTTONS.charges.encode(prisoner.id)).row();
  }
  if (actions.back) keyboard.text(t(actions.back.labelKey ?? "menu-back"), actions.back.data).row();
  return keyboard;
}

