import { GrammyError, type Context, type InlineKeyboard } from "grammy";
import type { ParseMode } from "grammy/types";

function isNotModified(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /not modified/i.test(err.description);
}

export interface ScreenOptions {
  keyboard?: InlineKeyboard;
  parseMode?: ParseMode;
  /** "edit" (default): replace the pressed message, if any; "send": always a new message. */
  mode?: "edit" | "send";
}

/**
 * Like screens.ts showScreen, for any context (inside conversations too) and with HTML: from a
 * button press the pressed message is edited in place; otherwise a new message is sent.
 * Does not answer the callback query: callers do, with or without a notice.
 */
export async function renderScreen(ctx: Context, text: string, opts: ScreenOptions = {}): Promise<void> {
  const extra = {
    ...(opts.keyboard ? { reply_markup: opts.keyboard } : {}),
    ...(opts.parseMode ? { parse_mode: opts.parseMode } : {}),
    link_preview_options: { is_disabled: true },
  };
  if (opts.mode !== "send" && ctx.callbackQuery?.message) {
    try {
      await ctx.editMessageText(text, extra);
      return;
    } catch (err) {
      if (isNotModified(err)) return;
      // Too old or deleted: send a fresh message instead.
      if (!(err instanceof GrammyError) || err.error_code !== 400) throw err;
    }
  }
  await ctx.reply(text, extra);
}

/** Answers a button press (stops its spinner), ignoring presses Telegram already forgot. */
export async function answerPress(ctx: Context, text?: string, alert = false): Promise<void> {
  if (!ctx.callbackQuery) return;
  await ctx.answerCallbackQuery(text === undefined ? {} : { text, show_alert: alert }).catch((err: unknown) => {
    if (!(err instanceof GrammyError) || err.error_code !== 400) throw err;
  });
}
