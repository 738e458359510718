import type { Draft, LetterConversationArgs, Resume, Setup } from "./types.js";

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

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function parseResume(raw: unknown): Resume | undefined {
  if (!isObject(raw)) return undefined;
  const args = parseArgs(raw.args);
  const setup = raw.setup;
  const draft = raw.draft;
  if (!args || !isObject(setup) || !isObject(draft)) return undefined;
  if (typeof setup.writerId !== "number" || typeof setup.nonce !== "string" || !isObject(setup.target)) return undefined;
  if ((draft.kind !== "typed" && draft.kind !== "handwritten") || !Array.isArray(draft.parts) || !Array.isArray(draft.pages) || !Array.isArray(draft.accepted)) return undefined;
  const armed = raw.idleCheckArmedAt;
  return {
    args,
    setup: setup as unknown as Setup,
    draft: draft as unknown as Draft,
    ...(typeof armed === "number" ? { idleCheckArmedAt: armed } : {}),
  };
}

/**
 * The flow's arguments: the ones it was opened with, or a draft carried over when it starts afresh
 * (restart.ts). Anything malformed means "no letter".
 */
export function parseFlowArgs(raw: unknown): { args: LetterConversationArgs | undefined; resume?: Resume } {
  if (isObject(raw) && "resume" in raw) {
    const resume = parseResume(raw.resume);
    return resume ? { args: resume.args, resume } : { args: undefined };
  }
  return { args: parseArgs(raw) };
}
