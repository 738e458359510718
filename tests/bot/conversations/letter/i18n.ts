// The real locales for step tests: what the writer would read, in either language.
import type { ConversationContext } from "../../../../src/bot/context.js";
import { createI18n } from "../../../../src/messages/i18n.js";

const i18n = createI18n();

export function tr(locale: "en" | "ru"): ConversationContext["t"] {
  return ((key: string, params?: Record<string, string | number>) => i18n.t(locale, key, params)) as ConversationContext["t"];
}
