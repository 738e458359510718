import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import type { PrismaClient } from "../generated/prisma/client.js";
import { deleteWriterData, type DeletedWriterData } from "../db/repositories/writers.js";
import {
  bullPrefix,
  MODERATION_QUEUE,
  moderationJobId,
  NOTIFY_QUEUE,
  PRINT_QUEUE,
  printJobId,
  REPLY_DELIVERY_QUEUE,
  replyDeliveryJobId,
  type Queues,
} from "../queues/index.js";
import type { FileStorage } from "../storage/index.js";
import { draftPrefix } from "../storage/keys.js";

export interface EraseDeps {
  prisma: PrismaClient;
  redis: Redis;
  queues: Queues;
  storage: FileStorage;
  /** REDIS_PREFIX: sessions, conversations and per-chat marks live under it. */
  redisPrefix: string;
}

export interface EraseResult {
  /** Null when the database held nothing (already deleted): files, Redis and jobs are still cleaned. */
  removed: DeletedWriterData | null;
  redisKeys: number;
  jobs: number;
}

/** Folders named by letter id (see src/storage/keys.ts and the reply upload in features/replies.ts). */
function letterFolders(letterId: number): string[] {
  return [`letters/${letterId}/`, `replies/${letterId}/`];
}

/**
 * Files: the exact paths the rows pointed at, then the letters' and the writer's whole folders (a
 * page written by a job that raced the deletion goes too; the storage sweep catches any later one).
 */
async function deleteFiles(storage: FileStorage, writerId: number, removed: DeletedWriterData | null): Promise<void> {
  for (const path of removed?.filePaths ?? []) await storage.delete(path);
  for (const letterId of removed?.letterIds ?? []) {
    for (const folder of letterFolders(letterId)) await storage.deletePrefix(folder);
  }
  await storage.deletePrefix(draftPrefix(writerId));
}

/**
 * Every Redis key of this chat outside the queues: the session, the conversation state, the
 * per-chat pacing mark, and any other `<prefix>:<area>:<chatId>` key a feature keeps.
 */
async function deleteChatKeys(redis: Redis, prefix: string, chatId: number): Promise<number> {
  const keys = new Set([`${prefix}:session:${chatId}`, `${prefix}:conversation:${chatId}`, `${prefix}:pace:${chatId}`]);
  const queueKeys = `${bullPrefix(prefix)}:`;
  let cursor = "0";
  do {
    const [next, found] = await redis.scan(cursor, "MATCH", `${prefix}:*:${chatId}`, "COUNT", 1000);
    cursor = next;
    for (const key of found) if (!key.startsWith(queueKeys)) keys.add(key);
  } while (cursor !== "0");
  return redis.del(...keys);
}

/** Removes a job unless a worker holds it right now (that handler then finds its rows gone). */
async function removeJob(job: Job | undefined): Promise<number> {
  if (!job || (await job.isActive())) return 0;
  try {
    await job.remove();
    return 1;
  } catch {
    // Taken by a worker between the check and the removal: it will find nothing to do.
    return 0;
  }
}

/** BullMQ 6 keeps paused jobs in the wait list. */
const PENDING = ["wait", "delayed", "prioritized"] as const;
const PAGE = 500;

/** Queued notifications to this writer, and the jobs of their letters and replies. */
async function removeJobs(queues: Queues, writerId: number, removed: DeletedWriterData | null): Promise<number> {
  let count = 0;
  const notify = queues.byName[NOTIFY_QUEUE];
  const mine: Job[] = [];
  for (let start = 0; ; start += PAGE) {
    const jobs = await notify.getJobs([...PENDING], start, start + PAGE - 1, true);
    mine.push(...jobs.filter((job) => (job.data as { writerId?: unknown } | undefined)?.writerId === writerId));
    if (jobs.length < PAGE) break;
  }
  for (const job of mine) count += await removeJob(job);

  for (const letterId of removed?.letterIds ?? []) {
    count += await removeJob(await queues.byName[MODERATION_QUEUE].getJob(moderationJobId({ letterId })));
    count += await removeJob(await queues.byName[PRINT_QUEUE].getJob(printJobId({ letterId })));
  }
  for (const replyId of removed?.replyIds ?? []) {
    count += await removeJob(await queues.byName[REPLY_DELIVERY_QUEUE].getJob(replyDeliveryJobId({ replyId })));
  }
  return count;
}

/**
 * Deletes everything Lifeline holds about a writer, in this order: the database rows (one
 * transaction: the point of no return), the stored files, the chat's Redis state, and queued jobs.
 * Safe to repeat, and to run after an interrupted attempt.
 */
export async function eraseWriter(deps: EraseDeps, input: { writerId: number; chatId: number }): Promise<EraseResult> {
  const removed = await deleteWriterData(deps.prisma, input.writerId);
  await deleteFiles(deps.storage, input.writerId, removed);
  const redisKeys = await deleteChatKeys(deps.redis, deps.redisPrefix, input.chatId);
  const jobs = await removeJobs(deps.queues, input.writerId, removed);
  return { removed, redisKeys, jobs };
}
