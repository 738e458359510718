// Requests to write to someone specific, after they are made: the writer's /requests list (and the
// "My requests" button of the form's confirmation), and in the operators' chat /requests, the open
// ones with "found" (the operator replies with the person's external id), "not found" and
// "decline" (the operator replies with a reason in their own words); every answer reaches the
// writer in their language.
import { InlineKeyboard } from "grammy";
import { Composer } from "../composer.js";
import { findPrisonerByExternalId } from "../../db/repositories/prisoners.js";
import { findWriterById } from "../../db/repositories/writers.js";
import { callback, id } from "../../messages/callbacks.js";
import {
  findSpecificRequest,
  listOpenSpecificRequests,
  listWriterSpecificRequests,
  resolveSpecificRequest,
  type SpecificRequestWithDetails,
} from "../../db/repositories/specific-requests.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { localeOf } from "../../messages/i18n.js";
import { onCallback } from "../keyboards/on-callback.js";
import { SEARCH_CB } from "../../messages/keyboards/search-callbacks.js";
import { cyrillicFullName, latinFullName } from "../../messages/views/prisoner-card.js";
import { answerPress, renderScreen } from "../views/screen.js";
import { actingOperator, isOperatorsChat, requireOperator } from "./operators.js";

/** The operators' request buttons (request ids only). */
const REQUEST_BUTTONS = {
  found: callback("sr:f", id),
  notFound: callback("sr:n", id),
  decline: callback("sr:d", id),
};

export const REQUEST_CB = {
  found: (requestId: number) => REQUEST_BUTTONS.found.encode(requestId),
  notFound: (requestId: number) => REQUEST_BUTTONS.notFound.encode(requestId),
  decline: (requestId: number) => REQUEST_BUTTONS.decline.encode(requestId),
} as const;

/** How many requests one message lists. */
const WRITER_LIST_MAX = 20;
const OPERATOR_LIST_MAX = 10;
/** The prompt an operator answers with the external id: "🔎 R-12: ...". */
const ASK_EXTERNAL_ID = /^🔎 R-(\d{1,10}):/;
/** The prompt an operator answers with the reason for declining: "✋ R-12: ...". */
const ASK_DECLINE_REASON = /^✋ R-(\d{1,10}):/;
/** A reason the writer reads in one message, under the notice. */
export const DECLINE_REASON_MAX_CHARS = 1000;
const EXTERNAL_ID = /^[^\s]{1,64}$/;

function writerList(ctx: BotContext, requests: SpecificRequestWithDetails[]): { text: string; keyboard: InlineKeyboard } {
  const keyboard = new InlineKeyboard();
  if (requests.length === 0) return { text: ctx.t("requests-none"), keyboard: keyboard.text(ctx.t("search-button-find"), SEARCH_CB.menu) };
  const locale = localeOf(ctx);
  const lines = [ctx.t("requests-title", { count: requests.length })];
  for (const r of requests) {
    const person = r.prisoner ? (locale === "ru" ? cyrillicFullName(r.prisoner) : latinFullName(r.prisoner)) : "";
    const status =
      r.status === "declined" && r.declineReason
        ? ctx.t("requests-status-declined-reason", { reason: r.declineReason })
        : ctx.t("requests-status", { status: r.status, person, reason: r.statusReason ?? "other" });
    lines.push(
      "",
      ctx.t("requests-item", { id: r.id, name: r.fullName, year: String(r.birthYear) }),
      `${status} · ${r.letter ? ctx.t("requests-letter", { code: r.letter.code }) : ctx.t("requests-no-letter")}`,
    );
    if (!r.letter && (r.status === "open" || r.status === "matched")) {
      keyboard.text(ctx.t("requests-write", { id: r.id }), SEARCH_CB.specificWrite(r.id)).row();
    }
  }
  return { text: lines.join("\n"), keyboard };
}

