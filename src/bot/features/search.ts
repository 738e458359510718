// "Find a person" (menu and /search): by name, tolerant of typos and of Latin vs Cyrillic spelling,
// or browsing by interest, views or group, profession, region. Results come as short cards in
// pages edited in place; a result opens the full card, which leads into the letter flow, or, for
// someone who cannot receive letters, says why and offers the next option.
import { randomBytes } from "node:crypto";
import { InlineKeyboard } from "grammy";
import { Composer } from "../composer.js";
import { findPrisonerById, type Prisoner } from "../../db/repositories/prisoners.js";
import {
  browsePrisoners,
  listFacetValues,
  searchPrisonersByName,
  type FacetKind,
} from "../../db/repositories/search.js";
import { FACET_PAGE_SIZE, SEARCH_PAGE_SIZE, cleanQuery, facetValueKey, pageInfo, queryProblem } from "../../domain/search.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { localeOf } from "../../messages/i18n.js";
import { CB } from "../../messages/keyboards/callbacks.js";
import { onCallback } from "../keyboards/on-callback.js";
import { SEARCH_BUTTONS, SEARCH_CB, type Facet } from "../../messages/keyboards/search-callbacks.js";
import { escapeHtml } from "../../messages/text.js";
import { prisonerCardKeyboard, prisonerCardText } from "../../messages/views/prisoner-card.js";
import { needsRulesAcceptance, showRules } from "../views/rules.js";
import { answerPress, renderScreen } from "../views/screen.js";
import { facetValueLabel, navRow, resultsKeyboard, resultsText } from "../../messages/views/search-results.js";
import { enterLetter } from "./write-entry.js";

declare module "../context.js" {
  interface SessionData {
    /** The search screen is open: the next plain text message is a name to look for. */
    searchAwaiting?: boolean;
  }
}

const FACET_KIND: Record<Facet, FacetKind> = { i: "interest", v: "view", pr: "profession", rg: "region" };
/**
 * Saved queries (cleaned, bounded, under a random id, without the writer's id) live this long:
 * only so that the pages of a result list keep working for a day.
 */
const QUERY_TTL_SECONDS = 24 * 3600;

function searchMenuKeyboard(t: BotContext["t"]): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("search-browse-interest"), SEARCH_CB.facet("i", 0))
    .text(t("search-browse-view"), SEARCH_CB.facet("v", 0))
    .row()
    .text(t("search-browse-profession"), SEARCH_CB.facet("pr", 0))
    .text(t("search-browse-region"), SEARCH_CB.facet("rg", 0))
    .row()
    .text(t("search-specific"), SEARCH_CB.specific)
    .row()
    .text(t("menu-back"), CB.menu);
}

/** What to show when a search found nobody: try again, browse, or write to someone specific. */
function notFoundKeyboard(t: BotContext["t"]): InlineKeyboard {
  return new InlineKeyboard()
    .text(t("search-specific"), SEARCH_CB.specific)
    .row()
    .text(t("search-back"), SEARCH_CB.menu);
}

/** The search screen: "type a name", or browse; the next plain message is taken as a name. */
export async function showSearchMenu(ctx: BotContext, mode: "edit" | "send"): Promise<void> {
  ctx.session.searchAwaiting = true;
  await renderScreen(ctx, ctx.t("search-prompt"), { keyboard: searchMenuKeyboard(ctx.t), mode });
  await answerPress(ctx);
}

/**
 * Installed first: leaving the search screen (another button, another command) ends "the next
 * message is a name", so a later stray message is not taken for a search.
 */
export function searchModeFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.chatType("private").use(async (ctx, next) => {
    if (ctx.session.searchAwaiting === true) {
      const data = ctx.callbackQuery?.data;
      const text = ctx.message?.text;
      const leftByButton = data !== undefined && !data.startsWith("s:");
      const leftByCommand = text !== undefined && text.startsWith("/") && !/^\/search(@\w+)?(\s|$)/.test(text);
      if (leftByButton || leftByCommand) ctx.session.searchAwaiting = false;
    }
    await next();
  });
  return composer;
}

