// The JSON spoken between the playground's server and its page. Types only: the page's script
// imports them too, so nothing here may need Node.

export type ChatKind = "private" | "group";

/** A simulated person at the keyboard: a writer in their private chat, or the operator in the group. */
export interface PersonaView {
  id: number;
  name: string;
  /** The Telegram language code the fake sends for this person. */
  languageCode: string;
}

export interface ChatView {
  id: number;
  kind: ChatKind;
  /** The chat's title as Telegram would show it: the bot's name, or the group's title. */
  title: string;
  /** Who types in this chat. */
  persona: PersonaView;
}

export interface EntityView {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
}

export type ButtonView =
  | { kind: "callback"; text: string; data: string }
  | { kind: "url"; text: string; url: string }
  /** Buttons only real Telegram can act on (web apps, inline switches, games, payments). */
  | { kind: "other"; text: string };

export interface FileView {
  fileId: string;
  mimeType: string;
  size: number;
  fileName?: string;
  width?: number;
  height?: number;
}

export interface MessageView {
  id: number;
  chatId: number;
  sender: "bot" | "user";
  fromName: string;
  /** Unix seconds. */
  date: number;
  edited: boolean;
  kind: "text" | "photo" | "document" | "voice" | "video" | "sticker";
  /** The text, or the caption of a media message ("" when there is none). */
  text: string;
  entities: EntityView[];
  buttons: ButtonView[][];
  replyTo?: { id: number; fromName: string; snippet: string };
  /** The largest size of a photo, or the file of any other media kind. */
  file?: FileView;
}

/** A reply keyboard the bot set in a private chat; rows of button texts. */
export type ReplyKeyboardView = string[][] | null;

export interface ChatHistory {
  chat: ChatView;
  messages: MessageView[];
  replyKeyboard: ReplyKeyboardView;
}

export interface CommandView {
  command: string;
  description: string;
}

export interface PlaygroundState {
  bot: { name: string; username: string };
  chats: ChatView[];
  /** Commands the bot registered for the menu, per language ("ru", "en"). */
  commands: Record<string, CommandView[]>;
}

/** Pushed over Server-Sent Events on /api/events. */
export type PlaygroundEvent =
  | { type: "message" | "edit"; chatId: number; message: MessageView; replyKeyboard: ReplyKeyboardView }
  | { type: "delete"; chatId: number; messageId: number }
  | { type: "chat_action"; chatId: number; action: string };

/** What the bot answered to a pressed inline button (a toast, or an alert when showAlert). */
export interface PressResult {
  text?: string;
  showAlert: boolean;
  url?: string;
}

export interface ApiError {
  error: string;
}
