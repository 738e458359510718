import { DelayedError, UnrecoverableError, Worker, type Job, type WorkerOptions } from "bullmq";
import type { Logger } from "../logger.js";
import { bullPrefix, QUEUE_NAMES, queueSchemas, type JobData, type QueueName } from "../queues/index.js";
import type { WorkerDeps } from "./deps.js";
import { telegramBackoff } from "./telegram-errors.js";

export interface JobContext<N extends QueueName> {
  job: Job<JobData<N>>;
  /** Child logger bound to queue and job id. */
  log: Logger;
  /** The worker's lock token for this job (for job.moveToDelayed before throwing DelayedError). */
  token?: string | undefined;
}

export interface QueueHandler<N extends QueueName> {
  /** Concurrency, limiter, ... merged over the defaults. */
  options?: Pick<WorkerOptions, "concurrency" | "limiter" | "lockDuration" | "stalledInterval" | "maxStalledCount">;
  /** Receives the payload already validated against the queue's schema. */
  process(data: JobData<N>, ctx: JobContext<N>): Promise<void>;
}

/**
 * Named steps that run at most once per job, across retries: each finished step is recorded in the
 * job's progress, so a retry after a crash or a 429 never repeats what already happened (a batch
 * printed twice, a message posted twice).
 */
export function resumableSteps(job: Job): (name: string, work: () => Promise<unknown>) => Promise<void> {
  const done = new Set(Array.isArray(job.progress) ? job.progress.filter((x): x is string => typeof x === "string") : []);
  return async (name, work) => {
    if (done.has(name)) return;
    await work();
    done.add(name);
    await job.updateProgress([...done]);
  };
}

export type HandlerFactory<N extends QueueName> = (deps: WorkerDeps) => QueueHandler<N>;
export type HandlerFactories = { [N in QueueName]: HandlerFactory<N> };

export interface RunningWorkers {
  readonly workers: ReadonlyMap<QueueName, Worker>;
  /** Waits for running jobs to finish, then closes. Idempotent. */
  close(): Promise<void>;
}

/** Throws when a queue has no handler, so a forgotten worker fails at start, not in production. */
export function checkRegistry(factories: Partial<Record<QueueName, unknown>>): asserts factories is HandlerFactories {
  const missing = QUEUE_NAMES.filter((name) => typeof factories[name] !== "function");
  if (missing.length > 0) throw new Error(`No worker handler registered for queue(s): ${missing.join(", ")}`);
}

function wrap<N extends QueueName>(name: N, handler: QueueHandler<N>, logger: Logger) {
  return async (job: Job<JobData<N>>, token?: string): Promise<void> => {
    const log = logger.child({ queue: name, job_id: job.id, attempt: job.attemptsMade + 1 });
    const parsed = queueSchemas[name].safeParse(job.data);
    if (!parsed.success) {
      log.error({ issues: parsed.error.issues.map((issue) => issue.path.join(".")) }, "job payload invalid");
      throw new UnrecoverableError("invalid job payload");
    }
    try {
      // safeParse over the indexed schema map widens to the union of all payloads; this one is N's.
      await handler.process(parsed.data as JobData<N>, { job, log, token });
    } catch (err) {
      // DelayedError: the handler postponed the job itself (not a failure).
      if (!(err instanceof UnrecoverableError) && !(err instanceof DelayedError)) log.warn({ err }, "job failed; will retry if attempts remain");
      throw err;
    }
  };
}

export function startWorkers(deps: WorkerDeps, factories: Partial<HandlerFactories>): RunningWorkers {
  checkRegistry(factories);
  const workers = new Map<QueueName, Worker>();
  for (const name of QUEUE_NAMES) {
    const handler = factories[name](deps);
    const worker = new Worker(name, wrap(name, handler, deps.logger), {
      connection: deps.redis,
      prefix: bullPrefix(deps.config.redisPrefix),
      concurrency: 1,
      settings: { backoffStrategy: telegramBackoff },
      ...handler.options,
    });
    worker.on("failed", (job, err) => {
      if (job && (err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1))) {
        deps.logger.error({ queue: name, job_id: job.id, err }, "job failed for good");
      }
    });
    // Connection trouble is reported here; BullMQ reconnects by itself.
    worker.on("error", (err) => deps.logger.error({ queue: name, err }, "worker error"));
    workers.set(name, worker);
  }
  let closing: Promise<void> | undefined;
  return {
    workers,
    close() {
      closing ??= Promise.all([...workers.values()].map((worker) => worker.close())).then(() => undefined);
      return closing;
    },
  };
}
