import { Composer } from "../composer.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { mainMenuKeyboard } from "../../messages/keyboards/main-menu.js";
import { createFileStorage } from "../../storage/index.js";
import { draftOpenKey, draftPrefix } from "../../storage/keys.js";
import { answerOutdated } from "../keyboards/on-callback.js";

/**
 * Last in the chain: what no feature handled. Buttons of ended flows or of messages from before a
 * restart get a polite notice instead of an endless spinner; stray private messages get the menu.
 * A writer whose letter was still open when its conversation's state was lost (Redis restarted
 * without persistence) is told so once, instead of a "we didn't catch that" that hides the loss.
 */
export function fallbackFeature(deps: Pick<FeatureDeps, "config" | "logger">): Composer<BotContext> {
  const storage = createFileStorage(deps.config.storageDir, deps.config.keyring);
  const composer = new Composer<BotContext>();

  composer.on("callback_query", async (ctx) => {
    await answerOutdated(ctx);
  });

  composer.chatType("private").on("message", async (ctx) => {
    const writer = ctx.writer;
    if (writer && (await storage.exists(draftOpenKey(writer.id)))) {
      // The unfinished draft cannot be continued: its files go, and the writer hears it once.
      await storage.deletePrefix(draftPrefix(writer.id));
      ctx.logger.warn({ writer_id: writer.id }, "a letter draft's state was lost; the writer was told");
      await ctx.reply(ctx.t("fallback-draft-lost"), { reply_markup: mainMenuKeyboard(ctx.t) });
      return;
    }
    await ctx.reply(ctx.t("fallback-unknown"), { reply_markup: mainMenuKeyboard(ctx.t) });
  });

  return composer;
}
