//! The taint lattice: which inputs of the function being summarized a value carries (a
//! parameter, the receiver, or something computed at run time), each with the labels of the checks it went through on every
//! path (`shlex.quote`, `allowlist`, `path-containment`, `numeric`). A sink ignores a slot
//! whose labels include one of its rule's sanitizers. Joining two values keeps every slot and,
//! for a slot in both, only the labels both have: sanitized on one path is not sanitized.

use crate::analyze::ir::{Expr, ExprKind};
use std::collections::{BTreeMap, BTreeSet};

/// What flows from a function's inputs: a parameter (by index) or its receiver.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(super) enum Slot {
    Receiver,
    /// One field of the receiver (`self.root`), by its index in the engine's field names:
    /// what a method reads from a field follows what its callers stored in that field only.
    Field(u32),
    Param(usize),
    /// Computed at run time from something that is not an input of the function (the
    /// environment, a library call, a closure's variable).
    Computed,
    /// What a call with an effect produced (a file's contents), with the effect as a label
    /// (`content_label("file-read")`). Not an input: no sink sees it; an entry point that
    /// returns it hands that content to its caller.
    Content,
}

pub(super) type Labels = BTreeSet<String>;

/// Labels a guard or a check puts on values; rules name them as sanitizers.
pub(super) const ALLOWLIST: &str = "allowlist";
pub(super) const PATH_CONTAINMENT: &str = "path-containment";
/// A value placed after constant text (`f"kubectl -n {ns}"`, `"git log " + ref`): it is not
/// the start of what it is part of, so it cannot name the program of a command line.
pub(super) const EMBEDDED: &str = "embedded";
/// A value written into a text with constant parts (`f"SELECT * FROM {t}"`, `"... " + x`,
/// `"%s" % x`, `"{}".format(x)`): it is part of a statement, not the whole of it.
pub(super) const COMPOSED: &str = "composed";

/// The label of values that came out of a source of rule `rule` (`requests.get` for a rule
/// about fetched pages).
pub(super) fn source_label(rule: &str) -> String {
    format!("{SOURCE_PREFIX}{rule}")
}
const SOURCE_PREFIX: &str = "source:";

/// The label of what a call giving `capability` produced (`fs.readFile` for `file-read`).
pub(super) fn content_label(capability: &str) -> String {
    format!("{CONTENT_PREFIX}{capability}")
}

/// The capability a `content_label` names.
pub(super) fn content_capability(label: &str) -> Option<&str> {
    label.strip_prefix(CONTENT_PREFIX)
}
const CONTENT_PREFIX: &str = "content:";

/// The label of what a function of another module returned while its module's answer is not
/// known (each argument taken as returned), numbered by the engine: what it reaches is what
/// a narrower answer in the second pass could take away.
pub(super) fn via_label(import: usize) -> String {
    format!("{VIA_PREFIX}{import}")
}

/// The number a `via_label` carries.
pub(super) fn via_import(label: &str) -> Option<usize> {
    label.strip_prefix(VIA_PREFIX)?.parse().ok()
}
const VIA_PREFIX: &str = "via:";

/// Labels a value keeps where it had them on any way it came (what it may be), not only on
/// every way (what it was checked for).
fn is_may(label: &str) -> bool {
    label == COMPOSED
        || label == REQUEST_CREDENTIAL
        || label.starts_with(SOURCE_PREFIX)
        || label.starts_with(CONTENT_PREFIX)
        || label.starts_with(VIA_PREFIX)
}

/// Labels that say where a value was written or came from, not that it was checked: a sink
/// that does not name them still sees the value as input.
pub(super) fn is_shape(label: &str) -> bool {
    label == EMBEDDED
        || label == COMPOSED
        || label == REQUEST_CREDENTIAL
        || label.starts_with(SOURCE_PREFIX)
        || label.starts_with(CONTENT_PREFIX)
        || label.starts_with(VIA_PREFIX)
}
/// An argv whose program (its first element) is in a fixed set: it may run only those.
pub(super) const PROGRAM_ALLOWLIST: &str = "program-allowlist";
/// A value placed in a URL after its host (`https://api.x.com/${id}`, `${BASE}/items/${id}`):
/// it cannot move the request to another host.
pub(super) const FIXED_HOST: &str = "fixed-host";
/// Checked to be one of a fixed set of values (`if name not in GUIDES: raise`), a narrower
/// proof than `allowlist`, which a pattern or a check known only by its name gives too.
pub(super) const FIXED_SET: &str = "fixed-set";
/// The scheme or host of the web request being served (`req.protocol`, `req.get("host")`):
/// a URL built on them points back at the server itself. A browser sends the host it was
/// sent to, so a link cannot make it another one; a request the server makes itself to such
/// a URL still goes where the caller's `Host` header says, so only redirects name this.
pub(super) const OWN_ORIGIN: &str = "own-origin";

