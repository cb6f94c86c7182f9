// The generated client against the real service: list, buy, poll to success, and the typed
// refusals (already purchased, sold out, rate limited with Retry-After).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
  createFlashsaleClient,
  retryAfterSeconds,
  type FlashsaleClient,
  type Problem,
  type PurchaseResult,
} from "../src/index.ts";
import { DEMO_PRODUCT, DEMO_STOCK, PER_USER_BURST, startService, type Service } from "./service.ts";

const BUY = "/api/v1/sales/{productId}/purchases" as const;

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

  it("refuses a buyer once the stock is gone, as sold out", async () => {
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
