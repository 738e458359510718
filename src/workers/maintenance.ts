import { lapseExpiredAssignments } from "../db/repositories/assignments.js";
import type { MAINTENANCE_QUEUE } from "../queues/index.js";
import { createFileStorage } from "../storage/index.js";
import type { WorkerDeps } from "./deps.js";
import type { QueueHandler } from "./registry.js";
import { runReconcile } from "./reconcile.js";
import { sendDueReminders } from "./reminders.js";
import { applyRetention } from "./retention.js";
import { sweepStorage } from "./storage-sweep.js";

/**
 * Periodic housekeeping (schedulers in src/queues/maintenance.ts); logs counts only. `clock` is the
 * time the reminders are judged at (tests move it).
 */
export function maintenanceHandler(deps: WorkerDeps, clock: () => Date = () => new Date()): QueueHandler<typeof MAINTENANCE_QUEUE> {
  const { prisma, config } = deps;
  const storage = createFileStorage(config.storageDir, config.keyring);
  return {
    options: { concurrency: 1 },
    async process(data, { log }) {
      switch (data.task) {
        case "lapse-assignments": {
          const lapsed = await lapseExpiredAssignments(prisma);
          log.info({ lapsed }, "expired assignments lapsed");
          return;
        }
        case "clean-storage": {
          const swept = await sweepStorage(prisma, storage);
          log.info({ draft_files: swept.draftFiles, orphan_folders: swept.orphanFolders }, "storage swept");
          return;
        }
        case "retention": {
          const r = await applyRetention(prisma, storage, { days: config.retentionDays });
          log.info({ letters: r.letters, replies: r.replies, batch_pdfs: r.batchPdfs, done: r.done }, "retention applied");
          return;
        }
        case "reconcile": {
          await runReconcile(deps, log);
          return;
        }
        case "reminders": {
          const r = await sendDueReminders(deps, log, { now: clock() });
          log.info({ sent: r.sent, undeliverable: r.undeliverable, failed: r.failed }, "reminders sent");
          return;
        }
      }
    },
  };
}
