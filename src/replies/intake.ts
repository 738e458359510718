// Turning scans sent into the operators' chat into a stored reply: which letter (caption code or the
// card replied to), checks, download, storage, the reply row and its delivery job, and the answer in
// the chat. Used by the bot for single messages and by the album worker for albums.
import type { Api } from "grammy";
import type { Message } from "grammy/types";
import type { Translate } from "../messages/i18n.js";
import type { Config } from "../config.js";
import type { PrismaClient } from "../generated/prisma/client.js";
import { findLetterByCode } from "../db/repositories/moderation.js";
import { codesAwaitingReplies, createReply, type NewReplyPage } from "../db/repositories/replies.js";
import type { Logger } from "../logger.js";
import { PdfRejectedError, PdfToolsMissingError, rasterisePdf } from "../media/pdf-scrub.js";
import { ImageRejectedError, MAX_IMAGE_BYTES, processLetterPage, sniffImageFormat } from "../media/photo.js";
import type { Queues } from "../queues/index.js";
import { createFileStorage } from "../storage/index.js";

/** Bot API downloads stop at 20 MB; a reply scan bigger than that is refused up front. */
export const REPLY_MAX_BYTES = 20 * 1024 * 1024;
export const REPLY_MAX_PAGES = 30;
/**
 * One reply is every scan the operators send for a letter before its delivery begins: the delivery
 * starts this long after the latest scan was stored (and not while an album in the chat is still
 * arriving), so a reply sent as two albums, or an album and a page, reaches the writer as one sequence.
 */
export const REPLY_GATHER_MS = 4000;

const LETTER_CODE_IN_TEXT = /\bL-[2-9A-HJ-NP-Z]{4,6}\b/;

/** The letter code a card message (or a reply's caption) names, if any. */
export function codeInText(text: string | undefined): string | undefined {
  return text ? LETTER_CODE_IN_TEXT.exec(text.toUpperCase())?.[0] : undefined;
}

type Rejection = "unsupported-format" | "too-large" | "not-a-pdf" | "corrupted" | "download-failed" | "too-many" | "pdf-tools-missing";

class ScanRejected extends Error {
  constructor(readonly reason: Rejection) {
    super(reason);
  }
}

/** One scan message, as much as is needed to fetch and judge it later (JSON-safe: it may wait in Redis). */
export interface ScanUpload {
  messageId: number;
  fileId: string;
  fileSize?: number | undefined;
  /** What the operator says it is: a photo, a PDF document, or an image sent as a file. */
  declared: "photo" | "pdf" | "image" | "other";
  caption?: string | undefined;
}

