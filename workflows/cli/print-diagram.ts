// Prints the Mermaid diagrams of the workflow machines, generated from the machine definitions.
// Usage: npx tsx workflows/cli/print-diagram.ts [case|referral]   (no argument: both, as Markdown)

import { caseMachineToMermaid, referralMachineToMermaid } from "../diagram";

const which = process.argv[2];

if (which === "case") {
  process.stdout.write(caseMachineToMermaid());
} else if (which === "referral") {
  process.stdout.write(referralMachineToMermaid());
} else if (which === undefined) {
  process.stdout.write(
    [
      "### Fall (case-machine)",
      "",
      "```mermaid",
      caseMachineToMermaid().trimEnd(),
      "```",
      "",
      "### Vermittlung (referral-machine)",
      "",
      "```mermaid",
      referralMachineToMermaid().trimEnd(),
      "```",
      "",
    ].join("\n"),
  );
} else {
  process.stderr.write(`Unbekanntes Diagramm '${which}'. Erlaubt: case, referral\n`);
  process.exitCode = 1;
}
