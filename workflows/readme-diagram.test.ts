import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { diagramMarkdown } from "./diagram";

describe("README", () => {
  it("shows the statecharts as generated from the machines (run `npm run diagram -- --write-readme` after a change)", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const block = /<!-- diagram:start -->\n([\s\S]*)<!-- diagram:end -->/.exec(readme)?.[1];
    expect(block).toBe(diagramMarkdown());
  });
});