/// Names the request being served usually has: `req`, `request`, Hono's `c.req`, FastMCP's
/// `get_http_request()`. Not `self.headers` or `response.headers`: a client's own.
const REQUEST_NAMES: [&str; 5] = [
    "req",
    "request",
    "http_request",
    "get_http_request",
    "raw_request",
];

/// Whether `e` names the request being served (`req`, `c.req`, `get_http_request()`).
pub(super) fn is_served_request(e: &Expr) -> bool {
    last_name(e).is_some_and(|n| REQUEST_NAMES.contains(&n))
}
/// Fields of a request, or of its headers or URL, that hold its own scheme or host.
const ORIGIN_FIELDS: [&str; 6] = [
    "protocol", "hostname", "host", "scheme", "netloc", "base_url",
];

/// Whether `e` reads the request's own scheme or host: `req.protocol`, `req.hostname`,
/// `req.headers.host`, `request.url.netloc`, `request.base_url`, `req.get("host")`.
pub(super) fn is_own_origin(e: &Expr) -> bool {
    let is_request = |e: &Expr| matches!(&e.kind, ExprKind::Name(_)) && is_served_request(e);
    match &e.kind {
        ExprKind::Attr(object, field) if ORIGIN_FIELDS.contains(&field.as_str()) => {
            is_request(object)
                || matches!(&object.kind, ExprKind::Attr(inner, part)
                    if (part == "headers" || part == "url") && is_request(inner))
        }
        ExprKind::Call { callee, args, .. } => match (&callee.kind, args.as_slice()) {
            (ExprKind::Attr(object, method), [arg]) if method == "get" || method == "header" => {
                is_request(object)
                    && matches!(&arg.value.kind, ExprKind::Str(h) if h.eq_ignore_ascii_case("host"))
            }
            _ => false,
        },
        _ => false,
    }
}

/// The credential the client sent with the request being served: its `Authorization`
/// header, or the token an auth middleware took from it (`extra.authInfo.token`). A source
/// of its own: read through a library (`get_http_headers()`) it is still the caller's.
pub(super) const REQUEST_CREDENTIAL: &str = "request-credential";

/// Lists of the redirect URIs registered for an OAuth client.
const REGISTERED_URIS: [&str; 2] = ["redirect_uris", "redirectUris"];

/// Whether `e` is an element of the redirect URIs registered for a client
/// (`client.redirect_uris[0]`): what the lookup by a caller-chosen `client_id` found is the
/// registration's, not the caller's text, so it is on the client's list by definition. Not
/// a registration being made (`req.body.redirect_uris[0]`).
pub(super) fn reads_registered_uri(e: &Expr) -> bool {
    let ExprKind::Index(list, _) = &e.kind else {
        return false;
    };
    let ExprKind::Attr(record, field) = &list.kind else {
        return false;
    };
    if !REGISTERED_URIS.contains(&field.as_str()) {
        return false;
    }
    let mut part: &Expr = record;
    loop {
        if is_served_request(part) {
            return false;
        }
        match &part.kind {
            ExprKind::Attr(inner, _) | ExprKind::Index(inner, _) => part = inner,
            _ => return true,
        }
    }
}

/// Whether `e` reads the credential of the request being served: `req.headers.authorization`,
/// `request.headers.get("Authorization")`, `headers["authorization"]`, `req.header(...)`,
/// `c.req.header(...)`, `extra.authInfo.token`, `req.auth.token`.
pub(super) fn reads_request_credential(e: &Expr) -> bool {
    let is_authorization =
        |e: &Expr| matches!(&e.kind, ExprKind::Str(h) if h.eq_ignore_ascii_case("authorization"));
    let is_request = is_served_request;
    // Its headers: `req.headers`, FastMCP's `get_http_headers()` and the variable usually
    // holding them.
    let is_headers = |e: &Expr| match &e.kind {
        ExprKind::Attr(object, field) => field == "headers" && is_request(object),
        ExprKind::Name(n) => n == "headers",
        ExprKind::Call { .. } => last_name(e) == Some("get_http_headers"),
        _ => false,
    };
    match &e.kind {
        ExprKind::Attr(object, field) => match field.as_str() {
            "authorization" | "Authorization" => is_headers(object),
            // What an auth middleware verified and kept: the SDK's `req.auth` and handler
            // `extra.authInfo`. Not FastMCP's `get_access_token().token`: behind its OAuth
            // proxy that is the upstream's token, swapped in on the server, as the spec wants.
            "token" => match &object.kind {
                ExprKind::Attr(inner, field) if field == "auth" => is_request(inner),
                _ => matches!(last_name(object), Some("authInfo" | "auth_info")),
            },
            _ => false,
        },
        ExprKind::Index(object, key) => is_authorization(key) && is_headers(object),
        ExprKind::Call { callee, args, .. } => match (&callee.kind, args.first()) {
            (ExprKind::Attr(object, method), Some(arg)) if is_authorization(&arg.value) => {
                match method.as_str() {
                    "get" => is_headers(object) || is_request(object),
                    "header" | "getHeader" => is_request(object),
                    _ => false,
                }
            }
            _ => false,
        },
        _ => false,
    }
}

