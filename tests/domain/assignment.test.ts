import { describe, expect, it } from "vitest";
import {
  ASSIGNMENT_LIFETIME_HOURS,
  MAX_DECLINES_PER_DAY,
  assignmentExpiresAt,
  declinesLeft,
  drawWeight,
  loadTier,
  sharedInterestCount,
} from "../../src/domain/assignment.js";

describe("assignment policy", () => {
  it("groups loads into tiers 0 | 1 | 2-3 | 4-7 | 8-15 ...", () => {
    expect([0, 1, 2, 3, 4, 7, 8, 15, 16, 1000].map(loadTier)).toEqual([0, 1, 2, 2, 3, 3, 4, 4, 5, 10]);
    expect(() => loadTier(-1)).toThrow(RangeError);
    expect(() => loadTier(1.5)).toThrow(RangeError);
  });

  it("weights lower loads and shared interests up, capped at three interests", () => {
    expect(drawWeight(0, 0)).toBe(1);
    expect(drawWeight(4, 0) / drawWeight(7, 0)).toBeCloseTo(64 / 25);
    expect(drawWeight(0, 3)).toBe(4);
    expect(drawWeight(0, 10)).toBe(drawWeight(0, 3));
  });

  it("counts shared interests once each", () => {
    expect(sharedInterestCount(["books", "music", "books"], ["music", "books", "sport", "music"])).toBe(2);
    expect(sharedInterestCount([], ["music"])).toBe(0);
  });

  it("computes expiry and the declines left", () => {
    const now = new Date("2030-01-01T00:00:00Z");
    expect(assignmentExpiresAt(now).getTime() - now.getTime()).toBe(ASSIGNMENT_LIFETIME_HOURS * 3_600_000);
    expect(declinesLeft(0)).toBe(MAX_DECLINES_PER_DAY);
    expect(declinesLeft(MAX_DECLINES_PER_DAY + 2)).toBe(0);
  });
});
