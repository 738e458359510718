// Storage keys in one place, so the letter flow, the print worker and the reply flow agree.

/** A processed page of a letter still being written; named by content, so a page sent twice is one file. */
export function draftPageKey(writerId: number, sha256: string): string {
  return `drafts/${writerId}/${sha256}.jpg`;
}

/** Everything one writer has in drafts (removed on send, /cancel, or when a draft expires). */
export function draftPrefix(writerId: number): string {
  return `drafts/${writerId}/`;
}

/**
 * Marks a letter being written (kept with the draft's files, outside Redis): the conversation's own
 * state lives in Redis, and when Redis loses it the bot can still tell the writer their draft is gone.
 */
export function draftOpenKey(writerId: number): string {
  return `${draftPrefix(writerId)}open`;
}

/** Page `index` (1-based) of a submitted handwritten letter. */
export function letterPageKey(letterId: number, index: number): string {
  return `letters/${letterId}/page-${index}.jpg`;
}

/** Everything of one submitted letter: its pages and its PDF (removed by retention). */
export function letterFolder(letterId: number): string {
  return `letters/${letterId}/`;
}
