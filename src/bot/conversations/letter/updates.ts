// The next update for a step, after the rules that hold in every step: the idle timeout, commands,
// buttons of other features or earlier letters, "Continue" and "Cancel" (which asks first).
import type { Message } from "grammy/types";
import { draftPrefix } from "../../../storage/keys.js";
import type { ConversationContext } from "../../context.js";
import { mainMenuKeyboard } from "../../../messages/keyboards/main-menu.js";
import { touch } from "./activity.js";
import { leaveKeyboard, readButton, type Action } from "./buttons.js";
import { requestRestart, RESTART_AFTER_WAITS } from "./restart.js";
import { recipientName, type LetterRun } from "./run.js";
import { showWhere, type Here } from "./where.js";

export interface StepUpdate {
  c: ConversationContext;
  /** The pressed button of this letter; undefined for a message (or an edited one). */
  action?: Action;
}

/** The command a message starts with ("/help@bot" -> "help"), if any. */
export function commandOf(message: Message | undefined): string | undefined {
  const text = message?.text;
  const entity = message?.entities?.[0];
  if (!text || entity?.type !== "bot_command" || entity.offset !== 0) return undefined;
  return text.slice(1, entity.length).split("@")[0]?.toLowerCase();
}

/** The next update; a draft left alone longer than the idle timeout ends the flow here. */
async function waitUnlessIdle(run: LetterRun): Promise<ConversationContext> {
  const { conversation } = run;
  const before = await conversation.now();
  const c = await conversation.wait();
  const after = await conversation.now();
  if (after - before > run.idleMs) {
    await conversation.external(() => run.storage.deletePrefix(draftPrefix(run.writerId)));
    const passOn = c.callbackQuery !== undefined || commandOf(c.message) !== undefined;
    await c.reply(c.t("letter-expired"), passOn ? {} : { reply_markup: mainMenuKeyboard(c.t) });
    // A command or a button press is then handled as if no letter had been open.
    await conversation.halt({ next: passOn });
  }
  return c;
}

async function screenButton(run: LetterRun, c: ConversationContext, here: Here): Promise<StepUpdate | undefined> {
  const action = readButton(c.callbackQuery?.data, run.scope);
  if (action === "foreign") {
    await c.answerCallbackQuery({ text: c.t("letter-button-busy"), show_alert: true });
    return undefined;
  }
  if (action === "old") {
    await c.answerCallbackQuery({ text: c.t("letter-button-old") });
    return undefined;
  }
  if (action === "cont") {
    await c.answerCallbackQuery({ text: c.t("letter-continue-toast") });
    await c.editMessageReplyMarkup().catch(() => undefined);
    // The question may have buried the step's screen: say where the letter is, with that step's buttons.
    await showWhere(run, c, here);
    return undefined;
  }
  // "Cancel" beside a draft asks first: a press by mistake must not throw away 20 minutes of writing.
  if (action === "quit") {
    await c.answerCallbackQuery();
    await c.reply(c.t("letter-quit-confirm"), { reply_markup: leaveKeyboard(c.t, run.scope) });
    return undefined;
  }
  return { c, action };
}

async function screenMessage(run: LetterRun, c: ConversationContext): Promise<StepUpdate | undefined> {
  const message = c.message;
  if (!message) {
    if (c.editedMessage) return { c };
    // Not for this flow (e.g. the writer blocked the bot): let the outside features see it.
    await run.conversation.skip({ next: true });
    return undefined;
  }
  const command = commandOf(message);
  if (command === "help") {
    await c.reply(`${c.t("help-text")}\n\n${c.t("letter-help-in-flow")}`);
    return undefined;
  }
  if (command === "start") {
    await c.reply(c.t("letter-start-in-flow", { name: recipientName(run, c) }), { reply_markup: leaveKeyboard(c.t, run.scope) });
    return undefined;
  }
  if (command !== undefined) {
    await c.reply(c.t("letter-command-in-flow"));
    return undefined;
  }
  return { c };
}

/**
 * A collecting step that has taken many updates ends the flow here, right after the update in
 * flight was handled, to be entered again with the draft (restart.ts). Never while replaying.
 */
async function restartIfLong(run: LetterRun, here: Here): Promise<void> {
  if (run.waits < RESTART_AFTER_WAITS || (here.stage !== "typed" && here.stage !== "pages") || !here.draft) return;
  const resume = { args: run.args, setup: run.setup, draft: here.draft, ...(run.idleCheckArmedAt !== undefined ? { idleCheckArmedAt: run.idleCheckArmedAt } : {}) };
  if (!requestRestart(run.deps, run.chatId, run.lastUpdateId, resume)) return;
  await run.conversation.halt();
}

/**
 * The next update this step has to handle; everything the flow-wide rules answer is consumed here.
 * `here` is where the step stands, for "Continue the letter".
 */
export async function next(run: LetterRun, here: Here): Promise<StepUpdate> {
  for (;;) {
    await restartIfLong(run, here);
    const c = await waitUnlessIdle(run);
    run.waits += 1;
    run.lastUpdateId = c.update.update_id;
    await touch(run);
    const update = c.callbackQuery ? await screenButton(run, c, here) : await screenMessage(run, c);
    if (update) return update;
  }
}
