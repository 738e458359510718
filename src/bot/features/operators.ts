// Roles: who may moderate, print, post and forward replies. Checked in the database at the moment
// of every action (by Telegram id, never by username), so a removed operator's next press fails.
import { type MiddlewareFn } from "grammy";
import { Composer } from "../composer.js";
import { addOperator, authorizeOperator, listOperators, operatorLanguage, removeOperator, type ActingOperator } from "../../db/repositories/operators.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";

/** The operator pressing or writing right now, or null. */
export async function actingOperator(ctx: BotContext, deps: Pick<FeatureDeps, "prisma" | "config">): Promise<ActingOperator | null> {
  if (!ctx.from || ctx.from.is_bot) return null;
  return authorizeOperator(deps.prisma, ctx.from.id, deps.config.adminIds);
}

export async function isOperatorsChat(ctx: BotContext, deps: Pick<FeatureDeps, "operatorsChat">): Promise<boolean> {
  if (ctx.chat === undefined || ctx.chat.type === "private") return false;
  return ctx.chat.id === (await deps.operatorsChat.id());
}

/**
 * Before i18n: in the operators' chat, an operator who chose a language with /lang is answered in it;
 * anyone else as before, in their Telegram app's language (a refusal included). One cached chat
 * lookup per group update and one row read when it is the operators' chat.
 */
export function operatorLocale(deps: Pick<FeatureDeps, "prisma" | "config" | "operatorsChat">): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    ctx.operatorLocale = undefined;
    if (ctx.from && !ctx.from.is_bot && (await isOperatorsChat(ctx, deps))) {
      const op = await operatorLanguage(deps.prisma, ctx.from.id, deps.config.adminIds);
      if (op?.language) ctx.operatorLocale = op.language;
    }
    await next();
  };
}

/** The same polite words for every refusal: they say nothing about what the button or command does. */
export async function refuse(ctx: BotContext): Promise<void> {
  const text = ctx.t("op-refused");
  if (ctx.callbackQuery) {
    await ctx.answerCallbackQuery({ text, show_alert: true });
    return;
  }
  await ctx.reply(text, ctx.msg ? { reply_parameters: { message_id: ctx.msg.message_id, allow_sending_without_reply: true } } : {});
}

/**
 * The operator behind this update when they may act here (the operators' chat, or a private chat
 * when `privateToo`); otherwise answers with the refusal and returns null.
 */
export async function requireOperator(
  ctx: BotContext,
  deps: Pick<FeatureDeps, "prisma" | "config" | "operatorsChat">,
  opts: { admin?: boolean; privateToo?: boolean; /** No refusal sent: the caller answers. */ quiet?: boolean } = {},
): Promise<ActingOperator | null> {
  const placeOk = (await isOperatorsChat(ctx, deps)) || (opts.privateToo === true && ctx.chat?.type === "private");
  const op = placeOk ? await actingOperator(ctx, deps) : null;
  // In a private chat the writer's language was negotiated: an operator's chosen one wins for operator work.
  if (op && op.language !== null && ctx.operatorLocale !== op.language) {
    ctx.operatorLocale = op.language;
    await ctx.i18n.renegotiateLocale();
  }
  if (!op || (opts.admin && op.role !== "admin")) {
    ctx.logger.info({ from_id: ctx.from?.id, chat_id: ctx.chat?.id }, "operator action refused");
    if (!opts.quiet) await refuse(ctx);
    return null;
  }
  return op;
}

const TELEGRAM_ID = /^[1-9]\d{0,15}$/;

/** `/operators add|remove|list <telegramId> [admin]`, administrators only. */
export function operatorsFeature(deps: FeatureDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.command("operators", async (ctx) => {
    const admin = await requireOperator(ctx, deps, { admin: true, privateToo: true });
    if (!admin) return;
    const [action, rawId, flag] = ctx.match.trim().split(/\s+/);
    if (action === "list") {
      const operators = await listOperators(deps.prisma);
      const lines = operators.map((op) => ctx.t("op-list-line", { id: op.id, telegramId: op.telegramId.toString(), role: op.role }));
      await ctx.reply([ctx.t("op-list-title", { count: operators.length }), ...lines].join("\n"));
      return;
    }
    const validFlag = flag === undefined || flag === "admin" || flag === "--admin";
    if ((action !== "add" && action !== "remove") || !rawId || !TELEGRAM_ID.test(rawId) || !validFlag) {
      await ctx.reply(ctx.t("op-usage"));
      return;
    }
    const telegramId = BigInt(rawId);
    if (action === "add") {
      const op = await addOperator(deps.prisma, { telegramId, role: flag ? "admin" : "operator", addedBy: admin.telegramId });
      ctx.logger.info({ operator_id: op.id, by: admin.id, role: op.role }, "operator added");
      await ctx.reply(ctx.t("op-added", { telegramId: rawId, id: op.id, role: op.role }));
      return;
    }
    if (deps.config.adminIds.some((id) => BigInt(id) === telegramId)) {
      await ctx.reply(ctx.t("op-admin-protected", { telegramId: rawId }));
      return;
    }
    const removed = await removeOperator(deps.prisma, telegramId);
    ctx.logger.info({ by: admin.id, removed }, "operator removal");
    await ctx.reply(removed ? ctx.t("op-removed", { telegramId: rawId }) : ctx.t("op-not-found", { telegramId: rawId }));
  });
  return composer;
}
