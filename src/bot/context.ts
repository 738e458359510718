import type { Conversation, ConversationFlavor } from "@grammyjs/conversations";
import type { I18nFlavor } from "@grammyjs/i18n";
import type { Context, SessionFlavor } from "grammy";
import type { Logger } from "../logger.js";
import type { Writer } from "../db/repositories/writers.js";
import type { Locale } from "../messages/i18n.js";

export type { Writer };

/**
 * Per-chat session in Redis. Features add optional fields here (keep them small and
 * JSON-serialisable; ids, not objects).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in by later features
export interface SessionData {}

interface LifelineFlavor {
  /** Child logger bound to update_id and chat_id only. */
  logger: Logger;
  /** The writer behind a private chat; undefined in groups and channels. */
  writer: Writer | undefined;
  /** In the operators' chat: the operator's language (their /lang choice, else OPERATORS_LANGUAGE); undefined elsewhere. */
  operatorLocale?: Locale | undefined;
}

/** Context of the outside middleware tree (features, commands, callbacks). */
export type BotContext = ConversationFlavor<Context & SessionFlavor<SessionData> & I18nFlavor & LifelineFlavor>;

/** Context inside conversations: i18n, logger and writer are installed as conversation plugins. */
export type ConversationContext = Context & I18nFlavor & LifelineFlavor;

export type BotConversation = Conversation<BotContext, ConversationContext>;
