/** Callback data of the "My letters" screens; ids only. */
export const MY_CB = {
  list: "my:list",
  /** "my:list:<offset>" for the next page of the list. */
  page: (offset: number) => `my:list:${offset}`,
  letter: (letterId: number) => `my:l:${letterId}`,
  /** "Fix and send again" after "needs changes": the letter flow edits the same letter. */
  resubmit: (letterId: number) => `my:rs:${letterId}`,
  openReply: (replyId: number) => `my:r:${replyId}`,
} as const;
