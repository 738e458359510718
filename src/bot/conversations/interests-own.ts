// "My own interests": one question, answered in free text ("шахматы, вышивка, jazz"). Known words
// join the fixed interests; the rest is stored cleaned and length-limited with the "custom:" prefix.
import { findWriterByTelegramId, updateWriterProfile } from "../../db/repositories/writers.js";
import { MAX_CUSTOM_INTEREST_LENGTH, MAX_CUSTOM_INTERESTS, parseCustomInterests, withCustomInterests } from "../../domain/interests.js";
import type { BotConversation, ConversationContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { INTERESTS_OWN_CONVERSATION_ID } from "../features/interests.js";
import { interestsKeyboard, interestsText, isInterestsMode } from "../views/interests.js";
import type { ConversationModule } from "./index.js";

/** Attempts before the question is given up (the writer can always come back from Settings). */
const MAX_ATTEMPTS = 3;
/** An answer arriving later than this is not taken as the answer to the question. */
const IDLE_MS = 60 * 60 * 1000;

export const interestsOwnConversation: ConversationModule = {
  id: INTERESTS_OWN_CONVERSATION_ID,
  build:
    ({ prisma }: FeatureDeps) =>
    async (conversation: BotConversation, ctx: ConversationContext, args?: unknown) => {
      const requested = (args as { mode?: unknown } | undefined)?.mode;
      const mode = isInterestsMode(requested) ? requested : "s";
      await ctx.reply(ctx.t("interests-own-ask", { max: MAX_CUSTOM_INTERESTS, length: MAX_CUSTOM_INTEREST_LENGTH }), {
        reply_markup: { force_reply: true, input_field_placeholder: ctx.t("interests-own-placeholder") },
      });
      for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
        const askedAt = await conversation.now();
        const answer = await conversation.wait();
        const idle = (await conversation.now()) - askedAt > IDLE_MS;
        // A button, a command or a message long after the question means the writer went
        // elsewhere: leave, and let the update be handled as if no question was open.
        if (idle || answer.callbackQuery || answer.message?.text?.startsWith("/")) await conversation.halt({ next: true });
        const text = answer.message?.text;
        if (text === undefined) {
          await answer.reply(answer.t("interests-own-text-only"));
          continue;
        }
        const parsed = parseCustomInterests(text);
        if (parsed.keys.length === 0 && parsed.custom.length === 0) {
          await answer.reply(answer.t(parsed.tooLong.length > 0 ? "interests-own-too-long" : "interests-own-empty", { length: MAX_CUSTOM_INTEREST_LENGTH }));
          continue;
        }
        const telegramId = answer.from?.id ?? 0;
        const interests = await conversation.external(async () => {
          const writer = await findWriterByTelegramId(prisma, telegramId);
          if (!writer) return null;
          const updated = await updateWriterProfile(prisma, writer.id, { interests: withCustomInterests(writer.interests, parsed) });
          return updated.interests;
        });
        if (interests === null) return;
        const notes = [answer.t("interests-own-saved")];
        if (parsed.tooLong.length > 0 || parsed.truncated) {
          notes.push(answer.t("interests-own-trimmed", { max: MAX_CUSTOM_INTERESTS, length: MAX_CUSTOM_INTEREST_LENGTH }));
        }
        await answer.reply(`${notes.join("\n")}\n\n${interestsText(answer.t, interests, mode)}`, {
          reply_markup: interestsKeyboard(answer.t, interests, mode),
        });
        return;
      }
      await ctx.reply(ctx.t("interests-own-gave-up"));
    },
};
