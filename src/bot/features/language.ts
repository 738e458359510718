import { InlineKeyboard } from "grammy";
import { Composer } from "../composer.js";
import type { InlineKeyboardButton } from "grammy/types";
import { setWriterLanguage } from "../../db/repositories/writers.js";
import { setChatCommands } from "../../telegram/commands.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { isLocale, LOCALES, type Locale } from "../../messages/i18n.js";
import { CB } from "../../messages/keyboards/callbacks.js";
import { mainMenuKeyboard } from "../../messages/keyboards/main-menu.js";
import { showScreen } from "../screens.js";

/** "lang:first:ru": chosen on the first screen, which is then shown again in that language. */
export const FIRST_LANGUAGE_PREFIX = "lang:first:";

function languageKeyboard(t: BotContext["t"]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  // Each language is named in itself, so a writer who cannot read the current one finds theirs.
  for (const locale of LOCALES) keyboard.text(t(`language-name-${locale}`), `${CB.languageSetPrefix}${locale}`).row();
  return keyboard.text(t("menu-back"), CB.settings);
}

/** Both languages side by side, for the top of the first screen. */
export function firstLanguageRow(t: BotContext["t"]): InlineKeyboardButton[] {
  return LOCALES.map((locale) => InlineKeyboard.text(t(`language-name-${locale}`), `${FIRST_LANGUAGE_PREFIX}${locale}`));
}

/**
 * Stores the writer's language, answers in it from now on, and makes this chat's command menu
 * follow it (whatever language the Telegram app is in). False when there is no writer.
 */
export async function applyLanguage(ctx: BotContext, { prisma, i18n }: Pick<FeatureDeps, "prisma" | "i18n">, locale: Locale): Promise<boolean> {
  const writer = ctx.writer;
  if (!writer || !ctx.chat) return false;
  await setWriterLanguage(prisma, writer.id, locale);
  ctx.writer = { ...writer, language: locale };
  await ctx.i18n.renegotiateLocale();
  ctx.logger.info({ writer_id: writer.id, language: locale }, "language changed");
  // Only the menu is lost if Telegram refuses it.
  await setChatCommands(ctx.api, i18n, ctx.chat.id, locale).catch((err: unknown) => ctx.logger.warn({ err }, "could not set the chat's command menu"));
  return true;
}

/** /language and Settings → Language: choose Русский or English; stored on the writer. */
export function languageFeature(deps: FeatureDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  privateChats.command("language", async (ctx) => {
    await ctx.reply(ctx.t("language-choose"), { reply_markup: languageKeyboard(ctx.t) });
  });

  privateChats.callbackQuery(CB.languageChoose, async (ctx) => {
    await showScreen(ctx, ctx.t("language-choose"), languageKeyboard(ctx.t));
  });

  privateChats.callbackQuery(new RegExp(`^${CB.languageSetPrefix}(.+)$`), async (ctx) => {
    const locale = ctx.match[1];
    if (!isLocale(locale) || !(await applyLanguage(ctx, deps, locale))) {
      await ctx.answerCallbackQuery({ text: ctx.t("stale-button") });
      return;
    }
    // Answer in the language just chosen.
    await showScreen(ctx, ctx.t("language-changed"), mainMenuKeyboard(ctx.t));
  });

  return composer;
}
