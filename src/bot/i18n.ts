import { fileURLToPath } from "node:url";
import { I18n } from "@grammyjs/i18n";
import type { Context } from "grammy";

export const LOCALES = ["ru", "en"] as const;
export type Locale = (typeof LOCALES)[number];

/** Where en.ftl and ru.ftl live, independent of the working directory. */
export const LOCALES_DIR = fileURLToPath(new URL("../../locales", import.meta.url));

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** First contact: Telegram's language code decides (ru, ru-RU, ... → ru; anything else → en). */
export function localeFromLanguageCode(code: string | undefined): Locale {
  return code?.toLowerCase().startsWith("ru") ? "ru" : "en";
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
