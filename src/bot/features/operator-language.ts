// /lang: each operator chooses the language the bot answers them in (toasts, confirmations,
// refusals, replies to their commands), in the operators' chat or in a private chat with the bot.
// Only the language code is stored, on the operator's row. What is posted to everyone in the
// operators' chat stays in OPERATORS_LANGUAGE (docs/architecture.md, "The operators' languages").
// Also the operators' /help in their chat.
import { Composer } from "../composer.js";
import { setOperatorLanguage } from "../../db/repositories/operators.js";
import { isLocale, localeOf, type Locale } from "../../messages/i18n.js";
import { OPERATOR_LANGUAGE_BUTTON, operatorLanguageKeyboard } from "../../messages/views/operator-language.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { onCallback } from "../keyboards/on-callback.js";
import { answerPress } from "../views/screen.js";
import { isOperatorsChat, requireOperator } from "./operators.js";

export function operatorLanguageFeature(deps: FeatureDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const chatLanguage = deps.config.operatorsLanguage;

  /** The operator behind /lang or its button; others are refused (in the group) or pointed to /language (in private). */
  const operatorHere = async (ctx: BotContext) => {
    if (ctx.chat?.type === "private") {
      const op = await requireOperator(ctx, deps, { privateToo: true, quiet: true });
      if (!op) {
        const text = ctx.t("op-lang-not-operator");
        if (ctx.callbackQuery) await answerPress(ctx, text, true);
        else await ctx.reply(text);
      }
      return op;
    }
    return requireOperator(ctx, deps);
  };

  /** Stores the choice and switches this update's answers to it. */
  const choose = async (ctx: BotContext, operatorId: number, language: Locale): Promise<void> => {
    await setOperatorLanguage(deps.prisma, operatorId, language);
    ctx.operatorLocale = language;
    await ctx.i18n.renegotiateLocale();
    ctx.logger.info({ operator_id: operatorId, language }, "operator language chosen");
  };

  composer.command("lang", async (ctx, next) => {
    // Another group is none of our business (a group bot may share its commands).
    if (ctx.chat.type !== "private" && !(await isOperatorsChat(ctx, deps))) return next();
    const op = await operatorHere(ctx);
    if (!op) return;
    const wanted = ctx.match.trim().toLowerCase();
    const reply = ctx.msg.chat.type === "private" ? {} : { reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true } };
    if (!isLocale(wanted)) {
      await ctx.reply(ctx.t("op-lang-current", { language: op.language ?? localeOf(ctx), chatLanguage }), {
        ...reply,
        reply_markup: operatorLanguageKeyboard(ctx.t),
      });
      return;
    }
    await choose(ctx, op.id, wanted);
    await ctx.reply(ctx.t("op-lang-set", { chatLanguage }), reply);
  });

  onCallback(composer, OPERATOR_LANGUAGE_BUTTON, async (ctx, [language]) => {
    if (ctx.chat?.type !== "private" && !(await isOperatorsChat(ctx, deps))) return answerPress(ctx);
    const op = await operatorHere(ctx);
    if (!op) return;
    await choose(ctx, op.id, language);
    // The button's message stays for the other operators; the choice is confirmed to the presser alone.
    await answerPress(ctx, ctx.t("op-lang-set", { chatLanguage }), true);
  });

  // The operators' /help: their work, in the asker's language (writers' /help is private-chat only).
  composer.command("help", async (ctx, next) => {
    if (ctx.chat.type === "private" || !(await isOperatorsChat(ctx, deps))) return next();
    await ctx.reply(ctx.t("op-help-text"), { reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true } });
  });

  return composer;
}
