// The rules before the first letter: "Got it" stores the confirmation with RULES_VERSION,
// then the writer continues where they were going (assignment, a letter to a chosen person, menu).
import { Composer } from "../composer.js";
import { updateWriterProfile } from "../../db/repositories/writers.js";
import { RULES_VERSION } from "../../domain/rules.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { mainMenuKeyboard } from "../../messages/keyboards/main-menu.js";
import { decodeContinuation, RULES_CB, showRules, type RulesContinuation } from "../views/rules.js";
import { answerPress } from "../views/screen.js";
import { enterLetter, startWriting } from "./write-entry.js";

export {
  needsRulesAcceptance,
  showRules,
  encodeContinuation,
  decodeContinuation,
  RULES_CB,
  type RulesContinuation,
  type RulesContext,
} from "../views/rules.js";

/** Goes on to where the writer was heading when the rules were shown. */
export async function continueAfterRules(ctx: BotContext, deps: FeatureDeps, after: RulesContinuation): Promise<void> {
  switch (after.kind) {
    case "menu":
      await answerPress(ctx);
      await ctx.reply(ctx.t("menu-title"), { reply_markup: mainMenuKeyboard(ctx.t) });
      return;
    case "assignment":
      await startWriting(ctx, deps, { mode: "send" });
      return;
    case "letter":
      if ("specificRequestId" in after) await enterLetter(ctx, { specificRequestId: after.specificRequestId });
      else await enterLetter(ctx, { prisonerId: after.prisonerId, ...(after.assignmentId === undefined ? {} : { assignmentId: after.assignmentId }) });
      return;
  }
}

export function rulesFeature(deps: FeatureDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  privateChats.command("rules", (ctx) => showRules(ctx, { kind: "menu" }));

  // "More": the pressed digest grows to the full rules, keeping where the writer was heading.
  privateChats.callbackQuery(new RegExp(`^${RULES_CB.morePrefix}(.+)$`), async (ctx) => {
    const after = decodeContinuation(ctx.match[1] ?? "");
    if (!after) return answerPress(ctx, ctx.t("stale-button"));
    await showRules(ctx, after, { expanded: true });
  });

  privateChats.callbackQuery(new RegExp(`^${RULES_CB.acceptPrefix}(.+)$`), async (ctx) => {
    const writer = ctx.writer;
    const after = decodeContinuation(ctx.match[1] ?? "");
    if (!writer || !after) {
      await answerPress(ctx, ctx.t("stale-button"));
      return;
    }
    if ((writer.rulesAcceptedVersion ?? 0) < RULES_VERSION) {
      ctx.writer = await updateWriterProfile(deps.prisma, writer.id, { rulesAcceptedVersion: RULES_VERSION });
      ctx.logger.info({ writer_id: writer.id, rules_version: RULES_VERSION }, "rules accepted");
    }
    // The digest stays readable above; only its buttons go, so it cannot be confirmed twice.
    await ctx.editMessageReplyMarkup().catch(() => undefined);
    await ctx.reply(ctx.t("rules-thanks"));
    await continueAfterRules(ctx, deps, after);
  });

  return composer;
}
