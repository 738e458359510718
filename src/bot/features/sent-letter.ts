// "Send" pressed again after the letter went (a double tap, or a tap on the old summary): the writer
// is told the letter is already with us and its code, instead of "this button no longer works".
import { Composer } from "grammy";
import { sendButtonScope } from "../conversations/letter/buttons.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { answerPress } from "../views/screen.js";

export function sentLetterFeature({ prisma }: FeatureDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.chatType("private").callbackQuery(/^ltr:[0-9a-f]+:send$/, async (ctx, next) => {
    const scope = sendButtonScope(ctx.callbackQuery.data);
    const writer = ctx.writer;
    if (!scope || !writer) return next();
    // The flow's scope is the start of the draft's nonce, which the letter's idempotency key ends with.
    const letter = await prisma.letter.findFirst({
      where: { writerId: writer.id, idempotencyKey: { startsWith: `letter-${writer.id}-${scope}` } },
      select: { code: true },
    });
    if (!letter) return next();
    await answerPress(ctx, ctx.t("letter-already-sent", { code: letter.code }), true);
  });
  return composer;
}
