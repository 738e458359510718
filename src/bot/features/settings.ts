import { Composer } from "../composer.js";
import type { BotContext } from "../context.js";
import { CB } from "../../messages/keyboards/callbacks.js";
import { settingsKeyboard } from "../../messages/keyboards/main-menu.js";
import { showScreen } from "../screens.js";

/** /settings and the menu's Settings button: the list of things a writer can change. */
export function settingsFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  privateChats.command("settings", async (ctx) => {
    await ctx.reply(ctx.t("settings-title"), { reply_markup: settingsKeyboard(ctx.t) });
  });

  privateChats.callbackQuery(CB.settings, async (ctx) => {
    await showScreen(ctx, ctx.t("settings-title"), settingsKeyboard(ctx.t));
  });

  return composer;
}
