// The shapes the letter steps share: what the flow was opened with, what it loaded before the first
// wait (Setup, JSON from conversation.external), and the draft the writer builds step by step.
import type { LetterTarget } from "../../../db/repositories/letters.js";
import { joinLetterParts } from "../../../domain/letter.js";
import type { PrecheckWarning } from "../../../domain/precheck/index.js";
import type { DraftPage } from "../../../storage/draft-pages.js";

export type LetterConversationArgs =
  | { prisonerId: number; assignmentId?: number }
  | { specificRequestId: number }
  /** Edit and send again a letter an operator sent back for changes (same letter, same code). */
  | { resubmitLetterId: number };

export interface LetterConversationOptions {
  /**
   * A draft left alone this long is closed (default 24 h): by the `draft-idle` worker, which tells
   * the writer, or, without workers running, when the writer comes back.
   */
  idleTimeoutMs?: number;
}

export type Kind = "typed" | "handwritten";

/** One chat message of a typed letter; its id lets Telegram's "Edit" replace it. */
export interface Part {
  messageId: number;
  text: string;
}

/** The letter being fixed after "needs changes", its pages already copied into the draft. */
export interface Resubmission {
  letterId: number;
  code: string;
  kind: Kind;
  text: string | null;
  reason: string | null;
  signatureName: string | null;
  pages: DraftPage[];
  /** Where the old pages are stored: the ones no longer used are deleted after Send. */
  oldPaths: string[];
}

export interface Setup {
  writerId: number;
  /** Random per draft: scopes the buttons and makes the idempotency key. */
  nonce: string;
  signatureName: string | null;
  writerLanguage: string;
  mustAcceptRules: boolean;
  target: LetterTarget | null;
  /** Only for { resubmitLetterId }: null when that letter is not this writer's or no longer waits for changes. */
  resubmit: Resubmission | null;
}

/** The letter as written so far; rebuilt on every replay, so plain data changed in place. */
export interface Draft {
  kind: Kind;
  parts: Part[];
  pages: DraftPage[];
  /** Pre-check warnings the writer chose to send anyway (stored with the letter for operators). */
  accepted: PrecheckWarning[];
  signature: string | null;
  /** The status message of the album being received: its next photos edit it instead of adding one. */
  albumStatus: { messageId: number; mediaGroupId: string } | undefined;
}

/**
 * What a flow that starts afresh (restart.ts) carries over: its arguments, what it loaded before
 * its first wait, the draft and its idle clock. JSON, from the flow's own encrypted state.
 */
export interface Resume {
  args: LetterConversationArgs;
  setup: Setup;
  draft: Draft;
  idleCheckArmedAt?: number;
}

export function newDraft(kind: Kind, setup: Setup): Draft {
  const resubmit = setup.resubmit;
  return {
    kind,
    // A resubmission starts from the letter as it was sent (message id 0: no chat message to edit).
    parts: resubmit?.text ? [{ messageId: 0, text: resubmit.text }] : [],
    pages: resubmit ? [...resubmit.pages] : [],
    accepted: [],
    signature: resubmit?.signatureName ?? setup.signatureName,
    albumStatus: undefined,
  };
}

export function letterText(draft: Pick<Draft, "parts">): string {
  return joinLetterParts(draft.parts.map((p) => p.text));
}
