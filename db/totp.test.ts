// RFC 6238 appendix B test vectors (SHA1) and the application's 6-digit, ±1-step, replay-refusing use.
import { describe, expect, test } from "vitest";
import {
  TOTP_SECRET_BYTES,
  base32Decode,
  base32Encode,
  formatSecret,
  generateTotpSecret,
  hotp,
  otpauthUri,
  totpCode,
  totpStep,
  verifyTotp,
} from "./totp";

/** The SHA1 seed of RFC 6238 appendix B: the ASCII string "12345678901234567890". */
const RFC_KEY = Buffer.from("12345678901234567890", "ascii");
const RFC_SECRET = base32Encode(RFC_KEY);

const RFC_6238_SHA1: [seconds: number, code8: string][] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

describe("HOTP and TOTP against the RFCs", () => {
  test("the RFC key in base32 is the well-known GEZDGNBV… string and decodes back", () => {
    expect(RFC_SECRET).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    expect(base32Decode(RFC_SECRET).equals(RFC_KEY)).toBe(true);
    expect(base32Decode("gezd gnbv-gy3t qojq gezd gnbv gy3t qojq====").equals(RFC_KEY)).toBe(true);
  });

  test("RFC 4226 appendix D: HOTP values for counters 0 to 9", () => {
    const expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
    expect(expected.map((_, counter) => hotp(RFC_KEY, counter))).toEqual(expected);
  });

  for (const [seconds, code8] of RFC_6238_SHA1) {
    test(`RFC 6238 SHA1 at T=${seconds}: ${code8} in 8 digits, ${code8.slice(2)} in 6`, () => {
      expect(totpCode(RFC_SECRET, seconds * 1000, 8)).toBe(code8);
      // Dynamic truncation takes the same 31-bit number modulo 10^digits: 6 digits are the last 6 of 8.
      expect(totpCode(RFC_SECRET, seconds * 1000)).toBe(code8.slice(2));
      expect(totpCode(RFC_SECRET, seconds * 1000)).toHaveLength(6);
    });
  }

  test("the step is the number of whole 30-second periods since the epoch", () => {
    expect(totpStep(0)).toBe(0);
    expect(totpStep(29_999)).toBe(0);
    expect(totpStep(30_000)).toBe(1);
    expect(totpStep(59_000)).toBe(1);
    expect(totpStep(1111111109_000)).toBe(0x23523ec);
  });
});

describe("secrets", () => {
  test("a new secret is 160 random bits in base32 (32 characters)", () => {
    const a = generateTotpSecret();
    const b = generateTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(base32Decode(a)).toHaveLength(TOTP_SECRET_BYTES);
    expect(a).not.toBe(b);
  });

  test("base32 round-trips every length", () => {
    for (let n = 0; n <= 21; n++) {
      const bytes = Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + n) & 0xff));
      expect(base32Decode(base32Encode(bytes)).equals(bytes)).toBe(true);
    }
    expect(() => base32Decode("ABC1")).toThrow(/base32/);
  });

  test("display groups of four and the otpauth:// URI", () => {
    expect(formatSecret("ABCDEFGHIJKLMNOP")).toBe("ABCD EFGH IJKL MNOP");
    expect(formatSecret("ABCDEF")).toBe("ABCD EF");
    expect(otpauthUri({ secret: RFC_SECRET, account: "petra.lange", issuer: "KIM Fallmanagement" })).toBe(
      "otpauth://totp/KIM%20Fallmanagement:petra.lange?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ" +
        "&issuer=KIM%20Fallmanagement&algorithm=SHA1&digits=6&period=30",
    );
  });
});

describe("verifyTotp", () => {
  const now = 1234567890_000;
  const step = totpStep(now);
  const codeAt = (offsetSteps: number) => totpCode(RFC_SECRET, now + offsetSteps * 30_000);

  test("accepts the current code and one step before and after, and says which step it was", () => {
    expect(verifyTotp(RFC_SECRET, codeAt(0), { now })).toEqual({ ok: true, step });
    expect(verifyTotp(RFC_SECRET, codeAt(-1), { now })).toEqual({ ok: true, step: step - 1 });
    expect(verifyTotp(RFC_SECRET, codeAt(1), { now })).toEqual({ ok: true, step: step + 1 });
    expect(verifyTotp(RFC_SECRET, ` ${codeAt(0).slice(0, 3)} ${codeAt(0).slice(3)} `, { now }).ok).toBe(true);
  });

  test("refuses codes two steps away, wrong codes and malformed input", () => {
    expect(verifyTotp(RFC_SECRET, codeAt(-2), { now })).toEqual({ ok: false, reason: "invalid" });
    expect(verifyTotp(RFC_SECRET, codeAt(2), { now })).toEqual({ ok: false, reason: "invalid" });
    const wrong = String((Number(codeAt(0)) + 1) % 1_000_000).padStart(6, "0");
    expect(verifyTotp(RFC_SECRET, wrong, { now }).ok).toBe(false);
    for (const bad of ["", "12345", "1234567", "12a456", "89005924"]) {
      expect(verifyTotp(RFC_SECRET, bad, { now })).toEqual({ ok: false, reason: "invalid" });
    }
  });

  test("refuses the last used step and every earlier one as replayed", () => {
    expect(verifyTotp(RFC_SECRET, codeAt(0), { now, lastStep: step })).toEqual({ ok: false, reason: "replayed" });
    expect(verifyTotp(RFC_SECRET, codeAt(-1), { now, lastStep: step })).toEqual({ ok: false, reason: "replayed" });
    expect(verifyTotp(RFC_SECRET, codeAt(1), { now, lastStep: step })).toEqual({ ok: true, step: step + 1 });
    expect(verifyTotp(RFC_SECRET, codeAt(0), { now, lastStep: step - 1 })).toEqual({ ok: true, step });
  });
});
