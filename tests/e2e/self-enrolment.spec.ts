// Self-service second factor: a case manager (who needs none by role) sets one up under "Zweiter Faktor";
// a wrong code keeps the same secret and shows the German error at the field; axe on every state.
import { expect, expectNoA11yViolations, readEnrolmentSecret, test } from "./fixtures";
import { withFreshCode, wrongCode } from "./totp-steps";

const USER = "cm.hoffmann"; // used by no other spec: its factor stays set up for the rest of the run

test("a case manager sets up a second factor on their own", async ({ page, login }) => {
  await login(page, USER);
  await page.getByRole("link", { name: "Zweiter Faktor" }).click();
  await expect(page.getByRole("heading", { name: "Zweiten Faktor einrichten" })).toBeVisible();
  await expectNoA11yViolations(page, "/konto/zwei-faktor");
  const secret = await readEnrolmentSecret(page);

  const codeField = page.getByRole("textbox", { name: "Code aus der App" });
  await codeField.fill(wrongCode(secret));
  await page.getByRole("button", { name: "Zweiten Faktor einrichten" }).click();
  await expect(codeField).toHaveAccessibleDescription(/Der Code ist falsch oder abgelaufen/);
  expect(await readEnrolmentSecret(page)).toBe(secret);
  await expectNoA11yViolations(page, "/konto/zwei-faktor (wrong code)");

  await withFreshCode(USER, secret, async (code) => {
    await codeField.fill(code);
    await page.getByRole("button", { name: "Zweiten Faktor einrichten" }).click();
    await expect(page.getByRole("status")).toContainText("Der zweite Faktor ist eingerichtet");
  });
  await expectNoA11yViolations(page, "/konto/zwei-faktor (done)");
});
