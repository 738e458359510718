import { DelayedError } from "bullmq";
import { conversationKey } from "../messages/state-keys.js";
import { CB } from "../messages/keyboards/callbacks.js";
import { closeDraftIfUnchanged, readDraftActivity, type DRAFT_IDLE_QUEUE, type DraftActivity } from "../queues/index.js";
import { createFileStorage } from "../storage/index.js";
import { draftPrefix } from "../storage/keys.js";
import type { WorkerDeps } from "./deps.js";
import type { QueueHandler } from "./registry.js";

/**
 * Closes a letter draft left untouched for the flow's idle timeout: its conversation state and
 * files go, and the writer is told (notify queue, their language). A draft already sent or left
 * has no activity record, so nothing happens.
 */
export function draftIdleHandler({ redis, config, queues }: WorkerDeps): QueueHandler<typeof DRAFT_IDLE_QUEUE> {
  const storage = createFileStorage(config.storageDir, config.keyring);
  const prefix = config.redisPrefix;
  return {
    options: { concurrency: 2 },
    async process({ chatId }, { job, log, token }) {
      // Most steps do not re-arm this job (src/bot/conversations/letter/activity.ts): while the draft
      // is open, this job is its check, so it waits for the latest deadline.
      let activity: DraftActivity;
      for (;;) {
        const found = await readDraftActivity(redis, prefix, chatId);
        if (!found) return;
        activity = found.activity;
        const { raw } = found;
        const dueAt = activity.at + activity.idleMs;
        if (Date.now() < dueAt) {
          // The writer went on writing since this job was armed: look again when that step goes stale.
          await job.moveToDelayed(dueAt, token);
          throw new DelayedError();
        }
        if (await closeDraftIfUnchanged(redis, prefix, chatId, conversationKey(prefix, chatId), raw)) break;
        // A step landed between the read and the close: judge the new deadline.
        log.info({ chat_id: chatId }, "draft became active again; left open");
      }
      await storage.deletePrefix(draftPrefix(activity.writerId));
      await queues.notify({
        writerId: activity.writerId,
        key: "letter-idle-closed",
        buttons: [{ key: "letter-idle-menu", data: CB.menu }],
        dedupeKey: `draft-idle-${activity.writerId}-${activity.nonce}`,
      });
      log.info({ writer_id: activity.writerId }, "idle letter draft closed");
    },
  };
}
