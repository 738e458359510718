// Scanned replies: an operator sends photos or a PDF into the operators' chat (replying to the
// letter's card, or with the code in the caption); the bot stores them and queues the delivery.
// In private chats: "Write back" under a delivered reply.
import { createHash } from "node:crypto";
import { Composer, type Api } from "grammy";
import type { Message } from "grammy/types";
import { findLetterByCode, loadLetterForCard } from "../../db/repositories/moderation.js";
import { codesAwaitingReplies, createReply, type NewReplyPage } from "../../db/repositories/replies.js";
import { ImageRejectedError, MAX_IMAGE_BYTES, processLetterPage, sniffImageFormat } from "../../media/photo.js";
import { createFileStorage } from "../../storage/index.js";
import type { BotContext } from "../context.js";
import type { FeatureDeps } from "../deps.js";
import { formatUtc, OPERATORS_LOCALE, recipientLine } from "../views/moderation-card.js";
import { codeInText } from "./moderation.js";
import { actingOperator, isOperatorsChat, refuse } from "./operators.js";
import { enterLetter } from "./write-entry.js";

/** Bot API downloads stop at 20 MB; a reply scan bigger than that is refused up front. */
export const REPLY_MAX_BYTES = 20 * 1024 * 1024;
export const REPLY_MAX_PAGES = 30;
/** Album items arrive as separate updates; the album is complete after this much quiet. */
export const ALBUM_QUIET_MS = 1500;

type Rejection = "unsupported-format" | "too-large" | "not-a-pdf" | "corrupted" | "download-failed";

class ScanRejected extends Error {
  constructor(readonly reason: Rejection) {
    super(reason);
  }
}

interface Upload {
  fileId: string;
  fileSize: number | undefined;
  /** What the operator says it is: a photo, a PDF document, or an image sent as a file. */
  declared: "photo" | "pdf" | "image" | "other";
}

function uploadOf(message: Message): Upload | undefined {
  const largest = message.photo?.at(-1);
  if (largest) return { fileId: largest.file_id, fileSize: largest.file_size, declared: "photo" };
  const doc = message.document;
  if (!doc) return undefined;
  const mime = doc.mime_type ?? "";
  const name = (doc.file_name ?? "").toLowerCase();
  const declared = mime === "application/pdf" || name.endsWith(".pdf") ? "pdf" : mime.startsWith("image/") ? "image" : "other";
  return { fileId: doc.file_id, fileSize: doc.file_size, declared };
}

/** Edit distance, for suggesting the code an operator probably meant. */
export function levenshtein(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = current;
    }
  }
  return row[b.length] ?? 0;
}

/** A looser reading of a caption: "l 7k3q", "L7K3Q" and similar typed by hand. */
function looseCode(text: string | undefined): string | undefined {
  const m = text ? /\bL[\s-]*([A-Z0-9]{4,6})\b/i.exec(text) : null;
  return m?.[1] ? `L-${m[1].toUpperCase()}` : undefined;
}

interface PendingAlbum {
  ctx: BotContext;
  messages: Message[];
  timer: NodeJS.Timeout | undefined;
}

