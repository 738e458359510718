import { InlineKeyboard } from "grammy";
import { CB } from "./callbacks.js";
import { MY_CB } from "../views/my-letters.js";
import { REMINDER_CB } from "../views/reminders.js";
import { SEARCH_CB } from "./search-callbacks.js";
import type { Translate } from "../i18n.js";

export interface MenuEntry {
  /** Locale key of the button label. */
  labelKey: string;
  callbackData: string;
}

/**
 * The main menu, top to bottom. A feature adds its entry here when it exists (write a letter,
 * find a person, my letters, how to write); entries without a working feature do not belong here.
 */
export const mainMenuEntries: MenuEntry[] = [
  { labelKey: "menu-write", callbackData: CB.write },
  { labelKey: "menu-search", callbackData: SEARCH_CB.menu },
  { labelKey: "menu-my-letters", callbackData: MY_CB.list },
  { labelKey: "menu-guide", callbackData: CB.guide },
  { labelKey: "menu-settings", callbackData: CB.settings },
  { labelKey: "menu-help", callbackData: CB.help },
];

/**
 * The settings screen entries (language now; interests and signature name join later).
 */
export const settingsEntries: MenuEntry[] = [
  { labelKey: "settings-language", callbackData: CB.languageChoose },
  { labelKey: "settings-interests", callbackData: CB.interests },
  { labelKey: "settings-signature", callbackData: CB.signature },
  { labelKey: "settings-reminders", callbackData: REMINDER_CB.open },
  { labelKey: "settings-privacy", callbackData: CB.privacy },
];

function keyboardOf(entries: MenuEntry[], t: Translate): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const entry of entries) keyboard.text(t(entry.labelKey), entry.callbackData).row();
  return keyboard;
}

export function mainMenuKeyboard(t: Translate): InlineKeyboard {
  return keyboardOf(mainMenuEntries, t);
}

export function settingsKeyboard(t: Translate): InlineKeyboard {
  return keyboardOf(settingsEntries, t).text(t("menu-back"), CB.menu);
}

export function backToMenuKeyboard(t: Translate): InlineKeyboard {
  return new InlineKeyboard().text(t("menu-back"), CB.menu);
}
