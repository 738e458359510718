// Before the first wait: what the writer may write (the target, or the letter sent back for
// changes) and whether they may start now. Runs inside conversation.external: returns JSON only.
import { randomBytes } from "node:crypto";
import type { LetterTarget } from "../../../db/repositories/letters.js";
import { loadLetterTarget, loadResubmission } from "../../../db/repositories/letters.js";
import { copyPagesToDraft } from "../../../storage/draft-pages.js";
import type { FileStorage } from "../../../storage/index.js";
import { draftPrefix } from "../../../storage/keys.js";
import type { Writer } from "../../context.js";
import type { FeatureDeps } from "../../deps.js";
import { needsRulesAcceptance } from "../../views/rules.js";
import type { LetterConversationArgs, Setup } from "./types.js";

type Common = Pick<Setup, "writerId" | "nonce" | "signatureName" | "writerLanguage">;

async function loadResubmitSetup(deps: FeatureDeps, storage: FileStorage, common: Common, letterId: number): Promise<Setup> {
  const source = await loadResubmission(deps.prisma, common.writerId, letterId);
  if (!source) return { ...common, mustAcceptRules: false, target: null, resubmit: null };
  const pages = await copyPagesToDraft(storage, common.writerId, source.pages, () =>
    deps.logger.warn({ letter_id: source.letterId }, "a page of a letter sent back for changes is missing from storage"),
  );
  return {
    ...common,
    // The letter was written under the rules already; the operator's reason says what to fix.
    mustAcceptRules: false,
    target: source.target,
    resubmit: {
      letterId: source.letterId,
      code: source.code,
      kind: source.kind,
      text: source.text,
      reason: source.reason,
      signatureName: source.signatureName,
      pages,
      oldPaths: source.pages.map((p) => p.storagePath),
    },
  };
}

/** Null without a writer or with malformed arguments. */
export async function loadSetup(
  deps: FeatureDeps,
  storage: FileStorage,
  writer: Writer | undefined,
  args: LetterConversationArgs | undefined,
): Promise<Setup | null> {
  if (!writer || !args) return null;
  // Leftovers of an abandoned draft (bot stopped mid-upload, flow expired) go now.
  await storage.deletePrefix(draftPrefix(writer.id));
  const common: Common = {
    writerId: writer.id,
    nonce: randomBytes(12).toString("hex"),
    signatureName: writer.signatureName,
    writerLanguage: writer.language,
  };
  if ("resubmitLetterId" in args) return loadResubmitSetup(deps, storage, common, args.resubmitLetterId);
  return {
    ...common,
    mustAcceptRules: needsRulesAcceptance(writer),
    target: await loadLetterTarget(deps.prisma, writer.id, args),
    resubmit: null,
  };
}

export type Opening =
  | { open: true; setup: Setup; args: LetterConversationArgs; target: LetterTarget }
  | { open: false; refusal: "letter-unavailable" | "letter-resubmit-unavailable" | "letter-request-used" }
  /** A first letter waits until the rules are accepted; the rules screen then opens it again. */
  | { open: false; rules: Exclude<LetterConversationArgs, { resubmitLetterId: number }> };

/** Whether the flow may start, and if not, what the writer is told. */
export function opening(setup: Setup | null, args: LetterConversationArgs | undefined): Opening {
  if (!setup || !args) return { open: false, refusal: "letter-unavailable" };
  if ("resubmitLetterId" in args) {
    if (!setup.resubmit) return { open: false, refusal: "letter-resubmit-unavailable" };
  } else if (setup.mustAcceptRules) {
    return { open: false, rules: args };
  }
  const target = setup.target;
  if (!target || !target.available) return { open: false, refusal: target?.reason === "used" ? "letter-request-used" : "letter-unavailable" };
  return { open: true, setup, args, target };
}
