// What every step of one letter conversation works with: the conversation, the context it was
// entered with, the services, and what was loaded before the first wait.
import type { LetterTarget } from "../../../db/repositories/letters.js";
import type { PageSource } from "../../../media/page-download.js";
import type { FileStorage } from "../../../storage/index.js";
import type { BotConversation, ConversationContext } from "../../context.js";
import type { FeatureDeps } from "../../deps.js";
import { localeOf } from "../../../messages/i18n.js";
import type { LetterConversationArgs, Setup } from "./types.js";

export interface LetterRun {
  conversation: BotConversation;
  /** The context the flow was entered with: the first message of each step answers through it. */
  ctx: ConversationContext;
  deps: FeatureDeps;
  storage: FileStorage;
  pageSource: PageSource;
  idleMs: number;
  /** What the flow was opened with (carried over when it starts afresh). */
  args: LetterConversationArgs;
  setup: Setup;
  target: LetterTarget;
  writerId: number;
  chatId: number | undefined;
  /** This letter's mark in its buttons' callback data. */
  scope: string;
  /**
   * When this draft last armed its idle check (epoch ms), as returned by the step that did it: a
   * conversation.external result, so a replay restores it (src/bot/conversations/letter/activity.ts).
   */
  idleCheckArmedAt?: number;
  /** Updates waited for since the flow was (re)entered, and the last one's id (restart.ts). */
  waits: number;
  lastUpdateId?: number;
}

export function recipientName(run: LetterRun, c: ConversationContext): string {
  return localeOf(c) === "ru" ? run.target.nameRu : run.target.nameEn;
}

/** The name, and the facility when there is one. */
export function recipient(run: LetterRun, c: ConversationContext): string {
  const name = recipientName(run, c);
  return run.target.facility === "" ? name : `${name}, ${run.target.facility}`;
}
