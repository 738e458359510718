// Step 3, only when the writer has no signature yet: the name the letter is signed with, saved to
// the writer's profile for the next letters.
import { updateWriterProfile } from "../../../db/repositories/writers.js";
import { sanitizeSignature, SIGNATURE_MAX_CHARS } from "../../../domain/letter.js";
import { signatureKeyboard } from "./buttons.js";
import { notAccepted, outdated } from "./replies.js";
import type { LetterRun } from "./run.js";
import type { Draft } from "./types.js";
import { next } from "./updates.js";

/** The answer to a name sanitizeSignature refused. */
export function signatureProblemKey(reason: string): "letter-signature-too-long" | "letter-signature-empty" {
  return reason === "too-long" ? "letter-signature-too-long" : "letter-signature-empty";
}

/** The name to sign with, or undefined for "Back" (to the letter). */
export async function askSignature(run: LetterRun, draft: Draft): Promise<string | undefined> {
  const { ctx, scope } = run;
  await ctx.reply(ctx.t("letter-signature-ask", { max: SIGNATURE_MAX_CHARS }), { reply_markup: signatureKeyboard(ctx.t, scope) });
  for (;;) {
    const { c, action } = await next(run, { stage: "signature", draft, keyboard: (t) => signatureKeyboard(t, scope) });
    if (action === "back") {
      await c.answerCallbackQuery();
      await c.editMessageReplyMarkup().catch(() => undefined);
      return undefined;
    }
    if (action) {
      await outdated(c);
      continue;
    }
    const text = c.message?.text;
    if (text === undefined) {
      if (c.message) await notAccepted(c, "signature", signatureKeyboard(c.t, scope));
      continue;
    }
    const result = sanitizeSignature(text);
    if (!result.ok) {
      await c.reply(c.t(signatureProblemKey(result.reason), { max: SIGNATURE_MAX_CHARS }), { reply_markup: signatureKeyboard(c.t, scope) });
      continue;
    }
    const name = result.name;
    await run.conversation.external(() => updateWriterProfile(run.deps.prisma, run.writerId, { signatureName: name }).then(() => undefined));
    await c.reply(c.t("letter-signature-saved", { signature: name }));
    return name;
  }
}
