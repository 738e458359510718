// Step 5: Send. The letter is stored, its pages moved from the draft to the letter's keys, the
// draft cleared and the moderation card queued; all in one conversation.external, idempotent so a
// replay after a crash finds the same letter (same idempotency key or same resubmitted letter).
import { resubmitLetter, submitLetter } from "../../../db/repositories/letters.js";
import { typedLetterLanguage } from "../../../domain/letter.js";
import { moveDraftPages } from "../../../storage/draft-pages.js";
import { draftPrefix } from "../../../storage/keys.js";
import { mainMenuKeyboard } from "../../../messages/keyboards/main-menu.js";
import { sentLetterKey } from "../../../messages/state-keys.js";
import { forgetActivity } from "./activity.js";
import { recipientName, type LetterRun } from "./run.js";
import { letterText, type Draft, type LetterConversationArgs, type Resubmission } from "./types.js";

/** What a first Send and a resubmission both store about the letter's content. */
export function letterContent(draft: Draft, writerLanguage: string) {
  const text = letterText(draft);
  const language = draft.kind === "typed" ? typedLetterLanguage(text) : writerLanguage;
  return {
    text: draft.kind === "typed" ? text : null,
    language,
    signatureName: draft.signature,
    // Codes only: the matched fragments are the letter's own words, and the text is encrypted at
    // rest. The card finds them again in the decrypted text.
    precheckWarnings: draft.accepted.map((w) => ({ code: w.code })),
    needsTranslation: language !== "ru",
    pages: draft.pages.map(({ sha256, width, height }) => ({ sha256, width, height })),
  };
}

/** The card for the operators; the letter is safely stored even when Redis refuses the job. */
async function queueModeration(run: LetterRun, letterId: number, version?: number): Promise<void> {
  await run.deps.queues.moderation(version === undefined ? { letterId } : { letterId, version }).catch((err: unknown) => {
    run.deps.logger.error({ err, letter_id: letterId }, "could not enqueue the moderation card");
  });
}

async function resubmit(run: LetterRun, draft: Draft, source: Resubmission): Promise<string> {
  const { deps, storage, writerId } = run;
  return run.conversation.external(async () => {
    const content = letterContent(draft, run.setup.writerLanguage);
    const result = await resubmitLetter(deps.prisma, { writerId, letterId: source.letterId, ...content });
    await moveDraftPages(storage, draft.pages, result.pages);
    const kept = new Set(result.pages.map((p) => p.storagePath));
    for (const old of source.oldPaths) if (!kept.has(old)) await storage.delete(old);
    await storage.deletePrefix(draftPrefix(writerId));
    await forgetActivity(run);
    await rememberSent(run, result.letter.id);
    // Each version gets its own card (job id with the version), a repeated Send the same one.
    await queueModeration(run, result.letter.id, result.version);
    deps.logger.info({ letter_id: result.letter.id, writer_id: writerId, version: result.version, changed: result.resubmitted }, "letter resubmitted");
    return result.letter.code;
  });
}

/** How long a sent letter's Send button still answers with the letter's code. */
const SENT_RECORD_SECONDS = 7 * 24 * 3600;

/** Lets a later press of this flow's Send button name the letter (sent-letter feature); best effort. */
async function rememberSent(run: LetterRun, letterId: number): Promise<void> {
  const { deps, writerId, scope } = run;
  try {
    await deps.redis.set(sentLetterKey(deps.config.redisPrefix, writerId, scope), String(letterId), "EX", SENT_RECORD_SECONDS);
  } catch (err) {
    deps.logger.warn({ err, writer_id: writerId }, "could not record the sent letter");
  }
}

async function submit(run: LetterRun, draft: Draft, args: LetterConversationArgs): Promise<string> {
  const { deps, storage, writerId, target } = run;
  return run.conversation.external(async () => {
    const result = await submitLetter(deps.prisma, {
      writerId,
      prisonerId: target.prisonerId,
      specificRequestId: target.specificRequestId,
      assignmentId: "assignmentId" in args ? (args.assignmentId ?? null) : null,
      kind: draft.kind,
      ...letterContent(draft, run.setup.writerLanguage),
      idempotencyKey: `letter-${writerId}-${run.setup.nonce}`,
    });
    await moveDraftPages(storage, draft.pages, result.pages);
    await storage.deletePrefix(draftPrefix(writerId));
    await forgetActivity(run);
    await rememberSent(run, result.letter.id);
    // If Redis hiccups here the writer still gets the code (and a second Send finds the same
    // letter); operators see it among submitted letters.
    await queueModeration(run, result.letter.id);
    deps.logger.info({ letter_id: result.letter.id, writer_id: writerId, created: result.created }, "letter submitted");
    return result.letter.code;
  });
}

/** Sends (or sends again) the letter and tells the writer its code; false when it could not be stored (the writer was told). */
export async function send(run: LetterRun, draft: Draft, args: LetterConversationArgs, summaryId: number | undefined): Promise<boolean> {
  const { ctx } = run;
  const source = run.setup.resubmit;
  let code: string;
  try {
    code = source ? await resubmit(run, draft, source) : await submit(run, draft, args);
  } catch (err) {
    // Caught here, not in the error boundary: an error leaving the conversation would end it, and
    // the draft with it. Storing is idempotent, so pressing Send again is safe.
    // In external, so a replay of this conversation does not log it again.
    await run.conversation.external(() => run.deps.logger.error({ err, writer_id: run.writerId }, "could not store the letter; the draft is kept"));
    await ctx.reply(ctx.t("error-generic"));
    return false;
  }
  // Stored: the summary's buttons go (until now a failed Send could be pressed again).
  if (summaryId !== undefined && ctx.chatId !== undefined) await ctx.api.editMessageReplyMarkup(ctx.chatId, summaryId).catch(() => undefined);
  const key = source ? "letter-resubmitted" : "letter-sent";
  await ctx.reply(ctx.t(key, { code, name: recipientName(run, ctx) }), { reply_markup: mainMenuKeyboard(ctx.t) });
  return true;
}