export function requestsFeature(deps: FeatureDeps): Composer<BotContext> {
  const { prisma, queues } = deps;
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
      await ctx.reply(ctx.t("opreq-none"));
      return;
    }
    const lines = [ctx.t("opreq-title", { count: total })];
    const keyboard = new InlineKeyboard();
    for (const r of requests) {
      lines.push(
        ctx.t("opreq-item", {
          id: r.id,
          name: r.fullName,
          year: String(r.birthYear),
          facility: r.facility ?? ctx.t("opreq-facility-unknown"),
          letter: r.letter ? ctx.t("opreq-letter", { code: r.letter.code }) : ctx.t("opreq-no-letter"),
        }),
      );
      keyboard
        .text(ctx.t("opreq-button-found", { id: r.id }), REQUEST_CB.found(r.id))
        .text(ctx.t("opreq-button-not-found", { id: r.id }), REQUEST_CB.notFound(r.id))
        .text(ctx.t("opreq-button-decline", { id: r.id }), REQUEST_CB.decline(r.id))
        .row();
    }
    if (total > requests.length) lines.push(ctx.t("opreq-more", { count: total - requests.length }));
    await ctx.reply(lines.join("\n"), { reply_markup: keyboard });
  };

  composer.command("requests", async (ctx, next) => {
    if (ctx.chat.type === "private") return showWriterRequests(ctx);
    if (await isOperatorsChat(ctx, deps)) return showOpenRequests(ctx);
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
      await answerPress(ctx, ctx.t("opreq-missing"), true);
      return null;
    }
    if (request.status !== "open") {
      await answerPress(ctx, ctx.t("opreq-already", { status: request.status }), true);
      return null;
    }
    return request;
  };

  onCallback(composer, REQUEST_BUTTONS.found, async (ctx, [requestId]) => {
    if (!(await requireOperator(ctx, deps))) return;
    const request = await openRequest(ctx, requestId);
    if (!request) return;
    await answerPress(ctx);
    await ctx.reply(ctx.t("opreq-ask-external-id", { id: request.id }), { reply_markup: { force_reply: true, selective: true } });
  });

  onCallback(composer, REQUEST_BUTTONS.notFound, async (ctx, [requestId]) => {
    const op = await requireOperator(ctx, deps);
    if (!op) return;
    if (!(await openRequest(ctx, requestId))) return;
    const result = await resolveSpecificRequest(prisma, { requestId, outcome: "not_found" });
    if (!result.ok) {
      await answerPress(ctx, result.reason === "missing" ? ctx.t("opreq-missing") : ctx.t("opreq-already", { status: result.status }), true);
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
    await ctx.reply(ctx.t("opreq-marked-not-found", { id: requestId }));
  });

  // "Decline": the reason is the operator's reply to a prompt, so several operators can work the
  // list at once and each reply names its request.
  onCallback(composer, REQUEST_BUTTONS.decline, async (ctx, [requestId]) => {
    if (!(await requireOperator(ctx, deps))) return;
    const request = await openRequest(ctx, requestId);
    if (!request) return;
    await answerPress(ctx);
    // The operator is asked to write in the writer's language: the reason goes to them as it is.
    const writer = await findWriterById(prisma, request.writerId);
    const language = writer?.language ?? "en";
    await ctx.reply(ctx.t("opreq-ask-decline-reason", { id: request.id, max: DECLINE_REASON_MAX_CHARS, language }), {
      reply_markup: { force_reply: true, selective: true },
    });
  });

  // An operator's reply to the "✋ R-12: reply with the reason" prompt declines the request.
  composer.on("message:text", async (ctx, next) => {
    const replied = ctx.msg.reply_to_message;
    const match = ASK_DECLINE_REASON.exec(replied?.text ?? "");
    if (!match || !(await isOperatorsChat(ctx, deps)) || replied?.from?.id !== ctx.me.id || ctx.msg.text.startsWith("/")) return next();
    const op = await actingOperator(ctx, deps);
    if (!op) return next();
    const requestId = Number(match[1]);
    const reply = { reply_parameters: { message_id: ctx.msg.message_id } };
    const reason = ctx.msg.text.trim();
    if (reason === "") return;
    if ([...reason].length > DECLINE_REASON_MAX_CHARS) {
      await ctx.reply(ctx.t("opreq-decline-too-long", { max: DECLINE_REASON_MAX_CHARS }), reply);
      return;
    }
    const result = await resolveSpecificRequest(prisma, { requestId, outcome: "declined", reason });
    if (!result.ok) {
      await ctx.reply(result.reason === "missing" ? ctx.t("opreq-missing") : ctx.t("opreq-already", { status: result.status }), reply);
      return;
    }
    ctx.logger.info({ specific_request_id: requestId, operator_id: op.id }, "specific request declined");
    // The reason itself stays in the database (encrypted); the job only says where to read it.
    await queues.notify({
      writerId: result.writerId,
      key: "specific-declined",
      params: { id: requestId },
      quote: { source: "request-decline", id: requestId },
      buttons: [{ key: "requests-button", data: SEARCH_CB.requests }],
      dedupeKey: `specific-${requestId}-declined`,
    });
    await ctx.reply(ctx.t("opreq-declined", { id: requestId }), reply);
  });

  // An operator's reply to the "R-12: reply with the external id" prompt links the request.
  composer.on("message:text", async (ctx, next) => {
    const replied = ctx.msg.reply_to_message;
    const match = ASK_EXTERNAL_ID.exec(replied?.text ?? "");
    if (!match || !(await isOperatorsChat(ctx, deps)) || replied?.from?.id !== ctx.me.id || ctx.msg.text.startsWith("/")) return next();
    // Operators talk among themselves here too: only an operator's reply counts.
    const op = await actingOperator(ctx, deps);
    if (!op) return next();
    const requestId = Number(match[1]);
    const reply = { reply_parameters: { message_id: ctx.msg.message_id } };
    const externalId = ctx.msg.text.trim();
    const prisoner = EXTERNAL_ID.test(externalId) ? await findPrisonerByExternalId(prisma, externalId) : null;
    if (!prisoner) {
      await ctx.reply(ctx.t("opreq-unknown-person", { externalId: externalId.slice(0, 64) }), reply);
      return;
    }
    const result = await resolveSpecificRequest(prisma, { requestId, outcome: "matched", prisonerId: prisoner.id });
    if (!result.ok) {
      await ctx.reply(result.reason === "missing" ? ctx.t("opreq-missing") : ctx.t("opreq-already", { status: result.status }), reply);
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
    await ctx.reply(ctx.t("opreq-matched", { id: requestId, name: cyrillicFullName(prisoner), externalId: prisoner.externalId }), reply);
  });

  return composer;
}
