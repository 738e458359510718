// A long draft starts its conversation afresh. The conversations plugin replays a flow from its
// first line on every update and keeps every update and answer in its state, so a letter typed in
// 40 messages cost 40 replays on the 40th and its state grew with each. After RESTART_AFTER_WAITS
// updates in the typed or photo step, the flow ends itself right after handling an update and is
// entered again in the same update with the draft as its arguments: the same letter (nonce, buttons,
// recipient, idle clock), one short replay from then on.
//
// Only at the live edge: the flow asks to restart only while handling the update that is being
// handled right now (the one this middleware let in), never while replaying older ones. The old and
// the new state are written together at the end of the update, so a crash in between keeps the old
// one and loses nothing.
import type { MiddlewareFn } from "grammy";
import type { BotContext } from "../../context.js";
import type { FeatureDeps } from "../../deps.js";
import type { Resume } from "./types.js";

/** Updates a collecting step takes before the flow starts afresh. */
export const RESTART_AFTER_WAITS = 4;

interface Slot {
  /** The update this process is handling for the chat. */
  updateId: number;
  resume?: Resume;
}

/** Per bot (its FeatureDeps) and chat: the update in flight; one per chat at a time (sequentialize). */
const slotsByBot = new WeakMap<FeatureDeps, Map<number, Slot>>();

function slotsOf(deps: FeatureDeps): Map<number, Slot> {
  let slots = slotsByBot.get(deps);
  if (!slots) slotsByBot.set(deps, (slots = new Map<number, Slot>()));
  return slots;
}

/**
 * Installed right before the letter conversation: lets the flow ask for a restart while this update
 * is handled, then enters the flow again with the draft.
 */
export function letterRestarts(deps: FeatureDeps, conversationId: string): MiddlewareFn<BotContext> {
  const slots = slotsOf(deps);
  return async (ctx, next) => {
    const chatId = ctx.chat?.type === "private" ? ctx.chat.id : undefined;
    if (chatId === undefined) return next();
    const slot: Slot = { updateId: ctx.update.update_id };
    slots.set(chatId, slot);
    try {
      await next();
    } finally {
      if (slots.get(chatId) === slot) slots.delete(chatId);
    }
    if (slot.resume) await ctx.conversation.enter(conversationId, { resume: slot.resume });
  };
}

/**
 * Called by the flow after handling the update with id `updateId`: true when that update is the
 * one in flight, and the restart is then done once the flow has ended (it must halt at once).
 */
export function requestRestart(deps: FeatureDeps, chatId: number | undefined, updateId: number | undefined, resume: Resume): boolean {
  if (chatId === undefined || updateId === undefined) return false;
  const slot = slotsOf(deps).get(chatId);
  if (!slot || slot.updateId !== updateId || slot.resume) return false;
  slot.resume = resume;
  return true;
}

/** For the flow's exit: a halt that is a restart keeps the draft's files and idle clock. */
export function restartPending(deps: FeatureDeps, ctx: BotContext): boolean {
  return ctx.chatId !== undefined && slotsOf(deps).get(ctx.chatId)?.resume !== undefined;
}
