import { z } from "zod";

/**
 * `reply-album`: closes an album of reply scans sent into the operators' chat. Album items arrive
 * as separate updates; the pages wait in Redis (see src/replies/albums.ts) and this delayed job,
 * one per album, turns them into one reply once no page came for a while.
 */
export const REPLY_ALBUM_QUEUE = "reply-album";

export const replyAlbumPayloadSchema = z.object({
  chatId: z.number().int(),
  /** Telegram's media_group_id: digits in practice; kept to characters safe in a job id and a Redis key. */
  mediaGroupId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
});
export type ReplyAlbumPayload = z.input<typeof replyAlbumPayloadSchema>;

export function replyAlbumJobId(payload: ReplyAlbumPayload): string {
  return `album-${payload.chatId}-${payload.mediaGroupId}`;
}
