// The log scanner the HTTP tests and the e2e run rely on: it must see every kind of error line.
import { describe, expect, test } from "vitest";
import { troubleLines } from "../support/server-log";

const CLEAN = [
  "[kim] database: PGlite in tests/e2e/.data/3210/pglite",
  "[kim] KIM Fallmanagement läuft auf http://127.0.0.1:3210 (812 ms)",
  "[jobs] daily job done",
  "[kim] SIGTERM: shutting down",
];

const TROUBLE = [
  "[error] TypeError: Cannot read properties of undefined (reading 'id')",
  "    at loader (file:///build/index.js:1:2)",
  "[render] something",
  "[kim] request failed: TypeError",
  'RangeError: init["status"] must be in the range of 200 to 599',
  "Unhandled promise rejection",
];

describe("troubleLines", () => {
  test("finds stack traces, Error: lines and the app's error prefixes among clean lines", () => {
    const log = [CLEAN[0], CLEAN[1], ...TROUBLE, CLEAN[2], CLEAN[3]].join("\n");
    expect(troubleLines(log)).toEqual(TROUBLE);
  });

  test("a clean log has no trouble", () => {
    expect(troubleLines(CLEAN.join("\n"))).toEqual([]);
  });
});
