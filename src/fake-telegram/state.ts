import type {
  Chat,
  Document,
  ForceReply,
  InlineKeyboardButton,
  InlineKeyboardMarkup,
  LinkPreviewOptions,
  Message,
  MessageEntity,
  PhotoSize,
  ReplyKeyboardMarkup,
  ReplyKeyboardRemove,
  User,
} from "grammy/types";
import { toDocument, toPhotoSizes, type StoredFile } from "./files.js";

export type ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply;
export type MessageKind = "text" | "photo" | "document" | "voice" | "video" | "sticker";
export type MemberStatus = "creator" | "administrator" | "member" | "restricted" | "left" | "kicked";

/** A message as the fake stores it; the Bot API `Message` is built from it on demand. */
export interface StoredMessage {
  chatId: number;
  messageId: number;
  sender: "bot" | "user";
  from: User;
  date: number;
  editDate?: number;
  kind: MessageKind;
  /** Text of a text message, or caption of a media message (plain, after parse_mode). */
  text?: string;
  entities: MessageEntity[];
  parseMode?: string;
  replyMarkup?: ReplyMarkup;
  replyToMessageId?: number;
  linkPreviewOptions?: LinkPreviewOptions;
  mediaGroupId?: string;
  showCaptionAboveMedia?: boolean;
  hasSpoiler?: boolean;
  /** Photo sizes, smallest first, or the single file of any other media kind. */
  files: StoredFile[];
  /** Extra fields of sticker/voice/video objects (emoji, duration, ...). */
  mediaExtra?: Record<string, unknown>;
  forwardOrigin?: Message["forward_origin"];
  deleted: boolean;
}

/** What a test sees of a message: a snapshot taken when it was read. */
export interface FakeMessage {
  messageId: number;
  chatId: number;
  sender: "bot" | "user";
  kind: MessageKind;
  date: number;
  editDate?: number;
  /** Text of a text message. */
  text?: string;
  /** Caption of a media message. */
  caption?: string;
  /** Entities of the text or the caption. */
  entities: MessageEntity[];
  /** The parse_mode the bot used, as sent. */
  parseMode?: string;
  replyMarkup?: ReplyMarkup;
  /** Rows of inline buttons, empty when the message has none. */
  inlineKeyboard: InlineKeyboardButton[][];
  replyToMessageId?: number;
  linkPreviewOptions?: LinkPreviewOptions;
  mediaGroupId?: string;
  photo?: PhotoSize[];
  document?: Document;
  /** The Bot API Message object as the bot would receive it. */
  raw: Message;
  /** Bytes of the document, or of the largest photo size, or of other media; undefined for text. */
  fileBytes(): Buffer | undefined;
}

export class ChatState {
  readonly messages = new Map<number, StoredMessage>();
  readonly order: number[] = [];
  private nextMessageId = 1;
  blocked = false;
  /** A private chat the user never wrote in cannot be written to by a bot. */
  started = false;
  readonly members = new Map<number, { user: User; status: MemberStatus }>();
  replyKeyboard?: ReplyKeyboardMarkup;
  /** A basic group upgraded to a supergroup: the id it lives on now (the old id refuses every call). */
  migratedTo?: number;

  constructor(readonly chat: Chat) {}

  get id(): number {
    return this.chat.id;
  }

  get isPrivate(): boolean {
    return this.chat.type === "private";
  }

  add(message: Omit<StoredMessage, "messageId" | "chatId" | "deleted">): StoredMessage {
    const stored: StoredMessage = { ...message, chatId: this.id, messageId: this.nextMessageId++, deleted: false };
    this.messages.set(stored.messageId, stored);
    this.order.push(stored.messageId);
    return stored;
  }

  get(messageId: number): StoredMessage | undefined {
    const m = this.messages.get(messageId);
    return m === undefined || m.deleted ? undefined : m;
  }

  /** Live messages in the order they were sent. */
  list(): StoredMessage[] {
    const out: StoredMessage[] = [];
    for (const id of this.order) {
      const m = this.messages.get(id);
      if (m !== undefined && !m.deleted) out.push(m);
    }
    return out;
  }
}

