import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const ROOT = resolve(import.meta.dirname, "../..");

export interface MainProcess {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Kills the process if it still runs and removes its working directory. */
  cleanup: () => Promise<void>;
}

/**
 * `node --import tsx src/main.ts <role>` (what `npm start` runs) with exactly this environment,
 * from an empty directory so a developer's .env cannot leak in. `nodeArgs` go before the script
 * (e.g. another --import); `files` are written into that directory first (an admin's `.env`).
 */
export function spawnMain(role: "all" | "bot" | "worker", env: Record<string, string>, nodeArgs: string[] = [], files: Record<string, string> = {}): MainProcess {
  const cwd = mkdtempSync(join(tmpdir(), "lifeline-main-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(cwd, name), content, { mode: 0o600 });
  const loader = pathToFileURL(join(ROOT, "node_modules/tsx/dist/loader.mjs")).href;
  const child = spawn(process.execPath, ["--import", loader, ...nodeArgs, join(ROOT, "src/main.ts"), role], {
    cwd,
    env: { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: process.env.HOME ?? cwd, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.on("exit", (code, signal) => done({ code, signal })),
  );
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exit,
    async cleanup() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exit;
      }
      rmSync(cwd, { recursive: true, force: true });
    },
  };
}
