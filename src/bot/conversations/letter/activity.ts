// The draft's idle clock and its files: armed on every step, cleared on Send, and everything
// removed when the writer leaves.
import { clearDraftActivity, recordDraftActivity } from "../../../queues/index.js";
import type { FileStorage } from "../../../storage/index.js";
import { draftOpenKey, draftPrefix } from "../../../storage/keys.js";
import type { BotContext } from "../../context.js";
import type { FeatureDeps } from "../../deps.js";
import type { LetterRun } from "./run.js";

/**
 * Records this step (state in Redis, so any process can close the draft when it goes idle). The
 * idle check is armed by the draft's first step and again when the last arming is half a timeout
 * old (a check lost with Redis, or parked after failing, comes back while the writer still writes);
 * in between, a check that fires early waits for the new deadline (src/workers/draft-idle.ts).
 * Every other step costs one Redis SET and one file-system check.
 */
export async function touch(run: LetterRun): Promise<void> {
  const { chatId, deps, idleMs, writerId } = run;
  if (chatId === undefined) return;
  const lastArmed = run.idleCheckArmedAt;
  const armedAt = await run.conversation.external(async (): Promise<number | undefined> => {
    try {
      // Removed with the draft's files (Send, /cancel, idle close, Start over); left behind only when
      // the conversation's state is lost, which is what the fallback then tells the writer.
      const marker = draftOpenKey(writerId);
      if (!(await run.storage.exists(marker))) await run.storage.put(marker, Buffer.from(String(Date.now())));
    } catch (err) {
      deps.logger.warn({ err, writer_id: writerId }, "could not mark the draft as open");
    }
    const now = Date.now();
    try {
      await recordDraftActivity(deps.redis, deps.config.redisPrefix, chatId, { writerId, nonce: run.setup.nonce, at: now, idleMs });
      if (lastArmed !== undefined && now - lastArmed < idleMs / 2) return lastArmed;
      await deps.queues.draftIdle({ chatId }, idleMs);
      return now;
    } catch (err) {
      // Only the proactive close is lost: the writer's return still closes a stale draft.
      deps.logger.warn({ err, writer_id: writerId }, "could not arm the idle-draft check");
      return lastArmed;
    }
  });
  if (armedAt !== undefined) run.idleCheckArmedAt = armedAt;
}

/** Sent: the pending idle check must find nothing to close. Call inside conversation.external. */
export async function forgetActivity(run: LetterRun): Promise<void> {
  if (run.chatId !== undefined) await clearDraftActivity(run.deps.redis, run.deps.config.redisPrefix, run.chatId);
}

/** Removes the draft's files and its idle record when the writer leaves with /cancel (or the flow is halted). */
export async function cleanupDrafts(ctx: BotContext, deps: FeatureDeps, storage: FileStorage): Promise<void> {
  if (ctx.chatId !== undefined) await clearDraftActivity(deps.redis, deps.config.redisPrefix, ctx.chatId);
  const writer = ctx.writer;
  if (writer) await storage.deletePrefix(draftPrefix(writer.id));
}
