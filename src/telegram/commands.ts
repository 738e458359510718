// Publishes the command menus and descriptions (src/messages/commands.ts) through the Bot API.
import type { Api } from "grammy";
import type { I18n } from "@grammyjs/i18n";
import { groupCommands, localizedCommands, operatorCommands } from "../messages/commands.js";
import { LOCALES, type Locale, type LocaleAwareContext } from "../messages/i18n.js";

/**
 * At start: writers' menus in private chats (English, Russian for Russian-language clients), the
 * set-up menu in groups, and the bot's description and short description in both languages, so a
 * newcomer opens a chat that says what the bot is for.
 */
export async function setBotCommands(api: Api, i18n: I18n<LocaleAwareContext>): Promise<void> {
  for (const locale of LOCALES) {
    // English is also the fallback for every other client language.
    const language = locale === "en" ? {} : { language_code: locale };
    await api.setMyCommands(localizedCommands(i18n, locale), { scope: { type: "all_private_chats" }, ...language });
    await api.setMyCommands(localizedCommands(i18n, locale, groupCommands), { scope: { type: "all_group_chats" }, ...language });
    await api.setMyDescription(i18n.t(locale, "bot-description"), language);
    await api.setMyShortDescription(i18n.t(locale, "bot-short-description"), language);
  }
}

/** A writer chose a language in the bot: their chat's menu follows it, whatever their client's language. */
export async function setChatCommands(api: Api, i18n: I18n<LocaleAwareContext>, chatId: number, locale: Locale): Promise<void> {
  await api.setMyCommands(localizedCommands(i18n, locale), { scope: { type: "chat", chat_id: chatId } });
}

/** The operators' chat gets the operators' menu (in the chat's language, OPERATORS_LANGUAGE). */
export async function setOperatorsChatCommands(api: Api, i18n: I18n<LocaleAwareContext>, chatId: number, locale: Locale): Promise<void> {
  await api.setMyCommands(localizedCommands(i18n, locale, operatorCommands), { scope: { type: "chat", chat_id: chatId } });
}

/** A group that is no longer the operators' chat falls back to the set-up menu of all groups. */
export async function clearChatCommands(api: Api, chatId: number): Promise<void> {
  await api.deleteMyCommands({ scope: { type: "chat", chat_id: chatId } });
}
