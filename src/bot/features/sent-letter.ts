// "Send" pressed again after the letter went (a double tap, or a tap on the old summary): the writer
// is told the letter is already with us and its code, instead of "this button no longer works".
import { Composer } from "../composer.js";
import { findSentLetterCode } from "../../db/repositories/letters.js";
import { sentLetterKey } from "../../messages/state-keys.js";
import { sendButtonScope } from "../conversations/letter/buttons.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { answerPress } from "../views/screen.js";

export function sentLetterFeature({ prisma, redis, config }: FeatureDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.chatType("private").callbackQuery(/^ltr:[0-9a-f]+:send$/, async (ctx, next) => {
    const scope = sendButtonScope(ctx.callbackQuery.data);
    const writer = ctx.writer;
    if (!scope || !writer) return next();
    // A resubmission keeps its letter's first key, so the flow records which letter it sent; a first
    // submission is also found by its key when that record is gone (Redis lost it).
    const recorded = Number(await redis.get(sentLetterKey(config.redisPrefix, writer.id, scope)));
    const code = await findSentLetterCode(prisma, writer.id, recorded > 0 ? { letterId: recorded } : { scope });
    if (!code) return next();
    await answerPress(ctx, ctx.t("letter-already-sent", { code }), true);
  });
  return composer;
}
