// Redis keys of per-chat bot state, shared by the bot and the workers (which may run in other processes).

/** Prefix of the conversations plugin's storage; the plugin appends the chat id. */
export function conversationKeyPrefix(prefix: string): string {
  return `${prefix}:conversation:`;
}

/** Where a chat's running conversations are stored. */
export function conversationKey(prefix: string, chatId: number): string {
  return `${conversationKeyPrefix(prefix)}${chatId}`;
}

/**
 * SCAN patterns of every chat's session (bot/index.ts sessionKey) and conversation: the chat state
 * kept encrypted (EncryptedStorage), which `keys rotate` re-encrypts.
 */
export function chatStatePatterns(prefix: string): string[] {
  return [`${prefix}:session:*`, `${conversationKeyPrefix(prefix)}*`];
}

/** The letter a flow's Send button sent (its id), so a later press of that button can name the letter. */
export function sentLetterKey(prefix: string, writerId: number, scope: string): string {
  return `${prefix}:sent-letter:${writerId}:${scope}`;
}
