// Every way the app's server starts gives node the same flags (the young generation's size, measured with
// bench:load): npm start and serve, the cluster's workers, the systemd unit of the deployment guide, and
// the app process that tests and benchmarks start. A flag changed in one place only would make the
// benchmarks measure another app than the one that runs.
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const read = (file: string) => readFileSync(path.join(root, file), "utf8");
const SEMI_SPACE = /--max-semi-space-size=(\d+)/g;

function sizesIn(text: string): string[] {
  return [...text.matchAll(SEMI_SPACE)].map((m) => m[1] ?? "");
}

describe("node flags of the server", () => {
  it("are the same for npm start, serve, the cluster's workers, the systemd unit and the tests' app process", () => {
    const scripts = (JSON.parse(read("package.json")) as { scripts: Record<string, string> }).scripts;
    const places: Record<string, string[]> = {
      "npm start": sizesIn(scripts.start ?? ""),
      "npm run serve": sizesIn(scripts.serve ?? ""),
      "server-cluster.ts": sizesIn(read("server-cluster.ts").split("\n").filter((l) => l.includes("setupPrimary")).join("\n")),
      "docs/deployment.md ExecStart": sizesIn(read("docs/deployment.md").split("\n").filter((l) => l.startsWith("ExecStart=")).join("\n")),
      "tests/integration/app-process.ts": sizesIn(read("tests/integration/app-process.ts").split("\n").filter((l) => l.includes('"--import", "tsx"')).join("\n")),
    };
    for (const [place, sizes] of Object.entries(places)) expect(sizes, place).toHaveLength(1);
    expect(new Set(Object.values(places).flat()).size).toBe(1);
  });
});
