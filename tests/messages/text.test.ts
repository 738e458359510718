import { describe, expect, it } from "vitest";
import { escapeHtml, formatUtc, splitText, TEXT_CHUNK } from "../../src/messages/text.js";

describe("text helpers", () => {
  it("escapes what Telegram's HTML would read as markup", () => {
    expect(escapeHtml("a < b & c > d")).toBe("a &lt; b &amp; c &gt; d");
  });

  it("splits at paragraphs first, then lines, then words, never over the limit", () => {
    const paragraph = "word ".repeat(500).trim();
    const text = `${paragraph}\n\n${paragraph}\n\n${paragraph}`;
    const chunks = splitText(text);
    expect(chunks.every((chunk) => chunk.length <= TEXT_CHUNK)).toBe(true);
    expect(chunks.join("\n\n")).toBe(text);
    expect(splitText("один два три четыре", 12)).toEqual(["один два", "три четыре"]);
    expect(splitText("   ")).toEqual([]);
  });

  it("cuts a word without spaces at the limit", () => {
    expect(splitText("x".repeat(25), 10)).toEqual(["x".repeat(10), "x".repeat(10), "x".repeat(5)]);
  });

  it("writes dates in UTC for operators in any time zone", () => {
    expect(formatUtc(new Date("2026-11-27T08:50:59Z"))).toBe("27.11.2026 08:50 UTC");
  });
});
