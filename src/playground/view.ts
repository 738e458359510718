// Turns what the fake Telegram stores into what the page draws.
import type { InlineKeyboardButton, Message } from "grammy/types";
import type { FakeMessage } from "../fake-telegram/index.js";
import type { ButtonView, EntityView, FileView, MessageView } from "./protocol.js";

function buttonView(button: InlineKeyboardButton): ButtonView {
  if ("callback_data" in button && typeof button.callback_data === "string") {
    return { kind: "callback", text: button.text, data: button.callback_data };
  }
  if ("url" in button && typeof button.url === "string") return { kind: "url", text: button.text, url: button.url };
  return { kind: "other", text: button.text };
}

function fileView(raw: Message): FileView | undefined {
  const photo = raw.photo?.at(-1);
  if (photo) return { fileId: photo.file_id, mimeType: "image/jpeg", size: photo.file_size ?? 0, width: photo.width, height: photo.height };
  if (raw.document) {
    return {
      fileId: raw.document.file_id,
      mimeType: raw.document.mime_type ?? "application/octet-stream",
      size: raw.document.file_size ?? 0,
      ...(raw.document.file_name !== undefined ? { fileName: raw.document.file_name } : {}),
    };
  }
  if (raw.sticker) return { fileId: raw.sticker.file_id, mimeType: "image/webp", size: raw.sticker.file_size ?? 0, width: raw.sticker.width, height: raw.sticker.height };
  if (raw.voice) return { fileId: raw.voice.file_id, mimeType: raw.voice.mime_type ?? "audio/ogg", size: raw.voice.file_size ?? 0 };
  if (raw.video) return { fileId: raw.video.file_id, mimeType: raw.video.mime_type ?? "video/mp4", size: raw.video.file_size ?? 0, width: raw.video.width, height: raw.video.height };
  return undefined;
}

const SNIPPET_LENGTH = 80;

function snippetOf(raw: Message): string {
  const content = raw.text ?? raw.caption ?? "";
  const firstLine = content.split("\n").find((line) => line.trim() !== "") ?? "";
  if (firstLine !== "") return firstLine.length > SNIPPET_LENGTH ? `${firstLine.slice(0, SNIPPET_LENGTH - 1)}…` : firstLine;
  if (raw.photo) return "🖼";
  if (raw.document) return `📄 ${raw.document.file_name ?? ""}`.trim();
  return "…";
}

export function messageView(m: FakeMessage): MessageView {
  const raw = m.raw;
  const file = fileView(raw);
  const replied = raw.reply_to_message;
  return {
    id: m.messageId,
    chatId: m.chatId,
    sender: m.sender,
    fromName: raw.from?.first_name ?? "",
    date: m.date,
    edited: m.editDate !== undefined,
    kind: m.kind,
    text: m.text ?? m.caption ?? "",
    entities: m.entities.map((e): EntityView => ({
      type: e.type,
      offset: e.offset,
      length: e.length,
      ...("url" in e && typeof e.url === "string" ? { url: e.url } : {}),
      ...("language" in e && typeof e.language === "string" ? { language: e.language } : {}),
    })),
    buttons: m.inlineKeyboard.map((row) => row.map(buttonView)),
    ...(replied ? { replyTo: { id: replied.message_id, fromName: replied.from?.first_name ?? "", snippet: snippetOf(replied) } } : {}),
    ...(file ? { file } : {}),
  };
}
