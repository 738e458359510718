import type { Queue } from "bullmq";
import { z } from "zod";

/**
 * `maintenance`: periodic housekeeping run by job schedulers, never by users: lapsing assignments
 * nobody used in time, deleting abandoned draft files and files whose rows are gone, and retention
 * (letters' content and reply scans deleted RETENTION_DAYS after posting / delivery), and reconciling
 * the queues with the database, and sending the reminders writers asked for (src/workers/reminders.ts).
 */
export const MAINTENANCE_QUEUE = "maintenance";

export const MAINTENANCE_TASKS = ["lapse-assignments", "clean-storage", "retention", "reconcile", "reminders"] as const;
export type MaintenanceTask = (typeof MAINTENANCE_TASKS)[number];

export const maintenancePayloadSchema = z.object({ task: z.enum(MAINTENANCE_TASKS) });
export type MaintenancePayload = z.input<typeof maintenancePayloadSchema>;
export type MaintenanceJobData = z.output<typeof maintenancePayloadSchema>;

/**
 * How often each task runs. Assignments lapse within a quarter hour of expiring; retention deletes
 * within an hour of the day it is due.
 */
export const MAINTENANCE_EVERY_MS: Record<MaintenanceTask, number> = {
  "lapse-assignments": 15 * 60_000,
  "clean-storage": 6 * 3600_000,
  retention: 3600_000,
  // The reconciler (src/workers/reconcile.ts): work Redis lost is back on its way within five minutes.
  reconcile: 5 * 60_000,
  // Reminders go in the writer's daytime: a run every half hour reaches each one soon after it begins.
  reminders: 30 * 60_000,
};

/**
 * Creates or updates one job scheduler per task (the scheduler id is the task name, so every
 * worker process calling this at start keeps exactly one of each).
 */
export async function scheduleMaintenance(queue: Queue<MaintenanceJobData>): Promise<void> {
  for (const task of MAINTENANCE_TASKS) {
    await queue.upsertJobScheduler(
      task,
      { every: MAINTENANCE_EVERY_MS[task] },
      {
        name: task,
        data: { task },
        // The next run comes soon anyway: no retries, and keep only a short history.
        opts: { attempts: 1, removeOnComplete: { count: 20 }, removeOnFail: { count: 50 } },
      },
    );
  }
}
