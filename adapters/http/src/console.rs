//! The operator console: a single-page app (sources in `adapters/http/console`, built by
//! `scripts/console.sh`) whose built files are embedded in the binary and served at
//! `/console`, so it works offline and needs no build step to run.

use poem::http::{header, StatusCode};
use poem::web::Path;
use poem::{handler, Response};

/// The built files: name, media type, content.
const FILES: [(&str, &str, &[u8]); 10] = [
    (
        "index.html",
        "text/html; charset=utf-8",
        include_bytes!("../console/dist/index.html"),
    ),
    (
        "console.css",
        "text/css; charset=utf-8",
        include_bytes!("../console/dist/console.css"),
    ),
    ("main.js", JS, include_bytes!("../console/dist/main.js")),
    ("api.js", JS, include_bytes!("../console/dist/api.js")),
    ("board.js", JS, include_bytes!("../console/dist/board.js")),
    ("sale.js", JS, include_bytes!("../console/dist/sale.js")),
    ("charts.js", JS, include_bytes!("../console/dist/charts.js")),
    ("dom.js", JS, include_bytes!("../console/dist/dom.js")),
    (
        "uPlot.iife.min.js",
        JS,
        include_bytes!("../console/dist/uPlot.iife.min.js"),
    ),
    (
        "uPlot.min.css",
        "text/css; charset=utf-8",
        include_bytes!("../console/dist/uPlot.min.css"),
    ),
];

const JS: &str = "text/javascript; charset=utf-8";

/// The routes the console adds to the endpoint, in the route table's template form.
pub const CONSOLE_ROUTES: [&str; 2] = ["/console", "/console/{file}"];

fn serve(name: &str) -> Response {
    match FILES.iter().find(|(file, _, _)| *file == name) {
        Some((_, media_type, content)) => Response::builder()
            .header(header::CONTENT_TYPE, *media_type)
            .header(header::CACHE_CONTROL, "no-cache")
            .body(*content),
        None => Response::builder()
            .status(StatusCode::NOT_FOUND)
            .content_type("text/plain; charset=utf-8")
            .body("no such console file"),
    }
}

/// `GET /console`: the app's page.
#[handler]
pub fn console_page() -> Response {
    serve("index.html")
}

/// `GET /console/{file}`: one of the app's files.
#[handler]
pub fn console_file(Path(file): Path<String>) -> Response {
    serve(&file)
}
