import { GrammyError, type InlineKeyboard } from "grammy";
import type { BotContext } from "./context.js";

function isNotModified(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /not modified/i.test(err.description);
}

/**
 * Shows a screen: from a button press, edit the pressed message in place (and stop the button's
 * spinner); from a command, send a new message. Menus stay one message instead of piling up.
 */
export async function showScreen(ctx: BotContext, text: string, keyboard?: InlineKeyboard): Promise<void> {
  const options = keyboard ? { reply_markup: keyboard } : {};
  if (ctx.callbackQuery?.message) {
    try {
      await ctx.editMessageText(text, options);
      return;
    } catch (err) {
      if (isNotModified(err)) return;
      // Too old or deleted: fall through and send a fresh message.
      if (!(err instanceof GrammyError) || err.error_code !== 400) throw err;
    } finally {
      // Stops the button's spinner once the screen has changed.
      await ctx.answerCallbackQuery();
    }
  }
  await ctx.reply(text, options);
}
