import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import type { z } from "zod";
import { NOTIFY_QUEUE, notifyJobId, notifyPayloadSchema, type NotifyJobData, type NotifyPayload } from "./notify.js";

export { NOTIFY_QUEUE, notifyJobId, notifyPayloadSchema, type NotifyJobData, type NotifyPayload } from "./notify.js";
import {
  BATCH_QUEUE,
  batchJobId,
  batchPayloadSchema,
  MODERATION_QUEUE,
  moderationJobId,
  moderationPayloadSchema,
  PRINT_QUEUE,
  printJobId,
  printPayloadSchema,
  REPLY_DELIVERY_QUEUE,
  replyDeliveryJobId,
  replyDeliveryPayloadSchema,
  replyDeliveryPriority,
  type BatchPayload,
  type ModerationPayload,
  type PrintPayload,
  type ReplyDeliveryPayload,
} from "./operators.js";

export * from "./operators.js";
import { MAINTENANCE_QUEUE, maintenancePayloadSchema } from "./maintenance.js";
import { REPLY_ALBUM_QUEUE, replyAlbumJobId, replyAlbumPayloadSchema, type ReplyAlbumPayload } from "./reply-album.js";
import { IMPORT_REPORT_QUEUE, importReportJobId, importReportPayloadSchema, type ImportReportPayload } from "./import-report.js";
import { DRAFT_IDLE_QUEUE, draftIdleJobId, draftIdlePayloadSchema, type DraftIdlePayload } from "./draft-idle.js";

export * from "./maintenance.js";
export * from "./reply-album.js";
export * from "./import-report.js";
export * from "./draft-idle.js";

/**
 * Every queue: its payload schema, shared by producers (validate before enqueue) and workers
 * (validate before work). Adding a queue here makes the worker registry refuse to start until a
 * handler exists for it.
 */
export const queueSchemas = {
  [NOTIFY_QUEUE]: notifyPayloadSchema,
  [MODERATION_QUEUE]: moderationPayloadSchema,
  [PRINT_QUEUE]: printPayloadSchema,
  [BATCH_QUEUE]: batchPayloadSchema,
  [REPLY_DELIVERY_QUEUE]: replyDeliveryPayloadSchema,
  [MAINTENANCE_QUEUE]: maintenancePayloadSchema,
  [REPLY_ALBUM_QUEUE]: replyAlbumPayloadSchema,
  [IMPORT_REPORT_QUEUE]: importReportPayloadSchema,
  [DRAFT_IDLE_QUEUE]: draftIdlePayloadSchema,
} as const;

export type QueueName = keyof typeof queueSchemas;
export const QUEUE_NAMES = Object.keys(queueSchemas) as QueueName[];
export type JobData<N extends QueueName> = z.output<(typeof queueSchemas)[N]>;
export type JobInput<N extends QueueName> = z.input<(typeof queueSchemas)[N]>;

/** Custom backoff name understood by the workers: Telegram's retry_after, else exponential. */
export const TELEGRAM_BACKOFF = "telegram";

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: TELEGRAM_BACKOFF, delay: 1000 },
  // Completed jobs stay a week so a repeated job id is still recognised as a duplicate.
  removeOnComplete: { age: 7 * 24 * 3600, count: 100_000 },
  removeOnFail: { age: 30 * 24 * 3600 },
};

