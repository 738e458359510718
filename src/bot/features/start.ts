import { InlineKeyboard } from "grammy";
import { Composer } from "../composer.js";
import { getStats } from "../../db/repositories/stats.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { CB } from "../../messages/keyboards/callbacks.js";
import { mainMenuKeyboard } from "../../messages/keyboards/main-menu.js";
import { showScreen } from "../screens.js";
import { isLocale } from "../../messages/i18n.js";
import { applyLanguage, FIRST_LANGUAGE_PREFIX, firstLanguageRow } from "./language.js";

declare module "../context.js" {
  interface SessionData {
    /** The welcome was shown once; the first one also offers both languages. */
    welcomed?: boolean;
  }
}

/** The welcome with live counters; `withLanguages` puts "Русский | English" above the menu. */
export async function welcomeScreen(ctx: BotContext, { prisma }: Pick<FeatureDeps, "prisma">, withLanguages: boolean): Promise<{ text: string; keyboard: InlineKeyboard }> {
  const stats = await getStats(prisma);
  const text = ctx.t("start-welcome", { written: stats.lettersWritten, waiting: stats.waitingForFirstLetter });
  const menu = mainMenuKeyboard(ctx.t);
  const keyboard = withLanguages ? InlineKeyboard.from([firstLanguageRow(ctx.t), ...menu.inline_keyboard]) : menu;
  return { text, keyboard };
}

/** /start: a short welcome in the writer's language, with live counters, and the main menu. */
export function startFeature(deps: FeatureDeps): Composer<BotContext> {
  const { prisma } = deps;
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  privateChats.command("start", async (ctx) => {
    // The first screen offers both languages in one tap (Telegram's language is only a guess).
    const first = ctx.session.welcomed !== true;
    ctx.session.welcomed = true;
    const { text, keyboard } = await welcomeScreen(ctx, { prisma }, first);
    await ctx.reply(text, { reply_markup: keyboard });
  });

  // A language tapped on the first screen: the same welcome again, in that language, without the choice.
  privateChats.callbackQuery(new RegExp(`^${FIRST_LANGUAGE_PREFIX}(.+)$`), async (ctx) => {
    const locale = ctx.match[1];
    if (!isLocale(locale) || !(await applyLanguage(ctx, deps, locale))) {
      await ctx.answerCallbackQuery({ text: ctx.t("stale-button") });
      return;
    }
    const { text, keyboard } = await welcomeScreen(ctx, deps, false);
    await showScreen(ctx, text, keyboard);
  });

  privateChats.callbackQuery(CB.menu, async (ctx) => {
    await showScreen(ctx, ctx.t("menu-title"), mainMenuKeyboard(ctx.t));
  });

  return composer;
}
