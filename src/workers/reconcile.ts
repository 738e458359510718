// The reconciler: compares what PostgreSQL says is on its way with what the queues hold, and puts
// back what Redis lost (a restart without persistence, a flushed key, an enqueue that failed after
// its commit). Every job it adds carries the id the normal path uses, so a job that does exist is
// never doubled; every handler it feeds re-checks the rows, so a repeated run does nothing twice.
//
// Failed jobs are left where they are: BullMQ keeps them in the failed set, the failure was already
// told to the operators (batch-failed, reply-op-failed ...) and re-adding one behind their back would
// hide it. Only a job that is missing altogether, or finished while its row still waits, is re-added.
import { randomUUID } from "node:crypto";
import type { Queue } from "bullmq";
import {
  approvedLetterIds,
  submittedLetters,
  undeliveredReplyIds,
  unrenderedBatchIds,
  type ReconcileWindow,
} from "../db/repositories/reconcile.js";
import type { Logger } from "../logger.js";
import { translatorFor } from "../messages/i18n.js";
import { reconcileSummary, repairedCount, type ReconcileCounts } from "../messages/views/reconcile.js";
import { batchJobId, moderationJobId, printJobId, replyDeliveryJobId } from "../queues/index.js";
import type { WorkerDeps } from "./deps.js";

/** Rows per kind per run: a backlog larger than this is worked off over the next runs. */
export const RECONCILE_LIMIT = 500;
/** A row younger than this is still in the hands of the normal path (it enqueues right after its commit). */
export const RECONCILE_GRACE_MS = 60_000;
/** A closed batch without its PDF this long after closing lost its job (rendering takes seconds). */
export const BATCH_STUCK_MS = 10 * 60_000;
/** How long one run may hold the lock that keeps two workers' runs apart. */
const LOCK_MS = 5 * 60_000;

export interface ReconcileOptions {
  now?: Date;
  graceMs?: number;
  batchStuckMs?: number;
  limit?: number;
}

type ReconcileDeps = Pick<WorkerDeps, "prisma" | "queues" | "redis" | "config">;

/** What to do about one row, given its job's state (`unknown`: no such job). */
type Verdict = "add" | "parked" | "in-flight";

/** `finishedMeansLost`: a completed job while the row still waits means the work never happened. */
async function verdict(queue: Queue, jobId: string, finishedMeansLost: boolean): Promise<Verdict> {
  const state = await queue.getJobState(jobId);
  if (state === "unknown") return "add";
  if (state === "failed") return "parked";
  if (state === "completed" && finishedMeansLost) return "add";
  return "in-flight";
}

/**
 * Puts every row of one kind whose job is gone back on its way. `add` enqueues with the normal
 * path's job id; it is only called for rows whose job is missing or finished without effect.
 */
async function repairKind<T>(rows: readonly T[], check: (row: T) => Promise<Verdict>, add: (row: T) => Promise<unknown>): Promise<{ added: number; parked: number }> {
  let added = 0;
  let parked = 0;
  for (const row of rows) {
    const found = await check(row);
    if (found === "parked") parked++;
    if (found !== "add") continue;
    await add(row);
    added++;
  }
  return { added, parked };
}

/** Removes a finished job so the same id can be added again (a job already gone is fine). */
async function removeFinished(queue: Queue, jobId: string): Promise<void> {
  const job = await queue.getJob(jobId);
  if (job && (await job.isCompleted())) await job.remove().catch(() => undefined);
}

/** One comparison of PostgreSQL with the queues, every kind once; counts of what was re-queued. */
async function compareAndRepair({ prisma, queues }: ReconcileDeps, opts: Required<ReconcileOptions>): Promise<ReconcileCounts> {
  const q = queues.byName;
  const window: ReconcileWindow = { before: new Date(opts.now.getTime() - opts.graceMs), limit: opts.limit };
  // queues.print itself replaces a finished job; a completed print job of a still-approved letter did not print it.
  const letters = await repairKind(
    await approvedLetterIds(prisma, window),
    (id) => verdict(q.print, printJobId({ letterId: id }), true),
    (id) => queues.print({ letterId: id }),
  );
  // A completed card job posted the card: the letter waits for the operators, not for a job.
  const cards = await repairKind(
    await submittedLetters(prisma, window),
    (letter) => verdict(q.moderation, moderationJobId({ letterId: letter.id, version: letter.version }), false),
    (letter) => queues.moderation({ letterId: letter.id, version: letter.version }),
  );
  // Pages are recorded as delivered one by one, so a new run sends only those the writer has not got.
  const replies = await repairKind(
    await undeliveredReplyIds(prisma, window),
    (id) => verdict(q["reply-delivery"], replyDeliveryJobId({ replyId: id }), true),
    async (id) => {
      await removeFinished(q["reply-delivery"], replyDeliveryJobId({ replyId: id }));
      await queues.replyDelivery({ replyId: id });
    },
  );
  const batches = await repairKind(
    await unrenderedBatchIds(prisma, { before: new Date(opts.now.getTime() - opts.batchStuckMs), limit: opts.limit }),
    (id) => verdict(q.batch, batchJobId({ batchId: id }), false),
    (id) => queues.batch({ batchId: id }),
  );
  return {
    letters: letters.added,
    cards: cards.added,
    replies: replies.added,
    batches: batches.added,
    parked: letters.parked + cards.parked + replies.parked + batches.parked,
  };
}

// Deletes the lock only while it is still this run's (a run outliving its lease must not free another's).
const RELEASE_LOCK = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/**
 * One reconciler run, or undefined when another worker's run holds the lock: two runs at once would
 * both find the same missing jobs and both tell the operators.
 */
export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions = {}): Promise<ReconcileCounts | undefined> {
  const key = `${deps.config.redisPrefix}:reconcile:lock`;
  const token = randomUUID();
  if ((await deps.redis.set(key, token, "PX", LOCK_MS, "NX")) !== "OK") return undefined;
  try {
    return await compareAndRepair(deps, {
      now: options.now ?? new Date(),
      graceMs: options.graceMs ?? RECONCILE_GRACE_MS,
      batchStuckMs: options.batchStuckMs ?? BATCH_STUCK_MS,
      limit: options.limit ?? RECONCILE_LIMIT,
    });
  } finally {
    await deps.redis.eval(RELEASE_LOCK, 1, key, token);
  }
}

/** The maintenance task: a run, its counts in the log, and the operators' summary when it repaired something. */
export async function runReconcile(deps: WorkerDeps, log: Logger, options: ReconcileOptions = {}): Promise<ReconcileCounts | undefined> {
  const counts = await reconcile(deps, options);
  if (!counts) {
    log.info("another reconciler run is in progress; this one skipped");
    return undefined;
  }
  log.info({ ...counts }, "queues reconciled with the database");
  const summary = reconcileSummary(translatorFor(deps.i18n, deps.config.operatorsLanguage), counts);
  if (summary === undefined || repairedCount(counts) === 0) return counts;
  const chatId = await deps.operatorsChat.id();
  if (chatId === undefined) return counts;
  // The repairs are done; a summary that does not get through is not worth running them again.
  await deps.api.sendMessage(chatId, summary).catch((err: unknown) => log.warn({ err }, "could not post the reconciler summary"));
  return counts;
}
