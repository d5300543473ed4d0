import { describe, expect, test } from "vitest";
import { generateSecretKey } from "../db/secret-box";
import { parseConfig as parseConfigOf } from "./config.server";

const parseConfig = (env: Record<string, string>) => parseConfigOf(env as NodeJS.ProcessEnv);

describe("secret key in the configuration", () => {
  test("production without KIM_SECRET_KEY refuses to start; demo mode and development may go without", () => {
    expect(() => parseConfig({ NODE_ENV: "production" })).toThrow(/KIM_SECRET_KEY: required with NODE_ENV=production/);
    expect(() => parseConfig({ NODE_ENV: "production", KIM_DEMO_DATA: "0" })).toThrow(/KIM_SECRET_KEY/);
    expect(parseConfig({ NODE_ENV: "production", KIM_DEMO_DATA: "1" }).secretKey).toBeNull();
    expect(parseConfig({}).secretKey).toBeNull();
    const key = generateSecretKey("prod1");
    expect(parseConfig({ NODE_ENV: "production", KIM_SECRET_KEY: key }).secretKey?.id).toBe("prod1");
  });

  test("a malformed key is a configuration error naming the variable, never showing the key", () => {
    const bad = "prod1:zu-kurz";
    let message = "";
    try {
      parseConfig({ KIM_SECRET_KEY: bad });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/Invalid configuration:\n {2}KIM_SECRET_KEY: /);
    expect(message).not.toContain("zu-kurz");
  });
});
