import { HttpError } from "grammy";
import { describe, expect, it } from "vitest";
import { capturedLogger } from "./helpers/logs.js";

const TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw";

describe("logger", () => {
  it("never writes the bot token a failed request's URL carries (message, stack, cause)", () => {
    const { logger, lines } = capturedLogger();
    const cause = new Error(`request to http://127.0.0.1:1/bot${TOKEN}/sendMessage failed, reason: connect ECONNREFUSED`);
    logger.warn({ err: new HttpError("Network request for 'sendMessage' failed!", cause) }, "job failed");
    logger.error({ err: cause }, "plain error");
    const written = JSON.stringify(lines);
    expect(lines).toHaveLength(2);
    expect(written).not.toContain(TOKEN);
    expect(written).not.toContain("AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw");
    // What helps debugging stays: the method, the reason, where it went.
    expect(written).toContain("/bot[token]/sendMessage failed, reason: connect ECONNREFUSED");
  });
});
