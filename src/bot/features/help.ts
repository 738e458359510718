import { Composer } from "../composer.js";
import type { BotContext } from "../context.js";
import { CB } from "../../messages/keyboards/callbacks.js";
import { backToMenuKeyboard } from "../../messages/keyboards/main-menu.js";
import { showScreen } from "../screens.js";

/** /help and the menu's Help button: what Lifeline does and which commands exist. */
export function helpFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  privateChats.command("help", async (ctx) => {
    await ctx.reply(ctx.t("help-text"), { reply_markup: backToMenuKeyboard(ctx.t) });
  });

  privateChats.callbackQuery(CB.help, async (ctx) => {
    await showScreen(ctx, ctx.t("help-text"), backToMenuKeyboard(ctx.t));
  });

  return composer;
}
