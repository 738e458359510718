// The prisoner card: who the person is, where they are held and why, shown before a writer writes.
// Reused by the assignment screen, search and reply delivery. HTML parse mode: every value, from the
// database or from the locale files, is escaped. The postal address is for envelopes only and is
// never part of the card.
import { InlineKeyboard } from "grammy";
import type { Prisoner } from "../../db/repositories/prisoners.js";
import { hasAlarmingCharges } from "../../domain/charges.js";
import { INTEREST_KEYS, type InterestKey } from "../../domain/interests.js";
import { transliterate, type PersonNameField } from "../../domain/names.js";
import type { Locale } from "../i18n.js";
import type { Translate } from "../keyboards/main-menu.js";

/** Callback data of the card's own buttons (handled by the guide feature). */
export const CARD_CB = {
  /** Followed by the prisoner id: "card:charges:12". */
  chargesPrefix: "card:charges:",
} as const;

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

export function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** The card needs these fields only (so search results and joined rows can be passed as they are). */
export type CardPrisoner = Pick<
  Prisoner,
  | PersonNameField
  | "id"
  | "birthDate"
  | "region"
  | "regionEn"
  | "facilityName"
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
  lines.push(e(t("card-age-region", { age: ageOn(prisoner.birthDate, now), region: regionFor(prisoner, locale) })));
  lines.push("");
  lines.push(field("card-facility", prisoner.facilityName));
  lines.push(field("card-case", locale === "ru" ? prisoner.caseSummaryRu : prisoner.caseSummaryEn));
  const sentence = locale === "ru" ? prisoner.sentenceRu : prisoner.sentenceEn;
  lines.push(field("card-sentence", sentence ?? t("card-no-verdict")));
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
    keyboard.text(t("card-about-charges"), `${CARD_CB.chargesPrefix}${prisoner.id}`).row();
  }
  if (actions.back) keyboard.text(t(actions.back.labelKey ?? "menu-back"), actions.back.data).row();
  return keyboard;
}

