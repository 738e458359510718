import type { LetterConversationArgs } from "./types.js";

/** Arguments arrive from stored conversation state and buttons: anything malformed means "no letter". */
export function parseArgs(raw: unknown): LetterConversationArgs | undefined {
  if (typeof raw !== "object" || raw === null) return undefined;
  const value = raw as Record<string, unknown>;
  const id = (v: unknown): number | undefined => (typeof v === "number" && Number.isSafeInteger(v) && v > 0 ? v : undefined);
  const resubmitLetterId = id(value.resubmitLetterId);
  if (resubmitLetterId !== undefined) return { resubmitLetterId };
  const specificRequestId = id(value.specificRequestId);
  if (specificRequestId !== undefined) return { specificRequestId };
  const prisonerId = id(value.prisonerId);
  if (prisonerId === undefined) return undefined;
  const assignmentId = id(value.assignmentId);
  return assignmentId === undefined ? { prisonerId } : { prisonerId, assignmentId };
}
