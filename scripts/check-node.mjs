#!/usr/bin/env node
// Runs before `npm run setup`, `npm start` and the other entry points: on an older Node.js they
// would fail deep inside Prisma or tsx with a cryptic error. Kept to syntax very old Node.js
// versions can parse, so it is the one line the admin sees. The ranges are Prisma 7's.
var match = /^v?(\d+)\.(\d+)/.exec(process.version);
var major = match ? Number(match[1]) : 0;
var minor = match ? Number(match[2]) : 0;
var supported = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 24;
if (!supported) {
  process.stderr.write(
    "Lifeline needs Node.js 20.19 or newer (20.19+, 22.12+ or 24+); this is " +
      process.version.replace(/^v/, "") +
      ': install a newer one as the README says ("Install on Debian 12 or 13")\n',
  );
  process.exit(1);
}
