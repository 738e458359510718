// The systemd units in deploy/ as systemd itself reads them: `systemd-analyze verify` warns about
// every key it ignores (a key in the wrong section is silently dropped at run time) and every
// command it could not start. The units name /opt/lifeline, the README's install directory; here
// it is this checkout, so the commands they start exist.
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const ANALYZE = "/usr/bin/systemd-analyze";
const HAS_SYSTEMD = existsSync(ANALYZE);
if (!HAS_SYSTEMD) process.stderr.write(`systemd unit test SKIPPED: ${ANALYZE} is not installed (apt-get install systemd)\n`);
const run = promisify(execFile);

describe.skipIf(!HAS_SYSTEMD)("deploy/ systemd units", () => {
  let dir = "";
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "lifeline-units-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  /** Writes `files` (name → unit text, /opt/lifeline pointed at this checkout) and verifies `names`; systemd's complaints. */
  async function verify(files: Record<string, string>, names: string[]): Promise<string[]> {
    for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text.replaceAll("/opt/lifeline", ROOT));
    const result = await run(ANALYZE, ["verify", "--man=no", ...names.map((n) => join(dir, n))]).then(
      ({ stderr }) => ({ stderr, failed: false }),
      (err: Error & { stderr?: string }) => ({ stderr: err.stderr ?? err.message, failed: true }),
    );
    const lines = result.stderr.split("\n").filter((line) => line.trim() !== "");
    return result.failed && lines.length === 0 ? ["systemd-analyze verify failed"] : lines;
  }

  const unit = (name: string) => readFile(join(ROOT, "deploy", name), "utf8");

  it("the check notices a key systemd would ignore", async () => {
    // The mistake this unit once had: a [Unit] setting written under [Service].
    const text = (await unit("lifeline@.service")).replace(/^RestartSec=.*$/m, "$&\nStartLimitIntervalSec=0");
    expect(await verify({ "broken@bot.service": text }, ["broken@bot.service"])).toEqual([
      expect.stringMatching(/Unknown key.*StartLimitIntervalSec.*section \[Service\]/),
    ]);
  });

  it.each(["bot", "worker"])("lifeline@%s: systemd reads every line, and node itself gets SIGTERM", async (role) => {
    const text = await unit("lifeline@.service");
    expect(await verify({ [`lifeline@${role}.service`]: text }, [`lifeline@${role}.service`])).toEqual([]);
    // node directly (npm and sh do not pass SIGTERM on), under the drain's time limit.
    expect(text).toMatch(/^ExecStart=\/usr\/bin\/node --max-semi-space-size=32 --import tsx src\/main\.ts %i$/m);
    expect(text).toMatch(/^KillSignal=SIGTERM$/m);
    expect(text).toMatch(/^TimeoutStopSec=\d+$/m);
  });

  it("the nightly backup: timer and service", async () => {
    const files = { "lifeline-backup.service": await unit("lifeline-backup.service"), "lifeline-backup.timer": await unit("lifeline-backup.timer") };
    expect(await verify(files, ["lifeline-backup.timer", "lifeline-backup.service"])).toEqual([]);
  });
});
