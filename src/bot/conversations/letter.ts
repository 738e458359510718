// Writing a letter: typed (one or several messages) or handwritten (1-10 photographed pages),
// the signature, the censorship pre-check for typed letters, a summary, and Send.
//
// The conversation replays from the top on every update (state lives in Redis, so a draft survives
// a restart): everything touching the database, files, clocks or randomness runs inside
// conversation.external()/now() and returns JSON (ids, keys, sizes; never image bytes).
import { randomBytes } from "node:crypto";
import { Api, GrammyError, InlineKeyboard } from "grammy";
import type { Message } from "grammy/types";
import { loadLetterTarget, loadResubmission, resubmitLetter, submitLetter, type LetterTarget } from "../../db/repositories/letters.js";
import { updateWriterProfile } from "../../db/repositories/writers.js";
import {
  checkTypedLetter,
  estimatePrintedPages,
  HANDWRITTEN_MAX_PAGES,
  joinLetterParts,
  LETTER_IDLE_TIMEOUT_MS,
  letterLength,
  sanitizeLetterText,
  sanitizeSignature,
  SIGNATURE_MAX_CHARS,
  TYPED_LETTER_MAX_CHARS,
  TYPED_LETTER_MIN_CHARS,
  typedLetterLanguage,
} from "../../domain/letter.js";
import { precheckLetter, quoteMatches, type PrecheckWarning } from "../../domain/precheck/index.js";
import { ImageRejectedError, MAX_IMAGE_BYTES, processLetterPage } from "../../media/photo.js";
import { clearDraftActivity, recordDraftActivity } from "../../queues/index.js";
import { createFileStorage, type FileStorage } from "../../storage/index.js";
import { draftPageKey, draftPrefix } from "../../storage/keys.js";
import type { BotContext, BotConversation, ConversationContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { localeOf } from "../i18n.js";
import { CB } from "../keyboards/callbacks.js";
import { mainMenuKeyboard } from "../keyboards/main-menu.js";
import { retryTransformer } from "../middlewares.js";
import { needsRulesAcceptance, showRules } from "../views/rules.js";
import type { ConversationModule } from "./index.js";

export const LETTER_CONVERSATION_ID = "letter";

export type LetterConversationArgs =
  | { prisonerId: number; assignmentId?: number }
  | { specificRequestId: number }
  /** Edit and send again a letter an operator sent back for changes (same letter, same code). */
  | { resubmitLetterId: number };

export interface LetterConversationOptions {
  /**
   * A draft left alone this long is closed (default 24 h): by the `draft-idle` worker, which tells
   * the writer, or, without workers running, when the writer comes back.
   */
  idleTimeoutMs?: number;
}

/** Callback data of this flow: "ltr:<flow nonce>:<action>", so buttons of an earlier letter are recognised. */
const CB_PREFIX = "ltr:";
const ACTIONS = ["typed", "hand", "prev", "over", "done", "undo", "fix", "anyway", "send", "edit", "cont"] as const;
type Action = (typeof ACTIONS)[number];

/** Telegram's message limit is 4096; leave room for a header line. */
const MESSAGE_CHUNK = 3800;

type Kind = "typed" | "handwritten";

interface Part {
  messageId: number;
  text: string;
}

interface DraftPage {
  key: string;
  sha256: string;
  width: number;
  height: number;
}

type PageFailure =
  | "unsupported-format"
  | "heic"
  | "too-many-pixels"
  | "corrupted"
  | "too-large-file"
  | "empty"
  | "pdf"
  | "download-failed";

type PageResult = { ok: true; page: DraftPage } | { ok: false; reason: PageFailure };

/** The letter being fixed after "needs changes", its pages already copied into the draft. */
interface Resubmission {
  letterId: number;
  code: string;
  kind: Kind;
  text: string | null;
  reason: string | null;
  signatureName: string | null;
  pages: DraftPage[];
  /** Where the old pages are stored: the ones no longer used are deleted after Send. */
  oldPaths: string[];
}

interface Setup {
  writerId: number;
  /** Random per draft: scopes the buttons and makes the idempotency key. */
  nonce: string;
  signatureName: string | null;
  writerLanguage: string;
  mustAcceptRules: boolean;
  target: LetterTarget | null;
  /** Only for { resubmitLetterId }: null when that letter is not this writer's or no longer waits for changes. */
  resubmit: Resubmission | null;
}

function parseArgs(raw: unknown): LetterConversationArgs | undefined {
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

function commandOf(message: Message | undefined): string | undefined {
  const text = message?.text;
  const entity = message?.entities?.[0];
  if (!text || entity?.type !== "bot_command" || entity.offset !== 0) return undefined;
  return text.slice(1, entity.length).split("@")[0]?.toLowerCase();
}

/** What kind of message arrived, for "this cannot go into a letter" answers. */
function messageKindOf(message: Message): string {
  if (message.sticker) return "sticker";
  if (message.voice || message.audio) return "voice";
  if (message.video || message.video_note || message.animation) return "video";
  if (message.document) return "document";
  if (message.photo) return "photo";
  if (message.text !== undefined) return "text";
  return "other";
}

/** Splits long text at paragraph or line breaks, never above `max` characters. */
export function splitForTelegram(text: string, max = MESSAGE_CHUNK): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    let cut = Math.max(window.lastIndexOf("\n\n"), window.lastIndexOf("\n"));
    if (cut < max / 2) cut = window.lastIndexOf(" ");
    if (cut < max / 2) cut = max;
    chunks.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).replace(/^\s+/, "");
  }
  if (rest !== "") chunks.push(rest);
  return chunks;
}

