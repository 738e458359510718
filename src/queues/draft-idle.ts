import type { Redis } from "ioredis";
import { z } from "zod";

/**
 * `draft-idle`: one delayed job per chat with an open letter draft. Every step of the letter flow
 * records the activity; the job is (re)armed by the draft's first step and then at most every half
 * timeout, and when it fires on a draft touched since, it delays itself to the new deadline. When it
 * fires on a draft untouched for the idle timeout, the worker closes the draft and tells the writer.
 */
export const DRAFT_IDLE_QUEUE = "draft-idle";

export const draftIdlePayloadSchema = z.object({ chatId: z.number().int().positive() });
export type DraftIdlePayload = z.input<typeof draftIdlePayloadSchema>;
export type DraftIdleJobData = z.output<typeof draftIdlePayloadSchema>;

/** One job per chat: each new step moves it instead of adding another. */
export function draftIdleJobId(payload: DraftIdlePayload): string {
  return `draft-idle-${payload.chatId}`;
}

/** The last step of the chat's open draft (ids and times only). */
export const draftActivitySchema = z.object({
  writerId: z.number().int().positive(),
  /** The draft's nonce: a new draft in the same chat is a different activity. */
  nonce: z.string().regex(/^[0-9a-f]{8,64}$/),
  /** Epoch milliseconds of the last step. */
  at: z.number().int().nonnegative(),
  /** The flow's idle timeout, so the worker needs no configuration of its own. */
  idleMs: z.number().int().positive(),
});
export type DraftActivity = z.infer<typeof draftActivitySchema>;

export function draftActivityKey(prefix: string, chatId: number): string {
  return `${prefix}:draft-activity:${chatId}`;
}

/** Records a step; the key outlives the timeout a little so a late job still finds it. */
export async function recordDraftActivity(redis: Redis, prefix: string, chatId: number, activity: DraftActivity): Promise<void> {
  await redis.set(draftActivityKey(prefix, chatId), JSON.stringify(activity), "PX", activity.idleMs * 2 + 3600_000);
}

function parseActivity(raw: string): DraftActivity | undefined {
  try {
    const parsed = draftActivitySchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** The draft was sent or left: the pending job then finds nothing to close. */
export async function clearDraftActivity(redis: Redis, prefix: string, chatId: number): Promise<void> {
  await redis.del(draftActivityKey(prefix, chatId));
}

export async function readDraftActivity(redis: Redis, prefix: string, chatId: number): Promise<{ raw: string; activity: DraftActivity } | null> {
  const raw = await redis.get(draftActivityKey(prefix, chatId));
  const activity = raw === null ? undefined : parseActivity(raw);
  return raw !== null && activity ? { raw, activity } : null;
}

// Deletes the activity and the conversation only if the activity is still the one the worker judged
// stale: a step recorded meanwhile (another process) keeps the draft open.
const CLOSE_IF_UNCHANGED = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2])
return 1`;

/** Atomically ends the chat's conversation when the activity is still `expectedRaw`; true when it did. */
export async function closeDraftIfUnchanged(
  redis: Redis,
  prefix: string,
  chatId: number,
  conversationKey: string,
  expectedRaw: string,
): Promise<boolean> {
  const result = await redis.eval(CLOSE_IF_UNCHANGED, 2, draftActivityKey(prefix, chatId), conversationKey, expectedRaw);
  return result === 1;
}
