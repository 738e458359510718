// Reply deliveries in a backlog, on real Redis and BullMQ: the longest replies start first (their
// pages go a second apart into one chat, so started last they would trail behind everything else),
// equal page counts keep their order, and a reply that grows while its delivery is armed is re-ranked.
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import { bullPrefix, createQueues, REPLY_DELIVERY_QUEUE, replyDeliveryPriority } from "../../src/queues/index.js";
import { deleteRedisKeys, uniqueRedisPrefix } from "../helpers/app.js";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function world() {
  const prefix = uniqueRedisPrefix();
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queues = createQueues(redis, prefix);
  const worker = new Worker(REPLY_DELIVERY_QUEUE, null, { connection: redis, prefix: bullPrefix(prefix), autorun: false });
  cleanups.push(() => redis.quit(), () => deleteRedisKeys(REDIS_URL, prefix), () => queues.close(), () => worker.close(true));
  return { queues, worker };
}

describe("reply delivery priority", () => {
  it("ranks longer replies first, one page and out-of-range counts included", () => {
    expect(replyDeliveryPriority(30)).toBeLessThan(replyDeliveryPriority(3));
    expect(replyDeliveryPriority(3)).toBeLessThan(replyDeliveryPriority(1));
    expect(replyDeliveryPriority(0)).toBe(replyDeliveryPriority(1));
    expect(replyDeliveryPriority(1_000)).toBe(1);
  });

  it("starts a backlog's longest replies first, equal counts in their order, unranked jobs (a translation) before them", async () => {
    const { queues, worker } = world();
    for (const [replyId, pages] of [[1, 1], [2, 3], [3, 1], [4, 30], [5, 3]] as const) await queues.replyDelivery({ replyId }, { pages });
    await queues.replyDelivery({ replyId: 6, part: "translation" });

    const order: string[] = [];
    for (let i = 0; i < 6; i++) {
      const job = await worker.getNextJob(`run-${i}`);
      order.push(job?.id ?? "none");
    }
    expect(order).toEqual(["reply-6-translation", "reply-4", "reply-2", "reply-5", "reply-1", "reply-3"]);
  });

  it("re-ranks an armed delivery when its reply gets more pages", async () => {
    const { queues, worker } = world();
    await queues.replyDelivery({ replyId: 7 }, { delayMs: 60_000, pages: 1 });
    await queues.replyDelivery({ replyId: 8 }, { delayMs: 60_000, pages: 2 });
    // Another album of the reply arrives: the job waits longer and ranks as a four-page reply.
    await queues.replyDelivery({ replyId: 7 }, { delayMs: 60_000, pages: 4 });
    const job = await worker.getNextJob("peek", { block: false });
    expect(job).toBeUndefined();

    const armed = await queues.byName[REPLY_DELIVERY_QUEUE].getJob("reply-7");
    expect(armed?.priority).toBe(replyDeliveryPriority(4));
    expect(await armed?.getState()).toBe("delayed");
    // Both become due (a backlog): the reply that grew goes first.
    await armed?.promote();
    await (await queues.byName[REPLY_DELIVERY_QUEUE].getJob("reply-8"))?.promote();
    expect((await worker.getNextJob("run-1"))?.id).toBe("reply-7");
    expect((await worker.getNextJob("run-2"))?.id).toBe("reply-8");
  });
});
