import { Composer } from "grammy";
import type { BotContext } from "../context.js";
import { mainMenuKeyboard } from "../keyboards/main-menu.js";

/**
 * Last in the chain: what no feature handled. Buttons of ended flows or of messages from before a
 * restart get a polite notice instead of an endless spinner; stray private messages get the menu.
 */
export function fallbackFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.on("callback_query", async (ctx) => {
    await ctx.answerCallbackQuery({ text: ctx.t("stale-button"), show_alert: false });
  });

  composer.chatType("private").on("message", async (ctx) => {
    await ctx.reply(ctx.t("fallback-unknown"), { reply_markup: mainMenuKeyboard(ctx.t) });
  });

  return composer;
}
