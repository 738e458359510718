// Short result cards in pages (search by name, browse by facet) and the labels of facet values.
// HTML parse mode: every value from the database or from the writer is escaped.
import { InlineKeyboard } from "grammy";
import type { FacetValue, PrisonerSummary } from "../../db/repositories/search.js";
import { transliterate } from "../../domain/names.js";
import { mayShowRegion } from "../../domain/where-held.js";
import type { PageInfo } from "../../domain/search.js";
import type { Locale, Translate } from "../i18n.js";
import { SEARCH_CB } from "../keyboards/search-callbacks.js";
import { escapeHtml } from "../text.js";

/** "Фёдор Светлячков" / "Fyodor Svetlyachkov". */
export function summaryName(p: PrisonerSummary, locale: Locale): string {
  return locale === "ru" ? `${p.firstName} ${p.lastName}` : `${p.firstNameLatin} ${p.lastNameLatin}`;
}

function regionOf(p: Pick<PrisonerSummary, "region" | "regionEn">, locale: Locale): string {
  if (locale === "ru" || p.regionEn) return locale === "ru" ? p.region : (p.regionEn ?? p.region);
  const latin = transliterate(p.region);
  return latin.charAt(0).toUpperCase() + latin.slice(1);
}

/** One line of details: birth year, region (unless it must stay secret), profession, letters or why they cannot receive. */
export function summaryDetails(t: Translate, p: PrisonerSummary, locale: Locale): string {
  const profession = locale === "ru" ? (p.professionRu ?? p.professionEn) : (p.professionEn ?? p.professionRu);
  const parts = [t("search-born", { year: String(p.birthYear) })];
  if (mayShowRegion(p)) parts.push(regionOf(p, locale));
  if (profession) parts.push(profession);
  const status = p.canReceiveLetters
    ? p.lettersCount === 0
      ? t("search-status-waiting")
      : t("search-status-letters", { count: p.lettersCount })
    : t("search-status-cannot");
  return `${parts.join(", ")} · ${status}`;
}

/** The text of a result page: a header line, then numbered short cards. */
export function resultsText(t: Translate, locale: Locale, header: string, items: PrisonerSummary[], offset: number): string {
  const lines = [escapeHtml(header), ""];
  items.forEach((p, i) => {
    lines.push(`${offset + i + 1}. <b>${escapeHtml(summaryName(p, locale))}</b>`);
    lines.push(escapeHtml(summaryDetails(t, p, locale)));
  });
  return lines.join("\n");
}

/** One button per result (opens the full card), then Prev / page x of y / Next, then Back. */
export function resultsKeyboard(
  t: Translate,
  locale: Locale,
  items: PrisonerSummary[],
  info: PageInfo,
  pageData: (page: number) => string,
  back: { data: string; labelKey: string },
): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  items.forEach((p, i) => {
    const mark = p.canReceiveLetters ? "" : " ⛔";
    keyboard.text(`${info.offset + i + 1}. ${summaryName(p, locale)}${mark}`, SEARCH_CB.card(p.id)).row();
  });
  navRow(keyboard, t, info, pageData);
  keyboard.text(t(back.labelKey), back.data).row();
  return keyboard;
}

export function navRow(keyboard: InlineKeyboard, t: Translate, info: PageInfo, pageData: (page: number) => string): void {
  if (info.pages <= 1) return;
  if (info.page > 0) keyboard.text(t("search-prev"), pageData(info.page - 1));
  keyboard.text(t("search-page", { page: info.page + 1, pages: info.pages }), SEARCH_CB.noop);
  if (info.page < info.pages - 1) keyboard.text(t("search-next"), pageData(info.page + 1));
  keyboard.row();
}

export type FacetName = "interest" | "view" | "profession" | "region";

/** The label of a facet value in the reader's language (a key without a translation shows as is). */
export function facetValueLabel(t: Translate, locale: Locale, facet: FacetName, v: Pick<FacetValue, "value" | "labelRu" | "labelEn">): string {
  switch (facet) {
    case "interest":
    case "view": {
      const key = `${facet === "interest" ? "interest" : "search-view"}-${v.value}`;
      const label = t(key);
      return label === key ? v.value : label;
    }
    case "profession":
      return (locale === "ru" ? (v.labelRu ?? v.labelEn) : (v.labelEn ?? v.labelRu)) ?? v.value;
    case "region":
      return regionOf({ region: v.value, regionEn: v.labelEn }, locale);
  }
}
