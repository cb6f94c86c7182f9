// A few DOM helpers: elements built from tags, attributes and children, and a notice line.
export function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes))
        node.setAttribute(name, value);
    for (const child of children) {
        if (child === null || child === undefined || child === false)
            continue;
        node.append(child);
    }
    return node;
}
export function notice(text, kind = "ok") {
    const line = document.getElementById("notice");
    if (!line)
        return;
    line.textContent = text;
    line.className = kind;
}
export function fixed(value, digits = 1) {
    return value === undefined ? "–" : value.toFixed(digits);
}