function mediaFields(m: StoredMessage): Partial<Message> {
  const file = m.files[m.files.length - 1];
  if (file === undefined) return {};
  const base = { file_id: file.fileId, file_unique_id: file.fileUniqueId, file_size: file.bytes.length };
  switch (m.kind) {
    case "photo":
      return { photo: toPhotoSizes(m.files) };
    case "document":
      return { document: toDocument(file) };
    case "voice":
      return { voice: { ...base, duration: 1, mime_type: file.mimeType, ...m.mediaExtra } };
    case "video":
      return {
        video: { ...base, width: file.width ?? 640, height: file.height ?? 360, duration: 1, mime_type: file.mimeType, ...m.mediaExtra },
      };
    case "sticker":
      return {
        sticker: {
          ...base,
          type: "regular",
          width: file.width ?? 512,
          height: file.height ?? 512,
          is_animated: false,
          is_video: false,
          ...m.mediaExtra,
        },
      };
    case "text":
      return {};
  }
}

/** Builds the Bot API Message; a replied-to message is embedded one level deep, like Telegram does. */
export function toApiMessage(m: StoredMessage, chat: ChatState, depth = 0): Message {
  const message: Message = {
    message_id: m.messageId,
    from: m.from,
    chat: chat.chat,
    date: m.date,
    ...(m.editDate !== undefined ? { edit_date: m.editDate } : {}),
    ...(m.forwardOrigin !== undefined ? { forward_origin: m.forwardOrigin } : {}),
    ...(m.mediaGroupId !== undefined ? { media_group_id: m.mediaGroupId } : {}),
    ...mediaFields(m),
  };
  if (m.kind === "text") {
    message.text = m.text ?? "";
    if (m.entities.length > 0) message.entities = m.entities;
    if (m.linkPreviewOptions !== undefined) message.link_preview_options = m.linkPreviewOptions;
  } else if (m.text !== undefined && m.text !== "") {
    message.caption = m.text;
    if (m.entities.length > 0) message.caption_entities = m.entities;
    if (m.showCaptionAboveMedia === true) message.show_caption_above_media = true;
  }
  if (m.hasSpoiler === true) message.has_media_spoiler = true;
  if (m.replyToMessageId !== undefined && depth === 0) {
    const replied = chat.messages.get(m.replyToMessageId);
    if (replied !== undefined && !replied.deleted) {
      message.reply_to_message = toApiMessage(replied, chat, depth + 1) as Message & { reply_to_message: undefined };
    }
  }
  // Only inline keyboards are part of a Message; reply keyboards live on the client.
  if (m.replyMarkup !== undefined && "inline_keyboard" in m.replyMarkup) message.reply_markup = m.replyMarkup;
  return message;
}

export function snapshot(m: StoredMessage, chat: ChatState): FakeMessage {
  const raw = toApiMessage(m, chat);
  const files = m.files;
  return {
    messageId: m.messageId,
    chatId: m.chatId,
    sender: m.sender,
    kind: m.kind,
    date: m.date,
    ...(m.editDate !== undefined ? { editDate: m.editDate } : {}),
    ...(m.kind === "text" ? { text: m.text ?? "" } : m.text !== undefined && m.text !== "" ? { caption: m.text } : {}),
    entities: [...m.entities],
    ...(m.parseMode !== undefined ? { parseMode: m.parseMode } : {}),
    ...(m.replyMarkup !== undefined ? { replyMarkup: m.replyMarkup } : {}),
    inlineKeyboard: m.replyMarkup !== undefined && "inline_keyboard" in m.replyMarkup ? m.replyMarkup.inline_keyboard : [],
    ...(m.replyToMessageId !== undefined ? { replyToMessageId: m.replyToMessageId } : {}),
    ...(m.linkPreviewOptions !== undefined ? { linkPreviewOptions: m.linkPreviewOptions } : {}),
    ...(m.mediaGroupId !== undefined ? { mediaGroupId: m.mediaGroupId } : {}),
    ...(raw.photo !== undefined ? { photo: raw.photo } : {}),
    ...(raw.document !== undefined ? { document: raw.document } : {}),
    raw,
    fileBytes: () => files[files.length - 1]?.bytes,
  };
}

/** One line per message, for error messages that tell a test author what the chat actually got. */
export function describeMessages(messages: FakeMessage[]): string {
  if (messages.length === 0) return "  (none)";
  return messages
    .map((m) => {
      const content = m.text ?? m.caption ?? "";
      const short = content.length > 120 ? `${content.slice(0, 117)}...` : content;
      const buttons = m.inlineKeyboard.flat().map((b) => `[${b.text}]`).join(" ");
      const media = m.kind === "text" ? "" : `<${m.kind}${m.document?.file_name ? ` ${m.document.file_name}` : ""}> `;
      return `  #${m.messageId} ${m.sender}: ${media}${JSON.stringify(short)}${buttons ? ` ${buttons}` : ""}${m.editDate !== undefined ? " (edited)" : ""}`;
    })
    .join("\n");
}
