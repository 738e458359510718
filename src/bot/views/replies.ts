/** Callback data around replies; ids only. */
export const REPLY_CB = {
  /** "Write back": a new letter to the prisoner of this letter. */
  writeBack: (letterId: number) => `rep:wb:${letterId}`,
  /** Show a stored reply again (My letters). */
  open: (replyId: number) => `rep:open:${replyId}`,
} as const;
