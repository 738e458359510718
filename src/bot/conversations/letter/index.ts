// The letter conversation as a module of the bot; the flow itself reads in flow.ts, one step a file.
import { createFileStorage } from "../../../storage/index.js";
import type { ConversationModule } from "../index.js";
import { cleanupDrafts } from "./activity.js";
import { buildLetter } from "./flow.js";
import { letterRestarts, restartPending } from "./restart.js";
import type { LetterConversationOptions } from "./types.js";

export type { LetterConversationArgs, LetterConversationOptions } from "./types.js";

export const LETTER_CONVERSATION_ID = "letter";

/** The letter flow; options exist so tests (and deployments) can shorten the idle timeout. */
export function letterConversation(options: LetterConversationOptions = {}): ConversationModule {
  return {
    id: LETTER_CONVERSATION_ID,
    build: (deps) => buildLetter(deps, options),
    // A halt that is a fresh start of the same draft (restart.ts) keeps its files and idle clock.
    onExit: async (ctx, deps) => {
      if (!restartPending(deps, ctx)) await cleanupDrafts(ctx, deps, createFileStorage(deps.config.storageDir, deps.config.keyring));
    },
    middleware: (deps) => letterRestarts(deps, LETTER_CONVERSATION_ID),
  };
}
