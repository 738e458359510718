// `npm run faults:report`: docs/reliability.md from the records the last fault-suite run wrote.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { FAULTS_DIR, readFaultRecords, renderReliabilityReport } from "./report.js";

const records = readFaultRecords();
if (records.length === 0) {
  process.stderr.write(`No fault records in ${FAULTS_DIR}: run the suite first (npm run test:faults).\n`);
  process.exit(1);
}
const target = resolve(import.meta.dirname, "../../docs/reliability.md");
writeFileSync(target, renderReliabilityReport(records));
process.stdout.write(`docs/reliability.md: ${records.length} cases\n`);
