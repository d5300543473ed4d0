// Every multi-line field the app renders must be a free-text field of the edge guard, or a line break
// typed into it is refused with 400. The textareas are read from the sources, so a new one cannot be
// forgotten.
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, test } from "vitest";
import { FREE_TEXT_FIELDS } from "./edge-guard.server";

const appDir = path.dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx$/.test(entry.name) ? [full] : [];
  });
}

/** Field names of `<TextareaField field={x.name} …>` and `<textarea name="name" …>` in one source. */
export function textareaNames(source: string): string[] {
  const names: string[] = [];
  for (const m of source.matchAll(/<TextareaField\s+field=\{\w+\.(\w+)\}/g)) names.push(m[1] ?? "");
  for (const m of source.matchAll(/<textarea\b[^>]*?\bname="(\w+)"/g)) names.push(m[1] ?? "");
  return names;
}

describe("free-text fields of the edge guard", () => {
  test("the scanner finds textareas written either way", () => {
    expect(textareaNames('<TextareaField\n  field={f.note}\n  label="x" />\n<textarea id="a" name="memo"></textarea>')).toEqual([
      "note",
      "memo",
    ]);
  });

  test("every textarea in app/ is listed in FREE_TEXT_FIELDS", () => {
    const found = new Set(sourceFiles(appDir).flatMap((file) => textareaNames(readFileSync(file, "utf8"))));
    expect(found.size).toBeGreaterThan(3);
    expect([...found].filter((name) => !FREE_TEXT_FIELDS.has(name)).sort()).toEqual([]);
  });
});
