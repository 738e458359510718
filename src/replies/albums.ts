// Albums of reply scans wait in Redis, not in a process's memory: a bot restart (or a second bot
// process) between two pages of one album loses nothing. Keys live under the service prefix and
// expire after a day, so an album nobody closes leaves nothing behind. Each page entry (its caption,
// Telegram's file id) is stored encrypted, like every other state with typed words in Redis.
import type { Redis } from "ioredis";
import { decryptText, encryptText, type Keyring } from "../privacy/cipher.js";
import type { ScanUpload } from "./intake.js";

/** Album items arrive as separate updates; the album is complete after this much quiet. */
export const ALBUM_QUIET_MS = 1500;
/**
 * After the bot (re)starts, Telegram first hands over what arrived while it was down: no album
 * closes until the bot has been up this long, so pages sent during a restart join their album.
 */
export const ALBUM_RESTART_GRACE_MS = 5000;
const ALBUM_TTL_S = 24 * 3600;

/** One page of an album as the bot saw it arrive. */
export interface AlbumPage extends ScanUpload {
  /** Telegram id of the operator who sent it (re-checked when the album closes). */
  fromId: number;
  /** The letter code of the bot's card this message replied to, if any. */
  cardCode?: string;
  /** The language the sender is answered in ("ru" or "en"), as the bot negotiated it for this message. */
  locale?: string;
}

function albumKey(prefix: string, chatId: number, mediaGroupId: string): string {
  return `${prefix}:album:${chatId}:${mediaGroupId}`;
}

/** SCAN pattern of every album's waiting pages (lists of encrypted entries): `keys rotate` re-encrypts them. */
export function albumPagesPattern(prefix: string): string {
  return `${prefix}:album:*:*:pages`;
}

function keys(prefix: string, chatId: number, mediaGroupId: string) {
  const base = albumKey(prefix, chatId, mediaGroupId);
  return {
    pages: `${base}:pages`,
    last: `${base}:last`,
    /** Message ids already turned into a reply (a redelivered update must not become a second one). */
    done: `${base}:done`,
    /** The code of the letter the album was for, so late pages without a caption find it. */
    code: `${base}:code`,
    lock: `${base}:lock`,
  };
}

/** Albums of this chat with pages not yet stored, scored by their latest page's time. */
function openAlbumsKey(prefix: string, chatId: number): string {
  return `${prefix}:albums-open:${chatId}`;
}

/** An album open longer than this (its closing job keeps failing) no longer holds reply deliveries back. */
const ALBUM_OPEN_MAX_MS = 10 * 60_000;

function startedKey(prefix: string): string {
  return `${prefix}:bot:started-at`;
}

/** Called when the bot starts, before the workers: albums wait for the backlog (ALBUM_RESTART_GRACE_MS). */
export async function markBotStarting(redis: Redis, prefix: string, now = Date.now()): Promise<void> {
  await redis.set(startedKey(prefix), String(now));
}

/** Stores one arriving page and the time it came. */
export async function addAlbumPage(redis: Redis, keyring: Keyring, prefix: string, chatId: number, mediaGroupId: string, page: AlbumPage, now = Date.now()): Promise<void> {
  const k = keys(prefix, chatId, mediaGroupId);
  await redis
    .multi()
    .rpush(k.pages, encryptText(keyring, JSON.stringify(page)))
    .expire(k.pages, ALBUM_TTL_S)
    .set(k.last, String(now), "EX", ALBUM_TTL_S)
    .zadd(openAlbumsKey(prefix, chatId), now, mediaGroupId)
    .expire(openAlbumsKey(prefix, chatId), ALBUM_TTL_S)
    .exec();
}

