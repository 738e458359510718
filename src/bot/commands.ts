import type { Api } from "grammy";
import type { BotCommand } from "grammy/types";
import type { I18n } from "@grammyjs/i18n";
import type { LocaleAwareContext } from "./i18n.js";

export interface CommandEntry {
  command: string;
  /** Locale key of the description shown in Telegram's command menu. */
  descriptionKey: string;
}

/** The command menu; a feature that adds a command adds it here too. */
export const botCommands: CommandEntry[] = [
  { command: "start", descriptionKey: "command-start" },
  { command: "write", descriptionKey: "command-write" },
  { command: "search", descriptionKey: "command-search" },
  { command: "letters", descriptionKey: "command-letters" },
  { command: "requests", descriptionKey: "command-requests" },
  { command: "stats", descriptionKey: "command-stats" },
  { command: "guide", descriptionKey: "command-guide" },
  { command: "settings", descriptionKey: "command-settings" },
  { command: "language", descriptionKey: "command-language" },
  { command: "privacy", descriptionKey: "command-privacy" },
  { command: "help", descriptionKey: "command-help" },
  { command: "cancel", descriptionKey: "command-cancel" },
];

export function localizedCommands(i18n: I18n<LocaleAwareContext>, locale: string): BotCommand[] {
  return botCommands.map(({ command, descriptionKey }) => ({
    command,
    description: i18n.t(locale, descriptionKey),
  }));
}

/** English for everyone by default, Russian for Russian-language Telegram clients. */
export async function setBotCommands(api: Api, i18n: I18n<LocaleAwareContext>): Promise<void> {
  await api.setMyCommands(localizedCommands(i18n, "en"), { scope: { type: "default" } });
  await api.setMyCommands(localizedCommands(i18n, "ru"), { scope: { type: "default" }, language_code: "ru" });
}