export function scanUploadOf(message: Message): ScanUpload | undefined {
  const caption = message.caption;
  const largest = message.photo?.at(-1);
  if (largest) return { messageId: message.message_id, fileId: largest.file_id, fileSize: largest.file_size, declared: "photo", caption };
  const doc = message.document;
  if (!doc) return undefined;
  const mime = doc.mime_type ?? "";
  const name = (doc.file_name ?? "").toLowerCase();
  const declared = mime === "application/pdf" || name.endsWith(".pdf") ? "pdf" : mime.startsWith("image/") ? "image" : "other";
  return { messageId: message.message_id, fileId: doc.file_id, fileSize: doc.file_size, declared, caption };
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

export interface ReplyIntakeDeps {
  prisma: PrismaClient;
  queues: Queues;
  config: Config;
  logger: Logger;
  /** Downloads files and answers in the chat (the bot's ctx.api, or the worker's Api). */
  api: Api;
  /** The operators' language. */
  t: Translate;
}

export interface ReplyIntakeInput {
  chatId: number;
  operatorId: number;
  /** In the order sent; the first one is answered. */
  uploads: ScanUpload[];
  /** The code of the bot's card the first message replied to, if any. */
  cardCode?: string | undefined;
  /** The code this album's earlier pages went to, for pages that come late. */
  albumCode?: string | undefined;
  /** Where the scans came from: a second run for the same source finds the stored reply. */
  sourceKey: string;
}

export type ReplyIntakeResult = { ok: true; code: string; replyId: number; created: boolean } | { ok: false };

/** One reply from one or more scan messages. Answers in the chat either way. */
export async function acceptReplyScans(deps: ReplyIntakeDeps, input: ReplyIntakeInput): Promise<ReplyIntakeResult> {
  const { prisma, queues, config, logger, api, t } = deps;
  const storage = createFileStorage(config.storageDir, config.keyring);
  const first = input.uploads[0];
  if (!first) return { ok: false };
  const answer = (text: string) =>
    api.sendMessage(input.chatId, text, { parse_mode: "HTML", reply_parameters: { message_id: first.messageId, allow_sending_without_reply: true } });

  const captions = input.uploads.map((u) => u.caption).filter((c): c is string => Boolean(c));
  const code = captions.map(codeInText).find(Boolean) ?? input.cardCode ?? input.albumCode;
  if (!code) {
    const guess = captions.map(looseCode).find(Boolean);
    const near = guess ? (await codesAwaitingReplies(prisma)).filter((c) => levenshtein(c, guess) <= 1).slice(0, 3) : [];
    await answer(near.length > 0 ? t("reply-op-did-you-mean", { codes: near.join(", ") }) : t("reply-op-no-code"));
    return { ok: false };
  }
  const letter = await findLetterByCode(prisma, code);
  if (!letter) {
    const near = (await codesAwaitingReplies(prisma)).filter((c) => levenshtein(c, code) <= 1).slice(0, 3);
    await answer(near.length > 0 ? `${t("reply-op-unknown-code", { code })}\n${t("reply-op-did-you-mean", { codes: near.join(", ") })}` : t("reply-op-unknown-code", { code }));
    return { ok: false };
  }
  if (letter.status !== "posted" && letter.status !== "replied") {
    await answer(t("reply-op-not-posted", { code, status: letter.status }));
    return { ok: false };
  }
  if (input.uploads.length > REPLY_MAX_PAGES) {
    await answer(t("reply-op-too-many", { max: REPLY_MAX_PAGES }));
    return { ok: false };
  }

  const download = async (upload: ScanUpload): Promise<Buffer> => {
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

  /** One clean JPEG page stored; content-addressed, so a retried upload is the same file. */
  const storeImage = async (bytes: Buffer): Promise<NewReplyPage> => {
    const page = await processLetterPage(bytes);
    const key = `replies/${letter.id}/${page.sha256}.jpg`;
    await storage.put(key, page.data);
    return { storagePath: key, mimeType: "image/jpeg", width: page.width, height: page.height, sha256: page.sha256 };
  };

  /** Checks and stores one scan: a photo is one page, a PDF is rasterised into one page per PDF page. */
  const storeScan = async (upload: ScanUpload, bytes: Buffer, room: number): Promise<NewReplyPage[]> => {
    const sniffed = sniffImageFormat(bytes);
    try {
      if (upload.declared === "pdf" || sniffed === "pdf") {
        // Judged by content, not by the name or type the sender's device claimed.
        if (sniffed !== "pdf") throw new ScanRejected("not-a-pdf");
        // Never stored or forwarded as a PDF: its metadata and embedded images' EXIF go (pdf-scrub.ts).
        const rendered = await rasterisePdf(bytes, room);
        const pages: NewReplyPage[] = [];
        for (const png of rendered) pages.push(await storeImage(png));
        return pages;
      }
      if (upload.declared === "other" && sniffed === "unknown") throw new ScanRejected("unsupported-format");
      if (bytes.length > MAX_IMAGE_BYTES) throw new ScanRejected("too-large");
      return [await storeImage(bytes)];
    } catch (err) {
      if (err instanceof PdfRejectedError) throw new ScanRejected(err.reason === "too-many-pages" ? "too-many" : "corrupted");
      if (err instanceof PdfToolsMissingError) {
        // The server's fault, not the file's: the operators are told so, the admin reads how to fix it.
        logger.error({ letter_id: letter.id }, err.message);
        throw new ScanRejected("pdf-tools-missing");
      }
      if (err instanceof ImageRejectedError) {
        throw new ScanRejected(
          err.reason === "too-large-file" || err.reason === "too-many-pixels" ? "too-large" : err.reason === "corrupted" || err.reason === "empty" ? "corrupted" : "unsupported-format",
        );
      }
      throw err;
    }
  };

  const pages: NewReplyPage[] = [];
  try {
    for (const upload of input.uploads) {
      const stored = await storeScan(upload, await download(upload), REPLY_MAX_PAGES - pages.length);
      for (const page of stored) pages.push({ ...page, sourceMessageId: upload.messageId });
    }
  } catch (err) {
    if (err instanceof ScanRejected && err.reason === "too-many") {
      await answer(t("reply-op-too-many", { max: REPLY_MAX_PAGES }));
      return { ok: false };
    }
    if (err instanceof ScanRejected) {
      await answer(t("reply-op-rejected", { reason: err.reason, max: REPLY_MAX_BYTES / 1024 / 1024 }));
      return { ok: false };
    }
    throw err;
  }
  const { replyId, created, added, pageCount } = await createReply(prisma, { letterId: letter.id, operatorId: input.operatorId, pages, sourceKey: input.sourceKey });
  // The delivery waits for more scans of this reply (REPLY_GATHER_MS after the latest); it answers
  // the operators once, with the whole reply's page count, when it begins.
  if (added) await queues.replyDelivery({ replyId }, { delayMs: REPLY_GATHER_MS, pages: pageCount });
  logger.info(
    { reply_id: replyId, letter_id: letter.id, operator_id: input.operatorId, pages: pages.length, reply_pages: pageCount, created },
    added ? "reply scans stored; delivery queued" : "reply scans already stored (the same message again); nothing queued",
  );
  return { ok: true, code, replyId, created };
}
