// The operator console in a real browser (Debian's Chromium, headless, driven by
// playwright-core) against the running service: log in, create a sale, watch a sale's stock
// fall while the load generator buys, pause it (buys refused), resume it, add units, see its
// orders. Screenshots of the board and of the sale page during the load go to SCREENSHOTS.
//
// Environment: BASE (the service's URL), SECRET (its token secret), LOAD_PID_FILE is not used;
// LOAD_PRODUCT (the sale the load generator buys), SCREENSHOTS (a folder).

import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { chromium } from "playwright-core";

const { BASE, SECRET, LOAD_PRODUCT, SCREENSHOTS } = process.env;
for (const [name, value] of Object.entries({ BASE, SECRET, LOAD_PRODUCT, SCREENSHOTS })) {
  if (!value) throw new Error(`${name} is not set`);
}

function token(sub, admin = false) {
  const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const unsigned = `${b64({ alg: "HS256", typ: "JWT" })}.${b64({ sub, iat: now, exp: now + 3600, admin })}`;
  const signature = createHmac("sha256", SECRET).update(unsigned).digest("base64url");
  return `${unsigned}.${signature}`;
}

async function buy(product, user) {
  const response = await fetch(`${BASE}/api/v1/sales/${product}/purchases`, {
    method: "POST",
    headers: { Authorization: `Bearer ${token(user)}`, "Content-Type": "application/json" },
    body: "{}",
  });
  const body = await response.json();
  return { status: response.status, type: body.type };
}

function step(text) {
  console.log(`[console-test] ${text}`);
}

const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 960 } });
  page.on("dialog", (dialog) => dialog.accept());
  page.on("pageerror", (error) => {
    throw error;
  });

  step("log in: a buyer's token is refused, an admin's accepted");
  await page.goto(`${BASE}/console`);
  await page.fill("#token", token("ann"));
  await page.click("#login button");
  await page.waitForSelector("#notice.error");
  await page.fill("#token", token("ops", true));
  await page.click("#login button");
  await page.waitForSelector('#board tr[data-product="demo-phone"]');

  step("create a sale from the board");
  await page.fill('#create-sale input[name="productId"]', "console-made");
  await page.fill('#create-sale input[name="name"]', "Made in the console");
  await page.fill('#create-sale input[name="stock"]', "25");
  await page.click('#create-sale button[type="submit"]');
  await page.waitForSelector('#board tr[data-product="console-made"]');

  step(`the load generator's sale ${LOAD_PRODUCT} appears and sells`);
  const row = `#board tr[data-product="${LOAD_PRODUCT}"]`;
  await page.waitForSelector(row, { timeout: 30_000 });
  await page.waitForFunction(
    (selector) => Number(document.querySelector(`${selector} td:nth-child(6)`)?.textContent) > 0,
    row,
    { timeout: 30_000 },
  );
  await page.screenshot({ path: `${SCREENSHOTS}/console-board.png` });

  step("its page: the stock left falls while buyers buy");
  await page.click(`${row} a`);
  await page.waitForSelector("#gate-remaining");
  const left = async () => Number(await page.textContent("#gate-remaining"));
  const first = await left();
  await page.waitForFunction((before) => Number(document.querySelector("#gate-remaining")?.textContent) < before, first, {
    timeout: 20_000,
  });
  await page.waitForTimeout(3_000); // a few seconds of chart
  await page.screenshot({ path: `${SCREENSHOTS}/console-sale.png`, fullPage: true });

  step("pause: buys are refused; resume: they are taken again");
  const product = "console-made";
  await page.goto(`${BASE}/console#/sale/${product}`);
  await page.waitForSelector("#gate-remaining");
  await page.click("#pause");
  await page.waitForSelector("#notice.ok:has-text('paused')");
  assert.deepEqual(await buy(product, "paused-buyer"), { status: 409, type: "urn:flashsale:problem:sale-paused" });
  await page.click("#resume");
  await page.waitForSelector("#notice.ok:has-text('open')");
  assert.equal((await buy(product, "resumed-buyer")).status, 202);

  step("add units: the stock grows");
  await page.fill("#units", "10");
  await page.click("#add-units");
  await page.waitForSelector("#notice.ok:has-text('stock 35')");
  await page.waitForFunction(() => document.querySelector("#stock")?.textContent === "35", null, { timeout: 5_000 });

  step("the orders table shows the order");
  await page.click("#refresh-orders");
  await page.waitForSelector("#orders-table tbody tr:has-text('resumed-buyer')", { timeout: 10_000 });
  await page.selectOption("#order-status", "paid");
  await page.waitForFunction(() => document.querySelectorAll("#orders-table tbody tr").length === 0);
  step("all passed");
} finally {
  await browser.close();
}
