import { Composer } from "grammy";
import { getStats } from "../../db/repositories/stats.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { CB } from "../keyboards/callbacks.js";
import { mainMenuKeyboard } from "../keyboards/main-menu.js";
import { showScreen } from "../screens.js";

/** /start: a short welcome in the writer's language, with live counters, and the main menu. */
export function startFeature({ prisma }: FeatureDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  privateChats.command("start", async (ctx) => {
    const stats = await getStats(prisma);
    const welcome = ctx.t("start-welcome", { written: stats.lettersWritten, waiting: stats.waitingForFirstLetter });
    await ctx.reply(welcome, { reply_markup: mainMenuKeyboard(ctx.t) });
  });

  privateChats.callbackQuery(CB.menu, async (ctx) => {
    await showScreen(ctx, ctx.t("menu-title"), mainMenuKeyboard(ctx.t));
  });

  return composer;
}
