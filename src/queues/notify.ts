import { z } from "zod";

/**
 * `notify`: send one localized message to a writer. The payload names a locale key and its
 * params; params are ids, codes and numbers only (never letter text or names), so a job in Redis
 * tells nothing about anyone.
 */
export const NOTIFY_QUEUE = "notify";

const paramName = z.string().regex(/^[a-zA-Z][a-zA-Z0-9_]{0,31}$/);
const safeValue = z.union([
  z.number().finite(),
  // Codes such as L-7K3Q, enum values such as needs_changes, ids.
  z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/),
]);
const localeKey = z.string().regex(/^[a-z][a-z0-9-]{1,80}$/);

export const notifyPayloadSchema = z.object({
  writerId: z.number().int().positive(),
  key: localeKey,
  params: z.record(paramName, safeValue).default({}),
  /** Optional inline buttons: label from a locale key; callback data handled by a bot feature. */
  buttons: z
    .array(
      z.object({
        key: localeKey,
        // Telegram allows 1-64 bytes; ASCII keeps bytes = characters.
        data: z.string().regex(/^[\x21-\x7e]{1,64}$/),
      }),
    )
    .max(8)
    .optional(),
  /**
   * Free text someone typed, quoted under the message (HTML blockquote, escaped). The job names
   * where it is stored, never the text: the worker reads it from the database when it sends.
   */
  quote: z.object({ source: z.enum(["request-decline"]), id: z.number().int().positive() }).optional(),
  /**
   * What makes this message unique (for example `letter-42-approved`): the job id is derived
   * from it, so enqueuing the same event twice sends one message.
   */
  dedupeKey: z.string().regex(/^[A-Za-z0-9_.-]{1,120}$/),
});

export type NotifyPayload = z.input<typeof notifyPayloadSchema>;
export type NotifyJobData = z.output<typeof notifyPayloadSchema>;

/** Deterministic: BullMQ returns the existing job for a repeated id (and ids may not hold ':'). */
export function notifyJobId(payload: Pick<NotifyPayload, "dedupeKey">): string {
  return `notify-${payload.dedupeKey}`;
}