export interface Queues {
  readonly prefix: string;
  readonly byName: { [N in QueueName]: Queue<JobData<N>> };
  /** Validates the payload and enqueues it with a deterministic job id. */
  notify(payload: NotifyPayload, opts?: Pick<JobsOptions, "delay" | "priority">): Promise<string>;
  /** Posts the letter's moderation card to the operators' chat (job id `moderation-<letterId>`, `moderation-<letterId>-<version>` for a resubmitted letter). */
  moderation(payload: ModerationPayload): Promise<string>;
  /**
   * Renders an approved letter's PDF and adds it to the open batch (job id `print-<letterId>`).
   * A finished job of the same id is replaced: the worker does nothing for a letter already printed.
   */
  print(payload: PrintPayload): Promise<string>;
  /** Renders a closed batch and sends it to the operators' chat or the printer (job id `batch-<batchId>`). */
  batch(payload: BatchPayload): Promise<string>;
  /**
   * Delivers a stored reply to its writer (job id `reply-<replyId>`; `reply-<replyId>-resume-<n>` when
   * re-sent after the writer came back). With `delayMs` the delivery is (re)armed to start that long
   * from now, so scans still coming for the reply join it first; a delivery already running is kept.
   * With `pages` (the reply's page count so far) a backlog starts the longest replies first
   * (replyDeliveryPriority); without it the job goes ahead of those (a translation, a resumed or
   * repaired delivery: few).
   */
  replyDelivery(payload: ReplyDeliveryPayload, opts?: { delayMs?: number; pages?: number }): Promise<string>;
  /**
   * (Re)arms the album's closing job (job id `album-<chatId>-<mediaGroupId>`) to run `delayMs`
   * from now: every new page pushes it back. A job of a closed album is replaced, so late pages
   * are picked up too.
   */
  replyAlbum(payload: ReplyAlbumPayload, delayMs: number): Promise<string>;
  /** One summary of a prisoner-list import for the operators' chat (job id `import-<importId>`). */
  importReport(payload: ImportReportPayload): Promise<string>;
  /**
   * (Re)arms the chat's idle-draft check (job id `draft-idle-<chatId>`) to run `delayMs` from now.
   * A job already waiting or running is left alone: it re-reads the activity and delays itself.
   */
  draftIdle(payload: DraftIdlePayload, delayMs: number): Promise<string>;
  close(): Promise<void>;
}

/** BullMQ key prefix for a service Redis prefix (sessions etc. use other sub-prefixes). */
export function bullPrefix(prefix: string): string {
  return `${prefix}:bull`;
}

/**
 * A debounced delayed job: (re)armed to run `delayMs` from now under a fixed id. A job still waiting
 * out its delay is pushed back (a lost race with it becoming due is harmless: the handlers re-check
 * their own timestamps); a finished one is replaced; one already running is kept, or joined by one
 * more run under a fresh id when the caller needs a look after its latest change.
 */
async function rearmDelayedJob(
  queue: Queue,
  name: string,
  data: object,
  jobId: string,
  delayMs: number,
  opts: { whenBusy: "keep" | "add-another"; jobOptions?: JobsOptions },
): Promise<string> {
  const existing = await queue.getJob(jobId);
  if (existing) {
    const state = await existing.getState();
    // A new priority (a reply that grew by a page) holds for the job still to run.
    const priority = opts.jobOptions?.priority;
    if (state === "delayed") {
      await existing.changeDelay(delayMs).catch(() => undefined);
      if (priority !== undefined) await existing.changePriority({ priority }).catch(() => undefined);
      return jobId;
    }
    if (state === "active" || state === "waiting" || state === "prioritized" || state === "waiting-children") {
      if (priority !== undefined && (state === "waiting" || state === "prioritized")) await existing.changePriority({ priority }).catch(() => undefined);
      if (opts.whenBusy === "keep") return jobId;
      const lateId = `${jobId}-late-${Date.now()}`;
      await queue.add(name, data, { ...opts.jobOptions, jobId: lateId, delay: delayMs });
      return lateId;
    }
    await existing.remove();
  }
  const job = await queue.add(name, data, { ...opts.jobOptions, jobId, delay: delayMs });
  return job.id ?? jobId;
}

/**
 * Producers' view of the queues. `redis` is shared and not closed here (the app closes it last).
 */
