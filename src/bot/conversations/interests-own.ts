// "My own interests": one question, answered in free text ("шахматы, вышивка, jazz"). Known words
// join the fixed interests; the rest is stored cleaned and length-limited with the "custom:" prefix.
import { updateWriterProfile } from "../../db/repositories/writers.js";
import { MAX_CUSTOM_INTEREST_LENGTH, MAX_CUSTOM_INTERESTS, parseCustomInterests, withCustomInterests } from "../../domain/interests.js";
import type { BotConversation, ConversationContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { INTERESTS_OWN_CONVERSATION_ID } from "../features/interests.js";
import { interestsKeyboard, interestsText, isInterestsMode } from "../../messages/views/interests.js";
import type { ConversationModule } from "./index.js";
import { askTextQuestion } from "./text-question.js";

export const interestsOwnConversation: ConversationModule = {
  id: INTERESTS_OWN_CONVERSATION_ID,
  build:
    ({ prisma }: FeatureDeps) =>
    async (conversation: BotConversation, ctx: ConversationContext, args?: unknown) => {
      const requested = (args as { mode?: unknown } | undefined)?.mode;
      const mode = isInterestsMode(requested) ? requested : "s";
      await askTextQuestion(conversation, ctx, {
        question: ctx.t("interests-own-ask", { max: MAX_CUSTOM_INTERESTS, length: MAX_CUSTOM_INTEREST_LENGTH }),
        placeholder: ctx.t("interests-own-placeholder"),
        textOnlyKey: "interests-own-text-only",
        gaveUpKey: "interests-own-gave-up",
        async onText(answer, text) {
          const parsed = parseCustomInterests(text);
          if (parsed.keys.length === 0 && parsed.custom.length === 0) {
            await answer.reply(answer.t(parsed.tooLong.length > 0 ? "interests-own-too-long" : "interests-own-empty", { length: MAX_CUSTOM_INTEREST_LENGTH }));
            return "again";
          }
          const interests = await conversation.external(async () => {
            // Loaded for this update already (see writerLending).
            const writer = answer.writer;
            if (!writer) return null;
            const updated = await updateWriterProfile(prisma, writer.id, { interests: withCustomInterests(writer.interests, parsed) });
            return updated.interests;
          });
          if (interests === null) return "done";
          const notes = [answer.t("interests-own-saved")];
          if (parsed.tooLong.length > 0 || parsed.truncated) {
            notes.push(answer.t("interests-own-trimmed", { max: MAX_CUSTOM_INTERESTS, length: MAX_CUSTOM_INTEREST_LENGTH }));
          }
          await answer.reply(`${notes.join("\n")}\n\n${interestsText(answer.t, interests, mode)}`, {
            reply_markup: interestsKeyboard(answer.t, interests, mode),
          });
          return "done";
        },
      });
    },
};
