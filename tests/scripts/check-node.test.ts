import { execFile } from "node:child_process";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const SCRIPT = pathToFileURL(resolve(import.meta.dirname, "../../scripts/check-node.mjs")).href;
const run = promisify(execFile);

/** Runs scripts/check-node.mjs in a Node.js that reports `version` (this machine has only one Node). */
async function checkAs(version: string): Promise<{ code: number; stderr: string }> {
  const code = `Object.defineProperty(process, "version", { value: "v${version}" }); await import(${JSON.stringify(SCRIPT)});`;
  return run(process.execPath, ["--input-type=module", "-e", code]).then(
    ({ stderr }) => ({ code: 0, stderr }),
    (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
  );
}

describe("scripts/check-node.mjs (first step of npm run setup and npm start)", () => {
  it.each(["18.19.0", "20.18.1", "21.7.3", "22.11.0", "23.9.0"])("stops Node.js %s with one line", async (version) => {
    const { code, stderr } = await checkAs(version);
    expect(code).toBe(1);
    expect(stderr).toBe(
      `Lifeline needs Node.js 20.19 or newer (20.19+, 22.12+ or 24+); this is ${version}: ` +
        'install a newer one as the README says ("Install on Debian 12 or 13")\n',
    );
  });

  it.each(["20.19.0", "20.20.2", "22.12.0", "24.1.0", "25.0.0"])("lets Node.js %s through silently", async (version) => {
    expect(await checkAs(version)).toEqual({ code: 0, stderr: "" });
  });
});
