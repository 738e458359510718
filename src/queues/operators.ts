import { z } from "zod";

/**
 * Queues of the operators' side of a letter's way: moderation card, printing, reply delivery.
 * Payloads are ids only; job ids derive from them, so enqueuing the same thing twice is harmless.
 */
export const MODERATION_QUEUE = "moderation";
export const moderationPayloadSchema = z.object({ letterId: z.number().int().positive() });
export type ModerationPayload = z.input<typeof moderationPayloadSchema>;
export function moderationJobId(payload: ModerationPayload): string {
  return `moderation-${payload.letterId}`;
}

export const PRINT_QUEUE = "print";
export const printPayloadSchema = z.object({ letterId: z.number().int().positive() });
export type PrintPayload = z.input<typeof printPayloadSchema>;
export function printJobId(payload: PrintPayload): string {
  return `print-${payload.letterId}`;
}

export const REPLY_DELIVERY_QUEUE = "reply-delivery";
export const replyDeliveryPayloadSchema = z.object({ replyId: z.number().int().positive() });
export type ReplyDeliveryPayload = z.input<typeof replyDeliveryPayloadSchema>;
export function replyDeliveryJobId(payload: ReplyDeliveryPayload): string {
  return `reply-${payload.replyId}`;
}

/** Renders a closed print batch (merged PDF + envelope list) and hands it to the operators or the printer. */
export const BATCH_QUEUE = "batch";
export const batchPayloadSchema = z.object({ batchId: z.number().int().positive() });
export type BatchPayload = z.input<typeof batchPayloadSchema>;
export function batchJobId(payload: BatchPayload): string {
  return `batch-${payload.batchId}`;
}
