import { InlineKeyboard } from "grammy";
import { Composer } from "../composer.js";
import { findWriterById, isPristineWriter, summarizeWriterData, type DeletedWriterData } from "../../db/repositories/writers.js";
import { eraseWriter, type EraseDeps } from "../../privacy/erase-writer.js";
import { createFileStorage } from "../../storage/index.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { CB } from "../../messages/keyboards/callbacks.js";
import { translatorFor } from "../../messages/i18n.js";
import { answerPress, renderScreen } from "../views/screen.js";

/** The privacy screen's buttons; the confirmation names the writer it was shown to. */
export const PRIVACY_CB = {
  open: CB.privacy,
  delete: "privacy:delete",
  confirm: (writerId: number) => `privacy:confirm:${writerId}`,
} as const;

/** Makes the session plugin delete the chat's session instead of writing it back after the handler. */
function dropSession(ctx: BotContext): void {
  ctx.session = null;
}

const CONFIRM = /^privacy:confirm:(\d{1,12})$/;

function privacyKeyboard(t: BotContext["t"]): InlineKeyboard {
  return new InlineKeyboard().text(t("privacy-button-delete"), PRIVACY_CB.delete).row().text(t("menu-back"), CB.settings);
}

/**
 * /privacy and Settings → Privacy: what Lifeline keeps, who reads letters, and "Delete all my
 * data" behind a confirmation that says what will be lost.
 */
export function privacyFeature(deps: FeatureDeps): Composer<BotContext> {
  const { prisma, redis, queues, config, i18n } = deps;
  const eraseDeps: EraseDeps = { prisma, redis, queues, storage: createFileStorage(config.storageDir, config.keyring), redisPrefix: config.redisPrefix };
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  /** Letters that were still on their way: the operators must not print or post them. */
  const tellOperators = async (ctx: BotContext, withdrawn: DeletedWriterData["withdrawn"]): Promise<void> => {
    if (withdrawn.length === 0) return;
    const operatorsChatId = await deps.operatorsChat.id();
    if (operatorsChatId === undefined) return;
    const t = translatorFor(i18n, config.operatorsLanguage);
    const printed = withdrawn.filter((l) => l.status === "printed");
    const parts = [t("privacy-op-withdrawn", { codes: withdrawn.map((l) => l.code).join(", ") })];
    if (printed.length > 0) {
      const batches = [...new Set(printed.map((l) => l.batchId).filter((id) => id !== null))].map((id) => `#${id}`).join(", ");
      parts.push(t("privacy-op-withdrawn-printed", { codes: printed.map((l) => l.code).join(", "), batches }));
    }
    try {
      await ctx.api.sendMessage(operatorsChatId, parts.join("\n\n"));
    } catch (err) {
      ctx.logger.warn({ err }, "could not tell the operators about withdrawn letters");
    }
  };

  privateChats.command("privacy", async (ctx) => {
    await renderScreen(ctx, ctx.t("privacy-text", { days: config.retentionDays }), { keyboard: privacyKeyboard(ctx.t) });
  });

  privateChats.callbackQuery(PRIVACY_CB.open, async (ctx) => {
    await renderScreen(ctx, ctx.t("privacy-text", { days: config.retentionDays }), { keyboard: privacyKeyboard(ctx.t) });
    await answerPress(ctx);
  });

  privateChats.callbackQuery(PRIVACY_CB.delete, async (ctx) => {
    const writer = ctx.writer;
    if (!writer) return void (await answerPress(ctx, ctx.t("stale-button")));
    const summary = await summarizeWriterData(prisma, writer.id);
    const keyboard = new InlineKeyboard()
      .text(ctx.t("privacy-button-confirm"), PRIVACY_CB.confirm(writer.id))
      .row()
      .text(ctx.t("privacy-button-keep"), PRIVACY_CB.open);
    await renderScreen(ctx, ctx.t("privacy-confirm", summary), { keyboard });
    await answerPress(ctx);
  });

  privateChats.callbackQuery(CONFIRM, async (ctx) => {
    const writer = ctx.writer;
    const target = Number(ctx.match[1]);
    if (!writer) return void (await answerPress(ctx, ctx.t("stale-button")));

    if (writer.id !== target) {
      // The confirmed writer is gone, and this press only created an empty row: a second press of
      // the same button. Leave nothing behind and say so. Otherwise the button is simply old.
      if (!(await findWriterById(prisma, target)) && (await isPristineWriter(prisma, writer.id))) {
        await eraseWriter(eraseDeps, { writerId: writer.id, chatId: ctx.chat.id });
        dropSession(ctx);
        ctx.logger.info({ writer_id: target }, "data deletion confirmed again; already deleted");
        await answerPress(ctx, ctx.t("privacy-already-deleted"), true);
        return;
      }
      await answerPress(ctx, ctx.t("privacy-stale"), true);
      return;
    }

    // Leave any running flow first: its exit handler removes draft files, and the conversations
    // plugin then drops the chat's stored state instead of saving it back.
    await ctx.conversation.exitAll();
    const result = await eraseWriter(eraseDeps, { writerId: writer.id, chatId: ctx.chat.id });
    // The session plugin would otherwise write the session back after this handler.
    dropSession(ctx);
    const removed = result.removed;
    ctx.logger.info(
      {
        writer_id: writer.id,
        letters: removed?.letterIds.length ?? 0,
        replies: removed?.replyIds.length ?? 0,
        files: removed?.filePaths.length ?? 0,
        redis_keys: result.redisKeys,
        jobs: result.jobs,
      },
      "writer data deleted",
    );
    if (removed) await tellOperators(ctx, removed.withdrawn);
    // ctx.writer still carries the language, so the confirmation is in the writer's language.
    await renderScreen(ctx, ctx.t("privacy-deleted"));
    await answerPress(ctx);
  });

  return composer;
}
