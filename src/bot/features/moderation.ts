// The moderation card's buttons in the operators' chat, and translations attached by replying to a card.
import { Composer, GrammyError } from "grammy";
import { decideLetter, findLetterByCode, lastDecision, loadLetterForCard, setNeedsTranslation, setTranslation, type Decision, type LetterForCard } from "../../db/repositories/moderation.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { MY_CB } from "../views/my-letters.js";
import {
  cardHeader,
  cardKeyboard,
  CHANGE_REASONS,
  formatUtc,
  OPERATORS_LOCALE,
  reasonKeyboard,
  REJECT_REASONS,
  type DecisionInfo,
  type Translate,
} from "../views/moderation-card.js";
import { codeInText } from "../../replies/intake.js";
import { actingOperator, isOperatorsChat, requireOperator } from "./operators.js";

/** Long enough for a translated letter of the maximum length, short enough for one card reply. */
export const TRANSLATION_MAX_CHARS = 4000;

export { codeInText } from "../../replies/intake.js";

function isNotModified(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /not modified/i.test(err.description);
}

async function editCard(ctx: BotContext, text: string, keyboard: ReturnType<typeof cardKeyboard> | undefined): Promise<void> {
  try {
    await ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: keyboard ?? { inline_keyboard: [] } });
  } catch (err) {
    if (!isNotModified(err)) throw err;
  }
}

