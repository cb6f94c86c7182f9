// The flashsale TypeScript client: openapi-fetch over the types that openapi-typescript generates
// from docs/openapi.json into ./schema.ts (never edit that file; run `npm run generate`).
import createClient, { type Client, type Middleware } from "openapi-fetch";
import type { components, operations, paths } from "./schema.ts";

export type { components, operations, paths };
export {
  orderStateValues,
  problemTypeValues,
  purchaseFailureValues,
  purchaseStatusValues,
  saleStatusValues,
} from "./schema.ts";

type Schemas = components["schemas"];
/** RFC 9457 problem details: the body of every error response. */
export type Problem = Schemas["Problem"];
/** The stable URI that clients branch on, e.g. `urn:flashsale:problem:sold-out`. */
export type ProblemType = Schemas["ProblemType"];
export type PurchaseAccepted = Schemas["PurchaseAccepted"];
export type PurchaseResult = Schemas["PurchaseResult"];
export type PurchaseStatus = Schemas["PurchaseStatus"];
export type PurchaseFailure = Schemas["PurchaseFailure"];
export type SaleSummary = Schemas["SaleSummary"];
export type NewSale = Schemas["NewSale"];
export type OrderView = Schemas["OrderView"];
export type OrderState = Schemas["OrderState"];
export type OrderPageView = Schemas["OrderPageView"];
/** The body of the payment provider's webhook (`POST /api/v1/payments/webhook`). */
export type PaymentNotification = Schemas["PaymentNotification"];

/** The client: `client.GET("/api/v1/sales")`, `client.POST("/api/v1/sales/{productId}/purchases", ...)`. */
export type FlashsaleClient = Client<paths>;

export interface FlashsaleClientOptions {
  /** Where the service listens, e.g. `http://127.0.0.1:8080`. */
  baseUrl: string;
  /** A bearer token (an HS256 JWT whose `sub` is the buyer); omit for public operations only. */
  token?: string;
  /** A fetch implementation, for tests or older runtimes. */
  fetch?: typeof globalThis.fetch;
}

/** A typed client for the flashsale API, sending `Authorization: Bearer <token>` when given one. */
export function createFlashsaleClient(options: FlashsaleClientOptions): FlashsaleClient {
  const client = createClient<paths>({ baseUrl: options.baseUrl, fetch: options.fetch });
  if (options.token !== undefined) {
    const bearer: Middleware = {
      onRequest({ request }) {
        request.headers.set("Authorization", `Bearer ${options.token}`);
        return request;
      },
    };
    client.use(bearer);
  }
  return client;
}

/** The `Retry-After` of a 429 or 503, in seconds; `undefined` when absent or not a number. */
export function retryAfterSeconds(response: Response): number | undefined {
  const value = response.headers.get("Retry-After");
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  return Number.isFinite(seconds) ? seconds : undefined;
}
