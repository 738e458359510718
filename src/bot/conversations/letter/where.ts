// "Where am I?": the screen "Continue the letter" answers with (after /start or a Cancel the writer
// took back): to whom, how much is written, what to do next, and the buttons of the step they are in.
import type { InlineKeyboard } from "grammy";
import { estimatePrintedPages, HANDWRITTEN_MAX_PAGES, letterLength } from "../../../domain/letter.js";
import type { ConversationContext } from "../../context.js";
import { recipient, type LetterRun } from "./run.js";
import { letterText, type Draft } from "./types.js";

type Translate = ConversationContext["t"];

/** The step the writer is in. */
export type Stage = "kind" | "typed" | "pages" | "precheck" | "signature" | "review";

/** What a step tells `next()` about itself, so "Continue" can say where the writer is. */
export interface Here {
  stage: Stage;
  /** Undefined before the writer chose typed or handwritten. */
  draft?: Draft;
  keyboard: (t: Translate) => InlineKeyboard;
}

/** How much is written: characters (and printed pages) of a typed letter, or photographed pages. */
function written(t: Translate, draft: Draft | undefined): string {
  if (draft?.kind === "typed" && draft.parts.length > 0) {
    const length = letterLength(letterText(draft));
    return t("letter-where-typed", { length, pages: estimatePrintedPages(length) });
  }
  if (draft?.kind === "handwritten" && draft.pages.length > 0) {
    return t("letter-where-pages", { count: draft.pages.length, max: HANDWRITTEN_MAX_PAGES });
  }
  return t("letter-where-nothing");
}

function nextStep(stage: Stage, draft: Draft | undefined): string {
  if (stage === "typed") return draft && draft.parts.length > 0 ? "letter-where-next-typed" : "letter-where-next-typed-empty";
  if (stage === "pages") return draft && draft.pages.length > 0 ? "letter-where-next-pages" : "letter-where-next-pages-empty";
  return `letter-where-next-${stage}`;
}

export function whereText(t: Translate, to: string, here: Pick<Here, "stage" | "draft">): string {
  return [t("letter-where", { recipient: to }), written(t, here.draft), "", t(nextStep(here.stage, here.draft))].join("\n");
}

/** Sends the screen with the step's own buttons. */
export async function showWhere(run: LetterRun, c: ConversationContext, here: Here): Promise<void> {
  await c.reply(whereText(c.t, recipient(run, c), here), { reply_markup: here.keyboard(c.t) });
}