/** A photo document type decided from Telegram's mime type and name, before downloading anything. */
function documentVerdict(mimeType: string | undefined, fileName: string | undefined): "image" | PageFailure {
  const mime = (mimeType ?? "").toLowerCase();
  const ext = /\.([a-z0-9]+)$/i.exec(fileName ?? "")?.[1]?.toLowerCase() ?? "";
  if (mime === "application/pdf" || ext === "pdf") return "pdf";
  if (mime === "image/heic" || mime === "image/heif" || ext === "heic" || ext === "heif") return "heic";
  // Unknown types are downloaded and sniffed: phones often send photos as octet-stream.
  if (mime.startsWith("image/") || mime === "" || mime === "application/octet-stream") return "image";
  return "unsupported-format";
}

/** Reads a response body, refusing one that declares or turns out to be over `limit` bytes. */
async function readLimited(response: Response, limit: number): Promise<Buffer | undefined> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > limit) return undefined;
  const bytes = Buffer.from(await response.arrayBuffer());
  return bytes.length > limit ? undefined : bytes;
}

interface PageDownloader {
  (input: { writerId: number; fileId: string }): Promise<PageResult>;
}

/** getFile, download from `${apiRoot}/file/bot<token>/<path>`, process with sharp, store as a draft. */
function pageDownloader(deps: FeatureDeps, storage: FileStorage): PageDownloader {
  const { config } = deps;
  // A plain Api: calls inside conversation.external must not go through the conversation's ctx.api.
  const api = new Api(config.botToken, { apiRoot: config.telegramApiRoot });
  api.config.use(retryTransformer());
  return async ({ writerId, fileId }) => {
    let filePath: string | undefined;
    try {
      const file = await api.getFile(fileId);
      if ((file.file_size ?? 0) > MAX_IMAGE_BYTES) return { ok: false, reason: "too-large-file" };
      filePath = file.file_path;
    } catch (err) {
      if (err instanceof GrammyError && /too big/i.test(err.description)) return { ok: false, reason: "too-large-file" };
      deps.logger.warn({ err, writer_id: writerId }, "getFile failed for a letter page");
      return { ok: false, reason: "download-failed" };
    }
    if (!filePath) return { ok: false, reason: "download-failed" };
    let bytes: Buffer | undefined;
    try {
      const response = await fetch(`${config.telegramApiRoot}/file/bot${config.botToken}/${filePath}`);
      if (!response.ok) {
        deps.logger.warn({ status: response.status, writer_id: writerId }, "letter page download failed");
        return { ok: false, reason: "download-failed" };
      }
      bytes = await readLimited(response, MAX_IMAGE_BYTES);
    } catch (err) {
      deps.logger.warn({ err, writer_id: writerId }, "letter page download failed");
      return { ok: false, reason: "download-failed" };
    }
    if (bytes === undefined) return { ok: false, reason: "too-large-file" };
    try {
      const page = await processLetterPage(bytes);
      const key = draftPageKey(writerId, page.sha256);
      await storage.put(key, page.data);
      return { ok: true, page: { key, sha256: page.sha256, width: page.width, height: page.height } };
    } catch (err) {
      if (err instanceof ImageRejectedError) return { ok: false, reason: err.reason };
      throw err;
    }
  };
}