/// The last name of a name, a field read or a call's callee (`headers` of `req.headers`,
/// `get_http_headers` of `get_http_headers()`).
fn last_name(e: &Expr) -> Option<&str> {
    match &e.kind {
        ExprKind::Name(n) | ExprKind::Attr(_, n) => Some(n.as_str()),
        ExprKind::Call { callee, .. } => super::callee_last_name(callee),
        _ => None,
    }
}

/// A URL whose scheme was checked against a fixed set (`https:` only).
pub(super) const SCHEME_CHECK: &str = "scheme-check";
/// A value checked not to start with `-` (it cannot be read as an option).
pub(super) const OPTION_CHECK: &str = "option-check";
/// A path checked with a string prefix and no separator (`p.startsWith(root)`): a flawed
/// containment check, reported by its own rule rather than as a traversal.
pub(super) const PREFIX_CHECK: &str = "prefix-check";
/// A file or value whose size was checked against a limit.
pub(super) const BOUNDED: &str = "bounded";
/// A number-typed parameter: clean for every rule in the model (none is about numbers yet).
pub(super) const NUMERIC: &str = "numeric";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(super) struct Taint(BTreeMap<Slot, Labels>);

impl Taint {
    pub fn new() -> Taint {
        Taint::default()
    }

    pub fn of(slot: Slot, labels: Labels) -> Taint {
        Taint(BTreeMap::from([(slot, labels)]))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Carries an input of the function (a parameter or the receiver), not only values
    /// computed at run time.
    pub fn carries_input(&self) -> bool {
        self.0
            .keys()
            .any(|s| !matches!(s, Slot::Computed | Slot::Content))
    }

    /// The capabilities of the calls whose results the value holds, unless it was made a
    /// number of them (`len(text)`).
    pub fn contents(&self) -> impl Iterator<Item = &str> {
        self.0
            .get(&Slot::Content)
            .filter(|labels| !labels.contains(NUMERIC))
            .into_iter()
            .flatten()
            .filter_map(|l| content_capability(l))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&Slot, &Labels)> {
        self.0.iter()
    }

    /// The join of two values (see the module's note).
    pub fn extend(&mut self, other: Taint) {
        for (slot, labels) in other.0 {
            match self.0.get_mut(&slot) {
                // A check holds only where it held on every way the value came; what the value
                // may have gone through (`composed`) holds where it held on any.
                // A number is clean for every rule, so where one way is a number the checks
                // of the other ways decide (`format!("{i}.{ext}")` with a checked `ext`).
                Some(mine) if labels.contains(NUMERIC) && !mine.contains(NUMERIC) => {
                    mine.extend(labels.into_iter().filter(|l| is_may(l)));
                }
                Some(mine) if mine.contains(NUMERIC) && !labels.contains(NUMERIC) => {
                    let may: Vec<String> = mine.iter().filter(|l| is_may(l)).cloned().collect();
                    *mine = labels;
                    mine.extend(may);
                }
                Some(mine) => {
                    let may: Vec<String> = labels.iter().filter(|l| is_may(l)).cloned().collect();
                    mine.retain(|l| labels.contains(l) || is_may(l));
                    mine.extend(may);
                }
                None => {
                    self.0.insert(slot, labels);
                }
            }
        }
    }

    pub fn extend_ref(&mut self, other: &Taint) {
        self.extend(other.clone());
    }

    /// Some value, and every way it came carries `label`.
    pub fn proven(&self, label: &str) -> bool {
        !self.0.is_empty() && self.0.values().all(|labels| labels.contains(label))
    }

    /// The value after a check: every slot carries `label`.
    pub fn label(&mut self, label: &str) {
        for labels in self.0.values_mut() {
            labels.insert(label.to_string());
        }
    }

    /// The value where it came from `slots`: those carry `label`.
    pub fn label_slots(&mut self, slots: &[Slot], label: &str) {
        for (slot, labels) in self.0.iter_mut() {
            if slots.contains(slot) {
                labels.insert(label.to_string());
            }
        }
    }

    pub fn label_all(&mut self, extra: &Labels) {
        for labels in self.0.values_mut() {
            labels.extend(extra.iter().cloned());
        }
    }

    /// The value with what it holds of its receiver read as one of its fields.
    pub fn receiver_as(mut self, field: Slot) -> Taint {
        if let Some(labels) = self.0.remove(&Slot::Receiver) {
            self.extend(Taint::of(field, labels));
        }
        self
    }

    pub fn without(mut self, slot: Slot) -> Taint {
        self.0.remove(&slot);
        self
    }
}

/// Whether URL text fixes the host: a scheme, a host, then a path, query or fragment.
pub(super) fn fixes_host(text: &str) -> bool {
    text.find("://").is_some_and(|i| {
        text.get(i + 3..)
            .and_then(|rest| rest.find(['/', '?', '#']))
            .is_some_and(|j| j > 0)
    })
}

/// A declared type whose values cannot carry shell, path or code text: a number, a boolean,
/// a `Literal[...]` choice, also inside `Optional[...]`, `Annotated[...]` or `X | None`
/// (`int`, `Optional[int]`, `Annotated[int, Field(ge=1)]`, `number`, `boolean`), and Rust's
/// numbers (`u32`, `&i64`, `Option<f64>`, `bool`).
pub(super) fn is_not_text_type(annotation: &str) -> bool {
    let squeezed: String = annotation.split_whitespace().collect();
    let mut t = squeezed.as_str();
    for wrapper in [
        "typing.",
        "Optional[",
        "Annotated[",
        "typing.",
        "&",
        "Option<",
    ] {
        t = t.strip_prefix(wrapper).unwrap_or(t);
    }
    if t.starts_with("Literal[") {
        return true;
    }
    let first = t.split(['|', ',', ']', '>']).next().unwrap_or("");
    let rest_is_none = t
        .split('|')
        .skip(1)
        .all(|part| matches!(part.trim_end_matches(']'), "None" | "null" | "undefined"));
    (matches!(
        first,
        "int" | "float" | "bool" | "complex" | "number" | "boolean" | "bigint"
    ) || is_rust_number(first))
        && rest_is_none
}

/// The type a declared type holds one value of, by its last name: `Args` in
/// `Parameters<Args>`, `Json<crate::types::Args>`, `&Args`, `Option<Args>`, `Optional[Args]`.
/// `None` for collections and maps, which hold many.
pub(super) fn held_type(annotation: &str) -> Option<&str> {
    const HOLDERS: [&str; 8] = [
        "Parameters",
        "Json",
        "Option",
        "Box",
        "Arc",
        "Optional",
        "Annotated",
        "Query",
    ];
    let t = unwrap_holders(annotation, &HOLDERS)?;
    let name = t.rsplit(['.', ':']).next().unwrap_or(t).trim();
    (!name.is_empty() && name.chars().all(|c| c.is_alphanumeric() || c == '_')).then_some(name)
}

/// A declared type without references (`&`, `&mut`) and the `holders` around it, as
/// written inside them (`crate::svc::Service` in `&Arc<crate::svc::Service>`); `None` when
/// another generic type holds it (`Vec<Args>`).
pub(crate) fn unwrap_holders<'a>(annotation: &'a str, holders: &[&str]) -> Option<&'a str> {
    let mut t = annotation.trim();
    for _ in 0..8 {
        t = t.trim_start_matches('&').trim_start();
        t = t.strip_prefix("mut ").unwrap_or(t).trim_start();
        let Some(open) = t.find(['<', '[']) else {
            break;
        };
        let (outer, inner) = t.split_at(open);
        let outer = outer.rsplit(['.', ':']).next().unwrap_or(outer);
        if !holders.contains(&outer) {
            return None;
        }
        let inside = inner.get(1..).unwrap_or("");
        let inside = inside.strip_suffix(['>', ']']).unwrap_or(inside).trim_end();
        t = first_argument(inside);
    }
    Some(t)
}

