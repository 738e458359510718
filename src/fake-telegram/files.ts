import { randomBytes } from "node:crypto";
import sharp, { type Metadata } from "sharp";
import type { Document, PhotoSize } from "grammy/types";
import { badRequest } from "./errors.js";

export type StoredFileKind = "photo" | "document" | "voice" | "video" | "sticker" | "audio" | "animation";

/** One downloadable file as the fake keeps it. */
export interface StoredFile {
  fileId: string;
  fileUniqueId: string;
  kind: StoredFileKind;
  bytes: Buffer;
  mimeType: string;
  fileName?: string;
  filePath: string;
  width?: number;
  height?: number;
}

/** Telegram refuses getFile for bigger files (a local Bot API server lifts this; Telegram does not). */
export const GET_FILE_LIMIT = 20 * 1024 * 1024;

// Telegram keeps a photo in several sizes: thumbnails with these longest sides, then the full picture.
const PHOTO_SIDES = [90, 320, 800, 1280];
const PHOTO_MAX_SIDE = 2560;

const MIME_BY_EXTENSION: Record<string, string> = {
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  gif: "image/gif",
  webp: "image/webp",
  heic: "image/heic",
  tif: "image/tiff",
  tiff: "image/tiff",
  bmp: "image/bmp",
  pdf: "application/pdf",
  txt: "text/plain",
  csv: "text/csv",
  json: "application/json",
  zip: "application/zip",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  odt: "application/vnd.oasis.opendocument.text",
  rtf: "application/rtf",
  mp3: "audio/mpeg",
  ogg: "audio/ogg",
  oga: "audio/ogg",
  mp4: "video/mp4",
};

/** Telegram infers a document's MIME type from its name, like here. */
export function mimeTypeFor(fileName: string): string {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  return (ext !== undefined ? MIME_BY_EXTENSION[ext] : undefined) ?? "application/octet-stream";
}

const FOLDER: Record<StoredFileKind, string> = {
  photo: "photos",
  document: "documents",
  voice: "voice",
  video: "videos",
  sticker: "stickers",
  audio: "music",
  animation: "animations",
};

const DEFAULT_EXTENSION: Record<StoredFileKind, string> = {
  photo: "jpg",
  document: "dat",
  voice: "oga",
  video: "mp4",
  sticker: "webp",
  audio: "mp3",
  animation: "mp4",
};

export interface StoreOptions {
  mimeType?: string;
  /** Extension of the file_path when there is no file name (e.g. "png" for a PNG photo). */
  extension?: string;
  fileName?: string;
  width?: number;
  height?: number;
}

export class FileStore {
  private readonly byId = new Map<string, StoredFile>();
  /** file_id of any size of a photo -> all its sizes, smallest first. */
  private readonly photoSets = new Map<string, StoredFile[]>();
  private counter = 0;

  store(kind: StoredFileKind, bytes: Buffer, opts: StoreOptions = {}): StoredFile {
    this.counter++;
    const ext = /\.([A-Za-z0-9]{1,8})$/.exec(opts.fileName ?? "")?.[1]?.toLowerCase() ?? opts.extension ?? DEFAULT_EXTENSION[kind];
    const file: StoredFile = {
      // Shapes like Telegram's: long opaque file_id, short file_unique_id, both unique per file here.
      fileId: `${kindPrefix(kind)}${randomId(48)}`,
      fileUniqueId: `AQAD${randomId(12)}`,
      kind,
      bytes,
      mimeType: opts.mimeType ?? (opts.fileName !== undefined ? mimeTypeFor(opts.fileName) : mimeTypeFor(`x.${ext}`)),
      filePath: `${FOLDER[kind]}/file_${this.counter}.${ext}`,
      ...(opts.fileName !== undefined ? { fileName: opts.fileName } : {}),
      ...(opts.width !== undefined ? { width: opts.width } : {}),
      ...(opts.height !== undefined ? { height: opts.height } : {}),
    };
    this.byId.set(file.fileId, file);
    return file;
  }

