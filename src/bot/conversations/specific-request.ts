// "Write to someone specific": when a person is not in the list or cannot be reached through it,
// the writer gives their full name, birth year and (if known) where they are held. It becomes a
// request for the operators; the writer then writes the letter (the letter conversation, with
// { specificRequestId }) from the button this conversation ends with.
import { InlineKeyboard } from "grammy";
import { createSpecificRequest } from "../../db/repositories/specific-requests.js";
import { findWriterByTelegramId } from "../../db/repositories/writers.js";
import {
  FACILITY_MAX_CHARS,
  FULL_NAME_MAX_CHARS,
  MIN_PRISONER_AGE,
  parseBirthYear,
  parseFacility,
  parseFullName,
  type FieldResult,
} from "../../domain/specific-request.js";
import type { BotConversation, ConversationContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { CB } from "../../messages/keyboards/callbacks.js";
import { SEARCH_CB } from "../../messages/keyboards/search-callbacks.js";
import type { ConversationModule } from "./index.js";

export const SPECIFIC_REQUEST_CONVERSATION_ID = "specific-request";
/** The "I don't know" button of the facility step (handled inside the conversation). */
const SKIP_DATA = "s:sr:skip";
const MAX_ATTEMPTS = 3;

function cancelKeyboard(t: ConversationContext["t"]): InlineKeyboard {
  return new InlineKeyboard().text(t("specific-cancel"), CB.cancel);
}

export const specificRequestConversation: ConversationModule = {
  id: SPECIFIC_REQUEST_CONVERSATION_ID,
  build:
    ({ prisma }: FeatureDeps) =>
    async (conversation: BotConversation, ctx: ConversationContext) => {
      /**
       * Asks until a valid answer (at most MAX_ATTEMPTS). A command or another button means the
       * writer went elsewhere: the conversation ends and the update is handled outside.
       */
      async function ask<T>(
        promptKey: string,
        params: Record<string, string | number>,
        parse: (text: string) => FieldResult<T>,
        opts: { skippable?: boolean } = {},
      ): Promise<{ value: T | null } | undefined> {
        const keyboard = cancelKeyboard(ctx.t);
        if (opts.skippable) keyboard.row().text(ctx.t("specific-skip"), SKIP_DATA);
        await ctx.reply(ctx.t(promptKey, params), { reply_markup: keyboard });
        for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
          const answer = await conversation.wait();
          if (opts.skippable && answer.callbackQuery?.data === SKIP_DATA) {
            await answer.answerCallbackQuery();
            return { value: null };
          }
          if (answer.callbackQuery || answer.message?.text?.startsWith("/")) await conversation.halt({ next: true });
          const text = answer.message?.text;
          if (text === undefined) {
            await answer.reply(answer.t("specific-text-only"));
            continue;
          }
          const result = parse(text);
          if (result.ok) return { value: result.value };
          await answer.reply(answer.t(`specific-invalid-${result.reason}`, params));
        }
        await ctx.reply(ctx.t("specific-gave-up"));
        return undefined;
      }

      const now = new Date(await conversation.now());
      const name = await ask("specific-ask-name", { max: FULL_NAME_MAX_CHARS }, parseFullName);
      if (!name?.value) return;
      const year = await ask("specific-ask-year", { min: "1900", max: String(now.getUTCFullYear() - MIN_PRISONER_AGE) }, (t) => parseBirthYear(t, now));
      if (!year?.value) return;
      const facility = await ask("specific-ask-facility", { max: FACILITY_MAX_CHARS }, parseFacility, { skippable: true });
      if (!facility) return;

      const telegramId = ctx.from?.id ?? 0;
      const fullName = name.value;
      const birthYear = year.value;
      const requestId = await conversation.external(async () => {
        const writer = await findWriterByTelegramId(prisma, telegramId);
        if (!writer) return null;
        const request = await createSpecificRequest(prisma, { writerId: writer.id, fullName, birthYear, facility: facility.value });
        ctx.logger.info({ writer_id: writer.id, specific_request_id: request.id }, "specific request created");
        return request.id;
      });
      if (requestId === null) return;
      await ctx.reply(ctx.t("specific-saved", { id: String(requestId) }), {
        reply_markup: new InlineKeyboard()
          .text(ctx.t("specific-write-letter"), SEARCH_CB.specificWrite(requestId))
          .row()
          .text(ctx.t("requests-button"), SEARCH_CB.requests),
      });
    },
};