/** When the album may close: quiet after its last page, and after the bot's last start. 0 when nothing waits. */
export async function albumDueAt(redis: Redis, prefix: string, chatId: number, mediaGroupId: string): Promise<number> {
  const k = keys(prefix, chatId, mediaGroupId);
  const [last, started] = await redis.mget(k.last, startedKey(prefix));
  const lastAt = Number(last ?? 0);
  const startedAt = Number(started ?? 0);
  return Math.max(lastAt + ALBUM_QUIET_MS, startedAt + ALBUM_RESTART_GRACE_MS);
}

export interface PendingAlbum {
  /** Pages not yet in a reply, in the order they were sent (message id), each once. */
  pages: AlbumPage[];
  /** How many stored entries were read (duplicates included): remove exactly these once done. */
  read: number;
  code: string | undefined;
}

/** A stored page entry, or undefined when it cannot be read (a key no longer listed, damage): such a page is skipped. */
function openEntry(keyring: Keyring, entry: string): AlbumPage | undefined {
  try {
    return JSON.parse(decryptText(keyring, entry)) as AlbumPage;
  } catch {
    return undefined;
  }
}

export async function readAlbum(redis: Redis, keyring: Keyring, prefix: string, chatId: number, mediaGroupId: string): Promise<PendingAlbum> {
  const k = keys(prefix, chatId, mediaGroupId);
  const [raw, done, code] = await Promise.all([redis.lrange(k.pages, 0, -1), redis.smembers(k.done), redis.get(k.code)]);
  const seen = new Set(done.map(Number));
  const pages: AlbumPage[] = [];
  for (const entry of raw) {
    const page = openEntry(keyring, entry);
    if (!page || seen.has(page.messageId)) continue;
    seen.add(page.messageId);
    pages.push(page);
  }
  pages.sort((a, b) => a.messageId - b.messageId);
  return { pages, read: raw.length, code: code ?? undefined };
}

/** The pages read are settled (a reply, or an answer why not): drop them, remember them and the code. */
export async function settleAlbumPages(
  redis: Redis,
  prefix: string,
  chatId: number,
  mediaGroupId: string,
  settled: { read: number; messageIds: number[]; code?: string | undefined },
): Promise<void> {
  const k = keys(prefix, chatId, mediaGroupId);
  const tx = redis.multi().ltrim(k.pages, settled.read, -1);
  if (settled.messageIds.length > 0) tx.sadd(k.done, ...settled.messageIds.map(String)).expire(k.done, ALBUM_TTL_S);
  if (settled.code) tx.set(k.code, settled.code, "EX", ALBUM_TTL_S);
  await tx.exec();
}

/** One closing job at a time per album (a late page's job may overlap a running one). */
export async function lockAlbum(redis: Redis, prefix: string, chatId: number, mediaGroupId: string, owner: string, ttlMs = 120_000): Promise<boolean> {
  return (await redis.set(keys(prefix, chatId, mediaGroupId).lock, owner, "PX", ttlMs, "NX")) === "OK";
}

export async function unlockAlbum(redis: Redis, prefix: string, chatId: number, mediaGroupId: string, owner: string): Promise<void> {
  const key = keys(prefix, chatId, mediaGroupId).lock;
  if ((await redis.get(key)) === owner) await redis.del(key);
}

/** The album has nothing left to store: it stops counting as arriving (unless a page came meanwhile). */
export async function markAlbumStored(redis: Redis, prefix: string, chatId: number, mediaGroupId: string): Promise<void> {
  await redis.eval(
    "if redis.call('LLEN', KEYS[1]) == 0 then redis.call('ZREM', KEYS[2], ARGV[1]) end return 0",
    2,
    keys(prefix, chatId, mediaGroupId).pages,
    openAlbumsKey(prefix, chatId),
    mediaGroupId,
  );
}

/** Whether an album in this chat is still arriving or being stored (its pages may belong to a reply about to go out). */
export async function albumsArriving(redis: Redis, prefix: string, chatId: number, now = Date.now()): Promise<boolean> {
  return (await redis.zcount(openAlbumsKey(prefix, chatId), now - ALBUM_OPEN_MAX_MS, "+inf")) > 0;
}
