import { describe, expect, it } from "vitest";
import { parseArgs } from "../../../../src/bot/conversations/letter/args.js";

describe("letter arguments", () => {
  it("keeps one well-formed shape, resubmission first", () => {
    expect(parseArgs({ prisonerId: 7, assignmentId: 3 })).toEqual({ prisonerId: 7, assignmentId: 3 });
    expect(parseArgs({ prisonerId: 7, assignmentId: 0 })).toEqual({ prisonerId: 7 });
    expect(parseArgs({ specificRequestId: 5, prisonerId: 7 })).toEqual({ specificRequestId: 5 });
    expect(parseArgs({ resubmitLetterId: 9, prisonerId: 7 })).toEqual({ resubmitLetterId: 9 });
  });

  it("refuses anything malformed", () => {
    for (const raw of [undefined, null, "7", 7, {}, { prisonerId: -1 }, { prisonerId: 1.5 }, { prisonerId: "7" }, { prisonerId: 2 ** 60 }]) {
      expect(parseArgs(raw)).toBeUndefined();
    }
  });
});
