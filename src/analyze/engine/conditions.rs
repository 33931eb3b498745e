//! The structural conditions of rules, checked on a call in the IR: a keyword's or an
//! option's value (`shell=True`, `{ shell: true }`), an argument that is absent (no
//! `timeout`), one of a set of names or literals, the source text of an argument (a regex),
//! the call that made a value (`tarfile.open`), and the option positions of an argv.

use super::resolve::Names;
use super::{ArgSel, Condition, Test};
use crate::analyze::Span;
use crate::analyze::ir::{Arg, Expr, ExprKind};
use std::borrow::Cow;
use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::rc::Rc;

/// At most this much of an argument's text is matched by a rule's regex, so that a huge
/// literal costs nothing extra.
const MAX_ARG_TEXT: usize = 512;

/// The file's text, for the rules that read an argument's source.
pub(super) struct SourceText<'t> {
    text: &'t str,
    /// Byte offset of each line's start, computed the first time a regex needs one.
    lines: OnceCell<Vec<usize>>,
}

impl<'t> SourceText<'t> {
    pub fn new(text: &'t str) -> SourceText<'t> {
        SourceText {
            text,
            lines: OnceCell::new(),
        }
    }

    fn offset(&self, row: usize, col: usize) -> usize {
        let lines = self.lines.get_or_init(|| {
            std::iter::once(0)
                .chain(self.text.match_indices('\n').map(|(i, _)| i + 1))
                .collect()
        });
        lines.get(row).map_or(self.text.len(), |start| start + col)
    }

    /// The whole file's text.
    pub fn all(&self) -> &'t str {
        self.text
    }

    /// The text a span covers, cut at `MAX_ARG_TEXT` bytes on a character boundary.
    pub fn slice(&self, span: Span) -> &'t str {
        self.cut(span, MAX_ARG_TEXT)
    }

    /// The whole text a span covers (a function's, for checks that read every word of it).
    pub fn whole(&self, span: Span) -> &'t str {
        self.cut(span, usize::MAX)
    }

    /// The text a span covers, at most `max` bytes, ending on a character boundary.
    fn cut(&self, span: Span, max: usize) -> &'t str {
        let start = self.offset(span.start_row, span.start_byte_col);
        let end = self
            .offset(span.end_row, span.end_byte_col)
            .min(start.saturating_add(max));
        let mut end = end.min(self.text.len());
        while end > start && !self.text.is_char_boundary(end) {
            end -= 1;
        }
        self.text.get(start..end).unwrap_or("")
    }
}

/// What a condition may look at besides the call: names, the text, and which call made the
/// value a variable holds.
pub(super) struct Seen<'a> {
    pub names: &'a Names,
    pub source: &'a SourceText<'a>,
    pub made_by: &'a BTreeMap<Rc<str>, Rc<str>>,
    pub assigned: &'a BTreeMap<Rc<str>, Span>,
}

