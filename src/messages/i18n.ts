import { fileURLToPath } from "node:url";
import { I18n } from "@grammyjs/i18n";
import type { Context } from "grammy";

export const LOCALES = ["ru", "en"] as const;
export type Locale = (typeof LOCALES)[number];

/** Where en.ftl and ru.ftl live, independent of the working directory. */
export const LOCALES_DIR = fileURLToPath(new URL("../../locales", import.meta.url));

/**
 * The operators' chat is Russian unless OPERATORS_LANGUAGE says otherwise (config.operatorsLanguage).
 * What is posted to everyone there goes in that language; an operator's own answers follow the
 * language they chose with /lang (docs/architecture.md, "The operators' languages").
 */
export const DEFAULT_OPERATORS_LOCALE: Locale = "ru";

/** A translation function bound to one locale, as views take it (ctx.t, or i18n.t with a locale). */
export type Translate = (key: string, vars?: Record<string, string | number>) => string;

/** i18n.t fixed to one locale: the operators' chat's language, or one operator's. */
export function translatorFor(i18n: { t: (locale: string, key: string, vars?: Record<string, string | number>) => string }, locale: Locale): Translate {
  return (key, vars) => i18n.t(locale, key, vars);
}

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

/**
 * The locale for a context: in the operators' chat an operator's language (set by the bot's
 * middleware as `operatorLocale`) comes first; then the writer's stored choice; then Telegram's code.
 */
export function localeOf(ctx: {
  operatorLocale?: Locale | undefined;
  writer?: { language: string } | undefined;
  from?: { language_code?: string } | undefined;
}): Locale {
  if (ctx.operatorLocale !== undefined) return ctx.operatorLocale;
  const stored = ctx.writer?.language;
  return isLocale(stored) ? stored : localeFromLanguageCode(ctx.from?.language_code);
}

export type LocaleAwareContext = Context & { writer?: { language: string } | undefined; operatorLocale?: Locale | undefined };

/** One I18n over locales/; the same instance serves the bot, conversations and workers. */
export function createI18n(): I18n<LocaleAwareContext> {
  const i18n = new I18n<LocaleAwareContext>({
    defaultLocale: "en",
    directory: LOCALES_DIR,
    // Without this, every inserted value gets invisible U+2068/U+2069 marks.
    fluentBundleOptions: { useIsolating: false },
    localeNegotiator: (ctx) => localeOf(ctx),
  });
  rememberBundleMatches(i18n);
  return i18n;
}

/**
 * The Fluent wrapper of @grammyjs/i18n negotiates languages (parsing BCP 47 tags) on every single
 * translation; with two fixed locales loaded once at start-up, the answer for a locale never changes.
 * Its bundle matching is remembered per requested locale list. Checked in tests/messages/i18n.test.ts.
 */
function rememberBundleMatches(i18n: I18n<LocaleAwareContext>): void {
  const fluent = i18n.fluent as unknown as { matchBundles?: (locales: string[]) => Iterable<unknown> };
  const match = fluent.matchBundles?.bind(fluent);
  if (match === undefined) return;
  const remembered = new Map<string, Iterable<unknown>>();
  fluent.matchBundles = (locales) => {
    const key = locales.join("\n");
    let bundles = remembered.get(key);
    if (bundles === undefined) {
      bundles = match(locales);
      remembered.set(key, bundles);
    }
    return bundles;
  };
}
