// Reminders: Settings → Reminders (on/off, the writer's clock), and the buttons under a reminder
// ("Write now", "Stop these reminders"). Sending them is the worker's (src/workers/reminders.ts).
import { Composer } from "../composer.js";
import { defaultUtcOffset, isValidUtcOffset } from "../../domain/reminders.js";
import { loadThread } from "../../db/repositories/pen-pals.js";
import { disableReminders, enableReminders, findUnusedAssignment, getReminderSettings, setReminderUtcOffset } from "../../db/repositories/reminders.js";
import { clockOffsetOf, REMINDER_BUTTONS, REMINDER_CB, remindersScreen } from "../../messages/views/reminders.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { onCallback } from "../keyboards/on-callback.js";
import { answerPress, renderScreen } from "../views/screen.js";
import { enterLetter } from "./write-entry.js";

export function remindersFeature({ prisma }: FeatureDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const privateChats = composer.chatType("private");

  const show = async (ctx: BotContext, toast?: string): Promise<void> => {
    const writer = ctx.writer;
    if (!writer) return answerPress(ctx);
    const settings = await getReminderSettings(prisma, writer.id);
    const screen = remindersScreen(ctx.t.bind(ctx), { utcOffsetMinutes: settings?.utcOffsetMinutes ?? null, now: new Date() });
    await renderScreen(ctx, screen.text, { keyboard: screen.keyboard });
    await answerPress(ctx, toast);
  };

  privateChats.callbackQuery(REMINDER_CB.open, (ctx) => show(ctx));

  privateChats.callbackQuery(REMINDER_CB.on, async (ctx) => {
    const writer = ctx.writer;
    if (!writer) return answerPress(ctx);
    await enableReminders(prisma, writer.id, defaultUtcOffset(writer.language));
    ctx.logger.info({ writer_id: writer.id }, "reminders turned on");
    await show(ctx, ctx.t("reminders-turned-on"));
  });

  privateChats.callbackQuery(REMINDER_CB.off, async (ctx) => {
    const writer = ctx.writer;
    if (!writer) return answerPress(ctx);
    await disableReminders(prisma, writer.id);
    ctx.logger.info({ writer_id: writer.id }, "reminders turned off");
    await show(ctx, ctx.t("reminders-turned-off"));
  });

  onCallback(privateChats, REMINDER_BUTTONS.clock, async (ctx, [shifted]) => {
    const writer = ctx.writer;
    const offset = clockOffsetOf(shifted);
    if (!writer || !isValidUtcOffset(offset)) return answerPress(ctx, ctx.t("stale-button"));
    // Reminders turned off meanwhile: the screen shows that instead.
    await setReminderUtcOffset(prisma, writer.id, offset);
    await show(ctx);
  });

  // Under a reminder: off at once, said in the writer's language; the reminder loses its buttons.
  privateChats.callbackQuery(REMINDER_CB.stop, async (ctx) => {
    const writer = ctx.writer;
    if (!writer) return answerPress(ctx);
    await disableReminders(prisma, writer.id);
    ctx.logger.info({ writer_id: writer.id }, "reminders stopped from a reminder");
    await answerPress(ctx);
    await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
    await ctx.reply(ctx.t("reminders-stopped"));
  });

  // "Write now" to a pen pal: the same way as "Write again" in My letters.
  onCallback(privateChats, REMINDER_BUTTONS.write, async (ctx, [prisonerId]) => {
    const writer = ctx.writer;
    const thread = writer ? await loadThread(prisma, writer.id, { prisonerId }) : null;
    if (!thread) return answerPress(ctx, ctx.t("letters-not-found"), true);
    await enterLetter(ctx, { prisonerId });
  });

  // "Write now" on an assignment the writer took but never used: the letter uses that assignment.
  onCallback(privateChats, REMINDER_BUTTONS.assigned, async (ctx, [assignmentId]) => {
    const writer = ctx.writer;
    const assignment = writer ? await findUnusedAssignment(prisma, writer.id, assignmentId) : null;
    if (!assignment) return answerPress(ctx, ctx.t("write-offer-stale"), true);
    await enterLetter(ctx, { prisonerId: assignment.prisonerId, assignmentId });
  });

  return composer;
}
