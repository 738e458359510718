import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import type { z } from "zod";
import { NOTIFY_QUEUE, notifyJobId, notifyPayloadSchema, type NotifyJobData, type NotifyPayload } from "./notify.js";

export { NOTIFY_QUEUE, notifyJobId, notifyPayloadSchema, type NotifyJobData, type NotifyPayload } from "./notify.js";

/**
 * Every queue: its payload schema, shared by producers (validate before enqueue) and workers
 * (validate before work). Adding a queue here makes the worker registry refuse to start until a
 * handler exists for it.
 */
export const queueSchemas = {
  [NOTIFY_QUEUE]: notifyPayloadSchema,
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
  close(): Promise<void>;
}

/** BullMQ key prefix for a service Redis prefix (sessions etc. use other sub-prefixes). */
export function bullPrefix(prefix: string): string {
  return `${prefix}:bull`;
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
  const byName: Queues["byName"] = { [NOTIFY_QUEUE]: notifyQueue };
  let closed: Promise<void> | undefined;
  return {
    prefix,
    byName,
    async notify(payload, opts) {
      const data = notifyPayloadSchema.parse(payload);
      const job = await notifyQueue.add(NOTIFY_QUEUE, data, { ...opts, jobId: notifyJobId(data) });
      return job.id ?? notifyJobId(data);
    },
    close() {
      closed ??= Promise.all(Object.values(byName).map((queue) => queue.close())).then(() => undefined);
      return closed;
    },
  };
}
