// Requests to write to someone specific, after they are made: the writer's /requests list (and the
// "My requests" button of the form's confirmation), and in the operators' chat /requests, the open
// ones with "found" (the operator replies with the person's external id) and "not found"; either
// answer reaches the writer in their language.
import { Composer, InlineKeyboard } from "grammy";
import { findPrisonerByExternalId } from "../../db/repositories/prisoners.js";
import {
  findSpecificRequest,
  listOpenSpecificRequests,
  listWriterSpecificRequests,
  resolveSpecificRequest,
  type SpecificRequestWithDetails,
} from "../../db/repositories/specific-requests.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { localeOf } from "../i18n.js";
import { SEARCH_CB } from "../keyboards/search-callbacks.js";
import { OPERATORS_LOCALE } from "../views/moderation-card.js";
import { cyrillicFullName, latinFullName } from "../views/prisoner-card.js";
import { answerPress, renderScreen } from "../views/screen.js";
import { actingOperator, isOperatorsChat, requireOperator } from "./operators.js";

/** Callback data of the operators' request buttons (ids only). */
export const REQUEST_CB = {
  found: (id: number) => `sr:f:${id}`,
  notFound: (id: number) => `sr:n:${id}`,
} as const;

/** How many requests one message lists. */
const WRITER_LIST_MAX = 20;
const OPERATOR_LIST_MAX = 10;
/** The prompt an operator answers with the external id: "🔎 R-12: ...". */
const ASK_EXTERNAL_ID = /^🔎 R-(\d{1,10}):/;
const EXTERNAL_ID = /^[^\s]{1,64}$/;

function writerList(ctx: BotContext, requests: SpecificRequestWithDetails[]): { text: string; keyboard: InlineKeyboard } {
  const keyboard = new InlineKeyboard();
  if (requests.length === 0) return { text: ctx.t("requests-none"), keyboard: keyboard.text(ctx.t("search-button-find"), SEARCH_CB.menu) };
  const locale = localeOf(ctx);
  const lines = [ctx.t("requests-title", { count: requests.length })];
  for (const r of requests) {
    const person = r.prisoner ? (locale === "ru" ? cyrillicFullName(r.prisoner) : latinFullName(r.prisoner)) : "";
    lines.push(
      "",
      ctx.t("requests-item", { id: r.id, name: r.fullName, year: String(r.birthYear) }),
      `${ctx.t("requests-status", { status: r.status, person, reason: r.statusReason ?? "other" })} · ${r.letter ? ctx.t("requests-letter", { code: r.letter.code }) : ctx.t("requests-no-letter")}`,
    );
    if (!r.letter && (r.status === "open" || r.status === "matched")) {
      keyboard.text(ctx.t("requests-write", { id: r.id }), SEARCH_CB.specificWrite(r.id)).row();
    }
  }
  return { text: lines.join("\n"), keyboard };
}

