// The service's admin API as the console uses it: requests with the operator's token, problem
// bodies turned into readable errors, and Server-Sent Events read with fetch (EventSource
// cannot send the Authorization header).
const TOKEN_KEY = "flashsale.console.token";
export function token() {
    return sessionStorage.getItem(TOKEN_KEY);
}
export function setToken(value) {
    if (value === null)
        sessionStorage.removeItem(TOKEN_KEY);
    else
        sessionStorage.setItem(TOKEN_KEY, value);
}
export class ApiError extends Error {
    constructor(status, message) {
        super(message);
        this.status = status;
    }
}
function headers(json) {
    const h = { Authorization: `Bearer ${token() ?? ""}` };
    if (json)
        h["Content-Type"] = "application/json";
    return h;
}
export async function call(method, path, body) {
    const response = await fetch(path, {
        method,
        headers: headers(body !== undefined),
        body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : null;
    if (!response.ok) {
        const detail = parsed?.errors?.length
            ? parsed.errors.map((e) => `${e.field}: ${e.message}`).join("; ")
            : parsed?.detail ?? response.statusText;
        throw new ApiError(response.status, `${parsed?.title ?? response.status}: ${detail}`);
    }
    return parsed;
}
/** Reads `path`'s event stream, calling `onEvent` with each event's JSON, until `signal` aborts. */
export async function watch(path, signal, onEvent) {
    const response = await fetch(path, { headers: headers(false), signal });
    if (!response.ok || !response.body) {
        throw new ApiError(response.status, `watching ${path}: ${response.status}`);
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
        const { value, done } = await reader.read();
        if (done)
            return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const data = block
                .split("\n")
                .filter((line) => line.startsWith("data:"))
                .map((line) => line.slice(5).trim())
                .join("\n");
            if (data)
                onEvent(JSON.parse(data));
        }
    }
}
