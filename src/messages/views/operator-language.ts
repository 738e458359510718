// /lang: an operator's own language in the operators' chat (the chat's shared language is
// OPERATORS_LANGUAGE). Both buttons name their language in itself, like the writers' language screen.
import { InlineKeyboard } from "grammy";
import { callback, oneOf } from "../callbacks.js";
import { LOCALES, type Translate } from "../i18n.js";

export const OPERATOR_LANGUAGE_BUTTON = callback("oplang", oneOf(LOCALES));

export function operatorLanguageKeyboard(t: Translate): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const locale of LOCALES) keyboard.text(t(`language-name-${locale}`), OPERATOR_LANGUAGE_BUTTON.encode(locale));
  return keyboard;
}
