// Residence status as a dated history (issue 12): a case manager records a Duldung valid for 6 weeks,
// finds its deadline reminder on "Heute" and its deadline in the case list's "Nächste Frist" column,
// records a § 25b permit, and the case is flagged for re-classification; axe finds nothing.
import { classify, intake, isoDaysAgo, openForm, recordContact, submitStep, unique, yearsAgo } from "./case-steps";
import { expect, expectNoA11yViolations, test } from "./fixtures";

test("Duldung for 6 weeks: on Heute and in the case list; a § 25b permit asks for re-classification", async ({ page, login }) => {
  test.setTimeout(180_000);
  await login(page, "casemanager");
  const lastName = unique("Frist");
  const path = await intake(page, {
    firstName: "Samir",
    lastName,
    birthDate: yearsAgo(29),
    gender: "männlich",
    residenceStatus: "Duldung (§ 60a AufenthG)",
    referralSource: "Ausländeramt",
  });
  await recordContact(page, "30");
  await classify(page, /^Geduldete/);

  const validUntil = isoDaysAgo(-42);
  const duldung = await openForm(page, "Neuen Aufenthaltsstatus erfassen");
  await duldung.getByRole("combobox", { name: "Aufenthaltsstatus" }).selectOption({ label: "Duldung (§ 60a AufenthG)" });
  await duldung.getByLabel("Gültig bis").fill(validUntil);
  await submitStep(page, duldung, "Aufenthaltsstatus speichern", "Aufenthaltsstatus erfasst.");
  const german = validUntil.split("-").reverse().join(".");
  await expect(page.locator("#aufenthalt")).toContainText(`gültig bis ${german}`);
  await expectNoA11yViolations(page, "client file with residence history");

  await page.goto("/heute");
  const reminder = page.getByRole("row").filter({ hasText: lastName });
  await expect(reminder).toContainText("Frist");
  await expect(reminder).toContainText("in 8 Wochen");
  await expectNoA11yViolations(page, "Heute with a deadline reminder");

  await page.goto(`/faelle?suche=${encodeURIComponent(lastName)}&sortierung=frist`);
  await expect(page.getByRole("row").filter({ hasText: lastName })).toContainText(german);
  // The Duldung runs out in 6 weeks: inside the 8-week filter, outside the 4-week one.
  const row = page.getByRole("row").filter({ hasText: lastName });
  await page.getByRole("combobox", { name: "Frist" }).selectOption({ label: "Frist in den nächsten 4 Wochen" });
  await page.getByRole("button", { name: "Filter anwenden" }).click();
  await expect(page).toHaveURL(/frist=4wochen/);
  await expect(row).toHaveCount(0);
  await page.getByRole("combobox", { name: "Frist" }).selectOption({ label: "Frist in den nächsten 8 Wochen" });
  await page.getByRole("button", { name: "Filter anwenden" }).click();
  await expect(page).toHaveURL(/frist=8wochen/);
  await expect(row).toContainText(german);
  await expectNoA11yViolations(page, "case list with the deadline filter");

  await page.goto(path);
  const permit = await openForm(page, "Neuen Aufenthaltsstatus erfassen");
  await permit.getByRole("combobox", { name: "Aufenthaltsstatus" }).selectOption({ label: "Aufenthaltserlaubnis § 25b AufenthG" });
  await permit.getByLabel("Ausgestellt am").fill(isoDaysAgo(0));
  await permit.getByLabel("Gültig bis").fill(isoDaysAgo(-730));
  await submitStep(page, permit, "Aufenthaltsstatus speichern", "Aufenthaltsstatus erfasst.");
  await expect(page.getByText("Aufenthaltstitel erteilt").first()).toBeVisible();
  await expect(page.locator("#verlauf ol.timeline li[data-type='RESIDENCE_RECORDED']").first()).toContainText("§ 25b");
  await expectNoA11yViolations(page, "client file flagged for re-classification");
});