export function repliesFeature(deps: FeatureDeps): Composer<BotContext> {
  const { prisma, queues, i18n, config, logger } = deps;
  const t = (key: string, vars?: Record<string, string | number>) => i18n.t(OPERATORS_LOCALE, key, vars);
  const storage = createFileStorage(config.storageDir);
  const albums = new Map<string, PendingAlbum>();
  /** Albums already refused, so a stranger's 10 photos get one answer, not ten. */
  const refusedAlbums = new Set<string>();

  const download = async (api: Api, upload: Upload): Promise<Buffer> => {
    if ((upload.fileSize ?? 0) > REPLY_MAX_BYTES) throw new ScanRejected("too-large");
    let path: string | undefined;
    try {
      path = (await api.getFile(upload.fileId)).file_path;
    } catch (err) {
      logger.warn({ err }, "getFile failed for a reply scan");
      throw new ScanRejected(/too big/i.test(String(err)) ? "too-large" : "download-failed");
    }
    if (!path) throw new ScanRejected("download-failed");
    const response = await fetch(`${config.telegramApiRoot}/file/bot${config.botToken}/${path}`);
    if (!response.ok) throw new ScanRejected("download-failed");
    const bytes = Buffer.from(await response.arrayBuffer());
    if (bytes.length > REPLY_MAX_BYTES) throw new ScanRejected("too-large");
    return bytes;
  };

  /** Checks and stores one page; content-addressed, so a retried upload is the same file. */
  const storePage = async (letterId: number, upload: Upload, bytes: Buffer): Promise<NewReplyPage> => {
    const sniffed = sniffImageFormat(bytes);
    if (upload.declared === "pdf" || sniffed === "pdf") {
      // Judged by content, not by the name or type the sender's device claimed.
      if (sniffed !== "pdf") throw new ScanRejected("not-a-pdf");
      const sha256 = createHash("sha256").update(bytes).digest("hex");
      const key = `replies/${letterId}/${sha256}.pdf`;
      await storage.put(key, bytes);
      return { storagePath: key, mimeType: "application/pdf", sha256 };
    }
    if (upload.declared === "other" && sniffed === "unknown") throw new ScanRejected("unsupported-format");
    try {
      if (bytes.length > MAX_IMAGE_BYTES) throw new ScanRejected("too-large");
      const page = await processLetterPage(bytes);
      const key = `replies/${letterId}/${page.sha256}.jpg`;
      await storage.put(key, page.data);
      return { storagePath: key, mimeType: "image/jpeg", width: page.width, height: page.height, sha256: page.sha256 };
    } catch (err) {
      if (err instanceof ImageRejectedError) {
        throw new ScanRejected(err.reason === "too-large-file" || err.reason === "too-many-pixels" ? "too-large" : err.reason === "corrupted" || err.reason === "empty" ? "corrupted" : "unsupported-format");
      }
      throw err;
    }
  };

  /** One reply from one or more messages (an album). Answers in the chat either way. */
  const handleUpload = async (ctx: BotContext, messages: Message[]): Promise<void> => {
    const first = messages[0];
    if (!first || !ctx.chat) return;
    const answer = (text: string) => ctx.api.sendMessage(ctx.chat?.id ?? 0, text, { parse_mode: "HTML", reply_parameters: { message_id: first.message_id, allow_sending_without_reply: true } });
    const op = await actingOperator(ctx, deps);
    if (!op) return;
    const captions = messages.map((m) => m.caption).filter((c): c is string => Boolean(c));
    const replied = first.reply_to_message;
    const fromCard = replied?.from?.id === ctx.me.id ? codeInText(replied.text ?? replied.caption) : undefined;
    const code = captions.map(codeInText).find(Boolean) ?? fromCard;
    if (!code) {
      const guess = captions.map(looseCode).find(Boolean);
      const near = guess ? (await codesAwaitingReplies(prisma)).filter((c) => levenshtein(c, guess) <= 1).slice(0, 3) : [];
      await answer(near.length > 0 ? t("reply-op-did-you-mean", { codes: near.join(", ") }) : t("reply-op-no-code"));
      return;
    }
    const letter = await findLetterByCode(prisma, code);
    if (!letter) {
      const near = (await codesAwaitingReplies(prisma)).filter((c) => levenshtein(c, code) <= 1).slice(0, 3);
      await answer(near.length > 0 ? `${t("reply-op-unknown-code", { code })}\n${t("reply-op-did-you-mean", { codes: near.join(", ") })}` : t("reply-op-unknown-code", { code }));
      return;
    }
    if (letter.status !== "posted" && letter.status !== "replied") {
      await answer(t("reply-op-not-posted", { code, status: letter.status }));
      return;
    }
    const uploads = messages.map(uploadOf);
    if (uploads.length > REPLY_MAX_PAGES) {
      await answer(t("reply-op-too-many", { max: REPLY_MAX_PAGES }));
      return;
    }
    const pages: NewReplyPage[] = [];
    try {
      for (const upload of uploads) {
        if (!upload) throw new ScanRejected("unsupported-format");
        pages.push(await storePage(letter.id, upload, await download(ctx.api, upload)));
      }
    } catch (err) {
      if (err instanceof ScanRejected) {
        await answer(t("reply-op-rejected", { reason: err.reason, max: REPLY_MAX_BYTES / 1024 / 1024 }));
        return;
      }
      throw err;
    }
    const { replyId, writerId } = await createReply(prisma, { letterId: letter.id, operatorId: op.id, pages });
    await queues.replyDelivery({ replyId });
    ctx.logger.info({ reply_id: replyId, letter_id: letter.id, operator_id: op.id, pages: pages.length }, "reply stored; delivery queued");
    const { name, facility } = recipientLine(letter);
    await answer(t("reply-op-accepted", { code, name: name.replace(/[<>&]/g, ""), facility: facility.replace(/[<>&]/g, ""), writerId, pages: pages.length, replyId, at: formatUtc(new Date()) }));
  };

  const flushAlbum = (id: string): void => {
    const album = albums.get(id);
    albums.delete(id);
    if (!album) return;
    handleUpload(album.ctx, album.messages).catch((err: unknown) => {
      logger.error({ err, media_group_id: id }, "reply album failed");
      void album.ctx.api.sendMessage(album.ctx.chat?.id ?? 0, t("error-generic")).catch(() => undefined);
    });
  };

  const composer = new Composer<BotContext>();
  composer.on(["message:photo", "message:document"], async (ctx, next) => {
    if (!isOperatorsChat(ctx, deps)) return next();
    // Uploading scans is an operator action: anyone else is told politely, once per album.
    if (!(await actingOperator(ctx, deps))) {
      const group = ctx.msg.media_group_id;
      if (group && refusedAlbums.has(group)) return;
      if (group) {
        refusedAlbums.add(group);
        setTimeout(() => refusedAlbums.delete(group), 60_000).unref();
      }
      await refuse(ctx);
      return;
    }
    const groupId = ctx.msg.media_group_id;
    if (!groupId) {
      await handleUpload(ctx, [ctx.msg]);
      return;
    }
    const album = albums.get(groupId) ?? { ctx, messages: [], timer: undefined };
    album.messages.push(ctx.msg);
    if (album.timer) clearTimeout(album.timer);
    album.timer = setTimeout(() => flushAlbum(groupId), ALBUM_QUIET_MS);
    albums.set(groupId, album);
  });

  composer.chatType("private").callbackQuery(/^rep:wb:(\d+)$/, async (ctx) => {
    const letter = await loadLetterForCard(prisma, Number(ctx.match[1]));
    const writer = ctx.writer;
    if (!letter || !writer || letter.writerId !== writer.id) {
      await ctx.answerCallbackQuery({ text: ctx.t("op-refused"), show_alert: true });
      return;
    }
    if (letter.prisonerId !== null) await enterLetter(ctx, { prisonerId: letter.prisonerId });
    else if (letter.specificRequestId !== null) await enterLetter(ctx, { specificRequestId: letter.specificRequestId });
    else await ctx.answerCallbackQuery();
  });

  return composer;
}

