import { describe, expect, test } from "vitest";
import {
  createSecretBox,
  generateSecretKey,
  isSealed,
  parseSecretKey,
  sealedKeyId,
  secretKeysFromEnv,
} from "./secret-box";

const keyA = parseSecretKey(generateSecretKey("a"));
const keyB = parseSecretKey(generateSecretKey("b"));

describe("secret box (AES-256-GCM)", () => {
  test("seals to a value naming the key and not containing the secret; opens it again", () => {
    const box = createSecretBox(keyA);
    const sealed = box.seal("JBSWY3DPEHPK3PXP", "totp:u1");
    expect(isSealed(sealed)).toBe(true);
    expect(sealedKeyId(sealed)).toBe("a");
    expect(sealed).not.toContain("JBSWY3DPEHPK3PXP");
    expect(box.seal("JBSWY3DPEHPK3PXP", "totp:u1")).not.toBe(sealed); // a fresh IV each time
    expect(box.open(sealed, "totp:u1")).toBe("JBSWY3DPEHPK3PXP");
  });

  test("refuses another context, a changed value, an unknown key and a plain value", () => {
    const box = createSecretBox(keyA);
    const sealed = box.seal("JBSWY3DPEHPK3PXP", "totp:u1");
    expect(() => box.open(sealed, "totp:u2")).toThrow();
    const parts = sealed.split(":");
    const flipped = parts[3]?.startsWith("A") ? `B${parts[3].slice(1)}` : `A${parts[3]?.slice(1)}`;
    expect(() => box.open([...parts.slice(0, 3), flipped, parts[4]].join(":"), "totp:u1")).toThrow();
    expect(() => createSecretBox(keyB).open(sealed, "totp:u1")).toThrow(/unknown key "a"/);
    expect(() => box.open("JBSWY3DPEHPK3PXP", "totp:u1")).toThrow(/not a sealed secret/);
  });

  test("after a rotation the new key seals and the old one still opens", () => {
    const rotated = createSecretBox(keyB, [keyA]);
    const old = createSecretBox(keyA).seal("S", "c");
    expect(rotated.canOpen(old)).toBe(true);
    expect(rotated.open(old, "c")).toBe("S");
    expect(sealedKeyId(rotated.seal("S", "c"))).toBe("b");
    expect(createSecretBox(keyB).canOpen(old)).toBe(false);
  });
});

describe("keys from the environment", () => {
  test("parses id:base64 of 32 bytes and names the variable when wrong", () => {
    expect(secretKeysFromEnv({})).toEqual({ current: null, old: [] });
    const env = { KIM_SECRET_KEY: generateSecretKey("neu"), KIM_SECRET_KEYS_OLD: `${generateSecretKey("alt1")}, ${generateSecretKey("alt2")}` };
    const keys = secretKeysFromEnv(env);
    expect(keys.current?.id).toBe("neu");
    expect(keys.old.map((k) => k.id)).toEqual(["alt1", "alt2"]);
    expect(() => secretKeysFromEnv({ KIM_SECRET_KEY: "nur-ein-text" })).toThrow(/^KIM_SECRET_KEY: /);
    expect(() => secretKeysFromEnv({ KIM_SECRET_KEY: `k:${Buffer.alloc(16).toString("base64")}` })).toThrow(/32 bytes/);
    expect(() => secretKeysFromEnv({ KIM_SECRET_KEYS_OLD: generateSecretKey("x") })).toThrow(/only together/);
    expect(() => secretKeysFromEnv({ KIM_SECRET_KEY: generateSecretKey("x"), KIM_SECRET_KEYS_OLD: generateSecretKey("x") })).toThrow(
      /already the current/,
    );
  });
});
