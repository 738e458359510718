import { Composer, InlineKeyboard } from "grammy";
import { setWriterLanguage } from "../../db/repositories/writers.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { isLocale, LOCALES } from "../i18n.js";
import { CB } from "../keyboards/callbacks.js";
import { mainMenuKeyboard } from "../keyboards/main-menu.js";
import { showScreen } from "../screens.js";

function languageKeyboard(t: BotContext["t"]): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  // Each language is named in itself, so a writer who cannot read the current one finds theirs.
  for (const locale of LOCALES) keyboard.text(t(`language-name-${locale}`), `${CB.languageSetPrefix}${locale}`).row();
  return keyboard.text(t("menu-back"), CB.settings);
}

/** /language and Settings → Language: choose Русский or English; stored on the writer. */
export function languageFeature({ prisma }: FeatureDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  privateChats.command("language", async (ctx) => {
    await ctx.reply(ctx.t("language-choose"), { reply_markup: languageKeyboard(ctx.t) });
  });

  privateChats.callbackQuery(CB.languageChoose, async (ctx) => {
    await showScreen(ctx, ctx.t("language-choose"), languageKeyboard(ctx.t));
  });

  privateChats.callbackQuery(new RegExp(`^${CB.languageSetPrefix}(.+)$`), async (ctx) => {
    const locale = ctx.match[1];
    const writer = ctx.writer;
    if (!isLocale(locale) || !writer) {
      await ctx.answerCallbackQuery({ text: ctx.t("stale-button") });
      return;
    }
    await setWriterLanguage(prisma, writer.id, locale);
    ctx.writer = { ...writer, language: locale };
    // Answer in the language just chosen.
    await ctx.i18n.renegotiateLocale();
    ctx.logger.info({ writer_id: writer.id, language: locale }, "language changed");
    await showScreen(ctx, ctx.t("language-changed"), mainMenuKeyboard(ctx.t));
  });

  return composer;
}