impl Seen<'_> {
    /// An argument's text as written, and for a variable or a module constant also as its
    /// assignment, `NAME = value`: a regex can look at the name (`BASE_DIR`) and at how the
    /// value ends (`"/srv/data/"`).
    fn texts(&self, e: &Expr, as_written: bool) -> (String, Option<String>) {
        let written = self.source.slice(e.span).to_string();
        if as_written {
            return (written, None);
        }
        (written, self.assignment(e))
    }

    fn assignment(&self, e: &Expr) -> Option<String> {
        if let ExprKind::Name(n) = &e.kind
            && let Some(value) = self
                .assigned
                .get(n.as_str())
                .copied()
                .or_else(|| self.names.constant(n))
        {
            let mut joined = format!("{n} = {}", self.source.slice(value));
            let mut end = joined.len().min(MAX_ARG_TEXT);
            while !joined.is_char_boundary(end) {
                end -= 1;
            }
            joined.truncate(end);
            return Some(joined);
        }
        None
    }

    /// A variable or module constant assigned a literal (`use_shell = True`, `HOST =
    /// "0.0.0.0"`): that literal, so `shell=use_shell` reads as `shell=True`.
    fn literal(&self, e: &Expr) -> Option<Expr> {
        let ExprKind::Name(n) = &e.kind else {
            return None;
        };
        let value = self
            .assigned
            .get(n.as_str())
            .copied()
            .or_else(|| self.names.constant(n))?;
        let text = self.source.slice(value).trim();
        let kind = match text {
            "True" | "true" => ExprKind::Bool(true),
            "False" | "false" => ExprKind::Bool(false),
            "None" | "null" | "undefined" => ExprKind::Null,
            _ if !text.is_empty()
                && text
                    .trim_start_matches('-')
                    .chars()
                    .all(|c| c.is_ascii_digit()) =>
            {
                ExprKind::Number(text.to_string())
            }
            _ => {
                let quote = text.chars().next().filter(|c| matches!(c, '"' | '\''))?;
                let inner = text.strip_prefix(quote)?.strip_suffix(quote)?;
                if inner.contains(quote) || inner.contains('\\') {
                    return None;
                }
                ExprKind::Str(inner.to_string())
            }
        };
        Some(Expr { kind, span: e.span })
    }

    /// The canonical name of the call that made the value: the call itself, or the call
    /// last assigned to the variable (`tf = tarfile.open(p)`, `with open(p) as f`).
    fn made_by(&self, e: &Expr) -> Option<String> {
        match &e.kind {
            ExprKind::Await(inner) => self.made_by(inner),
            ExprKind::Call { callee, .. } => self.names.canonical(callee),
            ExprKind::Name(n) => self.made_by.get(n.as_str()).map(|m| m.to_string()),
            _ => None,
        }
    }
}

/// Whether `cond` holds for a call with `args` (and `object`, for a method).
pub(super) fn holds(
    cond: &Condition,
    args: &[Arg],
    object: Option<&Expr>,
    seen: &Seen<'_>,
) -> bool {
    let names = seen.names;
    let (found, may_be_spread) = find(cond, args, object, names.options_objects);
    // A value's tests see through a variable holding a literal.
    let literal = |e| literal_or_itself(seen, e);
    // A condition on the object of a method says nothing about a plain function call.
    if cond.at.contains(&ArgSel::Receiver) && object.is_none() {
        return true;
    }
    match &cond.test {
        Test::Absent => found.is_empty() && !may_be_spread,
        Test::Present => !found.is_empty(),
        Test::True => found.iter().any(|e| truthy(&literal(e)) == Some(true)),
        Test::False => found.iter().any(|e| truthy(&literal(e)) == Some(false)),
        Test::NotString => {
            !may_be_spread
                && found.iter().all(|e| {
                    matches!(
                        e.kind,
                        ExprKind::Number(_)
                            | ExprKind::Bool(_)
                            | ExprKind::Null
                            | ExprKind::Function(_)
                    )
                })
        }
        Test::OneOf(values) => found
            .iter()
            .any(|e| names_value(&literal(e), values, names)),
        Test::NotOneOf(values) => match found.first() {
            None => !may_be_spread,
            Some(e) => !names_value(&literal(e), values, names),
        },
        Test::Matches(pattern, wanted, except) => {
            // The object of a method is matched as written (`logger` in `logger.info`).
            let as_written = cond.at.iter().all(|a| *a == ArgSel::Receiver);
            // An argument that is not there has no text to match: `not_matches` holds.
            if !*wanted && found.is_empty() && !may_be_spread {
                return true;
            }
            // A variable matches if its name or its assignment does, and fails to match
            // only if neither does.
            found.iter().any(|e| {
                let (written, assigned) = seen.texts(e, as_written);
                let counts = |text: &str| match except {
                    Some(except) => pattern
                        .0
                        .find_iter(text)
                        .any(|m| !except.0.is_match(m.as_str())),
                    None => pattern.0.is_match(text),
                };
                let matched = counts(&written) || assigned.is_some_and(|a| counts(&a));
                matched == *wanted
            })
        }
        Test::MadeBy(makers) => found
            .iter()
            .any(|e| seen.made_by(e).is_some_and(|m| makers.contains(&m))),
    }
}

