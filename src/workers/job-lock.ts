// Short job locks for jobs whose effects must not wait long after a crash (reply delivery).
//
// BullMQ only hands a job to another worker once its lock has expired AND the stalled checker has
// seen it twice: once to mark it, once to move it back to waiting. With the defaults (30 s lock,
// checker every 30 s) a job stranded by a killed worker sat for 55-60 s. A live worker renews its
// locks every lockDuration/2, so a short lock costs nothing while the worker runs; it is only lost
// when the process is gone, or its event loop or Redis is stuck for several seconds.
import type { Job, WorkerOptions } from "bullmq";

/**
 * A stranded job is running again at most about lockDuration + 2 × stalledInterval after the crash
 * (5 + 2 × 1.5 s). maxStalledCount: each crash counts as a stall, and progress is kept per page, so a
 * job that crashed twice must still run (BullMQ's default fails it without calling the handler).
 */
export const SHORT_LOCK = { lockDuration: 5_000, stalledInterval: 1_500, maxStalledCount: 20 } as const satisfies Pick<
  WorkerOptions,
  "lockDuration" | "stalledInterval" | "maxStalledCount"
>;

/** This run no longer owns its job: BullMQ gave it to another worker (or will). Stop without side effects. */
export class JobLockLostError extends Error {
  override name = "JobLockLostError";
  constructor(jobId: string | undefined) {
    super(`lost the lock of job ${jobId ?? "?"}`);
  }
}

/**
 * Renews this run's lock right before a side effect that must not happen twice, and throws
 * JobLockLostError when the lock is gone. A slow but live run (a long 429 wait, a stuck event loop)
 * whose job was meanwhile handed to another worker thus stops before its next effect instead of
 * repeating the other run's work; the new lock lasts the effect's duration with room to spare.
 */
export async function keepJobLock(job: Job, token: string | undefined, durationMs: number = SHORT_LOCK.lockDuration): Promise<void> {
  // Without a token (a job run by hand, outside a Worker) there is no lock to keep.
  if (token === undefined) return;
  const renewed = await job.extendLock(token, durationMs);
  if (renewed !== 1) throw new JobLockLostError(job.id);
}
