// The lock fence of short-lock jobs, on real Redis and BullMQ: a run keeps its job while it owns
// the lock, and learns it lost it (so it sends nothing more) once another run holds the job.
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { JobLockLostError, keepJobLock, SHORT_LOCK } from "../../src/workers/job-lock.js";
import { deleteRedisKeys, uniqueRedisPrefix } from "../helpers/app.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("keepJobLock", () => {
  it("renews the lock of the run that owns the job, and throws once another run took the job over", async () => {
    const prefix = uniqueRedisPrefix();
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queue = new Queue("fence", { connection: redis, prefix });
    const worker = new Worker("fence", null, { connection: redis, prefix, autorun: false, ...SHORT_LOCK });
    cleanups.push(() => redis.quit(), () => deleteRedisKeys(REDIS_URL, prefix), () => queue.close(), () => worker.close(true));

    await queue.add("fence", { replyId: 1 }, { jobId: "reply-1" });
    const token = "run-1";
    const job = await worker.getNextJob(token);
    expect(job?.id).toBe("reply-1");
    if (!job) return;
    const lockKey = `${prefix}:fence:reply-1:lock`;

    await keepJobLock(job, token);
    expect(await redis.get(lockKey)).toBe(token);
    expect(await redis.pttl(lockKey)).toBeGreaterThan(SHORT_LOCK.lockDuration - 1000);

    // The lock expired while this run was stuck, and the stalled job went to another run.
    await redis.set(lockKey, "run-2", "PX", SHORT_LOCK.lockDuration);
    await expect(keepJobLock(job, token)).rejects.toBeInstanceOf(JobLockLostError);
    expect(await redis.get(lockKey)).toBe("run-2");
  });
});