export function searchFeature(deps: FeatureDeps): Composer<BotContext> {
  const { prisma, redis, config } = deps;
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");
  const queryKey = (id: string) => `${config.redisPrefix}:search:q:${id}`;


  async function showQueryPage(ctx: BotContext, queryId: string, query: string, requested: number, mode: "edit" | "send") {
    const locale = localeOf(ctx);
    let result = await searchPrisonersByName(prisma, query, { limit: SEARCH_PAGE_SIZE, offset: requested * SEARCH_PAGE_SIZE });
    let info = pageInfo(requested, result.total, SEARCH_PAGE_SIZE);
    if (info.clamped && result.total > 0) {
      result = await searchPrisonersByName(prisma, query, { limit: SEARCH_PAGE_SIZE, offset: info.offset });
      info = pageInfo(info.page, result.total, SEARCH_PAGE_SIZE);
    }
    if (result.total === 0) {
      await renderScreen(ctx, escapeHtml(ctx.t("search-nothing-found", { query })), {
        keyboard: notFoundKeyboard(ctx.t),
        parseMode: "HTML",
        mode,
      });
      await answerPress(ctx);
      return;
    }
    const header = ctx.t("search-results-header", { query, total: result.total });
    await renderScreen(ctx, resultsText(ctx.t, locale, header, result.items, info.offset), {
      keyboard: resultsKeyboard(ctx.t, locale, result.items, info, (p) => SEARCH_CB.query(queryId, p), {
        data: SEARCH_CB.menu,
        labelKey: "search-back",
      }),
      parseMode: "HTML",
      mode,
    });
    await answerPress(ctx, info.page !== requested ? ctx.t("search-page-gone") : undefined);
  }

  async function runQuery(ctx: BotContext, text: string): Promise<void> {
    const problem = queryProblem(text);
    if (problem) {
      await ctx.reply(ctx.t(`search-query-${problem}`), { reply_markup: searchMenuKeyboard(ctx.t) });
      return;
    }
    const query = cleanQuery(text);
    const queryId = randomBytes(6).toString("base64url");
    await redis.set(queryKey(queryId), query, "EX", QUERY_TTL_SECONDS);
    ctx.logger.info({ query_id: queryId }, "name search");
    await showQueryPage(ctx, queryId, query, 0, "send");
  }

  async function showFacetValues(ctx: BotContext, facet: Facet, requested: number): Promise<void> {
    const locale = localeOf(ctx);
    const kind = FACET_KIND[facet];
    const values = await listFacetValues(prisma, kind);
    const info = pageInfo(requested, values.length, FACET_PAGE_SIZE);
    const keyboard = new InlineKeyboard();
    for (const v of values.slice(info.offset, info.offset + FACET_PAGE_SIZE)) {
      const label = facetValueLabel(ctx.t, locale, kind, v);
      keyboard.text(`${label} (${v.count})`, SEARCH_CB.filter(facet, facetValueKey(v.value), 0)).row();
    }
    navRow(keyboard, ctx.t, info, (p) => SEARCH_CB.facet(facet, p));
    keyboard.text(ctx.t("search-back"), SEARCH_CB.menu);
    const text = values.length === 0 ? ctx.t("search-facet-empty") : ctx.t(`search-choose-${kind}`);
    await renderScreen(ctx, text, { keyboard });
    await answerPress(ctx, info.clamped ? ctx.t("search-page-gone") : undefined);
  }

  async function showFacetResults(ctx: BotContext, facet: Facet, valueKey: string, requested: number): Promise<void> {
    const locale = localeOf(ctx);
    const kind = FACET_KIND[facet];
    const value = (await listFacetValues(prisma, kind)).find((v) => facetValueKey(v.value) === valueKey);
    if (!value) {
      // The list changed since the button was shown (an import removed the last person with it).
      await answerPress(ctx, ctx.t("search-facet-gone"), true);
      return;
    }
    let result = await browsePrisoners(prisma, kind, value.value, { limit: SEARCH_PAGE_SIZE, offset: requested * SEARCH_PAGE_SIZE });
    let info = pageInfo(requested, result.total, SEARCH_PAGE_SIZE);
    if (info.clamped && result.total > 0) {
      result = await browsePrisoners(prisma, kind, value.value, { limit: SEARCH_PAGE_SIZE, offset: info.offset });
      info = pageInfo(info.page, result.total, SEARCH_PAGE_SIZE);
    }
    const header = ctx.t("search-browse-header", { label: facetValueLabel(ctx.t, locale, kind, value), total: result.total });
    await renderScreen(ctx, resultsText(ctx.t, locale, header, result.items, info.offset), {
      keyboard: resultsKeyboard(ctx.t, locale, result.items, info, (p) => SEARCH_CB.filter(facet, valueKey, p), {
        data: SEARCH_CB.facet(facet, 0),
        labelKey: "search-back",
      }),
      parseMode: "HTML",
    });
    await answerPress(ctx, info.page !== requested ? ctx.t("search-page-gone") : undefined);
  }

  privateChats.command("search", async (ctx) => {
    const text = ctx.match.trim();
    if (text === "") {
      await showSearchMenu(ctx, "send");
      return;
    }
    ctx.session.searchAwaiting = true;
    await runQuery(ctx, text);
  });

  privateChats.callbackQuery(SEARCH_CB.menu, (ctx) => showSearchMenu(ctx, "edit"));
  privateChats.callbackQuery(SEARCH_CB.noop, (ctx) => answerPress(ctx));

  onCallback(privateChats, SEARCH_BUTTONS.query, async (ctx, [queryId, page]) => {
    const query = await redis.get(queryKey(queryId));
    if (query === null) {
      await answerPress(ctx, ctx.t("search-query-expired"), true);
      await showSearchMenu(ctx, "edit");
      return;
    }
    await showQueryPage(ctx, queryId, query, page, "edit");
  });

  onCallback(privateChats, SEARCH_BUTTONS.facet, async (ctx, [facet, page]) => {
    await showFacetValues(ctx, facet, page);
  });

  onCallback(privateChats, SEARCH_BUTTONS.filter, async (ctx, [facet, key, page]) => {
    await showFacetResults(ctx, facet, key, page);
  });

  onCallback(privateChats, SEARCH_BUTTONS.card, async (ctx, [prisonerId]) => {
    const prisoner = await findPrisonerById(prisma, prisonerId);
    if (!prisoner) {
      await answerPress(ctx, ctx.t("search-person-gone"), true);
      return;
    }
    await showPrisonerCard(ctx, prisoner, "send");
    await answerPress(ctx);
  });

  onCallback(privateChats, SEARCH_BUTTONS.write, async (ctx, [prisonerId]) => {
    const writer = ctx.writer;
    const prisoner = await findPrisonerById(prisma, prisonerId);
    if (!writer || !prisoner) {
      await answerPress(ctx, ctx.t("search-person-gone"), true);
      return;
    }
    if (!prisoner.canReceiveLetters) {
      // The person became unreachable since the card was shown: show why, with the next options.
      await showPrisonerCard(ctx, prisoner, "edit");
      await answerPress(ctx, ctx.t("search-cannot-now"), true);
      return;
    }
    if (needsRulesAcceptance(writer)) {
      await showRules(ctx, { kind: "letter", prisonerId: prisoner.id });
      return;
    }
    ctx.logger.info({ writer_id: writer.id, prisoner_id: prisoner.id }, "letter from search");
    await enterLetter(ctx, { prisonerId: prisoner.id });
  });

  // A plain message while the search screen is open is a name to look for.
  privateChats.on("message:text", async (ctx, next) => {
    if (ctx.session.searchAwaiting !== true || ctx.message.text.startsWith("/")) {
      await next();
      return;
    }
    await runQuery(ctx, ctx.message.text);
  });

  return composer;
}

