import { describe, expect, test } from "vitest";
import { addAutoEntities, parseFormatted, parseHtml, parseMarkdownV2 } from "../../src/fake-telegram/formatting.js";

describe("HTML parse mode", () => {
  test("tags become entities with UTF-16 offsets, entities are decoded", () => {
    expect(parseHtml('😀 <b>bold <i>both</i></b> &lt;&amp;&gt; &#1055; <a href="https://example.org/?a=1&amp;b=2">link</a>')).toEqual({
      text: "😀 bold both <&> П link",
      entities: [
        { type: "bold", offset: 3, length: 9 },
        { type: "italic", offset: 8, length: 4 },
        { type: "text_link", offset: 19, length: 4, url: "https://example.org/?a=1&b=2" },
      ],
    });
    expect(parseHtml('<pre><code class="language-ts">let a = 1;</code></pre><tg-spoiler>x</tg-spoiler><blockquote expandable>q</blockquote>')).toEqual({
      text: "let a = 1;xq",
      entities: [
        { type: "pre", offset: 0, length: 10, language: "ts" },
        { type: "spoiler", offset: 10, length: 1 },
        { type: "expandable_blockquote", offset: 11, length: 1 },
      ],
    });
    expect(parseHtml("Tom & Jerry").text).toBe("Tom & Jerry");
  });

  test("malformed markup is refused with Telegram's messages", () => {
    expect(() => parseHtml("<b>open")).toThrow('can\'t parse entities: Can\'t find end tag corresponding to start tag "b"');
    expect(() => parseHtml("<b>x</i>")).toThrow('Unmatched end tag at byte offset 4, expected "</b>", found "</i>"');
    expect(() => parseHtml("Привет <div>")).toThrow('Unsupported start tag "div" at byte offset 13');
    expect(() => parseHtml("x</b>")).toThrow("Unexpected end tag at byte offset 1");
    expect(() => parseHtml("<3")).toThrow("Unclosed start tag at byte offset 0");
  });
});

describe("MarkdownV2 parse mode", () => {
  test("markers, escapes, links and code", () => {
    expect(parseMarkdownV2("*bold \\*star* _it_ __under__ ~gone~ ||hid|| [site](https://example.org/a\\)b) `a\\`b` 1\\.5")).toEqual({
      text: "bold *star it under gone hid site a`b 1.5",
      entities: [
        { type: "bold", offset: 0, length: 10 },
        { type: "italic", offset: 11, length: 2 },
        { type: "underline", offset: 14, length: 5 },
        { type: "strikethrough", offset: 20, length: 4 },
        { type: "spoiler", offset: 25, length: 3 },
        { type: "text_link", offset: 29, length: 4, url: "https://example.org/a)b" },
        { type: "code", offset: 34, length: 3 },
      ],
    });
    expect(parseMarkdownV2("```python\nprint(1)\n```")).toEqual({
      text: "print(1)\n",
      entities: [{ type: "pre", offset: 0, length: 9, language: "python" }],
    });
    expect(parseMarkdownV2(">quoted\n>lines\nafter")).toEqual({
      text: "quoted\nlines\nafter",
      entities: [{ type: "blockquote", offset: 0, length: 12 }],
    });
  });

  test("reserved characters and unclosed entities are refused", () => {
    expect(() => parseMarkdownV2("Hello!")).toThrow("Character '!' is reserved and must be escaped with the preceding '\\'");
    expect(() => parseMarkdownV2("a-b")).toThrow("Character '-' is reserved");
    expect(() => parseMarkdownV2("*never closed")).toThrow("Can't find end of Bold entity at byte offset 0");
  });
});

describe("text as Telegram stores it", () => {
  test("whitespace around the text is trimmed and entities follow", () => {
    expect(parseFormatted("  <b> hi</b>\n\n", "HTML", undefined)).toEqual({ text: "hi", entities: [{ type: "bold", offset: 0, length: 2 }] });
  });

  test("commands, mentions, hashtags, links and e-mails are detected", () => {
    const { entities } = addAutoEntities({
      text: "/start@lifeline_bot ask @someone_here about #books at https://example.org/x, or write a@b.org",
      entities: [],
    });
    expect(entities.map((e) => e.type)).toEqual(["bot_command", "mention", "hashtag", "url", "email"]);
    expect(entities[0]).toEqual({ type: "bot_command", offset: 0, length: 19 });
    expect(entities[3]).toMatchObject({ offset: 54, length: 21 });
  });
});
