// Step 1: typed or handwritten.
import { kindKeyboard } from "./buttons.js";
import { notAccepted, outdated } from "./replies.js";
import { recipient, type LetterRun } from "./run.js";
import type { Kind } from "./types.js";
import { next } from "./updates.js";

export async function chooseKind(run: LetterRun): Promise<Kind> {
  const { ctx } = run;
  await ctx.reply(ctx.t("letter-choose-kind", { recipient: recipient(run, ctx) }), { reply_markup: kindKeyboard(ctx.t, run.scope) });
  for (;;) {
    const { c, action } = await next(run, { stage: "kind", keyboard: (t) => kindKeyboard(t, run.scope) });
    if (action === "typed" || action === "hand") {
      await c.answerCallbackQuery();
      await c.editMessageReplyMarkup().catch(() => undefined);
      return action === "typed" ? "typed" : "handwritten";
    }
    if (action) await outdated(c);
    else if (c.message) await notAccepted(c, "buttons");
  }
}
