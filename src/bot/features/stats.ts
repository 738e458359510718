// /stats: what Lifeline's writers have done together. Read from maintained counters (cheap at any size).
import { Composer } from "../composer.js";
import { getStats } from "../../db/repositories/stats.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { backToMenuKeyboard } from "../../messages/keyboards/main-menu.js";

export function statsFeature({ prisma }: FeatureDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.chatType("private").command("stats", async (ctx) => {
    const stats = await getStats(prisma);
    await ctx.reply(
      ctx.t("stats-text", {
        written: stats.lettersWritten,
        posted: stats.lettersPosted,
        replies: stats.repliesReceived,
        waiting: stats.waitingForFirstLetter,
      }),
      { reply_markup: backToMenuKeyboard(ctx.t) },
    );
  });
  return composer;
}
