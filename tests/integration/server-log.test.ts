// The log scanner the HTTP tests and the e2e run rely on: it must see every kind of error line.
import { describe, expect, test } from "vitest";
import { troubleLines } from "../support/server-log";

describe("troubleLines", () => {
  test("finds stack traces, Error: lines and the app's error prefixes", () => {
    const log = [
      "[kim] database: PGlite in tests/e2e/.data/3210/pglite",
      "[kim] KIM Fallmanagement läuft auf http://127.0.0.1:3210 (812 ms)",
      "[error] TypeError: Cannot read properties of undefined (reading 'id')",
      "    at loader (file:///build/index.js:1:2)",
      "[render] something",
      "[kim] request failed: TypeError",
      "RangeError: init[\"status\"] must be in the range of 200 to 599",
      "Unhandled promise rejection",
    ].join("\n");
    expect(troubleLines(log)).toEqual([
      "[error] TypeError: Cannot read properties of undefined (reading 'id')",
      "    at loader (file:///build/index.js:1:2)",
      "[render] something",
      "[kim] request failed: TypeError",
      "RangeError: init[\"status\"] must be in the range of 200 to 599",
      "Unhandled promise rejection",
    ]);
  });

  test("a clean log has no trouble", () => {
    expect(troubleLines("[kim] database: PGlite\n[jobs] daily job done\n[kim] SIGTERM: shutting down\n")).toEqual([]);
  });
});