export function createQueues(redis: Redis, prefix: string): Queues {
  const notifyQueue = new Queue<NotifyJobData>(NOTIFY_QUEUE, {
    connection: redis,
    prefix: bullPrefix(prefix),
    defaultJobOptions: DEFAULT_JOB_OPTIONS,
  });
  const queue = <N extends QueueName>(name: N): Queue<JobData<N>> =>
    new Queue<JobData<N>>(name, { connection: redis, prefix: bullPrefix(prefix), defaultJobOptions: DEFAULT_JOB_OPTIONS });
  const byName: Queues["byName"] = {
    [NOTIFY_QUEUE]: notifyQueue,
    [MODERATION_QUEUE]: queue(MODERATION_QUEUE),
    [PRINT_QUEUE]: queue(PRINT_QUEUE),
    [BATCH_QUEUE]: queue(BATCH_QUEUE),
    [REPLY_DELIVERY_QUEUE]: queue(REPLY_DELIVERY_QUEUE),
    [MAINTENANCE_QUEUE]: queue(MAINTENANCE_QUEUE),
    [REPLY_ALBUM_QUEUE]: queue(REPLY_ALBUM_QUEUE),
    [IMPORT_REPORT_QUEUE]: queue(IMPORT_REPORT_QUEUE),
    [DRAFT_IDLE_QUEUE]: queue(DRAFT_IDLE_QUEUE),
  };
  let closed: Promise<void> | undefined;
  return {
    prefix,
    byName,
    async notify(payload, opts) {
      const data = notifyPayloadSchema.parse(payload);
      const job = await notifyQueue.add(NOTIFY_QUEUE, data, { ...opts, jobId: notifyJobId(data) });
      return job.id ?? notifyJobId(data);
    },
    async moderation(payload) {
      const data = moderationPayloadSchema.parse(payload);
      const jobId = moderationJobId(data);
      const job = await byName[MODERATION_QUEUE].add(MODERATION_QUEUE, data, { jobId });
      return job.id ?? jobId;
    },
    async print(payload) {
      const data = printPayloadSchema.parse(payload);
      const jobId = printJobId(data);
      const queue = byName[PRINT_QUEUE];
      const existing = await queue.getJob(jobId);
      if (existing && ((await existing.isCompleted()) || (await existing.isFailed()))) await existing.remove();
      const job = await queue.add(PRINT_QUEUE, data, { jobId });
      return job.id ?? jobId;
    },
    async batch(payload) {
      const data = batchPayloadSchema.parse(payload);
      const jobId = batchJobId(data);
      const job = await byName[BATCH_QUEUE].add(BATCH_QUEUE, data, { jobId });
      return job.id ?? jobId;
    },
    async replyDelivery(payload, opts) {
      const data = replyDeliveryPayloadSchema.parse(payload);
      const jobId = replyDeliveryJobId(data);
      // Deliveries keep trying for longer: a reply waited weeks for this, minutes of outage must not lose it.
      const jobOptions: JobsOptions = { attempts: 15, ...(opts?.pages !== undefined ? { priority: replyDeliveryPriority(opts.pages) } : {}) };
      if (opts?.delayMs !== undefined) {
        return rearmDelayedJob(byName[REPLY_DELIVERY_QUEUE], REPLY_DELIVERY_QUEUE, data, jobId, opts.delayMs, { whenBusy: "keep", jobOptions });
      }
      const job = await byName[REPLY_DELIVERY_QUEUE].add(REPLY_DELIVERY_QUEUE, data, { jobId, ...jobOptions });
      return job.id ?? jobId;
    },
    async replyAlbum(payload, delayMs) {
      const data = replyAlbumPayloadSchema.parse(payload);
      const jobId = replyAlbumJobId(data);
      // When the closing job is already running it may have read the pages: one more closing job
      // looks again (the album lock keeps them apart).
      return rearmDelayedJob(byName[REPLY_ALBUM_QUEUE], REPLY_ALBUM_QUEUE, data, jobId, delayMs, { whenBusy: "add-another" });
    },
    async importReport(payload) {
      const data = importReportPayloadSchema.parse(payload);
      const jobId = importReportJobId(data);
      const job = await byName[IMPORT_REPORT_QUEUE].add(IMPORT_REPORT_QUEUE, data, { jobId });
      return job.id ?? jobId;
    },
    async draftIdle(payload, delayMs) {
      const data = draftIdlePayloadSchema.parse(payload);
      const jobId = draftIdleJobId(data);
      // A running check re-reads the activity itself, so it is left alone. Few retries: a missed check
      // only means the draft closes when the writer comes back instead.
      return rearmDelayedJob(byName[DRAFT_IDLE_QUEUE], DRAFT_IDLE_QUEUE, data, jobId, delayMs, {
        whenBusy: "keep",
        jobOptions: { attempts: 3, removeOnComplete: true, removeOnFail: { count: 100 } },
      });
    },
    close() {
      closed ??= Promise.all(Object.values(byName).map((queue) => queue.close())).then(() => undefined);
      return closed;
    },
  };
}