/// The first of a type's arguments (`Args` of `Args, Field(ge=1)`), nesting counted.
fn first_argument(arguments: &str) -> &str {
    let mut depth = 0usize;
    for (i, c) in arguments.char_indices() {
        match c {
            '<' | '[' | '(' => depth += 1,
            '>' | ']' | ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => return arguments.get(..i).unwrap_or(arguments).trim(),
            _ => {}
        }
    }
    arguments.trim()
}

/// Rust's integer, float and boolean types.
pub(crate) fn is_rust_number(t: &str) -> bool {
    matches!(t, "bool" | "usize" | "isize" | "f32" | "f64")
        || t.strip_prefix(['u', 'i'])
            .is_some_and(|bits| matches!(bits, "8" | "16" | "32" | "64" | "128"))
}

/// Names of functions that check a value and return it (`validatePath`, `sanitizeUrl`,
/// `ensureWithinRoot`): the convention of checks imported from another module.
pub(crate) fn is_validator_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "validate", "sanitize", "secure", "ensure", "assert", "verify", "check",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
        || ["allowed", "within", "inside", "contained"]
            .iter()
            .any(|p| lower.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_join_keeps_checks_held_on_every_way_and_sources_met_on_any() {
        let labels = |ls: &[&str]| -> Labels { ls.iter().map(|l| l.to_string()).collect() };
        let source = source_label("rule");
        // `f"{url}: {page}"`: the same parameter, once as written and once fetched.
        let mut joined = Taint::of(Slot::Param(0), labels(&[ALLOWLIST, source.as_str()]));
        joined.extend(Taint::of(Slot::Param(0), labels(&[COMPOSED])));
        let got: Vec<(&Slot, &Labels)> = joined.iter().collect();
        assert_eq!(
            got,
            vec![(&Slot::Param(0), &labels(&[COMPOSED, source.as_str()]))]
        );
        // Marking only the slots a source's URL came from.
        let mut result = Taint::of(Slot::Param(0), Labels::new());
        result.extend(Taint::of(Slot::Param(1), Labels::new()));
        result.label_slots(&[Slot::Param(1)], &source);
        let marked: Vec<bool> = result.iter().map(|(_, l)| l.contains(&source)).collect();
        assert_eq!(marked, vec![false, true]);
    }

    #[test]
    fn a_number_joined_with_a_checked_value_keeps_the_checks() {
        let labels = |ls: &[&str]| -> Labels { ls.iter().map(|l| l.to_string()).collect() };
        let mut joined = Taint::of(Slot::Param(0), labels(&[NUMERIC]));
        joined.extend(Taint::of(Slot::Param(0), labels(&["*.extension"])));
        assert!(joined.proven("*.extension"));
        assert!(!joined.proven(NUMERIC));
        let mut other_way = Taint::of(Slot::Param(0), labels(&["*.extension"]));
        other_way.extend(Taint::of(Slot::Param(0), labels(&[NUMERIC])));
        assert_eq!(joined, other_way);
        // A number and an unchecked value: unchecked.
        let mut open = Taint::of(Slot::Param(0), labels(&[NUMERIC]));
        open.extend(Taint::of(Slot::Param(0), Labels::new()));
        assert!(!open.proven(NUMERIC));
        assert!(!open.proven("*.extension"));
    }

    #[test]
    fn the_type_a_wrapper_holds_is_found_and_collections_hold_none() {
        for (t, held) in [
            ("Parameters<Args>", Some("Args")),
            ("Parameters<Option<crate::types::Args>>", Some("Args")),
            ("&mut Json<Args>", Some("Args")),
            ("Optional[models.Args]", Some("Args")),
            ("Annotated[Args, Field(description='x')]", Some("Args")),
            ("Args", Some("Args")),
            ("Vec<Args>", None),
            ("dict[str, Args]", None),
            ("HashMap<String, Args>", None),
        ] {
            assert_eq!(held_type(t), held, "{t}");
        }
    }

    #[test]
    fn number_boolean_and_literal_types_carry_no_text() {
        for t in [
            "int",
            "float",
            "bool",
            "Optional[int]",
            "int | None",
            "Literal['a', 'b']",
            "Annotated[int, Field(ge=0)]",
            "number",
        ] {
            assert!(is_not_text_type(t), "{t}");
        }
        for t in ["str", "", "list[int]", "int|str", "Path", "dict", "string"] {
            assert!(!is_not_text_type(t), "{t}");
        }
    }

    #[test]
    fn joins_keep_slots_and_only_the_labels_every_path_has() {
        let quoted = Labels::from(["shlex.quote".to_string()]);
        let mut a = Taint::of(Slot::Param(0), quoted.clone());
        a.extend(Taint::of(Slot::Param(1), Labels::new()));
        assert_eq!(a.iter().count(), 2);
        a.extend(Taint::of(Slot::Param(0), Labels::new()));
        let p0 = a
            .iter()
            .find(|(s, _)| **s == Slot::Param(0))
            .map(|(_, l)| l.clone());
        assert_eq!(p0, Some(Labels::new()));
    }
}