export function moderationFeature(deps: FeatureDeps): Composer<BotContext> {
  const { prisma, queues, i18n } = deps;
  const t: Translate = (key, vars) => i18n.t(OPERATORS_LOCALE, key, vars);
  const composer = new Composer<BotContext>();

  const decisionOf = async (letter: LetterForCard): Promise<DecisionInfo | undefined> => {
    if (letter.status === "submitted") return undefined;
    const event = await lastDecision(prisma, letter.id);
    return event ? { status: event.status, reason: event.reason, operatorId: event.operatorId, at: event.at } : undefined;
  };

  /** Redraws the card as the database has it now. */
  const redraw = async (ctx: BotContext, letter: LetterForCard): Promise<void> => {
    const decision = await decisionOf(letter);
    await editCard(ctx, cardHeader(t, letter, decision), letter.status === "submitted" ? cardKeyboard(t, letter) : undefined);
  };

  const alreadyDecided = async (ctx: BotContext, letter: LetterForCard): Promise<void> => {
    const decision = await decisionOf(letter);
    const who = decision?.operatorId ? ctx.t("mod-who-operator", { id: decision.operatorId }) : ctx.t("mod-who-system");
    await redraw(ctx, letter);
    await ctx.answerCallbackQuery({ text: ctx.t("mod-already-decided", { status: decision?.status ?? letter.status, who, at: formatUtc(decision?.at ?? letter.statusChangedAt) }), show_alert: true });
  };

  const decide = async (ctx: BotContext, letterId: number, decision: Decision, reason?: string): Promise<void> => {
    const op = await requireOperator(ctx, deps);
    if (!op) return;
    const result = await prisma.$transaction((tx) => decideLetter(tx, { letterId, decision, ...(reason ? { reason } : {}), operatorId: op.id }));
    const letter = await loadLetterForCard(prisma, letterId);
    if (!letter || (!result.ok && result.reason === "missing")) {
      await ctx.answerCallbackQuery({ text: ctx.t("mod-letter-missing"), show_alert: true });
      return;
    }
    if (!result.ok) {
      await alreadyDecided(ctx, letter);
      return;
    }
    ctx.logger.info({ letter_id: letterId, operator_id: op.id, decision }, "letter decided");
    // The card changes first, so whoever looks next sees the decision.
    await redraw(ctx, letter);
    await ctx.answerCallbackQuery({ text: ctx.t("mod-decision-saved") });
    const params = { code: result.code, ...(reason ? { reason } : {}) };
    if (decision === "approved") {
      if (!letter.needsTranslation || letter.translationText) await queues.print({ letterId });
      await queues.notify({ writerId: result.writerId, key: "letters-status-approved", params, dedupeKey: `letter-${letterId}-approved` });
    } else if (decision === "needs_changes") {
      await queues.notify({
        writerId: result.writerId,
        key: "letters-status-needs-changes",
        params,
        buttons: [{ key: "letters-button-resubmit", data: MY_CB.resubmit(letterId) }],
        dedupeKey: `letter-${letterId}-needs-changes`,
      });
    } else {
      await queues.notify({ writerId: result.writerId, key: "letters-status-rejected", params, dedupeKey: `letter-${letterId}-rejected` });
    }
  };

  composer.callbackQuery(/^mod:ap:(\d+)$/, (ctx) => decide(ctx, Number(ctx.match[1]), "approved"));
  composer.callbackQuery(/^mod:cr:(\d+):([a-z-]+)$/, async (ctx) => {
    const reason = ctx.match[2] ?? "";
    if (!(CHANGE_REASONS as readonly string[]).includes(reason)) return ctx.answerCallbackQuery();
    await decide(ctx, Number(ctx.match[1]), "needs_changes", reason);
  });
  composer.callbackQuery(/^mod:rr:(\d+):([a-z-]+)$/, async (ctx) => {
    const reason = ctx.match[2] ?? "";
    if (!(REJECT_REASONS as readonly string[]).includes(reason)) return ctx.answerCallbackQuery();
    await decide(ctx, Number(ctx.match[1]), "rejected", reason);
  });

  // Choosing a reason, going back, and the translation mark only change the card's buttons.
  composer.callbackQuery(/^mod:(ch|rj|bk|tr):(\d+)$/, async (ctx) => {
    if (!(await requireOperator(ctx, deps))) return;
    const letterId = Number(ctx.match[2]);
    let letter = await loadLetterForCard(prisma, letterId);
    if (!letter) return void (await ctx.answerCallbackQuery({ text: ctx.t("mod-letter-missing"), show_alert: true }));
    if (letter.status !== "submitted") return alreadyDecided(ctx, letter);
    const action = ctx.match[1];
    if (action === "tr") {
      await setNeedsTranslation(prisma, letterId, !letter.needsTranslation);
      letter = { ...letter, needsTranslation: !letter.needsTranslation };
      await editCard(ctx, cardHeader(t, letter), cardKeyboard(t, letter));
    } else if (action === "bk") {
      await editCard(ctx, cardHeader(t, letter), cardKeyboard(t, letter));
    } else {
      const kind = action === "ch" ? "changes" : "reject";
      await editCard(ctx, `${cardHeader(t, letter)}\n\n${t(kind === "changes" ? "mod-choose-changes" : "mod-choose-reject")}`, reasonKeyboard(t, letterId, kind));
    }
    await ctx.answerCallbackQuery();
  });

  // A text reply to a card from an operator is the letter's Russian translation.
  composer.on("message:text", async (ctx, next) => {
    const replied = ctx.msg.reply_to_message;
    const code = codeInText(replied?.text ?? replied?.caption);
    if (!isOperatorsChat(ctx, deps) || !replied || replied.from?.id !== ctx.me.id || !code || ctx.msg.text.startsWith("/")) return next();
    // Operators talk among themselves in this chat too: only an operator's reply counts, others are ignored.
    const op = await actingOperator(ctx, deps);
    if (!op) return next();
    const letter = await findLetterByCode(prisma, code);
    if (!letter) return next();
    const reply = { reply_parameters: { message_id: ctx.msg.message_id } };
    if (letter.status !== "submitted" && letter.status !== "approved") {
      await ctx.reply(t("mod-translation-not-now"), reply);
      return;
    }
    if (ctx.msg.text.length > TRANSLATION_MAX_CHARS) {
      await ctx.reply(t("mod-translation-too-long", { max: TRANSLATION_MAX_CHARS }), reply);
      return;
    }
    await setTranslation(prisma, letter.id, ctx.msg.text.trim());
    ctx.logger.info({ letter_id: letter.id, operator_id: op.id }, "translation attached");
    // An approved letter was waiting for exactly this.
    if (letter.status === "approved") await queues.print({ letterId: letter.id });
    await ctx.reply(t("mod-translation-saved", { code: letter.code }), reply);
  });

  return composer;
}
