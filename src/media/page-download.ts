// Fetches one letter page from Telegram and turns it into a stored-ready page (upright, grey, no
// metadata, see photo.ts). The caller passes the Api, so this module knows nothing of the bot.
import { GrammyError, type Api } from "grammy";
import type { Logger } from "../logger.js";
import { readLimited, type PageFailure } from "./page-intake.js";
import { ImageRejectedError, MAX_IMAGE_BYTES, processLetterPage, type ProcessedPage } from "./photo.js";

export interface PageSource {
  /** A plain Api (not a conversation's ctx.api: this runs inside conversation.external). */
  api: Pick<Api, "getFile">;
  /** `${apiRoot}/file/bot${token}/${path}`, built here: a local Bot API server must work too. */
  apiRoot: string;
  token: string;
  logger: Pick<Logger, "warn">;
}

export type DownloadedPage = { ok: true; page: ProcessedPage } | { ok: false; reason: PageFailure };

/** Asks Telegram where the file is; a file over the limit is refused before its bytes are fetched. */
async function locate(source: PageSource, writerId: number, fileId: string): Promise<{ path: string } | { reason: PageFailure }> {
  try {
    const file = await source.api.getFile(fileId);
    if ((file.file_size ?? 0) > MAX_IMAGE_BYTES) return { reason: "too-large-file" };
    return file.file_path ? { path: file.file_path } : { reason: "download-failed" };
  } catch (err) {
    if (err instanceof GrammyError && /too big/i.test(err.description)) return { reason: "too-large-file" };
    source.logger.warn({ err, writer_id: writerId }, "getFile failed for a letter page");
    return { reason: "download-failed" };
  }
}

async function fetchBytes(source: PageSource, writerId: number, filePath: string): Promise<Buffer | PageFailure> {
  try {
    const response = await fetch(`${source.apiRoot}/file/bot${source.token}/${filePath}`);
    if (!response.ok) {
      source.logger.warn({ status: response.status, writer_id: writerId }, "letter page download failed");
      return "download-failed";
    }
    return (await readLimited(response, MAX_IMAGE_BYTES)) ?? "too-large-file";
  } catch (err) {
    source.logger.warn({ err, writer_id: writerId }, "letter page download failed");
    return "download-failed";
  }
}

/** getFile, download, process with sharp; a refused image says why, anything unexpected throws. */
export async function downloadLetterPage(source: PageSource, writerId: number, fileId: string): Promise<DownloadedPage> {
  const located = await locate(source, writerId, fileId);
  if ("reason" in located) return { ok: false, reason: located.reason };
  const bytes = await fetchBytes(source, writerId, located.path);
  if (!Buffer.isBuffer(bytes)) return { ok: false, reason: bytes };
  try {
    return { ok: true, page: await processLetterPage(bytes) };
  } catch (err) {
    if (err instanceof ImageRejectedError) return { ok: false, reason: err.reason };
    throw err;
  }
}
