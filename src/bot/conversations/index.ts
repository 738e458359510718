import type { ConversationBuilder } from "@grammyjs/conversations";
import type { MiddlewareFn } from "grammy";
import type { BotContext, ConversationContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { interestsOwnConversation } from "./interests-own.js";
import { letterConversation } from "./letter/index.js";
import { signatureConversation } from "./signature.js";
import { specificRequestConversation } from "./specific-request.js";

/**
 * Bump when any conversation's sequence of waits changes shape: stored half-finished conversations
 * of the old shape are then dropped instead of replayed into the wrong step.
 */
export const CONVERSATIONS_VERSION = 3;

export interface ConversationModule {
  /** Used with ctx.conversation.enter(id); kebab-case, stable across releases. */
  id: string;
  build(deps: FeatureDeps): ConversationBuilder<BotContext, ConversationContext>;
  /**
   * Called when the conversation is left from outside (/cancel, a Cancel button) or halted, with the
   * outside context: clean up what the flow left behind (e.g. draft files).
   */
  onExit?(ctx: BotContext, deps: FeatureDeps): Promise<void>;
  /** Installed right before the conversation (e.g. the letter flow's fresh starts). */
  middleware?(deps: FeatureDeps): MiddlewareFn<BotContext>;
}

/**
 * Every conversation, one file each in this folder. createBot registers them after /cancel, so
 * /cancel always wins over a waiting conversation.
 */
export const conversationModules: ConversationModule[] = [interestsOwnConversation, signatureConversation, letterConversation(), specificRequestConversation];