  /**
   * Stores a picture the way Telegram does: thumbnails re-encoded as JPEG, then the full picture.
   * The largest size keeps the uploaded bytes (unless beyond 2560 px), so tests can compare them.
   */
  async storePhoto(bytes: Buffer): Promise<StoredFile[]> {
    let meta: Metadata;
    try {
      meta = await sharp(bytes).metadata();
    } catch {
      throw badRequest("IMAGE_PROCESS_FAILED");
    }
    const rotated = (meta.orientation ?? 1) >= 5;
    const width = (rotated ? meta.height : meta.width) ?? 0;
    const height = (rotated ? meta.width : meta.height) ?? 0;
    if (width === 0 || height === 0) throw badRequest("IMAGE_PROCESS_FAILED");
    if (width / height > 20 || height / width > 20) throw badRequest("PHOTO_INVALID_DIMENSIONS");
    const longest = Math.max(width, height);
    const sides = PHOTO_SIDES.filter((side) => side < longest);
    const sizes: { bytes: Buffer; width: number; height: number }[] = await Promise.all(
      sides.map(async (side) => {
        const out = await sharp(bytes).rotate().resize(side, side, { fit: "inside" }).jpeg({ quality: 80 }).toBuffer({ resolveWithObject: true });
        return { bytes: out.data, width: out.info.width, height: out.info.height };
      }),
    );
    if (longest > PHOTO_MAX_SIDE) {
      const out = await sharp(bytes).rotate().resize(PHOTO_MAX_SIDE, PHOTO_MAX_SIDE, { fit: "inside" }).jpeg({ quality: 87 }).toBuffer({ resolveWithObject: true });
      sizes.push({ bytes: out.data, width: out.info.width, height: out.info.height });
    } else {
      sizes.push({ bytes, width, height });
    }
    const mimeType = longest > PHOTO_MAX_SIDE ? "image/jpeg" : `image/${meta.format}`;
    const files = sizes.map((s, index) => {
      const type = index === sizes.length - 1 ? mimeType : "image/jpeg";
      return this.store("photo", s.bytes, { width: s.width, height: s.height, mimeType: type, extension: type === "image/jpeg" ? "jpg" : type.slice(6) });
    });
    for (const f of files) this.photoSets.set(f.fileId, files);
    return files;
  }

  get(fileId: string): StoredFile | undefined {
    return this.byId.get(fileId);
  }

  byPath(filePath: string): StoredFile | undefined {
    for (const f of this.byId.values()) if (f.filePath === filePath) return f;
    return undefined;
  }

  /** All sizes of the photo one of whose sizes has this file_id. */
  photoSet(fileId: string): StoredFile[] | undefined {
    return this.photoSets.get(fileId);
  }
}

function kindPrefix(kind: StoredFileKind): string {
  switch (kind) {
    case "photo":
      return "AgACAgIAAxkBAA";
    case "document":
      return "BQACAgIAAxkBAA";
    case "voice":
      return "AwACAgIAAxkBAA";
    case "video":
      return "BAACAgIAAxkBAA";
    case "sticker":
      return "CAACAgIAAxkBAA";
    case "audio":
      return "CQACAgIAAxkBAA";
    case "animation":
      return "CgACAgIAAxkBAA";
  }
}

function randomId(length: number): string {
  return randomBytes(length).toString("base64url").slice(0, length);
}

export function toPhotoSizes(files: StoredFile[]): PhotoSize[] {
  return files.map((f) => ({
    file_id: f.fileId,
    file_unique_id: f.fileUniqueId,
    file_size: f.bytes.length,
    width: f.width ?? 0,
    height: f.height ?? 0,
  }));
}

export function toDocument(f: StoredFile): Document {
  return {
    file_id: f.fileId,
    file_unique_id: f.fileUniqueId,
    file_size: f.bytes.length,
    mime_type: f.mimeType,
    ...(f.fileName !== undefined ? { file_name: f.fileName } : {}),
  };
}
