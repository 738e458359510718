// Step 2b, typed letters only: the censorship pre-check. The writer fixes the text or sends it
// anyway (the accepted warnings go to the operators with the letter).
import { precheckLetter, quoteMatches, type PrecheckWarning } from "../../../domain/precheck/index.js";
import type { ConversationContext } from "../../context.js";
import { localeOf } from "../../../messages/i18n.js";
import { precheckKeyboard } from "./buttons.js";
import { notAccepted, outdated, sendLong } from "./replies.js";
import type { LetterRun } from "./run.js";
import { letterText, type Draft } from "./types.js";
import { next } from "./updates.js";

/** The warnings as the writer reads them: an intro, then one paragraph per warning with its quotes. */
export function precheckReport(t: ConversationContext["t"], locale: string, warnings: readonly PrecheckWarning[]): string {
  const lines = warnings.map((w) => t(`precheck-${w.code}`, { matches: quoteMatches(w.matches, locale) }));
  return [t("precheck-intro"), ...lines].join("\n\n");
}

/** Shows the pre-check; true to go on, false to go back and fix. */
export async function precheck(run: LetterRun, draft: Draft): Promise<boolean> {
  const { ctx } = run;
  const warnings = precheckLetter(letterText(draft));
  if (warnings.length === 0) {
    draft.accepted = [];
    await ctx.reply(ctx.t("precheck-clean"));
    return true;
  }
  await sendLong(ctx, precheckReport(ctx.t, localeOf(ctx), warnings), precheckKeyboard(ctx.t, run.scope));
  for (;;) {
    const { c, action } = await next(run, { stage: "precheck", draft, keyboard: (t) => precheckKeyboard(t, run.scope) });
    if (action === "fix" || action === "anyway") {
      await c.answerCallbackQuery();
      await c.editMessageReplyMarkup().catch(() => undefined);
      draft.accepted = action === "anyway" ? warnings : [];
      return action === "anyway";
    }
    if (action) await outdated(c);
    else if (c.message) await notAccepted(c, "buttons");
  }
}