/// The arguments a condition is about, and whether a spread may pass it unseen. A keyword is
/// a keyword argument (Python) or a property of an options object (JavaScript).
fn find<'a>(
    cond: &Condition,
    args: &'a [Arg],
    object: Option<&'a Expr>,
    options_objects: bool,
) -> (Vec<&'a Expr>, bool) {
    let mut found = Vec::new();
    let mut spread = false;
    for sel in &cond.at {
        match sel {
            ArgSel::Receiver => found.extend(object),
            ArgSel::Position(p) => found.extend(
                args.iter()
                    .filter(|a| a.keyword.is_none())
                    .nth(*p)
                    .map(|a| &a.value),
            ),
            ArgSel::Keyword(k) => {
                for (i, a) in args.iter().enumerate() {
                    if a.keyword.as_deref() == Some(k.as_str()) {
                        found.push(&a.value);
                    }
                    match &a.value.kind {
                        // Python's `*args` passes no keyword; `**options` and JS spreads may.
                        ExprKind::Spread(inner)
                            if options_objects || matches!(inner.kind, ExprKind::Dict(_)) =>
                        {
                            spread = true;
                        }
                        // `fetch(url, init)`: an options object from elsewhere.
                        ExprKind::Name(_) | ExprKind::Attr(..) | ExprKind::Call { .. }
                            if options_objects && i > 0 =>
                        {
                            spread = true;
                        }
                        ExprKind::Dict(pairs) => {
                            for (key, value) in pairs {
                                match key.as_ref().map(|k| &k.kind) {
                                    Some(ExprKind::Str(name)) if name == k => found.push(value),
                                    None => spread = true,
                                    _ => {}
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
    }
    (found, spread)
}

/// `e`, or the literal a variable `e` holds.
fn literal_or_itself<'e>(seen: &Seen<'_>, e: &'e Expr) -> Cow<'e, Expr> {
    match seen.literal(e) {
        Some(value) => Cow::Owned(value),
        None => Cow::Borrowed(e),
    }
}

fn truthy(e: &Expr) -> Option<bool> {
    match &e.kind {
        ExprKind::Bool(b) => Some(*b),
        ExprKind::Null => Some(false),
        ExprKind::Number(n) => Some(n.trim_start_matches('-') != "0"),
        ExprKind::Str(s) => Some(!s.is_empty()),
        _ => None,
    }
}

/// Whether an argument is one of `values`: a constant's text (`True`, `"0.0.0.0"`, `*`) or a
/// canonical name.
fn names_value(e: &Expr, values: &[String], names: &Names) -> bool {
    let text = match &e.kind {
        ExprKind::Bool(true) => Some("True".to_string()),
        ExprKind::Bool(false) => Some("False".to_string()),
        ExprKind::Null => Some("None".to_string()),
        ExprKind::Number(n) => Some(n.clone()),
        ExprKind::Str(s) => Some(s.clone()),
        _ => names.canonical(e),
    };
    text.is_some_and(|t| {
        values.iter().any(|v| {
            let v = v.trim_matches(|c| c == '"' || c == '\'');
            v == t || (v == "true" && t == "True") || (v == "false" && t == "False")
        })
    })
}

/// The option positions of an argv literal: its elements after the program name and before
/// any `--`. Anything else is not an argv the rule can judge.
pub(super) fn argv_options(e: &Expr) -> Vec<&Expr> {
    let ExprKind::List(items) = &e.kind else {
        return Vec::new();
    };
    option_elements(&items.iter().collect::<Vec<_>>(), None)
}

/// The option positions of the argv `items` (`program`: the call's argument before it, when
/// the list is that program's argument list).
pub(super) fn option_elements<'a>(items: &[&'a Expr], program: Option<&Expr>) -> Vec<&'a Expr> {
    // After a shell's `-c` come its script and positional parameters, no options.
    if !shell_script(items, program).is_empty() {
        return Vec::new();
    }
    // A list after the program (`spawn("git", [ref])`) has no program element to skip.
    items
        .iter()
        .skip(usize::from(program.is_none()))
        .take_while(|i| !is_end_of_options(i))
        .copied()
        .collect()
}

/// `--`: what follows is no option.
pub(super) fn is_end_of_options(e: &Expr) -> bool {
    matches!(&e.kind, ExprKind::Str(s) if s == "--")
}

/// The shell a program name starts, if it is one: `sh`, `/bin/bash`, `cmd.exe`, `pwsh`.
fn shell(e: &Expr) -> Option<Shell> {
    let ExprKind::Str(s) = &e.kind else {
        return None;
    };
    let name = s
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(s)
        .to_ascii_lowercase();
    let name = name.strip_suffix(".exe").unwrap_or(&name);
    match name {
        "sh" | "bash" | "zsh" | "dash" | "ksh" | "ash" | "fish" | "busybox" => Some(Shell::Posix),
        "cmd" | "powershell" | "pwsh" => Some(Shell::Windows),
        _ => None,
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Shell {
    /// `sh -c script [name [args...]]`: the one element after the flag is the script.
    Posix,
    /// `cmd /c ...`, `powershell -Command ...`: everything after the flag is the command.
    Windows,
}

/// A flag that makes a shell run its next argument as a script: `-c` (also in a group such
/// as `-lc`, `-ec`), `/c`, `/k`, `-Command`, `-EncodedCommand`.
fn is_script_flag(e: &Expr) -> bool {
    let ExprKind::Str(s) = &e.kind else {
        return false;
    };
    let lower = s.to_ascii_lowercase();
    matches!(lower.as_str(), "/c" | "/k" | "-command" | "-encodedcommand")
        || lower.strip_prefix('-').is_some_and(|group| {
            !group.is_empty()
                && group.len() <= 4
                && group.chars().all(|c| c.is_ascii_alphabetic())
                && group.contains('c')
        })
}

/// The script elements of an argv that starts a shell: `items` is the argv, or, when
/// `program` names the shell (`spawn("sh", ["-c", script])`), its argument list. The shell is
/// known by its name, or by a `-c` right after a program that is not a constant
/// (`[shell, "-c", script]`). Options before the flag are skipped (`bash -l -c`).
pub(super) fn shell_script<'a>(items: &[&'a Expr], program: Option<&Expr>) -> Vec<&'a Expr> {
    let exact_c = |e: &&Expr| matches!(&e.kind, ExprKind::Str(s) if s == "-c");
    let (kind, args) = match (items.first(), program) {
        (Some(first), _) if shell(first).is_some() => (shell(first), items.get(1..)),
        (Some(first), _)
            if !matches!(first.kind, ExprKind::Str(_)) && items.get(1).is_some_and(exact_c) =>
        {
            (Some(Shell::Posix), items.get(1..))
        }
        (_, Some(p)) if shell(p).is_some() => (shell(p), Some(items)),
        (Some(first), Some(p)) if !matches!(p.kind, ExprKind::Str(_)) && exact_c(first) => {
            (Some(Shell::Posix), Some(items))
        }
        _ => (None, None),
    };
    let (Some(kind), Some(args)) = (kind, args) else {
        return Vec::new();
    };
    let mut rest = args.iter();
    for element in rest.by_ref() {
        if is_script_flag(element) {
            return match kind {
                Shell::Posix => rest.next().copied().into_iter().collect(),
                Shell::Windows => rest.copied().collect(),
            };
        }
        let option =
            matches!(&element.kind, ExprKind::Str(s) if s.starts_with('-') || s.starts_with('/'));
        if !option {
            break;
        }
    }
    Vec::new()
}

/// Where a call that listens on the network listens, as far as the code says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Exposure {
    /// Every interface, or an address other hosts reach; the text says which.
    Reachable(String),
    /// An address chosen at run time (a setting, a parameter, the environment).
    RunTime(String),
    /// Localhost only.
    Local,
}

impl Exposure {
    /// What a finding adds to its rule's message.
    pub fn detail(&self) -> String {
        match self {
            Exposure::Reachable(what) | Exposure::RunTime(what) => what.clone(),
            Exposure::Local => "it listens on localhost only".to_string(),
        }
    }

    pub fn chosen_at_run_time(&self) -> bool {
        matches!(self, Exposure::RunTime(_))
    }
}

/// Addresses that mean "every interface".
const ALL_INTERFACES: [&str; 5] = ["0.0.0.0", "::", "[::]", "*", ""];

/// Where a listening call with `args` listens, by the argument `bind` names: a literal, a
/// variable or constant holding one, a setting with a literal default
/// (`os.getenv("HOST", "0.0.0.0")`), or a value only known at run time.
pub(super) fn exposure(bind: &crate::rules::BindArg, args: &[Arg], seen: &Seen<'_>) -> Exposure {
    use crate::rules::BindDefault;
    let mut at: Vec<ArgSel> = bind.position.map(ArgSel::Position).into_iter().collect();
    at.extend(bind.keywords.iter().cloned().map(ArgSel::Keyword));
    let cond = Condition {
        at,
        test: Test::Present,
    };
    let (found, _) = find(&cond, args, None, seen.names.options_objects);
    let absent = || match bind.absent {
        BindDefault::Local => Exposure::Local,
        BindDefault::AllInterfaces => Exposure::Reachable(
            "without an address it listens on every network interface".to_string(),
        ),
    };
    let Some(value) = found.first() else {
        return absent();
    };
    let value = literal_or_itself(seen, value);
    match &value.kind {
        ExprKind::Str(address) => address_exposure(address),
        // `listen(port, () => ...)`: a callback, no address.
        ExprKind::Function(_) | ExprKind::Number(_) | ExprKind::Null | ExprKind::Bool(_) => {
            absent()
        }
        _ => {
            let (written, assigned) = seen.texts(&value, false);
            let texts = [Some(written.as_str()), assigned.as_deref()];
            let quoted: Vec<&str> = texts
                .iter()
                .flatten()
                .flat_map(|t| quoted(t))
                .map(host_of)
                .collect();
            let shown = |text: &str| -> String {
                let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
                text.chars().take(80).collect()
            };
            let written_address = texts.iter().flatten().find_map(|t| written_address(t));
            if written_address == Some(true) {
                let how = shown(assigned.as_deref().unwrap_or(&written));
                Exposure::Reachable(format!("it listens on every network interface (`{how}`)"))
            } else if quoted
                .iter()
                .any(|q| ALL_INTERFACES.contains(q) && !q.is_empty())
            {
                let how = shown(assigned.as_deref().unwrap_or(&written));
                Exposure::Reachable(format!(
                    "it listens on every network interface by default (`{how}`)"
                ))
            } else if quoted.iter().any(|q| is_local(q)) || written_address == Some(false) {
                Exposure::Local
            } else {
                Exposure::RunTime(format!(
                    "the address is `{}`, chosen at run time: reachable from other hosts when it is not localhost",
                    shown(&written)
                ))
            }
        }
    }
}

/// The host of an address written with its port (`0.0.0.0:8000`, `[::]:8000`); an address
/// without one as it is (`::`, `0.0.0.0`).
fn host_of(address: &str) -> &str {
    if address.starts_with('[') {
        return match address.find(']') {
            Some(end) => address.get(..=end).unwrap_or(address),
            None => address,
        };
    }
    match address.split_once(':') {
        Some((host, port)) if !port.contains(':') => host,
        _ => address,
    }
}

/// An address written as code rather than text (Rust's `Ipv4Addr::UNSPECIFIED`,
/// `([0, 0, 0, 0], 8000)`, `Ipv4Addr::new(127, 0, 0, 1)`): `Some(true)` for every interface,
/// `Some(false)` for localhost.
fn written_address(text: &str) -> Option<bool> {
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if squeezed.contains("UNSPECIFIED") || squeezed.contains("0,0,0,0") {
        Some(true)
    } else if squeezed.contains("LOCALHOST") || squeezed.contains("127,0,0,1") {
        Some(false)
    } else {
        None
    }
}

fn address_exposure(address: &str) -> Exposure {
    let host = host_of(address);
    if ALL_INTERFACES.contains(&host) {
        Exposure::Reachable(format!(
            "it listens on every network interface (`{address}`)"
        ))
    } else if is_local(host) {
        Exposure::Local
    } else {
        let shown: String = address.chars().take(60).collect();
        Exposure::Reachable(format!("it listens on `{shown}`, which other hosts reach"))
    }
}

fn is_local(address: &str) -> bool {
    address == "localhost" || address == "::1" || address == "[::1]" || address.starts_with("127.")
}

/// The contents of the quoted strings in `text` (`"0.0.0.0"` in `os.getenv("H", "0.0.0.0")`).
fn quoted(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(['"', '\'', '`']) {
        let quote = rest.get(start..=start).unwrap_or("\"");
        let after = rest.get(start + 1..).unwrap_or("");
        let Some(end) = after.find(quote) else {
            break;
        };
        out.push(after.get(..end).unwrap_or(""));
        rest = after.get(end + 1..).unwrap_or("");
    }
    out
}