export function requestsFeature(deps: FeatureDeps): Composer<BotContext> {
  const { prisma, queues, i18n } = deps;
  const t = (key: string, vars?: Record<string, string | number>) => i18n.t(OPERATORS_LOCALE, key, vars);
  const composer = new Composer<BotContext>();

  const showWriterRequests = async (ctx: BotContext): Promise<void> => {
    const writer = ctx.writer;
    const requests = writer ? await listWriterSpecificRequests(prisma, writer.id, WRITER_LIST_MAX) : [];
    const { text, keyboard } = writerList(ctx, requests);
    await renderScreen(ctx, text, { keyboard, mode: "send" });
  };

  const showOpenRequests = async (ctx: BotContext): Promise<void> => {
    if (!(await requireOperator(ctx, deps))) return;
    const { total, requests } = await listOpenSpecificRequests(prisma, OPERATOR_LIST_MAX);
    if (total === 0) {
      await ctx.reply(t("opreq-none"));
      return;
    }
    const lines = [t("opreq-title", { count: total })];
    const keyboard = new InlineKeyboard();
    for (const r of requests) {
      lines.push(
        t("opreq-item", {
          id: r.id,
          name: r.fullName,
          year: String(r.birthYear),
          facility: r.facility ?? t("opreq-facility-unknown"),
          letter: r.letter ? t("opreq-letter", { code: r.letter.code }) : t("opreq-no-letter"),
        }),
      );
      keyboard.text(t("opreq-button-found", { id: r.id }), REQUEST_CB.found(r.id)).text(t("opreq-button-not-found", { id: r.id }), REQUEST_CB.notFound(r.id)).row();
    }
    if (total > requests.length) lines.push(t("opreq-more", { count: total - requests.length }));
    await ctx.reply(lines.join("\n"), { reply_markup: keyboard });
  };

  composer.command("requests", async (ctx, next) => {
    if (ctx.chat.type === "private") return showWriterRequests(ctx);
    if (isOperatorsChat(ctx, deps)) return showOpenRequests(ctx);
    return next();
  });
  composer.chatType("private").callbackQuery(SEARCH_CB.requests, async (ctx) => {
    await answerPress(ctx);
    await showWriterRequests(ctx);
  });

  /** The request still open, or null after telling the operator why not. */
  const openRequest = async (ctx: BotContext, requestId: number) => {
    const request = await findSpecificRequest(prisma, requestId);
    if (!request) {
      await answerPress(ctx, t("opreq-missing"), true);
      return null;
    }
    if (request.status !== "open") {
      await answerPress(ctx, t("opreq-already", { status: request.status }), true);
      return null;
    }
    return request;
  };

  composer.callbackQuery(/^sr:f:(\d{1,10})$/, async (ctx) => {
    if (!(await requireOperator(ctx, deps))) return;
    const request = await openRequest(ctx, Number(ctx.match[1]));
    if (!request) return;
    await answerPress(ctx);
    await ctx.reply(t("opreq-ask-external-id", { id: request.id }), { reply_markup: { force_reply: true, selective: true } });
  });

  composer.callbackQuery(/^sr:n:(\d{1,10})$/, async (ctx) => {
    const op = await requireOperator(ctx, deps);
    if (!op) return;
    const requestId = Number(ctx.match[1]);
    if (!(await openRequest(ctx, requestId))) return;
    const result = await resolveSpecificRequest(prisma, { requestId, outcome: "not_found" });
    if (!result.ok) {
      await answerPress(ctx, result.reason === "missing" ? t("opreq-missing") : t("opreq-already", { status: result.status }), true);
      return;
    }
    ctx.logger.info({ specific_request_id: requestId, operator_id: op.id }, "specific request: not found");
    await answerPress(ctx);
    await queues.notify({
      writerId: result.writerId,
      key: "specific-not-found",
      params: { id: requestId },
      buttons: [{ key: "requests-button", data: SEARCH_CB.requests }],
      dedupeKey: `specific-${requestId}-not-found`,
    });
    await ctx.reply(t("opreq-marked-not-found", { id: requestId }));
  });

  // An operator's reply to the "R-12: reply with the external id" prompt links the request.
  composer.on("message:text", async (ctx, next) => {
    const replied = ctx.msg.reply_to_message;
    const match = ASK_EXTERNAL_ID.exec(replied?.text ?? "");
    if (!match || !isOperatorsChat(ctx, deps) || replied?.from?.id !== ctx.me.id || ctx.msg.text.startsWith("/")) return next();
    // Operators talk among themselves here too: only an operator's reply counts.
    const op = await actingOperator(ctx, deps);
    if (!op) return next();
    const requestId = Number(match[1]);
    const reply = { reply_parameters: { message_id: ctx.msg.message_id } };
    const externalId = ctx.msg.text.trim();
    const prisoner = EXTERNAL_ID.test(externalId) ? await findPrisonerByExternalId(prisma, externalId) : null;
    if (!prisoner) {
      await ctx.reply(t("opreq-unknown-person", { externalId: externalId.slice(0, 64) }), reply);
      return;
    }
    const result = await resolveSpecificRequest(prisma, { requestId, outcome: "matched", prisonerId: prisoner.id });
    if (!result.ok) {
      await ctx.reply(result.reason === "missing" ? t("opreq-missing") : t("opreq-already", { status: result.status }), reply);
      return;
    }
    ctx.logger.info({ specific_request_id: requestId, prisoner_id: prisoner.id, operator_id: op.id }, "specific request matched");
    await queues.notify({
      writerId: result.writerId,
      key: "specific-found",
      params: { id: requestId },
      buttons: [
        { key: "search-button-show-card", data: SEARCH_CB.card(prisoner.id) },
        { key: "requests-button", data: SEARCH_CB.requests },
      ],
      dedupeKey: `specific-${requestId}-matched`,
    });
    await ctx.reply(t("opreq-matched", { id: requestId, name: cyrillicFullName(prisoner), externalId: prisoner.externalId }), reply);
  });

  return composer;
}