function buildLetter(deps: FeatureDeps, options: LetterConversationOptions) {
  const storage = createFileStorage(deps.config.storageDir);
  const downloadPage = pageDownloader(deps, storage);
  const idleMs = options.idleTimeoutMs ?? LETTER_IDLE_TIMEOUT_MS;

  return async (conversation: BotConversation, ctx: ConversationContext, rawArgs?: unknown): Promise<void> => {
    const args = parseArgs(rawArgs);
    const setup = await conversation.external(async (): Promise<Setup | null> => {
      const writer = ctx.writer;
      if (!writer || !args) return null;
      // Leftovers of an abandoned draft (bot stopped mid-upload, flow expired) go now.
      await storage.deletePrefix(draftPrefix(writer.id));
      const common = {
        writerId: writer.id,
        nonce: randomBytes(12).toString("hex"),
        signatureName: writer.signatureName,
        writerLanguage: writer.language,
      };
      if ("resubmitLetterId" in args) {
        const source = await loadResubmission(deps.prisma, writer.id, args.resubmitLetterId);
        if (!source) return { ...common, mustAcceptRules: false, target: null, resubmit: null };
        // The old pages become the draft (copies: the letter keeps its files until the new ones replace them).
        const pages: DraftPage[] = [];
        for (const page of source.pages) {
          const bytes = await storage.get(page.storagePath);
          if (!bytes) {
            deps.logger.warn({ letter_id: source.letterId }, "a page of a letter sent back for changes is missing from storage");
            continue;
          }
          const key = draftPageKey(writer.id, page.sha256);
          await storage.put(key, bytes);
          pages.push({ key, sha256: page.sha256, width: page.width, height: page.height });
        }
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
      return {
        ...common,
        mustAcceptRules: needsRulesAcceptance(writer),
        target: await loadLetterTarget(deps.prisma, writer.id, args),
        resubmit: null,
      };
    });
    if (!setup || !args) {
      await ctx.reply(ctx.t("letter-unavailable"), { reply_markup: mainMenuKeyboard(ctx.t) });
      return;
    }
    const resubmit = setup.resubmit;
    if ("resubmitLetterId" in args && !resubmit) {
      await ctx.reply(ctx.t("letter-resubmit-unavailable"), { reply_markup: mainMenuKeyboard(ctx.t) });
      return;
    }
    if (setup.mustAcceptRules && !("resubmitLetterId" in args)) {
      await showRules(ctx, { kind: "letter", ...args });
      return;
    }
    const target = setup.target;
    if (!target || !target.available) {
      await ctx.reply(ctx.t(target?.reason === "used" ? "letter-request-used" : "letter-unavailable"), {
        reply_markup: mainMenuKeyboard(ctx.t),
      });
      return;
    }
    const { writerId } = setup;
    const chatId = ctx.chatId;
    /** Records this step and pushes back the idle-draft check (state in Redis, so any process can close it). */
    const touch = async (): Promise<void> => {
      if (chatId === undefined) return;
      await conversation.external(async () => {
        try {
          await recordDraftActivity(deps.redis, deps.config.redisPrefix, chatId, { writerId, nonce: setup.nonce, at: Date.now(), idleMs });
          await deps.queues.draftIdle({ chatId }, idleMs);
        } catch (err) {
          // Only the proactive close is lost: the writer's return still closes a stale draft.
          deps.logger.warn({ err, writer_id: writerId }, "could not arm the idle-draft check");
        }
      });
    };
    /** Sent: the pending idle check must find nothing to close. */
    const forgetActivity = async (): Promise<void> => {
      if (chatId !== undefined) await clearDraftActivity(deps.redis, deps.config.redisPrefix, chatId);
    };
    await touch();
    const scope = setup.nonce.slice(0, 8);
    const data = (action: Action): string => `${CB_PREFIX}${scope}:${action}`;
    const recipientName = (c: ConversationContext): string => (localeOf(c) === "ru" ? target.nameRu : target.nameEn);
    const recipient = (c: ConversationContext): string =>
      target.facility === "" ? recipientName(c) : `${recipientName(c)}, ${target.facility}`;

    /** The next update for this step, after the flow-wide rules: idle timeout, commands, foreign buttons. */
    const next = async (): Promise<{ c: ConversationContext; action?: Action }> => {
      for (;;) {
        const before = await conversation.now();
        const c = await conversation.wait();
        const after = await conversation.now();
        if (after - before > idleMs) {
          await conversation.external(() => storage.deletePrefix(draftPrefix(writerId)));
          const passOn = c.callbackQuery !== undefined || commandOf(c.message) !== undefined;
          await c.reply(c.t("letter-expired"), passOn ? {} : { reply_markup: mainMenuKeyboard(c.t) });
          // A command or a button press is then handled as if no letter had been open.
          await conversation.halt({ next: passOn });
        }
        await touch();
        if (c.callbackQuery) {
          const match = /^ltr:([0-9a-f]+):([a-z]+)$/.exec(c.callbackQuery.data ?? "");
          if (!match) {
            await c.answerCallbackQuery({ text: c.t("letter-button-busy"), show_alert: true });
            continue;
          }
          if (match[1] !== scope || !(ACTIONS as readonly string[]).includes(match[2] ?? "")) {
            await c.answerCallbackQuery({ text: c.t("letter-button-old") });
            continue;
          }
          const action = match[2] as Action;
          if (action === "cont") {
            await c.answerCallbackQuery({ text: c.t("letter-continue-toast") });
            await c.editMessageReplyMarkup().catch(() => undefined);
            continue;
          }
          return { c, action };
        }
        const message = c.message;
        if (!message) {
          if (c.editedMessage) return { c };
          // Not for this flow (e.g. the writer blocked the bot): let the outside features see it.
          await conversation.skip({ next: true });
          continue;
        }
        const command = commandOf(message);
        if (command === "help") {
          await c.reply(`${c.t("help-text")}\n\n${c.t("letter-help-in-flow")}`);
          continue;
        }
        if (command === "start") {
          await c.reply(c.t("letter-start-in-flow", { name: recipientName(c) }), {
            reply_markup: new InlineKeyboard()
              .text(c.t("letter-continue"), data("cont"))
              .row()
              .text(c.t("letter-leave"), CB.cancel),
          });
          continue;
        }
        if (command !== undefined) {
          await c.reply(c.t("letter-command-in-flow"));
          continue;
        }
        return { c };
      }
    };

    /** "Stickers can't go into a letter" + what this step expects. */
    const notAccepted = async (c: ConversationContext, expected: "text" | "pages" | "buttons" | "signature"): Promise<void> => {
      const kind = c.message ? messageKindOf(c.message) : "other";
      const intro = kind === "text" || kind === "photo" ? "" : `${c.t("letter-not-accepted", { kind })}\n`;
      await c.reply(`${intro}${c.t(`letter-expect-${expected}`)}`);
    };

    const outdated = (c: ConversationContext) => c.answerCallbackQuery({ text: c.t("letter-button-outdated") });

    const sendLong = async (c: ConversationContext, text: string, keyboard?: InlineKeyboard): Promise<void> => {
      const chunks = splitForTelegram(text);
      for (const [i, chunk] of chunks.entries()) {
        await c.reply(chunk, i === chunks.length - 1 && keyboard ? { reply_markup: keyboard } : {});
      }
    };

    // ----- kind -----
    const kindKeyboard = (c: ConversationContext) =>
      new InlineKeyboard()
        .text(c.t("letter-kind-typed-button"), data("typed"))
        .row()
        .text(c.t("letter-kind-handwritten-button"), data("hand"))
        .row()
        .text(c.t("letter-cancel"), CB.cancel);
    const chooseKind = async (): Promise<Kind> => {
      await ctx.reply(ctx.t("letter-choose-kind", { recipient: recipient(ctx) }), {
        reply_markup: kindKeyboard(ctx),
      });
      for (;;) {
        const { c, action } = await next();
        if (action === "typed" || action === "hand") {
          await c.answerCallbackQuery();
          await c.editMessageReplyMarkup().catch(() => undefined);
          return action === "typed" ? "typed" : "handwritten";
        }
        if (action) await outdated(c);
        else if (c.message) await notAccepted(c, "buttons");
      }
    };
    if (resubmit) {
      await ctx.reply(
        ctx.t("letter-resubmit-intro", {
          code: resubmit.code,
          recipient: recipient(ctx),
          reasonText: ctx.t("letter-reason", { reason: resubmit.reason ?? "other-changes" }),
        }),
      );
    }
    // A fixed letter stays what it was: typed or handwritten.
    const kind: Kind = resubmit ? resubmit.kind : await chooseKind();

    // A resubmission starts from the letter as it was sent (message id 0: no chat message to edit).
    const parts: Part[] = resubmit?.text ? [{ messageId: 0, text: resubmit.text }] : [];
    const pages: DraftPage[] = resubmit ? [...resubmit.pages] : [];
    let accepted: PrecheckWarning[] = [];
    let signature = resubmit?.signatureName ?? setup.signatureName;
    const letterText = () => joinLetterParts(parts.map((p) => p.text));

    // ----- typed -----
    const typedKeyboard = (c: ConversationContext) =>
      new InlineKeyboard()
        .text(c.t("letter-preview"), data("prev"))
        .text(c.t("letter-start-over"), data("over"))
        .row()
        .text(c.t("letter-done"), data("done"));
    const typedStatus = (c: ConversationContext, notes: string[]) => {
      const length = letterLength(letterText());
      const status = c.t("letter-typed-status", { length, max: TYPED_LETTER_MAX_CHARS, pages: estimatePrintedPages(length) });
      return c.reply([...notes, status].join("\n"), { reply_markup: typedKeyboard(c) });
    };
    const cleanNotes = (c: ConversationContext, cleaned: { removedEmoji: boolean; removedInvisible: boolean }) => [
      ...(cleaned.removedInvisible ? [c.t("letter-removed-invisible")] : []),
      ...(cleaned.removedEmoji ? [c.t("letter-removed-emoji")] : []),
    ];

    /** Collects the text until Done with a sendable letter. */
    const collectTyped = async (promptKey: string): Promise<void> => {
      await ctx.reply(ctx.t(promptKey, { max: TYPED_LETTER_MAX_CHARS, min: TYPED_LETTER_MIN_CHARS }), {
        reply_markup: parts.length > 0 ? typedKeyboard(ctx) : new InlineKeyboard().text(ctx.t("letter-cancel"), CB.cancel),
      });
      for (;;) {
        const { c, action } = await next();
        if (action === "prev") {
          await c.answerCallbackQuery();
          const text = letterText();
          if (text === "") {
            await c.reply(c.t("letter-empty"));
            continue;
          }
          const chunks = splitForTelegram(text);
          for (const [i, chunk] of chunks.entries()) {
            const header = c.t("letter-preview-header", { part: i + 1, total: chunks.length });
            await c.reply(`${header}\n\n${chunk}`, i === chunks.length - 1 ? { reply_markup: typedKeyboard(c) } : {});
          }
          continue;
        }
        if (action === "over") {
          await c.answerCallbackQuery();
          parts.length = 0;
          await c.reply(c.t("letter-started-over", { max: TYPED_LETTER_MAX_CHARS }));
          continue;
        }
        if (action === "done") {
          await c.answerCallbackQuery();
          const check = checkTypedLetter(letterText());
          if (check.ok) return;
          await c.reply(
            check.reason === "too-short"
              ? c.t("letter-too-short", { length: check.length, min: TYPED_LETTER_MIN_CHARS })
              : c.t("letter-empty"),
          );
          continue;
        }
        if (action) {
          await outdated(c);
          continue;
        }
        // Telegram's own "Edit" on one of the letter's messages replaces that part.
        const edited = c.editedMessage;
        if (edited) {
          const index = parts.findIndex((p) => p.messageId === edited.message_id);
          if (index < 0 || edited.text === undefined) continue;
          const cleaned = sanitizeLetterText(edited.text);
          const without = parts.filter((_, i) => i !== index).map((p) => p.text);
          const total = letterLength(joinLetterParts([...without.slice(0, index), cleaned.text, ...without.slice(index)]));
          if (total > TYPED_LETTER_MAX_CHARS) {
            await c.reply(c.t("letter-edit-too-long", { length: total, max: TYPED_LETTER_MAX_CHARS }));
            continue;
          }
          const part = parts[index];
          if (part) part.text = cleaned.text;
          await typedStatus(c, [c.t("letter-part-updated"), ...cleanNotes(c, cleaned)]);
          continue;
        }
        const message = c.message;
        if (!message || message.text === undefined) {
          await notAccepted(c, "text");
          continue;
        }
        const cleaned = sanitizeLetterText(message.text);
        if (cleaned.text === "") {
          await c.reply(c.t("letter-part-empty"));
          continue;
        }
        const total = letterLength(joinLetterParts([...parts.map((p) => p.text), cleaned.text]));
        if (total > TYPED_LETTER_MAX_CHARS) {
          const current = letterLength(letterText());
          await c.reply(
            c.t("letter-too-long", {
              length: total,
              max: TYPED_LETTER_MAX_CHARS,
              left: Math.max(0, TYPED_LETTER_MAX_CHARS - current),
            }),
            { reply_markup: typedKeyboard(c) },
          );
          continue;
        }
        parts.push({ messageId: message.message_id, text: cleaned.text });
        await typedStatus(c, cleanNotes(c, cleaned));
      }
    };

    /** Shows the pre-check; true to go on, false to go back and fix. */
    const precheck = async (): Promise<boolean> => {
      const warnings = precheckLetter(letterText());
      if (warnings.length === 0) {
        accepted = [];
        await ctx.reply(ctx.t("precheck-clean"));
        return true;
      }
      const locale = localeOf(ctx);
      const lines = warnings.map((w) => ctx.t(`precheck-${w.code}`, { matches: quoteMatches(w.matches, locale) }));
      await sendLong(
        ctx,
        [ctx.t("precheck-intro"), ...lines].join("\n\n"),
        new InlineKeyboard().text(ctx.t("precheck-fix"), data("fix")).row().text(ctx.t("precheck-send-anyway"), data("anyway")),
      );
      for (;;) {
        const { c, action } = await next();
        if (action === "fix" || action === "anyway") {
          await c.answerCallbackQuery();
          await c.editMessageReplyMarkup().catch(() => undefined);
          accepted = action === "anyway" ? warnings : [];
          return action === "anyway";
        }
        if (action) await outdated(c);
        else if (c.message) await notAccepted(c, "buttons");
      }
    };

    // ----- handwritten -----
    const pagesKeyboard = (c: ConversationContext) =>
      new InlineKeyboard()
        .text(c.t("letter-done"), data("done"))
        .row()
        .text(c.t("letter-remove-last-page"), data("undo"))
        .text(c.t("letter-start-over"), data("over"));
    let lastStatus: { messageId: number; mediaGroupId: string } | undefined;

    const collectPages = async (promptKey: string): Promise<void> => {
      await ctx.reply(ctx.t(promptKey, { max: HANDWRITTEN_MAX_PAGES, count: pages.length }), {
        reply_markup: pages.length > 0 ? pagesKeyboard(ctx) : new InlineKeyboard().text(ctx.t("letter-cancel"), CB.cancel),
      });
      for (;;) {
        const { c, action } = await next();
        if (action === "done") {
          await c.answerCallbackQuery();
          if (pages.length > 0) return;
          await c.reply(c.t("letter-pages-none"));
          continue;
        }
        if (action === "undo") {
          await c.answerCallbackQuery();
          const removed = pages.pop();
          if (removed) await conversation.external(() => storage.delete(removed.key));
          lastStatus = undefined;
          await c.reply(c.t("letter-page-removed", { count: pages.length, max: HANDWRITTEN_MAX_PAGES }), {
            reply_markup: pagesKeyboard(c),
          });
          continue;
        }
        if (action === "over") {
          await c.answerCallbackQuery();
          pages.length = 0;
          lastStatus = undefined;
          await conversation.external(() => storage.deletePrefix(draftPrefix(writerId)));
          await c.reply(c.t("letter-pages-started-over", { max: HANDWRITTEN_MAX_PAGES }));
          continue;
        }
        if (action) {
          await outdated(c);
          continue;
        }
        const message = c.message;
        if (!message) continue;
        const photo = message.photo?.at(-1);
        const document = message.document;
        if (!photo && !document) {
          await notAccepted(c, "pages");
          continue;
        }
        if (pages.length >= HANDWRITTEN_MAX_PAGES) {
          await c.reply(c.t("letter-pages-full", { max: HANDWRITTEN_MAX_PAGES }), { reply_markup: pagesKeyboard(c) });
          continue;
        }
        const file = photo ?? document;
        const verdict = document ? documentVerdict(document.mime_type, document.file_name) : "image";
        let result: PageResult;
        if (verdict !== "image") result = { ok: false, reason: verdict };
        else if ((file?.file_size ?? 0) > MAX_IMAGE_BYTES) result = { ok: false, reason: "too-large-file" };
        else {
          const fileId = file?.file_id ?? "";
          await c.replyWithChatAction("upload_photo").catch(() => undefined);
          result = await conversation.external(() => downloadPage({ writerId, fileId }));
        }
        if (!result.ok) {
          lastStatus = undefined;
          await c.reply(`${c.t(`letter-page-error-${result.reason}`)}\n${c.t("letter-page-go-on", { count: pages.length })}`, {
            reply_markup: pages.length > 0 ? pagesKeyboard(c) : undefined,
          });
          continue;
        }
        const page = result.page;
        if (pages.some((p) => p.sha256 === page.sha256)) {
          await c.reply(c.t("letter-page-duplicate"));
          continue;
        }
        pages.push(page);
        const text = c.t("letter-pages-status", { count: pages.length, max: HANDWRITTEN_MAX_PAGES });
        // The pages of an album arrive one by one: keep one status message for the whole album.
        const group = message.media_group_id;
        if (group !== undefined && lastStatus?.mediaGroupId === group) {
          const edited = await c.api
            .editMessageText(c.chat?.id ?? 0, lastStatus.messageId, text, { reply_markup: pagesKeyboard(c) })
            .then(() => true)
            .catch(() => false);
          if (edited) continue;
        }
        const sent = await c.reply(text, { reply_markup: pagesKeyboard(c) });
        lastStatus = group !== undefined ? { messageId: sent.message_id, mediaGroupId: group } : undefined;
      }
    };

    // ----- signature -----
    const askSignature = async (): Promise<string> => {
      await ctx.reply(ctx.t("letter-signature-ask", { max: SIGNATURE_MAX_CHARS }));
      for (;;) {
        const { c, action } = await next();
        if (action) {
          await outdated(c);
          continue;
        }
        const text = c.message?.text;
        if (text === undefined) {
          if (c.message) await notAccepted(c, "signature");
          continue;
        }
        const result = sanitizeSignature(text);
        if (!result.ok) {
          await c.reply(c.t(result.reason === "too-long" ? "letter-signature-too-long" : "letter-signature-empty", { max: SIGNATURE_MAX_CHARS }));
          continue;
        }
        const name = result.name;
        await conversation.external(() => updateWriterProfile(deps.prisma, writerId, { signatureName: name }).then(() => undefined));
        await c.reply(c.t("letter-signature-saved", { signature: name }));
        return name;
      }
    };

    // ----- summary -----
    const summary = async (): Promise<"send" | "edit"> => {
      const t = ctx.t.bind(ctx);
      const length = letterLength(letterText());
      const lines = [
        t("letter-summary-title"),
        "",
        t("letter-summary-to", { recipient: recipient(ctx) }),
        kind === "typed"
          ? t("letter-summary-typed", { length, pages: estimatePrintedPages(length) })
          : t("letter-summary-handwritten", { count: pages.length }),
        t("letter-summary-signature", { signature: signature ?? "" }),
      ];
      if (kind === "typed") {
        lines.push(
          accepted.length > 0
            ? t("letter-summary-warnings", { list: accepted.map((w) => t("letter-warning-name", { code: w.code })).join(", ") })
            : t("letter-summary-no-warnings"),
        );
      }
      lines.push("", t("letter-summary-hint"));
      await ctx.reply(lines.join("\n"), {
        reply_markup: new InlineKeyboard()
          .text(t("letter-send"), data("send"))
          .row()
          .text(t("letter-edit"), data("edit"))
          .text(t("letter-cancel"), CB.cancel),
      });
      for (;;) {
        const { c, action } = await next();
        if (action === "send" || action === "edit") {
          // The spinner stops at once; Send answers again with the code below.
          await c.answerCallbackQuery();
          await c.editMessageReplyMarkup().catch(() => undefined);
          return action;
        }
        if (action) await outdated(c);
        else if (c.message) await notAccepted(c, "buttons");
      }
    };

    // ----- the flow -----
    let promptKey = kind === "typed" ? "letter-typed-prompt" : "letter-pages-prompt";
    if (resubmit && kind === "typed") {
      // The old text, so the writer sees what to fix (and can copy it).
      const chunks = splitForTelegram(letterText());
      for (const [i, chunk] of chunks.entries()) {
        await ctx.reply(`${ctx.t("letter-preview-header", { part: i + 1, total: chunks.length })}\n\n${chunk}`);
      }
      promptKey = "letter-resubmit-typed";
    } else if (resubmit) {
      promptKey = "letter-resubmit-pages";
    }
    for (;;) {
      if (kind === "typed") {
        await collectTyped(promptKey);
        if (!(await precheck())) {
          promptKey = "letter-typed-fix";
          continue;
        }
      } else {
        await collectPages(promptKey);
      }
      signature ??= await askSignature();
      const choice = await summary();
      if (choice === "send") break;
      promptKey = kind === "typed" ? "letter-typed-edit" : "letter-pages-edit";
    }

    const text = letterText();
    const language = kind === "typed" ? typedLetterLanguage(text) : setup.writerLanguage;
    if (resubmit) {
      const again = await conversation.external(async () => {
        const result = await resubmitLetter(deps.prisma, {
          writerId,
          letterId: resubmit.letterId,
          text: kind === "typed" ? text : null,
          language,
          signatureName: signature,
          precheckWarnings: accepted.map((w) => ({ code: w.code, matches: w.matches })),
          needsTranslation: language !== "ru",
          pages: pages.map(({ sha256, width, height }) => ({ sha256, width, height })),
        });
        // Idempotent like a first Send: a replay after a crash finds the pages already moved.
        for (const [i, page] of pages.entries()) {
          const storagePath = result.pages[i]?.storagePath;
          if (storagePath) await storage.move(page.key, storagePath);
        }
        const kept = new Set(result.pages.map((p) => p.storagePath));
        for (const old of resubmit.oldPaths) if (!kept.has(old)) await storage.delete(old);
        await storage.deletePrefix(draftPrefix(writerId));
        await forgetActivity();
        // Each version gets its own card (job id with the version), a repeated Send the same one.
        await deps.queues.moderation({ letterId: result.letter.id, version: result.version }).catch((err: unknown) => {
          deps.logger.error({ err, letter_id: result.letter.id }, "could not enqueue the moderation card");
        });
        deps.logger.info(
          { letter_id: result.letter.id, writer_id: writerId, version: result.version, changed: result.resubmitted },
          "letter resubmitted",
        );
        return { code: result.letter.code };
      });
      await ctx.reply(ctx.t("letter-resubmitted", { code: again.code, name: recipientName(ctx) }), {
        reply_markup: mainMenuKeyboard(ctx.t),
      });
      return;
    }
    const sent = await conversation.external(async () => {
      const result = await submitLetter(deps.prisma, {
        writerId,
        prisonerId: target.prisonerId,
        specificRequestId: target.specificRequestId,
        assignmentId: "assignmentId" in args ? (args.assignmentId ?? null) : null,
        kind,
        text: kind === "typed" ? text : null,
        language,
        signatureName: signature,
        precheckWarnings: accepted.map((w) => ({ code: w.code, matches: w.matches })),
        needsTranslation: language !== "ru",
        idempotencyKey: `letter-${writerId}-${setup.nonce}`,
        pages: pages.map(({ sha256, width, height }) => ({ sha256, width, height })),
      });
      // Idempotent: a replay after a crash finds the pages already moved.
      for (const [i, page] of pages.entries()) {
        const storagePath = result.pages[i]?.storagePath;
        if (storagePath) await storage.move(page.key, storagePath);
      }
      await storage.deletePrefix(draftPrefix(writerId));
      await forgetActivity();
      // The letter is safely stored: if Redis hiccups here the writer still gets the code (and a
      // second Send finds the same letter); operators see it among submitted letters.
      await deps.queues.moderation({ letterId: result.letter.id }).catch((err: unknown) => {
        deps.logger.error({ err, letter_id: result.letter.id }, "could not enqueue the moderation card");
      });
      deps.logger.info({ letter_id: result.letter.id, writer_id: writerId, created: result.created }, "letter submitted");
      return { code: result.letter.code };
    });
    await ctx.reply(ctx.t("letter-sent", { code: sent.code, name: recipientName(ctx) }), {
      reply_markup: mainMenuKeyboard(ctx.t),
    });
  };
}

/** Removes the draft's files and its idle record when the writer leaves with /cancel (or the flow is halted). */
async function cleanupDrafts(ctx: BotContext, deps: FeatureDeps, storage: FileStorage): Promise<void> {
  if (ctx.chatId !== undefined) await clearDraftActivity(deps.redis, deps.config.redisPrefix, ctx.chatId);
  const writer = ctx.writer;
  if (writer) await storage.deletePrefix(draftPrefix(writer.id));
}

/** The letter flow; options exist so tests (and deployments) can shorten the idle timeout. */
export function letterConversation(options: LetterConversationOptions = {}): ConversationModule {
  return {
    id: LETTER_CONVERSATION_ID,
    build: (deps) => buildLetter(deps, options),
    onExit: (ctx, deps) => cleanupDrafts(ctx, deps, createFileStorage(deps.config.storageDir)),
  };
}
