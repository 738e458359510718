// An empty prisoner list (a fresh install, or nobody in it reachable) must not look like "everyone
// already has letters": writers are told the truth (bot), the admin sees it in the log at start,
// and the operators' chat is told once — once across restarts and processes, via a claimed notice.
import type { I18n } from "@grammyjs/i18n";
import type { Api } from "grammy";
import { DEFAULT_OPERATORS_LOCALE, type Locale, type LocaleAwareContext } from "../messages/i18n.js";
import { countAssignablePrisoners } from "../db/repositories/assignments.js";
import { countPrisoners } from "../db/repositories/prisoners.js";
import { claimNotice, releaseNotice } from "../db/repositories/settings.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import type { Logger } from "../logger.js";
import type { OperatorsChat } from "./operators-chat.js";

const EMPTY_LIST_NOTICE = "empty-prisoner-list";

export interface PrisonerListState {
  /** Everyone in the list. */
  total: number;
  /** People who can be offered to a writer (reachable, not released). */
  assignable: number;
}

export interface PrisonerList {
  state(): Promise<PrisonerListState>;
  /**
   * Nobody assignable: tells the operators' chat, once (false when there is no chat yet or the
   * notice was already posted). Somebody assignable again: re-arms the notice for next time.
   */
  tellOperatorsIfEmpty(api: Api, state?: PrisonerListState): Promise<boolean>;
  /** At start: one log line when nobody can be offered, then the operators' notice. */
  checkAtStart(api: Api): Promise<PrisonerListState>;
}

export interface PrisonerListOptions {
  prisma: PrismaClient;
  operatorsChat: OperatorsChat;
  i18n: I18n<LocaleAwareContext>;
  logger: Logger;
  /** OPERATORS_LANGUAGE: the notice is posted to everyone in the operators' chat. */
  operatorsLanguage?: Locale;
}

export function createPrisonerList({ prisma, operatorsChat, i18n, logger, operatorsLanguage = DEFAULT_OPERATORS_LOCALE }: PrisonerListOptions): PrisonerList {
  const state = async (): Promise<PrisonerListState> => {
    const [total, assignable] = await Promise.all([countPrisoners(prisma), countAssignablePrisoners(prisma)]);
    return { total, assignable };
  };

  const tellOperatorsIfEmpty = async (api: Api, known?: PrisonerListState): Promise<boolean> => {
    const now = known ?? (await state());
    if (now.assignable > 0) {
      await releaseNotice(prisma, EMPTY_LIST_NOTICE);
      return false;
    }
    const chatId = await operatorsChat.id();
    // Not claimed without a chat: the notice goes out once a group is bound.
    if (chatId === undefined || !(await claimNotice(prisma, EMPTY_LIST_NOTICE))) return false;
    try {
      const key = now.total === 0 ? "setup-list-empty-operators" : "setup-list-unreachable-operators";
      await api.sendMessage(chatId, i18n.t(operatorsLanguage, key, { total: now.total }));
      logger.info({ chat_id: chatId, total: now.total }, "operators told that nobody can be offered to writers");
      return true;
    } catch (err) {
      await releaseNotice(prisma, EMPTY_LIST_NOTICE);
      logger.warn({ err, chat_id: chatId }, "could not tell the operators that the prisoner list is empty");
      return false;
    }
  };

  return {
    state,
    tellOperatorsIfEmpty,
    async checkAtStart(api) {
      const now = await state();
      if (now.total === 0) {
        logger.warn(
          "The prisoner list is empty: writers are told there is nobody to write to yet. Load it with: npm run cli -- prisoners import <file>",
        );
      } else if (now.assignable === 0) {
        logger.warn(
          { total: now.total },
          "Nobody in the prisoner list can receive letters (all unreachable or released): writers are told there is nobody to write to yet. Update the list with: npm run cli -- prisoners import <file>",
        );
      }
      await tellOperatorsIfEmpty(api, now);
      return now;
    },
  };
}
