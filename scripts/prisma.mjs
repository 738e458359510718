#!/usr/bin/env node
// Runs the Prisma CLI without network access. Every prisma command first tries to download the
// native schema engine; pointing PRISMA_SCHEMA_ENGINE_BINARY at a stub makes generate, validate and
// format use the WebAssembly bundled in the CLI instead. Migrations go through `npm run db:migrate`.
import { spawnSync } from "node:child_process";
import { chmodSync, existsSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createRequire } from "node:module";

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) {
  const stub = join(tmpdir(), "lifeline-prisma-schema-engine-stub.sh");
  if (!existsSync(stub)) {
    writeFileSync(stub, '#!/bin/sh\necho "Lifeline: use npm run db:migrate to apply migrations" >&2\nexit 1\n');
    chmodSync(stub, 0o755);
  }
  env.PRISMA_SCHEMA_ENGINE_BINARY = stub;
}
env.PRISMA_HIDE_UPDATE_MESSAGE = "1";
const cli = createRequire(import.meta.url).resolve("prisma/build/index.js");
const result = spawnSync(process.execPath, [cli, ...process.argv.slice(2)], { stdio: "inherit", env });
process.exit(result.status ?? 1);