/**
 * The full card of a person found by search or shared inline. Reachable: "Write to <name>".
 * Not reachable: the reason, "Write through a request" and "Someone at random".
 */
export async function showPrisonerCard(ctx: BotContext, prisoner: Prisoner, mode: "edit" | "send"): Promise<void> {
  const locale = localeOf(ctx);
  let text = prisonerCardText(ctx.t, locale, prisoner, new Date());
  if (prisoner.canReceiveLetters) {
    const keyboard = prisonerCardKeyboard(ctx.t, locale, prisoner, {
      write: SEARCH_CB.write(prisoner.id),
      back: { data: SEARCH_CB.menu, labelKey: "search-back" },
    });
    await renderScreen(ctx, text, { keyboard, parseMode: "HTML", mode });
    return;
  }
  const reason = prisoner.cannotReceiveReason ?? "other";
  text += `\n\n⛔ ${escapeHtml(ctx.t("search-cannot-receive", { reason }))}`;
  const keyboard = prisonerCardKeyboard(ctx.t, locale, prisoner, {})
    .text(ctx.t("search-specific"), SEARCH_CB.specific)
    .row()
    .text(ctx.t("search-random"), CB.write)
    .row()
    .text(ctx.t("search-back"), SEARCH_CB.menu);
  await renderScreen(ctx, text, { keyboard, parseMode: "HTML", mode });
}
