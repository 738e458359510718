import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import { CB } from "../keyboards/callbacks.js";
import { mainMenuKeyboard } from "../keyboards/main-menu.js";
import { showScreen } from "../screens.js";

/** /start: a short welcome in the writer's language and the main menu. */
export function startFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  privateChats.command("start", async (ctx) => {
    await ctx.reply(ctx.t("start-welcome"), { reply_markup: mainMenuKeyboard(ctx.t) });
  });

  privateChats.callbackQuery(CB.menu, async (ctx) => {
    await showScreen(ctx, ctx.t("menu-title"), mainMenuKeyboard(ctx.t));
  });

  return composer;
}
