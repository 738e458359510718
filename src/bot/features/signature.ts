// Settings → Signature: the name letters are signed with (a steady pseudonym is fine), asked by the
// letter flow once and changeable here.
import { InlineKeyboard } from "grammy";
import { Composer } from "../composer.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { CB } from "../../messages/keyboards/callbacks.js";
import { answerPress, renderScreen } from "../views/screen.js";

/** The conversation that asks for a new signature (src/bot/conversations/signature.ts). */
export const SIGNATURE_CONVERSATION_ID = "settings-signature";

export const SIGNATURE_CB = {
  open: CB.signature,
  edit: "sig:edit",
} as const;

export function signatureFeature(_deps: FeatureDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  privateChats.callbackQuery(SIGNATURE_CB.open, async (ctx) => {
    const name = ctx.writer?.signatureName;
    const text = name ? ctx.t("signature-current", { name }) : ctx.t("signature-none");
    const keyboard = new InlineKeyboard()
      .text(ctx.t(name ? "signature-change" : "signature-set"), SIGNATURE_CB.edit)
      .row()
      .text(ctx.t("menu-back"), CB.settings);
    await renderScreen(ctx, text, { keyboard });
    await answerPress(ctx);
  });

  privateChats.callbackQuery(SIGNATURE_CB.edit, async (ctx) => {
    await answerPress(ctx);
    if (!ctx.writer) return;
    await ctx.conversation.exitAll();
    await ctx.conversation.enter(SIGNATURE_CONVERSATION_ID);
  });

  return composer;
}
