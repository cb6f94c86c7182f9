// A few DOM helpers: elements built from tags, attributes and children, and a notice line.

type Child = Node | string | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child);
  }
  return node;
}

export function notice(text: string, kind: "ok" | "error" = "ok"): void {
  const line = document.getElementById("notice");
  if (!line) return;
  line.textContent = text;
  line.className = kind;
}

export function fixed(value: number | undefined, digits = 1): string {
  return value === undefined ? "–" : value.toFixed(digits);
}
