//! The routes the endpoint serves, read once from its OpenAPI document: each route's template
//! (`/api/v1/sales/:productId/purchases`), its methods, and the pattern poem registered it under.
//!
//! One table answers three questions: which route a raw path is (for the request's span, before
//! routing), which methods it allows (the `Allow` header of a `405`), and which route a matched
//! pattern is (the `route` label of the request metrics; poem-openapi registers path variables
//! as `:param0`, `:param1`, ..., the document names them).

use std::collections::HashMap;
use std::sync::Arc;

use metrics::SharedString;
use poem::http::Method;
use poem::PathPattern;

/// The `route` of requests no route matched.
pub const UNMATCHED: &str = "unmatched";

/// One route.
#[derive(Debug)]
pub struct RouteEntry {
    /// The template with named variables, e.g. `/api/v1/purchases/:requestId`.
    template: SharedString,
    /// The template's segments; `None` is a variable.
    segments: Vec<Option<String>>,
    /// The methods it answers, `HEAD` included wherever `GET` is.
    methods: Vec<Method>,
    /// The same, as the value of an `Allow` header.
    allow: String,
}

impl RouteEntry {
    fn new(path: &str, mut methods: Vec<Method>) -> (String, Self) {
        let (registered, named) = templates(path);
        if methods.contains(&Method::GET) && !methods.contains(&Method::HEAD) {
            methods.push(Method::HEAD);
        }
        let allow = methods
            .iter()
            .map(Method::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        let segments = named
            .split('/')
            .map(|segment| (!segment.starts_with(':')).then(|| segment.to_owned()))
            .collect();
        let template = SharedString::from_shared(Arc::from(named));
        (
            registered,
            Self {
                template,
                segments,
                methods,
                allow,
            },
        )
    }

    /// The template with named variables.
    pub fn template(&self) -> &str {
        &self.template
    }

    /// Whether the route answers `method`.
    pub fn allows(&self, method: &Method) -> bool {
        self.methods.contains(method)
    }

    /// The value of an `Allow` header for this route.
    pub fn allow(&self) -> &str {
        &self.allow
    }

    fn matches(&self, path: &str) -> bool {
        let mut segments = path.split('/');
        self.segments.iter().all(|expected| match segments.next() {
            Some(actual) => expected
                .as_deref()
                .map_or(!actual.is_empty(), |fixed| fixed == actual),
            None => false,
        }) && segments.next().is_none()
    }
}

/// Every route of the endpoint.
#[derive(Debug, Default)]
pub struct RouteTable {
    entries: Vec<RouteEntry>,
    /// Indexes into `entries` by how many segments the route has, in table order: a raw path
    /// is compared with the routes of its own length only.
    by_length: HashMap<usize, Vec<usize>>,
    /// Index into `entries` by the pattern poem registered.
    by_pattern: HashMap<String, usize>,
}

impl RouteTable {
    /// The routes of an OpenAPI document (JSON), plus `extra` routes served beside it; an
    /// unreadable document has no routes.
    pub fn from_spec(spec: &str, extra: &[(&str, Method)]) -> Self {
        let document: serde_json::Value = serde_json::from_str(spec).unwrap_or_default();
        let documented =
            document["paths"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(path, operations)| {
                    let methods = operations
                        .as_object()
                        .into_iter()
                        .flat_map(|operations| operations.keys())
                        .filter_map(|method| {
                            Method::from_bytes(method.to_uppercase().as_bytes()).ok()
                        })
                        .collect();
                    (path.clone(), methods)
                });
        let extra = extra
            .iter()
            .map(|(path, method)| ((*path).to_owned(), vec![method.clone()]));
        let mut table = Self::default();
        for (path, methods) in documented.chain(extra) {
            let (registered, entry) = RouteEntry::new(&path, methods);
            let index = table.entries.len();
            table.by_pattern.insert(registered, index);
            table
                .by_length
                .entry(entry.segments.len())
                .or_default()
                .push(index);
            table.entries.push(entry);
        }
        table
    }

    /// The route a raw request path is, if any.
    pub fn resolve(&self, path: &str) -> Option<&RouteEntry> {
        let length = path.split('/').count();
        self.by_length
            .get(&length)?
            .iter()
            .map(|&index| &self.entries[index])
            .find(|entry| entry.matches(path))
    }

    /// The `route` label of a matched pattern, or `unmatched` (no pattern, or only the empty
    /// one of the catch-all under which the API is nested).
    pub fn label(&self, pattern: Option<&PathPattern>) -> SharedString {
        match pattern {
            None => SharedString::const_str(UNMATCHED),
            Some(pattern) if pattern.0.is_empty() => SharedString::const_str(UNMATCHED),
            Some(pattern) => match self.by_pattern.get(&*pattern.0) {
                Some(&index) => self.entries[index].template.clone(),
                None => SharedString::from_shared(Arc::clone(&pattern.0)),
            },
        }
    }
}

/// `/a/{x}/b/{y}` as poem-openapi registers it (`/a/:param0/b/:param1`) and as it reads
/// (`/a/:x/b/:y`).
fn templates(path: &str) -> (String, String) {
    let mut registered = String::new();
    let mut named = String::new();
    let mut variables = 0;
    for segment in path.split('/').filter(|segment| !segment.is_empty()) {
        match segment
            .strip_prefix('{')
            .and_then(|rest| rest.strip_suffix('}'))
        {
            Some(variable) => {
                registered.push_str(&format!("/:param{variables}"));
                named.push_str("/:");
                named.push_str(variable);
                variables += 1;
            }
            None => {
                registered.push('/');
                registered.push_str(segment);
                named.push('/');
                named.push_str(segment);
            }
        }
    }
    (registered, named)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"{"paths": {
        "/api/v1/sales": {"get": {}},
        "/api/v1/sales/{productId}/purchases": {"post": {}},
        "/api/v1/sales/{productId}/purchase": {"get": {}}
    }}"#;

    #[test]
    fn path_variables_get_their_documented_names() {
        let (registered, named) = templates("/api/v1/sales/{productId}/purchases/{x}");
        assert_eq!(registered, "/api/v1/sales/:param0/purchases/:param1");
        assert_eq!(named, "/api/v1/sales/:productId/purchases/:x");
    }

    #[test]
    fn a_raw_path_resolves_to_its_template_and_methods() {
        let table = RouteTable::from_spec(SPEC, &[("/metrics", Method::GET)]);
        let buy = table
            .resolve("/api/v1/sales/phone/purchases")
            .expect("a route");
        assert_eq!(buy.template(), "/api/v1/sales/:productId/purchases");
        assert_eq!(buy.allow(), "POST");
        assert!(buy.allows(&Method::POST) && !buy.allows(&Method::GET));
        let list = table.resolve("/api/v1/sales").expect("a route");
        assert_eq!(list.allow(), "GET, HEAD");
        assert_eq!(
            table.resolve("/metrics").map(RouteEntry::template),
            Some("/metrics")
        );
        assert!(table.resolve("/api/v1/sales//purchases").is_none());
        assert!(table.resolve("/api/v1/sales/phone/purchases/x").is_none());
        assert!(table.resolve("/nowhere").is_none());
    }

    #[test]
    fn a_registered_pattern_is_labelled_by_its_template() {
        let table = RouteTable::from_spec(SPEC, &[]);
        let pattern = PathPattern(Arc::from("/api/v1/sales/:param0/purchases"));
        assert_eq!(
            &*table.label(Some(&pattern)),
            "/api/v1/sales/:productId/purchases"
        );
        assert_eq!(&*table.label(None), UNMATCHED);
    }
}
