// The generated client against the real service: list, buy, poll to success, pay an order through
// the signed payment webhook, cancel another, and the typed refusals (already purchased, sold out,
// rate limited with Retry-After). The tests share one service and run in file order: each leaves
// the stock where the next expects it.
import assert from "node:assert/strict";
import { createHmac, randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import {
  createFlashsaleClient,
  retryAfterSeconds,
  type FlashsaleClient,
  type OrderView,
  type PaymentNotification,
  type Problem,
  type PurchaseResult,
} from "../src/index.ts";
import { DEMO_PRODUCT, DEMO_STOCK, PER_USER_BURST, startService, type Service } from "./service.ts";

const BUY = "/api/v1/sales/{productId}/purchases" as const;
const WEBHOOK = "/api/v1/payments/webhook" as const;
/** The built-in development secret (config/default.toml), which the test service does not use. */
const DEVELOPMENT_WEBHOOK_SECRET = "flashsale-development-webhook-secret-do-not-use-in-production";

let service: Service;
const asBuyer = (sub: string): FlashsaleClient =>
  createFlashsaleClient({ baseUrl: service.baseUrl, token: service.mint(sub) });
const buy = (client: FlashsaleClient) =>
  client.POST(BUY, { params: { path: { productId: DEMO_PRODUCT } }, body: { quantity: 1 } });

async function pollUntilSettled(client: FlashsaleClient, requestId: string): Promise<PurchaseResult> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const { data, error } = await client.GET("/api/v1/purchases/{requestId}", {
      params: { path: { requestId } },
    });
    assert.equal(error, undefined, `poll failed: ${JSON.stringify(error)}`);
    if (data!.status !== "pending") return data!;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`purchase ${requestId} still pending`);
}

/** Buys one demo unit as `client` and polls it to success: the order it created. */
async function buyAndSettle(client: FlashsaleClient): Promise<string> {
  const { data: accepted, error } = await buy(client);
  assert.equal(error, undefined, JSON.stringify(error));
  const result = await pollUntilSettled(client, accepted!.requestId);
  assert.equal(result.status, "succeeded", JSON.stringify(result));
  assert.ok(result.orderId, "a succeeded purchase has an order id");
  return result.orderId;
}

/**
 * What the payment provider sends: `Flashsale-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of
 * "<t>.<raw body>">`, keyed with the shared webhook secret, over the body bytes exactly as sent.
 */
function signedDelivery(notification: PaymentNotification, secret: string) {
  const raw = JSON.stringify(notification);
  const t = Math.floor(Date.now() / 1000);
  const v1 = createHmac("sha256", secret).update(`${t}.${raw}`).digest("hex");
  return {
    params: { header: { "Flashsale-Signature": `t=${t},v1=${v1}` } },
    body: notification,
    // Send exactly the bytes that were signed.
    bodySerializer: () => raw,
  };
}

function assertProblem(problem: Problem | undefined, status: number, type: Problem["type"]): Problem {
  assert.ok(problem, "an error body");
  assert.equal(problem.status, status);
  assert.equal(problem.type, type);
  assert.ok(problem.title.length > 0 && problem.detail.length > 0);
  return problem;
}

