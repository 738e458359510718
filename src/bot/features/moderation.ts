// The moderation card's buttons in the operators' chat, and translations attached by replying to a card.
import { GrammyError, type InlineKeyboard } from "grammy";
import { Composer } from "../composer.js";
import { decideLetter, findLetterByCode, lastDecision, loadLetterForCard, setNeedsTranslation, setTranslation, type Decision, type LetterForCard } from "../../db/repositories/moderation.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { onCallback } from "../keyboards/on-callback.js";
import { MY_CB } from "../../messages/views/my-letters.js";
import { cardHeader, cardKeyboard, MOD_BUTTONS, reasonKeyboard, type DecisionInfo } from "../../messages/views/moderation-card.js";
import { heldKeyboard } from "../../messages/views/held-card.js";
import { formatUtc } from "../../messages/text.js";
import { translatorFor, type Translate } from "../../messages/i18n.js";
import { codeInText } from "../../replies/intake.js";
import { actingOperator, isOperatorsChat, requireOperator } from "./operators.js";

/** Long enough for a translated letter of the maximum length, short enough for one card reply. */
export const TRANSLATION_MAX_CHARS = 4000;

export { codeInText } from "../../replies/intake.js";

function isNotModified(err: unknown): boolean {
  return err instanceof GrammyError && err.error_code === 400 && /not modified/i.test(err.description);
}

async function editCard(ctx: BotContext, text: string, keyboard: InlineKeyboard | undefined): Promise<void> {
  try {
    await ctx.editMessageText(text, { parse_mode: "HTML", reply_markup: keyboard ?? { inline_keyboard: [] } });
  } catch (err) {
    if (!isNotModified(err)) throw err;
  }
}

export function moderationFeature(deps: FeatureDeps): Composer<BotContext> {
  const { prisma, queues, i18n, config } = deps;
  // The card everyone reads stays in the chat's language; toasts and replies follow the operator (ctx.t).
  const t: Translate = translatorFor(i18n, config.operatorsLanguage);
  const composer = new Composer<BotContext>();

  const decisionOf = async (letter: LetterForCard): Promise<DecisionInfo | undefined> => {
    if (letter.status === "submitted") return undefined;
    const event = await lastDecision(prisma, letter.id);
    return event ? { status: event.status, reason: event.reason, operatorId: event.operatorId, at: event.at } : undefined;
  };

  /** Redraws the card as the database has it now: a held letter's card offers "Send it on" and "Cancel". */
  const redraw = async (ctx: BotContext, letter: LetterForCard): Promise<void> => {
    const decision = await decisionOf(letter);
    const keyboard = letter.status === "submitted" ? cardKeyboard(t, letter) : letter.status === "held" ? heldKeyboard(t, letter.id) : undefined;
    await editCard(ctx, cardHeader(t, letter, decision), keyboard);
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
    // The card is read in the decision's transaction: a letter that cannot be decrypted
    // (DecryptionError) rolls the decision back instead of leaving it half-made.
    const { result, letter } = await prisma.$transaction(async (tx) => {
      const decided = await decideLetter(tx, { letterId, decision, ...(reason ? { reason } : {}), operatorId: op.id });
      return { result: decided, letter: await loadLetterForCard(tx, letterId) };
    });
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

  // Registered before MOD_BUTTONS.card, whose "mod" prefix claims every other mod:* payload.
  onCallback(composer, MOD_BUTTONS.approve, (ctx, [letterId]) => decide(ctx, letterId, "approved"));
  onCallback(composer, MOD_BUTTONS.changeReason, (ctx, [letterId, reason]) => decide(ctx, letterId, "needs_changes", reason));
  onCallback(composer, MOD_BUTTONS.rejectReason, (ctx, [letterId, reason]) => decide(ctx, letterId, "rejected", reason));

  // Choosing a reason, going back, and the translation mark only change the card's buttons.
  onCallback(composer, MOD_BUTTONS.card, async (ctx, [action, letterId]) => {
    if (!(await requireOperator(ctx, deps))) return;
    let letter = await loadLetterForCard(prisma, letterId);
    if (!letter) return void (await ctx.answerCallbackQuery({ text: ctx.t("mod-letter-missing"), show_alert: true }));
    if (letter.status !== "submitted") return alreadyDecided(ctx, letter);
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
    if (!(await isOperatorsChat(ctx, deps)) || !replied || replied.from?.id !== ctx.me.id || !code || ctx.msg.text.startsWith("/")) return next();
    // Operators talk among themselves in this chat too: only an operator's reply counts, others are ignored.
    const op = await actingOperator(ctx, deps);
    if (!op) return next();
    const letter = await findLetterByCode(prisma, code);
    if (!letter) return next();
    const reply = { reply_parameters: { message_id: ctx.msg.message_id } };
    if (letter.status !== "submitted" && letter.status !== "approved") {
      await ctx.reply(ctx.t("mod-translation-not-now"), reply);
      return;
    }
    if (ctx.msg.text.length > TRANSLATION_MAX_CHARS) {
      await ctx.reply(ctx.t("mod-translation-too-long", { max: TRANSLATION_MAX_CHARS }), reply);
      return;
    }
    await setTranslation(prisma, letter.id, ctx.msg.text.trim());
    ctx.logger.info({ letter_id: letter.id, operator_id: op.id }, "translation attached");
    // An approved letter was waiting for exactly this.
    if (letter.status === "approved") await queues.print({ letterId: letter.id });
    await ctx.reply(ctx.t("mod-translation-saved", { code: letter.code }), reply);
  });

  return composer;
}
