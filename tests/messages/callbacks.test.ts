import { describe, expect, it } from "vitest";
import { callback, id, MAX_ID, oneOf, page, token } from "../../src/messages/callbacks.js";

describe("callback codec", () => {
  const letter = callback("my:l", id);
  const reason = callback("mod:cr", id, oneOf(["war", "case"] as const));
  const query = callback("s:q", token(16), page);

  it("encodes and decodes typed fields", () => {
    expect(letter.encode(42)).toBe("my:l:42");
    expect(letter.decode("my:l:42")).toEqual([42]);
    expect(reason.decode(reason.encode(7, "war"))).toEqual([7, "war"]);
    expect(query.decode("s:q:Ab_9-:3")).toEqual(["Ab_9-", 3]);
    expect(letter.decode(`my:l:${MAX_ID}`)).toEqual([MAX_ID]);
  });

  it("refuses out-of-range ids, junk, other spellings and unknown enum values", () => {
    for (const data of ["my:l:2147483648", "my:l:99999999999", "my:l:0", "my:l:-1", "my:l:007", "my:l:1e3", "my:l:", "my:l", "my:l:1:2", "my:l:１２", "my:l:٣", " my:l:1", undefined]) {
      expect(letter.decode(data), String(data)).toBeUndefined();
    }
    expect(reason.decode("mod:cr:5:lgbtx")).toBeUndefined();
    expect(query.decode("s:q:has space:1")).toBeUndefined();
    expect(query.decode(`s:q:${"a".repeat(17)}:1`)).toBeUndefined();
  });

  it("claims every payload with its prefix, valid or not, and nothing else", () => {
    expect(letter.claims.test("my:l")).toBe(true);
    expect(letter.claims.test("my:l:junk")).toBe(true);
    expect(letter.claims.test("my:list:3")).toBe(false);
  });

  it("refuses to encode what it could not decode", () => {
    expect(() => letter.encode(0)).toThrow(RangeError);
    expect(() => letter.encode(MAX_ID + 1)).toThrow(RangeError);
    expect(() => query.encode("x".repeat(17), 0)).toThrow(RangeError);
  });
});
