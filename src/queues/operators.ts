import { z } from "zod";

/**
 * Queues of the operators' side of a letter's way: moderation card, printing, reply delivery.
 * Payloads are ids only; job ids derive from them, so enqueuing the same thing twice is harmless.
 */
export const MODERATION_QUEUE = "moderation";
export const moderationPayloadSchema = z.object({
  letterId: z.number().int().positive(),
  /** How many times the letter has been submitted; 2+ after "needs changes", so each version gets its own card. */
  version: z.number().int().min(1).optional(),
});
export type ModerationPayload = z.input<typeof moderationPayloadSchema>;
export function moderationJobId(payload: ModerationPayload): string {
  const version = payload.version ?? 1;
  return version > 1 ? `moderation-${payload.letterId}-${version}` : `moderation-${payload.letterId}`;
}

export const PRINT_QUEUE = "print";
export const printPayloadSchema = z.object({ letterId: z.number().int().positive() });
export type PrintPayload = z.input<typeof printPayloadSchema>;
export function printJobId(payload: PrintPayload): string {
  return `print-${payload.letterId}`;
}

export const REPLY_DELIVERY_QUEUE = "reply-delivery";
export const replyDeliveryPayloadSchema = z.object({
  replyId: z.number().int().positive(),
  /**
   * Set when a reply kept for a writer who had blocked the bot is sent again after they came back:
   * the reply's delivery attempts so far, which makes a fresh job id per comeback.
   */
  resume: z.number().int().min(0).optional(),
  /**
   * "translation": send the operators' translation of a delivered reply (job id `reply-<id>-translation`,
   * the only sender of a translation, so it goes once). "translated": the delivery that waited for the
   * translation (TRANSLATE_BEFORE_DELIVERING) goes on now that it is there (job id `reply-<id>-translated`).
   */
  part: z.enum(["translation", "translated"]).optional(),
});
export type ReplyDeliveryPayload = z.input<typeof replyDeliveryPayloadSchema>;
export function replyDeliveryJobId(payload: ReplyDeliveryPayload): string {
  if (payload.part !== undefined) return `reply-${payload.replyId}-${payload.part}`;
  return payload.resume === undefined ? `reply-${payload.replyId}` : `reply-${payload.replyId}-resume-${payload.resume}`;
}

/** A one-page reply's priority; every count above it up to this many pages gets its own. */
const REPLY_DELIVERY_PRIORITY_LOWEST = 100;
/**
 * BullMQ priority of a reply's delivery by its page count (1 runs first): in a backlog the longest
 * replies start first. Their pages go one a second into the writer's chat, so a long reply started
 * last would trail seconds behind everything else with the bot's budget idle; started first, its
 * later pages interleave with the short replies. Equal counts keep their order.
 */
export function replyDeliveryPriority(pages: number): number {
  return REPLY_DELIVERY_PRIORITY_LOWEST + 1 - Math.min(Math.max(1, Math.floor(pages)), REPLY_DELIVERY_PRIORITY_LOWEST);
}

/** Renders a closed print batch (merged PDF + envelope list) and hands it to the operators or the printer. */
export const BATCH_QUEUE = "batch";
export const batchPayloadSchema = z.object({ batchId: z.number().int().positive() });
export type BatchPayload = z.input<typeof batchPayloadSchema>;
export function batchJobId(payload: BatchPayload): string {
  return `batch-${payload.batchId}`;
}
