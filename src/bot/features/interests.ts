// Interests: a multi-select of fixed interests (checkmarks toggled in place) plus the writer's own
// words, from Settings or once on the way to the first assignment. Stored on the writer, used by
// the assignment draw as a bonus for shared interests.
import { Composer } from "../composer.js";
import { updateWriterProfile } from "../../db/repositories/writers.js";
import { customInterests, fixedInterests, isInterestKey, storedInterests, toggleInterest } from "../../domain/interests.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { settingsKeyboard } from "../../messages/keyboards/main-menu.js";
import { INTERESTS_CB, interestsKeyboard, interestsText, isInterestsMode, type InterestsMode } from "../../messages/views/interests.js";
import { answerPress, renderScreen } from "../views/screen.js";
import { startWriting } from "./write-entry.js";

/** The conversation that asks for the writer's own interests (src/bot/conversations/interests-own.ts). */
export const INTERESTS_OWN_CONVERSATION_ID = "interests-own";

export async function showInterests(ctx: BotContext, mode: InterestsMode, screenMode: "edit" | "send" = "edit"): Promise<void> {
  const stored = ctx.writer?.interests ?? [];
  await renderScreen(ctx, interestsText(ctx.t, stored, mode), { keyboard: interestsKeyboard(ctx.t, stored, mode), mode: screenMode });
  await answerPress(ctx);
}

export function interestsFeature(deps: FeatureDeps): Composer<BotContext> {
  const { prisma } = deps;
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  privateChats.command("interests", (ctx) => showInterests(ctx, "s", "send"));
  privateChats.callbackQuery(INTERESTS_CB.open, (ctx) => showInterests(ctx, "s"));

  privateChats.callbackQuery(new RegExp(`^${INTERESTS_CB.togglePrefix}([a-z]+):([sw])$`), async (ctx) => {
    const writer = ctx.writer;
    const key = ctx.match[1] ?? "";
    const mode = ctx.match[2];
    if (!writer || !isInterestKey(key) || !isInterestsMode(mode)) {
      await answerPress(ctx, ctx.t("stale-button"));
      return;
    }
    const updated = await updateWriterProfile(prisma, writer.id, { interests: toggleInterest(writer.interests, key) });
    ctx.writer = updated;
    // Only the checkmarks change: the text stays, the keyboard is replaced in place.
    await ctx.editMessageReplyMarkup({ reply_markup: interestsKeyboard(ctx.t, updated.interests, mode) }).catch(() => undefined);
    await answerPress(ctx);
  });

  privateChats.callbackQuery(new RegExp(`^${INTERESTS_CB.ownPrefix}([sw])$`), async (ctx) => {
    const mode = ctx.match[1];
    if (!ctx.writer || !isInterestsMode(mode)) {
      await answerPress(ctx, ctx.t("stale-button"));
      return;
    }
    await answerPress(ctx);
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(INTERESTS_OWN_CONVERSATION_ID, { mode });
  });

  privateChats.callbackQuery(new RegExp(`^${INTERESTS_CB.clearPrefix}([sw])$`), async (ctx) => {
    const writer = ctx.writer;
    const mode = ctx.match[1];
    if (!writer || !isInterestsMode(mode)) {
      await answerPress(ctx, ctx.t("stale-button"));
      return;
    }
    if (customInterests(writer.interests).length > 0) {
      ctx.writer = await updateWriterProfile(prisma, writer.id, { interests: storedInterests(fixedInterests(writer.interests), []) });
    }
    await showInterests(ctx, mode);
  });

  privateChats.callbackQuery(new RegExp(`^${INTERESTS_CB.donePrefix}([sw])$`), async (ctx) => {
    const writer = ctx.writer;
    const mode = ctx.match[1];
    if (!writer || !isInterestsMode(mode)) {
      await answerPress(ctx, ctx.t("stale-button"));
      return;
    }
    ctx.logger.info({ writer_id: writer.id, interests: writer.interests.length }, "interests saved");
    if (mode === "w") {
      await startWriting(ctx, deps, { skipInterestsOffer: true });
      return;
    }
    await renderScreen(ctx, ctx.t("settings-title"), { keyboard: settingsKeyboard(ctx.t) });
    await answerPress(ctx, ctx.t("interests-saved"));
  });

  return composer;
}
