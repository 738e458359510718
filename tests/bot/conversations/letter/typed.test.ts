import { describe, expect, it } from "vitest";
import { addedPart, cleanNotes, editedPart } from "../../../../src/bot/conversations/letter/typed.js";
import { TYPED_LETTER_MAX_CHARS } from "../../../../src/domain/letter.js";
import { tr } from "./i18n.js";

describe("typed letter parts", () => {
  it("adds a cleaned part and says what cleaning removed", () => {
    const result = addedPart([], "Привет 😀\u200b");
    expect(result).toEqual({ ok: true, cleaned: { text: "Привет", removedEmoji: true, removedInvisible: true } });
    if (!result.ok) throw new Error("refused");
    expect(cleanNotes(tr("en"), result.cleaned)).toEqual([
      "We removed invisible control characters from the text.",
      "Emoji cannot be printed, so we left them out.",
    ]);
    expect(cleanNotes(tr("en"), { removedEmoji: false, removedInvisible: false })).toEqual([]);
  });

  it("refuses an empty part and one that would pass the limit, saying how much room is left", () => {
    expect(addedPart([], "  \n ")).toEqual({ ok: false, reason: "empty" });
    const parts = [{ messageId: 1, text: "a".repeat(TYPED_LETTER_MAX_CHARS - 10) }];
    // Parts are joined with a blank line: 2 characters of the 10 left go to it.
    expect(addedPart(parts, "b".repeat(8))).toMatchObject({ ok: true });
    expect(addedPart(parts, "b".repeat(9))).toEqual({ ok: false, reason: "too-long", length: TYPED_LETTER_MAX_CHARS + 1, left: 10 });
  });

  it("checks an edited part against the limit in its own place", () => {
    const parts = [
      { messageId: 1, text: "a".repeat(TYPED_LETTER_MAX_CHARS - 100) },
      { messageId: 2, text: "short" },
    ];
    expect(editedPart(parts, 1, "b".repeat(98))).toMatchObject({ ok: true, cleaned: { text: "b".repeat(98) } });
    expect(editedPart(parts, 1, "b".repeat(99))).toEqual({ ok: false, length: TYPED_LETTER_MAX_CHARS + 1 });
  });
});
