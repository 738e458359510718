// "How to write": the full guide, one screen per section with back navigation (edited in place),
// and the calm explanation behind a prisoner card's "About the charges" button.
import { InlineKeyboard } from "grammy";
import { Composer } from "../composer.js";
import { GUIDE_SECTIONS, isGuideSection, type GuideSection } from "../../domain/rules.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { CB } from "../../messages/keyboards/callbacks.js";
import type { Translate } from "../../messages/i18n.js";
import { onCallback } from "../keyboards/on-callback.js";
import { CARD_BUTTONS } from "../../messages/views/prisoner-card.js";
import { answerPress, renderScreen } from "../views/screen.js";

export const GUIDE_CB = {
  /** The table of contents, edited in place. */
  menu: CB.guide,
  /** The table of contents as a new message (from the rules digest, which must stay). */
  menuNew: CB.guideNew,
  /** "guide:s:<section>". */
  sectionPrefix: "guide:s:",
} as const;

function contentsKeyboard(t: Translate): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  for (const section of GUIDE_SECTIONS) keyboard.text(t(`guide-${section}-title`), `${GUIDE_CB.sectionPrefix}${section}`).row();
  return keyboard.text(t("menu-back"), CB.menu);
}

function sectionKeyboard(t: Translate, section: GuideSection): InlineKeyboard {
  const keyboard = new InlineKeyboard();
  const index = GUIDE_SECTIONS.indexOf(section);
  const next = GUIDE_SECTIONS[index + 1];
  if (next) keyboard.text(t("guide-next", { title: t(`guide-${next}-title`) }), `${GUIDE_CB.sectionPrefix}${next}`).row();
  return keyboard.text(t("guide-back-to-contents"), GUIDE_CB.menu);
}

function contentsText(t: Translate): string {
  return t("guide-contents");
}

function sectionText(t: Translate, section: GuideSection): string {
  return `${t(`guide-${section}-title`)}\n\n${t(`guide-${section}-text`)}`;
}

export function guideFeature(_deps: FeatureDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  privateChats.command("guide", async (ctx) => {
    await renderScreen(ctx, contentsText(ctx.t), { keyboard: contentsKeyboard(ctx.t), mode: "send" });
  });

  privateChats.callbackQuery(GUIDE_CB.menu, async (ctx) => {
    await renderScreen(ctx, contentsText(ctx.t), { keyboard: contentsKeyboard(ctx.t) });
    await answerPress(ctx);
  });

  privateChats.callbackQuery(GUIDE_CB.menuNew, async (ctx) => {
    await renderScreen(ctx, contentsText(ctx.t), { keyboard: contentsKeyboard(ctx.t), mode: "send" });
    await answerPress(ctx);
  });

  privateChats.callbackQuery(new RegExp(`^${GUIDE_CB.sectionPrefix}(.+)$`), async (ctx) => {
    const section = ctx.match[1] ?? "";
    if (!isGuideSection(section)) {
      await answerPress(ctx, ctx.t("stale-button"));
      return;
    }
    await renderScreen(ctx, sectionText(ctx.t, section), { keyboard: sectionKeyboard(ctx.t, section) });
    await answerPress(ctx);
  });

  // From any prisoner card: a new message, so the card and its buttons stay where they are.
  onCallback(privateChats, CARD_BUTTONS.charges, async (ctx) => {
    await ctx.reply(ctx.t("guide-charges-text"), {
      reply_markup: new InlineKeyboard().text(ctx.t("guide-open"), GUIDE_CB.menuNew),
    });
    await answerPress(ctx);
  });

  return composer;
}
