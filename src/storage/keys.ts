// Storage keys in one place, so the letter flow, the print worker and the reply flow agree.

/** A processed page of a letter still being written; named by content, so a page sent twice is one file. */
export function draftPageKey(writerId: number, sha256: string): string {
  return `drafts/${writerId}/${sha256}.jpg`;
}

/** Everything one writer has in drafts (removed on send, /cancel, or when a draft expires). */
export function draftPrefix(writerId: number): string {
  return `drafts/${writerId}/`;
}

/** Page `index` (1-based) of a submitted handwritten letter. */
export function letterPageKey(letterId: number, index: number): string {
  return `letters/${letterId}/page-${index}.jpg`;
}
