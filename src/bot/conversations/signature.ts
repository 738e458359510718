// Asks for the name letters are signed with and stores it on the writer (cleaned, length-limited).
import { InlineKeyboard } from "grammy";
import { updateWriterProfile } from "../../db/repositories/writers.js";
import { SIGNATURE_MAX_CHARS, sanitizeSignature } from "../../domain/letter.js";
import type { BotConversation, ConversationContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { SIGNATURE_CONVERSATION_ID } from "../features/signature.js";
import { CB } from "../../messages/keyboards/callbacks.js";
import { settingsKeyboard } from "../../messages/keyboards/main-menu.js";
import type { ConversationModule } from "./index.js";
import { askTextQuestion } from "./text-question.js";

export const signatureConversation: ConversationModule = {
  id: SIGNATURE_CONVERSATION_ID,
  build:
    ({ prisma }: FeatureDeps) =>
    async (conversation: BotConversation, ctx: ConversationContext) => {
      await askTextQuestion(conversation, ctx, {
        question: ctx.t("signature-ask", { max: SIGNATURE_MAX_CHARS }),
        placeholder: ctx.t("signature-placeholder"),
        keyboard: new InlineKeyboard().text(ctx.t("menu-back"), CB.settings),
        textOnlyKey: "signature-text-only",
        gaveUpKey: "signature-gave-up",
        async onText(answer, text) {
          const result = sanitizeSignature(text);
          if (!result.ok) {
            await answer.reply(answer.t(result.reason === "too-long" ? "signature-too-long" : "signature-empty", { max: SIGNATURE_MAX_CHARS }));
            return "again";
          }
          const saved = await conversation.external(async () => {
            // Loaded for this update already (see writerLending).
            const writer = answer.writer;
            if (!writer) return false;
            await updateWriterProfile(prisma, writer.id, { signatureName: result.name });
            return true;
          });
          if (saved) await answer.reply(answer.t("signature-saved", { name: result.name }), { reply_markup: settingsKeyboard(answer.t) });
          return "done";
        },
      });
    },
};
