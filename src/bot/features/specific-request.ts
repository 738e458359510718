// Entry points of "write to someone specific": the form (a conversation) and, once the request is
// saved, its letter (the letter conversation with { specificRequestId }).
import { Composer } from "../composer.js";
import { findWriterSpecificRequest, specificRequestHasLetter } from "../../db/repositories/specific-requests.js";
import { SPECIFIC_REQUEST_CONVERSATION_ID } from "../conversations/specific-request.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { onCallback } from "../keyboards/on-callback.js";
import { SEARCH_BUTTONS, SEARCH_CB } from "../../messages/keyboards/search-callbacks.js";
import { needsRulesAcceptance, showRules } from "../views/rules.js";
import { answerPress } from "../views/screen.js";
import { enterLetter } from "./write-entry.js";

export function specificRequestFeature({ prisma }: FeatureDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  privateChats.callbackQuery(SEARCH_CB.specific, async (ctx) => {
    if (Object.keys(ctx.conversation.active()).length > 0) {
      await answerPress(ctx, ctx.t("write-already-in-flow"), true);
      return;
    }
    ctx.session.searchAwaiting = false;
    await answerPress(ctx);
    await ctx.reply(ctx.t("specific-intro"));
    await ctx.conversation.enter(SPECIFIC_REQUEST_CONVERSATION_ID);
  });

  onCallback(privateChats, SEARCH_BUTTONS.specificWrite, async (ctx, [requestId]) => {
    const writer = ctx.writer;
    const request = writer ? await findWriterSpecificRequest(prisma, writer.id, requestId) : null;
    if (!writer || !request) {
      await answerPress(ctx, ctx.t("stale-button"), true);
      return;
    }
    if (await specificRequestHasLetter(prisma, request.id)) {
      await answerPress(ctx, ctx.t("specific-letter-exists"), true);
      return;
    }
    if (needsRulesAcceptance(writer)) {
      await showRules(ctx, { kind: "letter", specificRequestId: request.id });
      return;
    }
    await enterLetter(ctx, { specificRequestId: request.id });
  });

  return composer;
}
