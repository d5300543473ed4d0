// Remix's express adapter with one addition: when a request found the database unreachable (handleError
// in entry.server.tsx marks its load context), whatever Remix produced with a 5xx status (an error page,
// a resource route's last-resort text, a data response) is replaced by the static German 503 page.
// Same signature as createRequestHandler of @remix-run/express, so server.ts only swaps the import.
import type { AppLoadContext, ServerBuild } from "@remix-run/node";
import { createRequestHandler as createRemixHandler } from "@remix-run/node";
import { createRemixRequest, sendRemixResponse } from "@remix-run/express/dist/server.js";
import type express from "express";
import { serviceUnavailableResponse } from "./service-unavailable.server";

export function createRequestHandler(options: {
  build: ServerBuild;
  mode?: string;
  getLoadContext: (req: express.Request, res: express.Response) => AppLoadContext | Promise<AppLoadContext>;
}): express.RequestHandler {
  const handle = createRemixHandler(options.build, options.mode);
  return async (req, res, next) => {
    try {
      const request = createRemixRequest(req, res);
      const context = await options.getLoadContext(req, res);
      let response = await handle(request, context);
      if (context.outage.databaseUnavailable && response.status >= 500) response = serviceUnavailableResponse();
      await sendRemixResponse(res, response);
    } catch (error) {
      next(error);
    }
  };
}
