import { Composer } from "../composer.js";
import type { BotContext } from "../context.js";
import { CB } from "../../messages/keyboards/callbacks.js";
import { mainMenuKeyboard } from "../../messages/keyboards/main-menu.js";

/**
 * /cancel (and any "Cancel" button with CB.cancel) leaves whatever conversation is running.
 * createBot installs this after conversations() and before every createConversation(), or a
 * waiting conversation would swallow the command.
 */
export function cancelFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  const cancel = async (ctx: BotContext): Promise<void> => {
    const active = Object.keys(ctx.conversation.active());
    if (active.length > 0) {
      await ctx.conversation.exitAll();
      ctx.logger.info({ conversations: active }, "conversation cancelled");
    }
    const text = ctx.t(active.length > 0 ? "cancel-done" : "cancel-nothing");
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery();
      await ctx.editMessageReplyMarkup().catch(() => undefined);
    }
    await ctx.reply(text, { reply_markup: ctx.chat?.type === "private" ? mainMenuKeyboard(ctx.t) : undefined });
  };

  composer.command("cancel", cancel);
  composer.callbackQuery(CB.cancel, cancel);
  return composer;
}
