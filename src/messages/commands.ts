// The command menus Telegram shows, per chat kind, as lists of commands and locale keys.
import type { BotCommand } from "grammy/types";
import type { I18n } from "@grammyjs/i18n";
import type { LocaleAwareContext } from "./i18n.js";

export interface CommandEntry {
  command: string;
  /** Locale key of the description shown in Telegram's command menu. */
  descriptionKey: string;
}

/** The writers' command menu (private chats); a feature that adds a command adds it here too. */
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

/** The menu in the operators' chat: their work, not the writers'. */
export const operatorCommands: CommandEntry[] = [
  { command: "batch", descriptionKey: "command-op-batch" },
  { command: "requests", descriptionKey: "command-op-requests" },
  { command: "operators", descriptionKey: "command-op-operators" },
  { command: "lang", descriptionKey: "command-op-lang" },
  { command: "setup", descriptionKey: "command-setup" },
  { command: "whoami", descriptionKey: "command-whoami" },
  { command: "help", descriptionKey: "command-op-help" },
];

/** The menu in any other group: how to make it the operators' chat. */
export const groupCommands: CommandEntry[] = [
  { command: "setup", descriptionKey: "command-setup" },
  { command: "whoami", descriptionKey: "command-whoami" },
];

export function localizedCommands(i18n: I18n<LocaleAwareContext>, locale: string, entries: CommandEntry[] = botCommands): BotCommand[] {
  return entries.map(({ command, descriptionKey }) => ({
    command,
    description: i18n.t(locale, descriptionKey),
  }));
}
