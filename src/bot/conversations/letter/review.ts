// Step 4: the summary of the letter with Send, Edit and Cancel.
import { estimatePrintedPages, letterLength } from "../../../domain/letter.js";
import type { ConversationContext } from "../../context.js";
import { summaryKeyboard } from "./buttons.js";
import { notAccepted, outdated } from "./replies.js";
import { recipient, type LetterRun } from "./run.js";
import { letterText, type Draft } from "./types.js";
import { next } from "./updates.js";

/** To whom, how long (or how many pages), the signature, and for typed letters the accepted warnings. */
export function summaryText(t: ConversationContext["t"], draft: Draft, to: string): string {
  const length = letterLength(letterText(draft));
  const lines = [
    t("letter-summary-title"),
    "",
    t("letter-summary-to", { recipient: to }),
    draft.kind === "typed"
      ? t("letter-summary-typed", { length, pages: estimatePrintedPages(length) })
      : t("letter-summary-handwritten", { count: draft.pages.length }),
    t("letter-summary-signature", { signature: draft.signature ?? "" }),
  ];
  if (draft.kind === "typed") {
    lines.push(
      draft.accepted.length > 0
        ? t("letter-summary-warnings", { list: draft.accepted.map((w) => t("letter-warning-name", { code: w.code })).join(", ") })
        : t("letter-summary-no-warnings"),
    );
  }
  lines.push("", t("letter-summary-hint"));
  return lines.join("\n");
}

/**
 * The summary and its buttons until Send or Edit. Edit takes the buttons away at once; Send leaves
 * them until the letter is stored (send() in submit.ts takes them away then), so a Send that fails
 * (the database away for a moment) can simply be pressed again. Returns the summary's message id.
 */
export async function review(run: LetterRun, draft: Draft): Promise<{ action: "send" | "edit"; summaryId: number | undefined }> {
  const { ctx } = run;
  const t = ctx.t.bind(ctx);
  await ctx.reply(summaryText(t, draft, recipient(run, ctx)), { reply_markup: summaryKeyboard(t, run.scope) });
  for (;;) {
    const { c, action } = await next(run, { stage: "review", draft, keyboard: (t) => summaryKeyboard(t, run.scope) });
    if (action === "send" || action === "edit") {
      // The spinner stops at once; Send answers again with the code below.
      await c.answerCallbackQuery();
      if (action === "edit") await c.editMessageReplyMarkup().catch(() => undefined);
      return { action, summaryId: c.callbackQuery?.message?.message_id };
    }
    if (action) await outdated(c);
    else if (c.message) await notAccepted(c, "buttons");
  }
}
