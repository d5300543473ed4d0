// Prints the Mermaid diagrams of the workflow machines, generated from the machine definitions.
// Usage: npx tsx workflows/cli/print-diagram.ts [case|referral|--write-readme]   (no argument: both, as Markdown)
// --write-readme replaces the block between <!-- diagram:start --> and <!-- diagram:end --> in README.md.

import { readFileSync, writeFileSync } from "node:fs";
import { caseMachineToMermaid, diagramMarkdown, referralMachineToMermaid } from "../diagram";

const which = process.argv[2];

if (which === "--write-readme") {
  const readme = readFileSync("README.md", "utf8");
  const next = readme.replace(
    /<!-- diagram:start -->[\s\S]*<!-- diagram:end -->/,
    `<!-- diagram:start -->\n${diagramMarkdown()}<!-- diagram:end -->`,
  );
  writeFileSync("README.md", next);
  process.stdout.write(next === readme ? "README.md already up to date\n" : "README.md updated\n");
} else if (which === "case") {
  process.stdout.write(caseMachineToMermaid());
} else if (which === "referral") {
  process.stdout.write(referralMachineToMermaid());
} else if (which === undefined) {
  process.stdout.write(diagramMarkdown());
} else {
  process.stderr.write(`Unbekanntes Diagramm '${which}'. Erlaubt: case, referral\n`);
  process.exitCode = 1;
}
