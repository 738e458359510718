// Asks for the name letters are signed with and stores it on the writer (cleaned, length-limited).
import { findWriterByTelegramId, updateWriterProfile } from "../../db/repositories/writers.js";
import { SIGNATURE_MAX_CHARS, sanitizeSignature } from "../../domain/letter.js";
import type { BotConversation, ConversationContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { SIGNATURE_CONVERSATION_ID } from "../features/signature.js";
import { settingsKeyboard } from "../keyboards/main-menu.js";
import type { ConversationModule } from "./index.js";

const MAX_ATTEMPTS = 3;
/** An answer arriving later than this is not taken as the answer to the question. */
const IDLE_MS = 60 * 60 * 1000;

export const signatureConversation: ConversationModule = {
  id: SIGNATURE_CONVERSATION_ID,
  build:
    ({ prisma }: FeatureDeps) =>
    async (conversation: BotConversation, ctx: ConversationContext) => {
      await ctx.reply(ctx.t("signature-ask", { max: SIGNATURE_MAX_CHARS }), {
        reply_markup: { force_reply: true, input_field_placeholder: ctx.t("signature-placeholder") },
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
          await answer.reply(answer.t("signature-text-only"));
          continue;
        }
        const result = sanitizeSignature(text);
        if (!result.ok) {
          await answer.reply(answer.t(result.reason === "too-long" ? "signature-too-long" : "signature-empty", { max: SIGNATURE_MAX_CHARS }));
          continue;
        }
        const telegramId = answer.from?.id ?? 0;
        const saved = await conversation.external(async () => {
          const writer = await findWriterByTelegramId(prisma, telegramId);
          if (!writer) return false;
          await updateWriterProfile(prisma, writer.id, { signatureName: result.name });
          return true;
        });
        if (!saved) return;
        await answer.reply(answer.t("signature-saved", { name: result.name }), { reply_markup: settingsKeyboard(answer.t) });
        return;
      }
      await ctx.reply(ctx.t("signature-gave-up"));
    },
};
