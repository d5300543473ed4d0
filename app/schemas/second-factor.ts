import { z } from "zod";

/** The 6-digit TOTP code (spaces allowed, as apps show "123 456"). */
export const SecondFactorCodeSchema = z.object({
  code: z
    .string({ required_error: "Bitte geben Sie den 6-stelligen Code ein." })
    .trim()
    .regex(/^\d{3} ?\d{3}$/, "Der Code besteht aus 6 Ziffern, z. B. 123456."),
});
