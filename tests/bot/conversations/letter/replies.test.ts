import type { Message } from "grammy/types";
import { describe, expect, it } from "vitest";
import { messageKindOf, splitForTelegram } from "../../../../src/bot/conversations/letter/replies.js";
import { commandOf } from "../../../../src/bot/conversations/letter/updates.js";

const message = (fields: Partial<Message>): Message => ({ message_id: 1, date: 0, chat: { id: 1, type: "private", first_name: "A" }, ...fields });

describe("text sent in pieces", () => {
  it("keeps short text whole and cuts long text at a line break, never above the limit", () => {
    expect(splitForTelegram("Hello")).toEqual(["Hello"]);
    expect(splitForTelegram("")).toEqual([]);
    const first = "a".repeat(70);
    const chunks = splitForTelegram(`${first}\n\n${"b".repeat(50)}`, 100);
    expect(chunks).toEqual([first, "b".repeat(50)]);
  });

  it("falls back to a space, then to a hard cut", () => {
    expect(splitForTelegram(`${"a".repeat(60)} ${"b".repeat(60)}`, 100)).toEqual(["a".repeat(60), "b".repeat(60)]);
    const hard = splitForTelegram("x".repeat(250), 100);
    expect(hard.map((c) => c.length)).toEqual([100, 100, 50]);
  });
});

describe("what arrived", () => {
  it("names the kind of a message that cannot go into a letter", () => {
    expect(messageKindOf(message({ sticker: {} as Message["sticker"] }))).toBe("sticker");
    expect(messageKindOf(message({ voice: {} as Message["voice"] }))).toBe("voice");
    expect(messageKindOf(message({ video_note: {} as Message["video_note"] }))).toBe("video");
    expect(messageKindOf(message({ document: {} as Message["document"] }))).toBe("document");
    expect(messageKindOf(message({ text: "hi" }))).toBe("text");
    expect(messageKindOf(message({}))).toBe("other");
  });

  it("reads a command only at the start, without the bot's name", () => {
    expect(commandOf(message({ text: "/Help@lifeline_bot", entities: [{ type: "bot_command", offset: 0, length: 18 }] }))).toBe("help");
    expect(commandOf(message({ text: "see /help", entities: [{ type: "bot_command", offset: 4, length: 5 }] }))).toBeUndefined();
    expect(commandOf(message({ text: "/start" }))).toBeUndefined();
    expect(commandOf(undefined)).toBeUndefined();
  });
});
