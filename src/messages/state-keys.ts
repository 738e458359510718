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
