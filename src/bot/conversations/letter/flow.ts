// Writing a letter, as the writer walks it: typed (one or several messages) or handwritten (1-10
// photographed pages), the pre-check for typed letters, the signature, a summary, and Send.
//
// The conversation replays from the top on every update (state lives in Redis, so a draft survives
// a restart): everything touching the database, files, clocks or randomness runs inside
// conversation.external()/now() and returns JSON (ids, keys, sizes; never image bytes).
import { Api } from "grammy";
import { LETTER_IDLE_TIMEOUT_MS } from "../../../domain/letter.js";
import type { PageSource } from "../../../media/page-download.js";
import { createFileStorage } from "../../../storage/index.js";
import type { BotConversation, ConversationContext } from "../../context.js";
import type { FeatureDeps } from "../../deps.js";
import { mainMenuKeyboard } from "../../../messages/keyboards/main-menu.js";
import { retryTransformer } from "../../../telegram/retry.js";
import { showRules } from "../../views/rules.js";
import { touch } from "./activity.js";
import { parseFlowArgs } from "./args.js";
import { chooseKind } from "./kind.js";
import { collectPages } from "./pages.js";
import { precheck } from "./precheck.js";
import { sendPreview } from "./replies.js";
import { review } from "./review.js";
import { recipient, type LetterRun } from "./run.js";
import { loadSetup, opening } from "./setup.js";
import { askSignature } from "./signature.js";
import { send } from "./submit.js";
import { collectTyped } from "./typed.js";
import { letterText, newDraft, type Draft, type LetterConversationOptions } from "./types.js";
import { botApiClientOptions } from "../../../telegram/bot-api-fetch.js";

/** Pages are fetched with a plain Api: calls inside conversation.external must not use the conversation's ctx.api. */
function pageSourceOf(deps: FeatureDeps): PageSource {
  const { config } = deps;
  const api = new Api(config.botToken, botApiClientOptions(config.telegramApiRoot));
  api.config.use(retryTransformer());
  return { api, apiRoot: config.telegramApiRoot, token: config.botToken, logger: deps.logger };
}

/**
 * The text or pages until the writer has a letter they want to send; returns the summary's message
 * id. `from: "review"` starts at the summary (after a Send that could not be stored);
 * `from: "collecting"` goes on collecting without a prompt (a flow started afresh: restart.ts).
 */
async function write(run: LetterRun, draft: Draft, firstPrompt: string, from: "start" | "review" | "collecting" = "start"): Promise<number | undefined> {
  const edit = draft.kind === "typed" ? "letter-typed-edit" : "letter-pages-edit";
  let promptKey: string | undefined = from === "review" ? edit : from === "collecting" ? undefined : firstPrompt;
  let atReview = from === "review";
  for (;;) {
    if (!atReview) {
      if (draft.kind === "typed") {
        await collectTyped(run, draft, promptKey);
        if (!(await precheck(run, draft))) {
          promptKey = "letter-typed-fix";
          continue;
        }
      } else {
        await collectPages(run, draft, promptKey);
      }
      promptKey = edit;
      if (draft.signature === null) {
        const name = await askSignature(run, draft);
        if (name === undefined) continue;
        draft.signature = name;
      }
    }
    atReview = false;
    const { action, summaryId } = await review(run, draft);
    if (action === "send") return summaryId;
  }
}

/** A letter sent back for changes: the operator's reason, and for a typed letter its old text to copy. */
async function introduceResubmission(run: LetterRun, draft: Draft): Promise<string> {
  const { ctx } = run;
  const source = run.setup.resubmit;
  if (!source) return draft.kind === "typed" ? "letter-typed-prompt" : "letter-pages-prompt";
  if (draft.kind === "handwritten") return "letter-resubmit-pages";
  await sendPreview(ctx, letterText(draft));
  return "letter-resubmit-typed";
}

/** The conversation function: replayed from the top on every update of this chat's letter. */
export function buildLetter(deps: FeatureDeps, options: LetterConversationOptions) {
  const storage = createFileStorage(deps.config.storageDir, deps.config.keyring);
  const pageSource = pageSourceOf(deps);
  const idleMs = options.idleTimeoutMs ?? LETTER_IDLE_TIMEOUT_MS;

  return async (conversation: BotConversation, ctx: ConversationContext, rawArgs?: unknown): Promise<void> => {
    const { args, resume } = parseFlowArgs(rawArgs);
    // Started afresh (restart.ts): the draft and what was loaded come along; nothing is loaded or sent.
    const setup = resume ? resume.setup : await conversation.external(() => loadSetup(deps, storage, ctx.writer, args));
    const open = opening(setup, args);
    if (!open.open) {
      if ("rules" in open) await showRules(ctx, { kind: "letter", ...open.rules });
      else await ctx.reply(ctx.t(open.refusal), { reply_markup: mainMenuKeyboard(ctx.t) });
      return;
    }
    const { writerId, nonce, resubmit } = open.setup;
    const run: LetterRun = {
      conversation,
      ctx,
      deps,
      storage,
      pageSource,
      idleMs,
      args: open.args,
      setup: open.setup,
      target: open.target,
      writerId,
      chatId: ctx.chatId,
      scope: nonce.slice(0, 8),
      waits: 0,
      ...(resume?.idleCheckArmedAt !== undefined ? { idleCheckArmedAt: resume.idleCheckArmedAt } : {}),
    };
    let draft: Draft;
    let summaryId: number | undefined;
    if (resume) {
      draft = resume.draft;
      summaryId = await write(run, draft, "", "collecting");
    } else {
      await touch(run);
      if (resubmit) {
        const reasonText = ctx.t("letter-reason", { reason: resubmit.reason ?? "other-changes" });
        await ctx.reply(ctx.t("letter-resubmit-intro", { code: resubmit.code, recipient: recipient(run, ctx), reasonText }));
      }
      // A fixed letter stays what it was: typed or handwritten.
      draft = newDraft(resubmit ? resubmit.kind : await chooseKind(run), open.setup);
      summaryId = await write(run, draft, await introduceResubmission(run, draft));
    }
    // A Send that could not be stored (the database away for a moment) keeps the draft: the writer
    // is told to try again and finds the summary with its buttons.
    while (!(await send(run, draft, open.args, summaryId))) summaryId = await write(run, draft, "", "review");
  };
}
