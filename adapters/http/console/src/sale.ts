// One sale: its live figures and charts, the operator's actions, and its orders.

import { call, SaleFigures, SaleOrders, watch } from "./api.js";
import { LiveChart } from "./charts.js";
import { el, fixed, notice } from "./dom.js";

export function showSale(root: HTMLElement, product: string, signal: AbortSignal): void {
  const base = `/api/v1/admin/sales/${encodeURIComponent(product)}`;
  const figures = el("dl", { id: "figures" });
  const charts = el("div", { class: "charts" });
  const orders = el("section", { id: "orders" });
  root.replaceChildren(
    el("p", {}, el("a", { href: "#/" }, "← all sales")),
    el("h2", {}, `Sale ${product}`),
    figures,
    actions(base),
    charts,
    orders,
  );
  const stock = new LiveChart(charts, "Units left", ["gate", "database"], ["#2a6", "#888"]);
  const rates = new LiveChart(charts, "Buys per second (this process)", ["accepted", "sold out", "refused", "rate limited", "failed"], ["#2a6", "#c80", "#a4c", "#48c", "#d33"]);
  const latency = new LiveChart(charts, "Time to answer a buy (ms)", ["p50", "p99"], ["#48c", "#d33"]);
  const queue = new LiveChart(charts, "Order queue (all sales)", ["waiting for workers", "dead-lettered"], ["#48c", "#d33"]);
  watch<SaleFigures>(`${base}/events`, signal, (f) => {
    const at = Date.parse(f.at) / 1000;
    stock.push(at, [f.sale.gateRemaining, f.sale.remaining]);
    const b = f.buys;
    rates.push(at, [b.acceptedPerSec, b.soldOutPerSec, b.refusedPerSec, b.rateLimitedPerSec, b.failedPerSec]);
    latency.push(at, [b.p50Ms, b.p99Ms]);
    queue.push(at, [f.queue.waiting, f.queue.deadLettered]);
    const item = (name: string, id: string, value: string) =>
      [el("dt", {}, name), el("dd", { id }, value)];
    figures.replaceChildren(
      ...item("Stock", "stock", String(f.sale.stock)),
      ...item("Left in the gate", "gate-remaining", String(f.sale.gateRemaining ?? "–")),
      ...item("In flight", "in-flight", String(f.sale.inFlight)),
      ...item("Units pending payment", "pending", String(f.sale.unitsPendingPayment)),
      ...item("Units paid", "paid", String(f.sale.unitsPaid)),
      ...item("Accepted/s", "accepted", fixed(b.acceptedPerSec)),
      ...item("p99 ms", "p99", fixed(b.p99Ms)),
      ...item("Waiting for workers", "waiting", String(f.queue.waiting ?? "–")),
      ...item("Dead-lettered", "dead-lettered", String(f.queue.deadLettered ?? "–")),
    );
  }).catch((error) => {
    if (!signal.aborted) notice(`The figures stopped: ${error.message}`, "error");
  });
  showOrders(orders, base);
}

function actions(base: string): HTMLElement {
  const act = async (question: string | null, method: string, path: string, body?: unknown) => {
    if (question !== null && !window.confirm(question)) return;
    try {
      const sale = await call<{ status: string; stock: number }>(method, `${base}${path}`, body);
      notice(`Done: the sale is ${sale.status}, stock ${sale.stock}.`);
    } catch (error) {
      notice((error as Error).message, "error");
    }
  };
  const units = el("input", { id: "units", type: "number", min: "1", value: "10" });
  const minutes = el("input", { id: "minutes", type: "number", min: "1", value: "10" });
  const button = (id: string, label: string, run: () => void) => {
    const b = el("button", { id, type: "button" }, label);
    b.addEventListener("click", run);
    return b;
  };
  return el(
    "div",
    { class: "actions" },
    button("pause", "Pause", () => act("Pause the sale? Buyers will be refused.", "POST", "/pause")),
    button("resume", "Resume", () => act(null, "POST", "/resume")),
    units,
    button("add-units", "Add units", () =>
      act(`Add ${units.value} units?`, "POST", "/units", {
        units: Number(units.value),
        restockId: `console-${Date.now()}`,
      }),
    ),
    minutes,
    button("extend", "Extend end by minutes", () =>
      act(`Move the end ${minutes.value} minutes from now?`, "PUT", "/end", {
        endsAt: new Date(Date.now() + Number(minutes.value) * 60_000).toISOString(),
      }),
    ),
    button("close", "Close now", () => act("Close the sale now? This ends it.", "POST", "/close")),
  );
}

function showOrders(section: HTMLElement, base: string): void {
  const status = el(
    "select",
    { id: "order-status" },
    ...["", "pending_payment", "paid", "cancelled", "expired"].map((s) => el("option", { value: s }, s || "all")),
  );
  const rows = el("tbody");
  const more = el("button", { id: "more-orders", type: "button" }, "More");
  const refresh = el("button", { id: "refresh-orders", type: "button" }, "Refresh");
  let next: string | undefined;
  const load = async (fresh: boolean) => {
    const query = new URLSearchParams({ limit: "50" });
    if (status.value) query.set("status", status.value);
    if (!fresh && next) query.set("after", next);
    try {
      const page = await call<SaleOrders>("GET", `${base}/orders?${query}`);
      const lines = page.orders.map((o) =>
        el(
          "tr",
          {},
          el("td", {}, o.orderId),
          el("td", {}, o.userId),
          el("td", {}, String(o.quantity)),
          el("td", {}, o.status),
          el("td", {}, new Date(o.createdAt).toLocaleTimeString()),
        ),
      );
      if (fresh) rows.replaceChildren(...lines);
      else rows.append(...lines);
      next = page.next;
      more.hidden = next === undefined;
    } catch (error) {
      notice((error as Error).message, "error");
    }
  };
  status.addEventListener("change", () => load(true));
  refresh.addEventListener("click", () => load(true));
  more.addEventListener("click", () => load(false));
  section.replaceChildren(
    el("h3", {}, "Orders"),
    el("div", { class: "actions" }, status, refresh),
    el(
      "table",
      { id: "orders-table" },
      el("thead", {}, el("tr", {}, ...["Order", "Buyer", "Units", "Status", "Created"].map((h) => el("th", {}, h)))),
      rows,
    ),
    more,
  );
  load(true);
}
