// The console's entry: log in with an admin token, then route between the board and a sale.

import { call, setToken, token } from "./api.js";
import { showBoard } from "./board.js";
import { el, notice } from "./dom.js";
import { showSale } from "./sale.js";

let current = new AbortController();

function showLogin(root: HTMLElement): void {
  const field = el("input", { id: "token", type: "password", placeholder: "admin token", required: "" });
  const form = el("form", { id: "login" }, el("h2", {}, "Log in"), field, el("button", { type: "submit" }, "Log in"));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    setToken(field.value.trim());
    try {
      // Any admin read proves the token; the board's stream needs one too.
      await call("GET", "/api/v1/admin/sales/-/figures");
    } catch (error) {
      const status = (error as { status?: number }).status;
      if (status === 401 || status === 403) {
        setToken(null);
        notice("That token is not an admin token.", "error");
        return;
      }
    }
    notice("");
    route();
  });
  root.replaceChildren(form);
}

function route(): void {
  current.abort();
  current = new AbortController();
  const root = document.getElementById("app");
  if (!root) return;
  const logout = document.getElementById("logout");
  if (logout) logout.hidden = token() === null;
  if (token() === null) {
    showLogin(root);
    return;
  }
  const sale = /^#\/sale\/(.+)$/.exec(location.hash);
  if (sale) showSale(root, decodeURIComponent(sale[1]), current.signal);
  else showBoard(root, current.signal);
}

document.getElementById("logout")?.addEventListener("click", () => {
  setToken(null);
  location.hash = "#/";
  route();
});
window.addEventListener("hashchange", route);
route();
