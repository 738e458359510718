import { z } from "zod";

/**
 * `import-report`: after a prisoner-list import that released, transferred, made someone
 * unreachable or reachable again, one summary to the operators' chat: what happened to each letter
 * in flight to those people (held, taken out of the open batch, needs reprinting, released from
 * hold, ...), then a card for each letter it held. Ids and actions only.
 */
export const IMPORT_REPORT_QUEUE = "import-report";

/**
 * What the import did to a letter in flight:
 * - held: not printed yet, recipient released or unreachable: kept back (status held);
 * - held-from-open-batch: printed into the open batch: taken out of it and held;
 * - held-printed: already printed in a closed batch: held; the paper must be pulled from the pile;
 * - new-address: recipient transferred, not printed yet: it will be printed with the new address;
 * - rerendered: printed into the open batch: its PDF is rendered again with the new address
 *   (the batch PDF is always rendered from the current address when the batch closes);
 * - reprint: printed in a closed batch with the old address: a new PDF is sent to reprint;
 * - released: held before, and the person can receive letters again (or has a new address): back on
 *   its way (a new card, or printing with the current address).
 */
export const LETTER_IMPORT_ACTIONS = ["held", "held-from-open-batch", "held-printed", "new-address", "rerendered", "reprint", "released"] as const;
/** The actions that leave a letter held: each such letter also gets a card with "release" and "cancel". */
export const HELD_IMPORT_ACTIONS: readonly LetterImportAction[] = ["held", "held-from-open-batch", "held-printed"];
export type LetterImportAction = (typeof LETTER_IMPORT_ACTIONS)[number];

export const importReportPayloadSchema = z.object({
  /** Unique per import run (the job id derives from it). */
  importId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
  released: z.number().int().min(0),
  transferred: z.number().int().min(0),
  unreachable: z.number().int().min(0),
  /** People who can receive letters again (jobs queued before this field existed have none). */
  reachable: z.number().int().min(0).default(0),
  letters: z
    .array(z.object({ letterId: z.number().int().positive(), action: z.enum(LETTER_IMPORT_ACTIONS) }))
    .max(10_000),
});
export type ImportReportPayload = z.input<typeof importReportPayloadSchema>;
export type ImportReportJobData = z.output<typeof importReportPayloadSchema>;

export function importReportJobId(payload: Pick<ImportReportPayload, "importId">): string {
  return `import-${payload.importId}`;
}
