// What a letter page may be, decided from what Telegram tells about a file (before any download)
// and from the bytes that arrive. Pure: no network, no grammY.
import { MAX_IMAGE_BYTES, type ImageRejectionReason } from "./photo.js";

/** Why a page was refused; each has its own answer in the locales (letter-page-error-<reason>). */
export type PageFailure = ImageRejectionReason | "pdf" | "download-failed";

/** What a chat message says about an attached file. */
export interface OfferedFile {
  /** "photo" for Telegram's compressed photos, "document" for files sent as files. */
  kind: "photo" | "document";
  size?: number | undefined;
  mimeType?: string | undefined;
  fileName?: string | undefined;
}

/** A photo document type decided from Telegram's mime type and name, before downloading anything. */
export function documentVerdict(mimeType: string | undefined, fileName: string | undefined): "image" | PageFailure {
  const mime = (mimeType ?? "").toLowerCase();
  const ext = /\.([a-z0-9]+)$/i.exec(fileName ?? "")?.[1]?.toLowerCase() ?? "";
  if (mime === "application/pdf" || ext === "pdf") return "pdf";
  if (mime === "image/heic" || mime === "image/heif" || ext === "heic" || ext === "heif") return "heic";
  // Unknown types are downloaded and sniffed: phones often send photos as octet-stream.
  if (mime.startsWith("image/") || mime === "" || mime === "application/octet-stream") return "image";
  return "unsupported-format";
}

/** "download" when the file is worth fetching, else the reason to refuse it without fetching. */
export function offeredFileVerdict(file: OfferedFile): "download" | PageFailure {
  const verdict = file.kind === "document" ? documentVerdict(file.mimeType, file.fileName) : "image";
  if (verdict !== "image") return verdict;
  return (file.size ?? 0) > MAX_IMAGE_BYTES ? "too-large-file" : "download";
}

/** Reads a response body, refusing one that declares or turns out to be over `limit` bytes. */
export async function readLimited(response: Response, limit: number): Promise<Buffer | undefined> {
  const declared = Number(response.headers.get("content-length") ?? "0");
  if (declared > limit) return undefined;
  const bytes = Buffer.from(await response.arrayBuffer());
  return bytes.length > limit ? undefined : bytes;
}
