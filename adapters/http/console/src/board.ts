// The board: every sale, live, and a form to create one.

import { call, SalesBoard, watch } from "./api.js";
import { el, fixed, notice } from "./dom.js";

export function showBoard(root: HTMLElement, signal: AbortSignal): void {
  const rows = el("tbody");
  const table = el(
    "table",
    { id: "board" },
    el(
      "thead",
      {},
      el(
        "tr",
        {},
        ...["Product", "Name", "Status", "Remaining", "Stock", "Accepted/s", "Sold out/s", "p99 ms"].map(
          (h) => el("th", {}, h),
        ),
      ),
    ),
    rows,
  );
  root.replaceChildren(el("h2", {}, "Sales"), table, createForm());
  watch<SalesBoard>("/api/v1/admin/events", signal, (board) => {
    rows.replaceChildren(
      ...board.sales.map(({ sale, buys }) =>
        el(
          "tr",
          { "data-product": sale.productId },
          el("td", {}, el("a", { href: `#/sale/${encodeURIComponent(sale.productId)}` }, sale.productId)),
          el("td", {}, sale.name),
          el("td", { class: `status ${sale.status}` }, sale.status),
          el("td", { class: "remaining" }, String(sale.remaining)),
          el("td", {}, String(sale.stock)),
          el("td", {}, fixed(buys.acceptedPerSec)),
          el("td", {}, fixed(buys.soldOutPerSec)),
          el("td", {}, fixed(buys.p99Ms)),
        ),
      ),
    );
  }).catch((error) => {
    if (!signal.aborted) notice(`The board stopped: ${error.message}`, "error");
  });
}

function createForm(): HTMLElement {
  const input = (name: string, attrs: Record<string, string>) =>
    el("label", {}, name, el("input", { name, ...attrs }));
  const form = el(
    "form",
    { id: "create-sale" },
    el("h3", {}, "Create a sale"),
    input("productId", { required: "", pattern: "[A-Za-z0-9._-]{1,64}" }),
    input("name", { required: "" }),
    input("stock", { type: "number", min: "0", value: "100", required: "" }),
    input("minutes", { type: "number", min: "1", value: "60", required: "" }),
    input("perUserLimit", { type: "number", min: "1", value: "1", required: "" }),
    el("button", { type: "submit" }, "Create and open now"),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const now = new Date();
    const minutes = Number(data.get("minutes"));
    try {
      await call("POST", "/api/v1/admin/sales", {
        productId: data.get("productId"),
        name: data.get("name"),
        stock: Number(data.get("stock")),
        perUserLimit: Number(data.get("perUserLimit")),
        startsAt: now.toISOString(),
        endsAt: new Date(now.getTime() + minutes * 60_000).toISOString(),
      });
      notice(`Sale ${data.get("productId")} created.`);
      form.reset();
    } catch (error) {
      notice((error as Error).message, "error");
    }
  });
  return form;
}
