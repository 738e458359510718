import { fileURLToPath } from "node:url";
import { I18n } from "@grammyjs/i18n";
import type { Context } from "grammy";

export const LOCALES = ["ru", "en"] as const;
export type Locale = (typeof LOCALES)[number];

/** Where en.ftl and ru.ftl live, independent of the working directory. */
export const LOCALES_DIR = fileURLToPath(new URL("../../locales", import.meta.url));

/** Operators are Russian-speaking volunteers: the operators' chat is written in Russian. */
export const OPERATORS_LOCALE = "ru";

/** A translation function bound to one locale, as views take it (ctx.t, or i18n.t with a locale). */
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/**
 * Telegram apps set to these languages get Russian first: their users nearly always read it, and
 * letters to Russian prisons are written in it. The first screen offers English in one tap anyway.
 */
const RUSSIAN_FIRST = new Set(["ru", "uk", "be", "kk"]);

/** First contact: Telegram's language code decides (ru, ru-RU, uk, be, kk → ru; anything else → en). */
export function localeFromLanguageCode(code: string | undefined): Locale {
  const language = code?.toLowerCase().split(/[-_]/)[0];
  return language !== undefined && RUSSIAN_FIRST.has(language) ? "ru" : "en";
}

/** The locale for a context: the writer's stored choice wins over Telegram's language code. */
export function localeOf(ctx: { writer?: { language: string } | undefined; from?: { language_code?: string } | undefined }): Locale {
  const stored = ctx.writer?.language;
  return isLocale(stored) ? stored : localeFromLanguageCode(ctx.from?.language_code);
}

export type LocaleAwareContext = Context & { writer?: { language: string } | undefined };

/** One I18n over locales/; the same instance serves the bot, conversations and workers. */
export function createI18n(): I18n<LocaleAwareContext> {
  return new I18n<LocaleAwareContext>({
    defaultLocale: "en",
    directory: LOCALES_DIR,
    // Without this, every inserted value gets invisible U+2068/U+2069 marks.
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => localeOf(ctx),
  });
}
