// Inline mode: "@bot name" in any chat finds people and shares a short card with a button that
// opens the bot on that person (/start c_<public token>), where the full card and the letter flow
// are. The token is random: ids and external ids are sequential, and a link must not let anyone
// walk through the list.
import { InlineKeyboard } from "grammy";
import { Composer } from "../composer.js";
import type { InlineQueryResultArticle } from "grammy/types";
import { findPrisonerByPublicToken } from "../../db/repositories/prisoners.js";
import { searchPrisonersByName, waitingPrisoners, type PrisonerSummary } from "../../db/repositories/search.js";
import { queryProblem } from "../../domain/search.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { localeOf, type Locale, type Translate } from "../../messages/i18n.js";
import { escapeHtml } from "../../messages/text.js";
import { summaryDetails, summaryName } from "../../messages/views/search-results.js";
import { showPrisonerCard, showSearchMenu } from "./search.js";

/** Results per answer (Telegram allows 50); more come with next_offset as the user scrolls. */
const INLINE_PAGE_SIZE = 20;
const MAX_INLINE_OFFSET = 200;
const SEARCH_START_PAYLOAD = "search";
/** A shared card: "c_" and the person's public token (32 hex digits, see the prisoners table). */
const CARD_PAYLOAD = /^c_([0-9a-f]{32})$/;
/** Links of earlier versions, by external id or by row id: answered as out of date. */
const OLD_CARD_PAYLOAD = /^(?:p_[A-Za-z0-9_-]{1,62}|pid_\d{1,10})$/;

/** The /start payload that opens the bot on a person. */
export function prisonerStartPayload(p: Pick<PrisonerSummary, "publicToken">): string {
  return `c_${p.publicToken}`;
}

function article(t: Translate, locale: Locale, botUsername: string, p: PrisonerSummary): InlineQueryResultArticle {
  const name = summaryName(p, locale);
  const details = summaryDetails(t, p, locale);
  const fullRu = [p.lastName, p.firstName, p.patronymic].filter(Boolean).join(" ");
  const url = `https://t.me/${botUsername}?start=${prisonerStartPayload(p)}`;
  return {
    type: "article",
    id: `p${p.id}`,
    title: name,
    description: details,
    input_message_content: {
      message_text: [`<b>${escapeHtml(name)}</b>${locale === "ru" ? "" : ` (${escapeHtml(fullRu)})`}`, escapeHtml(details), "", escapeHtml(t("inline-share-text"))].join("\n"),
      parse_mode: "HTML",
      link_preview_options: { is_disabled: true },
    },
    reply_markup: new InlineKeyboard().url(t("inline-open-button"), url),
  };
}

export function inlineFeature({ prisma }: FeatureDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();

  composer.on("inline_query", async (ctx) => {
    const locale = localeOf(ctx);
    const t: Translate = (key, params) => ctx.t(key, params);
    const query = ctx.inlineQuery.query;
    const offset = Math.min(Math.max(0, Number.parseInt(ctx.inlineQuery.offset || "0", 10) || 0), MAX_INLINE_OFFSET);
    const problem = queryProblem(query);
    if (problem && problem !== "empty") {
      await ctx.answerInlineQuery([], { cache_time: 60, is_personal: true, button: { text: t("inline-bad-query"), start_parameter: SEARCH_START_PAYLOAD } });
      return;
    }
    const page = { limit: INLINE_PAGE_SIZE, offset };
    const result = problem === "empty" ? await waitingPrisoners(prisma, page) : await searchPrisonersByName(prisma, query, page);
    const next = offset + result.items.length;
    await ctx.answerInlineQuery(
      result.items.map((p) => article(t, locale, ctx.me.username, p)),
      {
        cache_time: 60,
        // Labels follow the user's language.
        is_personal: true,
        ...(next < result.total && next < MAX_INLINE_OFFSET ? { next_offset: String(next) } : {}),
        ...(result.items.length === 0 ? { button: { text: t("inline-nothing-found"), start_parameter: SEARCH_START_PAYLOAD } } : {}),
      },
    );
  });

  // The button of a shared card: /start c_<token> shows that person's card.
  composer.chatType("private").command("start", async (ctx, next) => {
    const payload = ctx.match.trim();
    // The "Type a name" / "Nobody found" button above inline results.
    if (payload === SEARCH_START_PAYLOAD) {
      await showSearchMenu(ctx, "send");
      return;
    }
    if (OLD_CARD_PAYLOAD.test(payload)) {
      ctx.logger.info("outdated shared link");
      await ctx.reply(ctx.t("search-link-outdated"));
      await showSearchMenu(ctx, "send");
      return;
    }
    const token = CARD_PAYLOAD.exec(payload)?.[1];
    if (token === undefined) {
      await next();
      return;
    }
    const prisoner = await findPrisonerByPublicToken(prisma, token);
    if (!prisoner) {
      await ctx.reply(ctx.t("search-person-gone"));
      await next();
      return;
    }
    ctx.logger.info({ prisoner_id: prisoner.id }, "card opened from a shared link");
    await showPrisonerCard(ctx, prisoner, "send");
  });

  return composer;
}
