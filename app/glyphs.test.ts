// The interface uses the system's fonts (only the documents for clients bring their own). A character
// outside the blocks that every common system font covers shows as an empty box on some machines: the
// fullwidth equals sign of "Auf einen Blick" did so in Debian's Chromium. Every character of the app's
// sources must be ASCII or in one of these blocks; German text, typographic punctuation, arrows and the
// geometric marks (▲▼) are.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";

const appDir = path.dirname(fileURLToPath(import.meta.url));

const SAFE_BLOCKS: [number, number, string][] = [
  [0x00a0, 0x00ff, "Latin-1 Supplement"],
  [0x2010, 0x205e, "General Punctuation"],
  [0x20ac, 0x20ac, "Euro sign"],
  [0x2190, 0x21ff, "Arrows"],
  [0x2212, 0x2212, "Minus sign"],
  [0x25a0, 0x25ff, "Geometric Shapes"],
];

export function unsafeCharacters(text: string): { char: string; line: number }[] {
  const found: { char: string; line: number }[] = [];
  text.split("\n").forEach((content, index) => {
    for (const char of content) {
      const code = char.codePointAt(0) as number;
      if (code < 0x80) continue;
      if (SAFE_BLOCKS.some(([from, to]) => code >= from && code <= to)) continue;
      found.push({ char: `${char} U+${code.toString(16).toUpperCase().padStart(4, "0")}`, line: index + 1 });
    }
  });
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.(tsx?|css)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

describe("characters of the interface", () => {
  test("the check finds a character outside the safe blocks, and passes German text", () => {
    expect(unsafeCharacters("Übersicht – „gestiegen“ ▲ → ÷ §")).toEqual([]);
    expect(unsafeCharacters("a\n＝ unverändert 😀")).toEqual([
      { char: "＝ U+FF1D", line: 2 },
      { char: "😀 U+1F600", line: 2 },
    ]);
  });

  test("every source file of app/ uses only characters that system fonts show", () => {
    const files = sourceFiles(appDir);
    expect(files.length).toBeGreaterThan(20);
    const problems = files.flatMap((file) =>
      unsafeCharacters(readFileSync(file, "utf8")).map((p) => `${path.relative(appDir, file)}:${p.line} ${p.char}`),
    );
    expect(problems).toEqual([]);
  });
});