describe("the generated TypeScript client against a running flashsale", { concurrency: false }, () => {
  before(async () => {
    service = await startService();
  });
  after(async () => {
    await service?.stop();
  });

  it("lists the open demo sale without a token", async () => {
    const { data, error, response } = await createFlashsaleClient({ baseUrl: service.baseUrl }).GET("/api/v1/sales");
    assert.equal(error, undefined);
    assert.equal(response.status, 200);
    const sale = data!.find((s) => s.productId === DEMO_PRODUCT);
    assert.ok(sale, `demo sale listed: ${JSON.stringify(data)}`);
    assert.equal(sale.status, "open");
    assert.equal(sale.remaining, DEMO_STOCK);
  });

  it("buys, polls the result to success, and refuses a second buy as already purchased", async () => {
    const alice = asBuyer("alice");
    const { data: accepted, error, response } = await buy(alice);
    assert.equal(error, undefined, JSON.stringify(error));
    assert.equal(response.status, 202);
    assert.equal(accepted!.status, "pending");
    assert.equal(response.headers.get("Location"), accepted!.resultUrl);

    const result = await pollUntilSettled(alice, accepted!.requestId);
    assert.equal(result.status, "succeeded");
    assert.ok(result.orderId, "a succeeded purchase has an order id");

    const mine = await alice.GET("/api/v1/sales/{productId}/purchase", {
      params: { path: { productId: DEMO_PRODUCT } },
    });
    assert.equal(mine.data?.requestId, accepted!.requestId);

    const again = await buy(alice);
    assert.equal(again.data, undefined);
    const refused = assertProblem(again.error, 409, "urn:flashsale:problem:already-purchased");
    assert.equal(refused.requestId, accepted!.requestId, "names the request holding the unit");
    assert.equal(refused.resultUrl, accepted!.resultUrl);
    assert.equal(again.response.headers.get("Content-Type"), "application/problem+json");
  });

  it("pays an order through the signed webhook (idempotently) and cancels another", async () => {
    // Erin buys and pays: the provider's webhook (no bearer token) with a signature made here.
    const erin = asBuyer("erin");
    const orderId = await buyAndSettle(erin);
    const pending = await erin.GET("/api/v1/orders/{orderId}", { params: { path: { orderId } } });
    assert.equal(pending.error, undefined, JSON.stringify(pending.error));
    assert.equal(pending.data!.orderId, orderId);
    assert.equal(pending.data!.productId, DEMO_PRODUCT);
    assert.equal(pending.data!.status, "pending_payment");

    const provider = createFlashsaleClient({ baseUrl: service.baseUrl });
    const payment: PaymentNotification = { orderId, paymentId: `pi_ts_${randomBytes(8).toString("hex")}` };
    const forged = await provider.POST(WEBHOOK, signedDelivery(payment, DEVELOPMENT_WEBHOOK_SECRET));
    assertProblem(forged.error, 401, "urn:flashsale:problem:webhook-signature-invalid");

    const delivery = signedDelivery(payment, service.webhookSecret);
    const paid = await provider.POST(WEBHOOK, delivery);
    assert.equal(paid.error, undefined, JSON.stringify(paid.error));
    assert.equal(paid.response.status, 200);
    assert.equal(paid.data!.status, "paid");
    assert.equal(paid.data!.paymentId, payment.paymentId);

    const read = await erin.GET("/api/v1/orders/{orderId}", { params: { path: { orderId } } });
    assert.equal(read.data?.status, "paid", JSON.stringify(read.error));
    assert.equal(read.data?.paymentId, payment.paymentId);

    const replay = await provider.POST(WEBHOOK, delivery);
    assert.equal(replay.response.status, 200, JSON.stringify(replay.error));
    assert.deepEqual(replay.data, paid.data, "a redelivery of the same payment is answered the same");

    const cancelPaid = await erin.POST("/api/v1/orders/{orderId}/cancel", { params: { path: { orderId } } });
    assertProblem(cancelPaid.error, 409, "urn:flashsale:problem:order-not-cancellable");

    // Frank buys and cancels: the unit goes back on sale (the next test sells it to Bob);
    // cancelling again answers the same.
    const frank = asBuyer("frank");
    const franks = await buyAndSettle(frank);
    const cancelled = await frank.POST("/api/v1/orders/{orderId}/cancel", { params: { path: { orderId: franks } } });
    assert.equal(cancelled.error, undefined, JSON.stringify(cancelled.error));
    assert.equal(cancelled.response.status, 200);
    assert.equal(cancelled.data!.status, "cancelled");
    const again = await frank.POST("/api/v1/orders/{orderId}/cancel", { params: { path: { orderId: franks } } });
    assert.equal(again.response.status, 200, JSON.stringify(again.error));
    assert.deepEqual(again.data, cancelled.data, "cancelling again is idempotent");

    const { data: page } = await frank.GET("/api/v1/orders");
    const listed: OrderView | undefined = page?.orders.find((order) => order.orderId === franks);
    assert.equal(listed?.status, "cancelled", JSON.stringify(page));

    // A cancelled order cannot be paid: the provider must refund.
    const late = await provider.POST(
      WEBHOOK,
      signedDelivery({ orderId: franks, paymentId: `pi_ts_${randomBytes(8).toString("hex")}` }, service.webhookSecret),
    );
    const refused = assertProblem(late.error, 409, "urn:flashsale:problem:order-not-payable");
    assert.equal(refused.orderStatus, "cancelled");
    assert.equal(refused.orderId, franks);
  });

  it("refuses a buyer once the stock is gone, as sold out", async () => {
    // Bob takes the last unit, the one Frank's cancel put back (once: none is left for Carol).
    const bob = await buy(asBuyer("bob"));
    assert.equal(bob.response.status, 202, JSON.stringify(bob.error));
    const carol = await buy(asBuyer("carol"));
    assertProblem(carol.error, 409, "urn:flashsale:problem:sold-out");
  });

  it("rate-limits a buyer who keeps trying, with Retry-After", async () => {
    const dave = asBuyer("dave");
    for (let attempt = 0; attempt < PER_USER_BURST; attempt++) {
      const { error } = await buy(dave);
      assertProblem(error, 409, "urn:flashsale:problem:sold-out");
    }
    const { error, response } = await buy(dave);
    assertProblem(error, 429, "urn:flashsale:problem:rate-limited");
    const retryAfter = retryAfterSeconds(response);
    assert.ok(retryAfter !== undefined && retryAfter >= 1, `Retry-After: ${retryAfter}`);
  });

  it("answers a missing token with a typed 401", async () => {
    const anonymous = createFlashsaleClient({ baseUrl: service.baseUrl });
    const { error } = await buy(anonymous);
    assertProblem(error, 401, "urn:flashsale:problem:unauthorized");
  });
});
