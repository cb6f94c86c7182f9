// The service's admin API as the console uses it: requests with the operator's token, problem
// bodies turned into readable errors, and Server-Sent Events read with fetch (EventSource
// cannot send the Authorization header).

const TOKEN_KEY = "flashsale.console.token";

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string | null): void {
  if (value === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, value);
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

function headers(json: boolean): HeadersInit {
  const h: Record<string, string> = { Authorization: `Bearer ${token() ?? ""}` };
  if (json) h["Content-Type"] = "application/json";
  return h;
}

export async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: headers(body !== undefined),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const parsed = text ? JSON.parse(text) : null;
  if (!response.ok) {
    const detail = parsed?.errors?.length
      ? parsed.errors.map((e: { field: string; message: string }) => `${e.field}: ${e.message}`).join("; ")
      : parsed?.detail ?? response.statusText;
    throw new ApiError(response.status, `${parsed?.title ?? response.status}: ${detail}`);
  }
  return parsed as T;
}

/** Reads `path`'s event stream, calling `onEvent` with each event's JSON, until `signal` aborts. */
export async function watch<T>(
  path: string,
  signal: AbortSignal,
  onEvent: (value: T) => void,
): Promise<void> {
  const response = await fetch(path, { headers: headers(false), signal });
  if (!response.ok || !response.body) {
    throw new ApiError(response.status, `watching ${path}: ${response.status}`);
  }
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const data = block
        .split("\n")
        .filter((line) => line.startsWith("data:"))
        .map((line) => line.slice(5).trim())
        .join("\n");
      if (data) onEvent(JSON.parse(data) as T);
    }
  }
}

export interface BuyRates {
  windowSecs: number;
  acceptedPerSec: number;
  soldOutPerSec: number;
  refusedPerSec: number;
  rateLimitedPerSec: number;
  failedPerSec: number;
  p50Ms?: number;
  p99Ms?: number;
}

export interface SaleSummary {
  productId: string;
  name: string;
  stock: number;
  remaining: number;
  startsAt: string;
  endsAt: string;
  status: string;
}

export interface SalesBoard {
  at: string;
  sales: { sale: SaleSummary; buys: BuyRates }[];
}

export interface SaleFigures {
  at: string;
  sale: {
    productId: string;
    stock: number;
    remaining: number;
    orders: number;
    unitsPendingPayment: number;
    unitsPaid: number;
    gateRemaining?: number;
    inFlight: number;
  };
  buys: BuyRates;
  queue: { waiting?: number; deadLettered?: number };
}

export interface SaleOrder {
  orderId: string;
  userId: string;
  quantity: number;
  status: string;
  createdAt: string;
  paymentDeadline: string;
}

export interface SaleOrders {
  orders: SaleOrder[];
  next?: string;
}
