// One free-text question answered in a force-reply field (the signature, the writer's own
// interests): asked once, re-asked on a wrong answer, given up after a few tries.
import type { InlineKeyboard } from "grammy";
import type { BotConversation, ConversationContext } from "../context.js";

/** Attempts before the question is given up (the writer can always come back from Settings). */
const MAX_ATTEMPTS = 3;
/** An answer arriving later than this is not taken as the answer to the question. */
const IDLE_MS = 60 * 60 * 1000;

export interface TextQuestion {
  /** The question, already localized. */
  question: string;
  placeholder: string;
  /**
   * A way out under the question ("‹ Back"), instead of the force-reply field: any button press
   * leaves the question and is handled as if none was open.
   */
  keyboard?: InlineKeyboard;
  /** Locale keys: the answer was not text; the attempts ran out. */
  textOnlyKey: string;
  gaveUpKey: string;
  /**
   * Takes a text answer: either acts on it (and replies) and returns "done", or tells the writer
   * what is wrong with it and returns "again".
   */
  onText(answer: ConversationContext, text: string): Promise<"done" | "again">;
}

export async function askTextQuestion(conversation: BotConversation, ctx: ConversationContext, q: TextQuestion): Promise<void> {
  await ctx.reply(q.question, { reply_markup: q.keyboard ?? { force_reply: true, input_field_placeholder: q.placeholder } });
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const askedAt = await conversation.now();
    const answer = await conversation.wait();
    const idle = (await conversation.now()) - askedAt > IDLE_MS;
    // A button, a command or a message long after the question means the writer went
    // elsewhere: leave, and let the update be handled as if no question was open.
    if (idle || answer.callbackQuery || answer.message?.text?.startsWith("/")) await conversation.halt({ next: true });
    const text = answer.message?.text;
    if (text === undefined) {
      await answer.reply(answer.t(q.textOnlyKey));
      continue;
    }
    if ((await q.onText(answer, text)) === "done") return;
  }
  await ctx.reply(ctx.t(q.gaveUpKey));
}
