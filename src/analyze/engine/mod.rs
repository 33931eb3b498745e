//! The one taint engine over the IR (issue 20; not yet used by the scan). Given a lowered
//! module and a model (sinks and sanitizers as data, keyed by resolved names), it finds the
//! MCP entry points, computes a summary per function (which parameters reach the return value,
//! which reach a sink, and through which receiver), callees first and once each, and reports
//! every flow from an entry point's parameter to a sink.
//!
//! Propagation is flow-sensitive over statement order with joins at branches. Values carry a
//! set of labels (a parameter, the receiver of the function being summarized, or one field of
//! it). A method's own object is field-sensitive one level deep (`self.items[k] = v` leaves
//! `self.path` alone); other objects are as tainted as anything stored in them, which is what
//! makes constructors that store an argument, and methods that read it later, follow.

pub mod auth;
mod conditions;
mod guards;
mod resolve;
mod taint;
pub mod uses;

use crate::analyze::Span;
use crate::analyze::ir::{Arg, Expr, ExprKind, FuncId, Module, Stmt, Target, TemplatePart};
use resolve::Names;
pub use resolve::{Entry, EntryKind, ImportedEntry, is_common_method};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::rc::Rc;
pub(crate) use taint::is_rust_number;
use taint::{Labels, Slot, Taint};

/// At most this many statements and expressions are evaluated per module: past it, the
/// summaries computed so far stand and `Analysis::out_of_budget` says so.
pub const WORK_BUDGET: usize = 2_000_000;

/// How many enclosing functions a closure's listening address is looked up in.
const MAX_ENCLOSING: usize = 8;

/// Sinks and sanitizers, as data. Names are canonical: the module path and member as
/// imported (`subprocess.run`, `child_process.exec`; a `node:` prefix is dropped).
#[derive(Clone, Debug, Default)]
pub struct Model {
    pub sinks: Vec<Sink>,
    /// Calls that check or escape their argument (`shlex.quote`, `path.basename`): the result
    /// carries the callee's name as a label, and sinks that list it ignore it.
    pub sanitizers: Vec<String>,
    /// Calls whose result comes from somewhere a rule is about (`requests.get`: a page
    /// someone else wrote), with the label (`source:<rule>`) their result carries.
    pub sources: Vec<(String, String)>,
    /// The work budget per module; `None`: `WORK_BUDGET`.
    pub budget: Option<usize>,
    /// Checks of how the module makes and checks secrets (`auth` rules).
    pub auth: Vec<auth::AuthRule>,
    /// Values whose reading gives a function a capability (`process.env` -> `env-read`), by
    /// canonical name; and their last segments, so that most reads are passed over without
    /// resolving a name.
    pub reads: HashMap<String, String>,
    pub read_fields: HashSet<String>,
    /// Capabilities whose calls' results give another when an entry point returns them
    /// (`file-read` -> `file-return`).
    pub returned_effects: HashMap<String, String>,
}

/// Which part of a sink's argument must carry input for the rule to fire.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ArgPart {
    /// Any of it.
    #[default]
    Whole,
    /// An argv's option positions: a list's elements after the program name and before any
    /// `--`, from their first character.
    Options,
    /// The script of a shell the argv starts (`["sh", "-c", script]`).
    Script,
    /// The program the argv runs.
    Program,
    /// Each positional argument is one argv element a library passes on (`repo.git.log(ref)`).
    Arguments,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sink {
    pub rule: String,
    pub callee: String,
    /// The arguments whose taint matters (positions, keywords, the receiver); empty: any.
    pub args: Vec<ArgSel>,
    /// Which part of an argument holds the taint that matters.
    pub part: ArgPart,
    /// The selected position and every later positional argument form one argv.
    pub rest: bool,
    /// What else the call must look like (`shell=True`, no `timeout`), all of it.
    pub conditions: Vec<Condition>,
    /// Checks that make a value safe for this sink: sanitizer callees (`shlex.quote`) and
    /// guard labels (`allowlist`, `path-containment`).
    pub sanitizers: Vec<String>,
    /// The rule is about the call's shape (`verify=False`, a tar opened without a filter):
    /// no value is traced, every call whose conditions hold is reported.
    pub structural: bool,
    /// A value counts only if it went through one of these (`path.resolve`, a number):
    /// rules about a check done on the wrong kind of value, or about sizes.
    pub requires: Vec<String>,
    /// For a call that listens on the network: where its address is (the finding is graded
    /// by it, see `exposure`).
    pub bind: Option<crate::rules::BindArg>,
    /// The call is evidence that silences the rule project-wide (`unless_project_calls`),
    /// not a finding.
    pub evidence: bool,
    /// The call gives the function that makes it this capability (`file-write`), whatever
    /// its arguments carry: what an inventory rule compares with a tool's promises.
    pub effect: Option<String>,
}

impl Sink {
    /// Whether a value with `labels` is safe for this sink: checked by one of its sanitizers,
    /// or a number when the rule is not about numbers.
    fn ignores(&self, labels: &Labels) -> bool {
        (labels.contains(taint::NUMERIC) && !self.requires.iter().any(|r| r == taint::NUMERIC))
            || self.sanitizers.iter().any(|s| labels.contains(s))
    }

    /// Whether a value that reaches the sink with `labels` went through what the rule
    /// requires.
    fn requirement_met(&self, slot: Slot, labels: &Labels) -> bool {
        // What was computed at run time counts only when it is the caller's credential: read
        // through a library, it is still theirs.
        self.requires.is_empty()
            || self.requires.iter().any(|r| {
                labels.contains(r) && (slot != Slot::Computed || r == taint::REQUEST_CREDENTIAL)
            })
    }
}

/// A structural condition of a rule on one argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub at: Vec<ArgSel>,
    pub test: Test,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Test {
    /// Present and a truthy constant.
    True,
    /// Present and a falsy constant.
    False,
    Present,
    /// Not passed, and no spread that could pass it.
    Absent,
    /// Missing, or a constant that is not a string, or a function.
    NotString,
    /// One of these canonical names or literals.
    OneOf(Vec<String>),
    /// Missing, or none of these (a value not known is none of them).
    NotOneOf(Vec<String>),
    /// Its source text matches (`true`) or does not match (`false`) the pattern; matches
    /// whose own text matches the exception do not count.
    Matches(Pattern, bool, Option<Pattern>),
    /// The value was made by a call to one of these (`tarfile.open`).
    MadeBy(Vec<String>),
}

/// A rule's compiled regex; two are the same when their sources are.
#[derive(Clone, Debug)]
pub struct Pattern(pub regex::Regex);

impl PartialEq for Pattern {
    fn eq(&self, other: &Pattern) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

impl Eq for Pattern {}

#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum ArgSel {
    Position(usize),
    Keyword(String),
    /// The object a method is called on (`f.read()`).
    Receiver,
}

impl Model {
    /// The taint sinks of the rule set for `language`: each rule with an argument that must
    /// be dynamic (or an argv with an option from input), at its position, keyword or
    /// receiver, with the rule's other argument conditions and its sanitizers. Callees stay
    /// canonical names; `*.name` stands for a method of that name on any object. Rules that
    /// match source text (`matches`), look at where a value was made (`made_by`) or require a
    /// check (`requires`) move over when the engine keeps those.
    pub fn from_rules(rules: &crate::rules::RuleSet, language: crate::rules::Language) -> Model {
        use crate::rules::Matcher;
        let mut model = Model::default();
        for rule in rules.rules() {
            if !rule.languages.contains(&language) {
                continue;
            }
            if let Matcher::Auth(a) = &rule.matcher
                && let Some(patterns) = &a.compiled
            {
                model.auth.push(auth::AuthRule {
                    rule: rule.id.clone(),
                    check: a.check,
                    patterns: patterns.clone(),
                    callees: a.callees.clone(),
                    strong: a.strong.clone(),
                });
            }
            if let Matcher::ToolInventory(inventory) = &rule.matcher {
                for effect in &inventory.effects {
                    if let Some(returned) = &effect.returned {
                        model
                            .returned_effects
                            .insert(returned.clone(), effect.capability.clone());
                    }
                    for read in &effect.reads {
                        if let Some((_, last)) = read.rsplit_once('.') {
                            model.read_fields.insert(last.to_string());
                        }
                        model.reads.insert(read.clone(), effect.capability.clone());
                    }
                    let shape = CallShape::of(&effect.args);
                    for callee in &effect.callees {
                        model.sinks.push(Sink {
                            rule: rule.id.clone(),
                            callee: callee.clone(),
                            conditions: shape.conditions.clone(),
                            structural: true,
                            effect: Some(effect.capability.clone()),
                            ..Sink::default()
                        });
                    }
                }
            }
            let Matcher::Call(call) = &rule.matcher else {
                continue;
            };
            let shape = CallShape::of(&call.args);
            // A rule with sources counts only values that came out of one of them.
            let mut requires = call.requires.clone();
            if !call.sources.is_empty() {
                let label = taint::source_label(&rule.id);
                for source in &call.sources {
                    model.sources.push((source.clone(), label.clone()));
                }
                requires.push(label);
            }
            for callee in &call.callees {
                model.sinks.push(Sink {
                    rule: rule.id.clone(),
                    callee: callee.clone(),
                    args: shape.args.clone(),
                    part: shape.part,
                    rest: shape.rest,
                    conditions: shape.conditions.clone(),
                    sanitizers: call.sanitizers.clone(),
                    structural: shape.taint_conditions == 0,
                    requires: requires.clone(),
                    bind: call.bind.clone(),
                    evidence: false,
                    effect: None,
                });
            }
            for evidence in &call.unless_project_calls {
                let shape = CallShape::of(&evidence.args);
                for callee in &evidence.callees {
                    model.sinks.push(Sink {
                        rule: rule.id.clone(),
                        callee: callee.clone(),
                        args: Vec::new(),
                        part: ArgPart::Whole,
                        rest: false,
                        conditions: shape.conditions.clone(),
                        sanitizers: Vec::new(),
                        structural: true,
                        requires: Vec::new(),
                        bind: None,
                        evidence: true,
                        effect: None,
                    });
                }
            }
            // What a rule requires is a check the value goes through: its result is marked.
            for sanitizer in call.sanitizers.iter().chain(&call.requires) {
                if !model.sanitizers.contains(sanitizer) {
                    model.sanitizers.push(sanitizer.clone());
                }
            }
        }
        model
    }
}

/// What a call rule's argument conditions make of a sink: the arguments whose taint counts,
/// which part of them, and the structural conditions.
struct CallShape {
    args: Vec<ArgSel>,
    part: ArgPart,
    rest: bool,
    conditions: Vec<Condition>,
    /// How many conditions are about taint (none: the rule is about the call's shape).
    taint_conditions: usize,
}

impl CallShape {
    fn of(conds: &[crate::rules::ArgCondition]) -> CallShape {
        use crate::rules::ArgIs;
        let taint_conditions = conds
            .iter()
            .filter(|c| c.is.is_some_and(ArgIs::is_taint))
            .count();
        let at = |cond: &crate::rules::ArgCondition| {
            let mut at = Vec::new();
            at.extend(cond.position.map(ArgSel::Position));
            at.extend(cond.positions.iter().map(|&p| ArgSel::Position(p)));
            at.extend(cond.keyword.clone().map(ArgSel::Keyword));
            if cond.receiver {
                at.push(ArgSel::Receiver);
            }
            at
        };
        let mut args = Vec::new();
        let mut part = ArgPart::Whole;
        let mut rest = false;
        let mut conditions = Vec::new();
        for cond in conds {
            if let Some(makers) = &cond.made_by {
                conditions.push(Condition {
                    at: at(cond),
                    test: Test::MadeBy(makers.clone()),
                });
            }
            if let Some(regex) = &cond.regex {
                conditions.push(Condition {
                    at: at(cond),
                    test: Test::Matches(
                        Pattern(regex.clone()),
                        cond.matches.is_some(),
                        cond.except_regex.clone().map(Pattern),
                    ),
                });
            }
            let test = match (&cond.is, &cond.one_of, &cond.not_one_of) {
                (Some(ArgIs::Dynamic), _, _) => {
                    args.extend(at(cond));
                    continue;
                }
                (
                    Some(
                        is @ (ArgIs::ArgvInjection
                        | ArgIs::ShellScript
                        | ArgIs::Program
                        | ArgIs::CliArguments),
                    ),
                    _,
                    _,
                ) => {
                    args.extend(at(cond));
                    part = match is {
                        ArgIs::ArgvInjection => ArgPart::Options,
                        ArgIs::ShellScript => ArgPart::Script,
                        ArgIs::CliArguments => ArgPart::Arguments,
                        _ => ArgPart::Program,
                    };
                    rest |= cond.rest;
                    continue;
                }
                (_, _, Some(values)) => Test::NotOneOf(values.clone()),
                (_, Some(values), _) => Test::OneOf(values.clone()),
                (Some(ArgIs::True), _, _) => Test::True,
                (Some(ArgIs::False), _, _) => Test::False,
                (Some(ArgIs::Present), _, _) => Test::Present,
                (Some(ArgIs::Absent), _, _) => Test::Absent,
                (Some(ArgIs::NotString), _, _) => Test::NotString,
                (None, None, None) => continue,
            };
            conditions.push(Condition { at: at(cond), test });
        }
        CallShape {
            args,
            part,
            rest,
            conditions,
            taint_conditions,
        }
    }
}

/// A tool argument that reaches a sink.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Flow {
    pub rule: String,
    /// The entry point: the name it is registered under, else its function's.
    pub entry: String,
    pub param: String,
    pub sink: String,
    /// The sink call.
    pub at: Span,
    /// The calls the value went through on its way, outermost first.
    pub through: Vec<String>,
    /// The parameter's declaration: where a trace starts (the sink call when no parameter
    /// is traced).
    pub source: Span,
    /// The function the value enters through (the entry point's, for a traced flow).
    pub function: Span,
    pub reach: Reach,
    /// The variable the sink reads the value from, when it is one.
    pub via: Option<String>,
    /// What a structural check adds to the rule's message (`` `token` is made with it ``).
    pub detail: Option<String>,
    /// A structural finding graded one level below its rule.
    pub lower: bool,
}

impl Flow {
    /// From an MCP entry point's parameter.
    pub fn traced(&self) -> bool {
        matches!(self.reach, Reach::Entry(_))
    }
}

/// Where the value at a sink comes from, from most to least certain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    /// A parameter of an MCP entry point, chosen by a tool, resource or prompt caller, or by
    /// a web request.
    Entry(EntryKind),
    /// A parameter of a function no entry point was seen to reach (library code, handler
    /// shapes not known yet): reported one step lower, so such code is not silent. `public`:
    /// callable from outside the module (a top-level function or a method, not `_private`,
    /// nested or anonymous).
    Parameter { public: bool },
    /// Computed at run time from something that is not a parameter (the environment, a
    /// file, a library call).
    Computed,
    /// The rule is about the call's shape; no value is traced (`entry` and `param` are the
    /// enclosing function and empty).
    Shape,
}

#[derive(Debug, Default)]
pub struct Analysis {
    pub flows: Vec<Flow>,
    /// Entry point parameters passed to functions of other modules.
    pub calls: Vec<Passed>,
    /// Handlers registered here and defined in other modules.
    pub imported_entries: Vec<ImportedEntry>,
    /// What the module's public top-level functions do with their parameters, for callers
    /// in other modules.
    pub exports: Vec<Export>,
    /// Functions of other modules (as imported: module, member) called with arguments that
    /// carry input, whose results reach a sink or another module: what the functions return
    /// decides what those results carry.
    pub imported_results: BTreeMap<(String, String), ImportedResult>,
    pub out_of_budget: bool,
    /// Rules this module holds `unless_project_calls` evidence for (auth wired here).
    pub evidence: BTreeSet<String>,
    /// The module's MCP entry points.
    pub entries: Vec<Entry>,
    /// What each entry point promises and does whatever its inputs.
    pub entry_facts: Vec<EntryFacts>,
    /// The module's imports of and calls into libraries.
    pub uses: Vec<uses::LibraryUse>,
}

/// A function of another module called with arguments that carry input: which arguments,
/// and where its results went.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImportedResult {
    pub at: BTreeSet<ArgSel>,
    pub reach: ResultReach,
}

/// Where the results of a call into another module went in the caller's module, taken to be
/// each argument the call was given (the other module's answer is not known in the first
/// pass).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResultReach {
    /// A sink, as its rule asks: a narrower answer may take the finding away.
    pub sinks: bool,
    /// A sink whose rule asks for a mark they do not carry (the contents of a file): an
    /// answer that gives it (the function returns what it read) may make a finding.
    pub pending: bool,
    /// A call into another module: a narrower answer may take away a finding there.
    pub calls: bool,
}

/// An entry point's annotations, and the capabilities its handler and the functions of this
/// module it calls have whatever its inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryFacts {
    /// The handler.
    pub function: Span,
    /// The handler's name in its module (`Notes.read`).
    pub handler: String,
    /// The type of each input as declared: the registration's schema, else the handler's
    /// parameter annotations (texts inside them left out: those are descriptions).
    pub schema: BTreeMap<String, String>,
    pub hints: BTreeMap<String, bool>,
    pub effects: Vec<EffectAt>,
    /// The functions of other modules it calls (module and member as imported).
    pub calls_out: Vec<(String, String)>,
}

/// A call that gives a function a capability: the first one found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EffectAt {
    pub capability: String,
    /// The call as written.
    pub callee: String,
    pub at: Span,
}

/// What a function of another module returns, from that module's own analysis.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Returned {
    /// The parameters a caller's arguments bind to (after a bound receiver).
    pub params: Vec<(String, crate::analyze::ir::ParamKind)>,
    /// Each parameter (by index into `params`) that reaches the return value, with the checks
    /// it went through on every path.
    pub flows: Vec<(usize, Vec<String>)>,
    /// The return value carries something computed at run time.
    pub computed: bool,
    /// The capabilities of the calls whose results it returns (`file-read`: what it read).
    pub contents: Vec<String>,
}

impl Returned {
    /// Whether a caller learns something from it: without it, a call's result carries each
    /// argument unchecked, which is what every parameter reaching the return unchecked says.
    pub fn narrows(&self) -> bool {
        (0..self.params.len()).any(|i| self.narrows_param(i))
    }

    /// Whether what it returns for one of the arguments `at` is less than the argument: the
    /// parameter it binds to does not reach the return value, or only through a check.
    pub fn narrows_any(&self, at: &BTreeSet<ArgSel>) -> bool {
        use crate::analyze::ir::ParamKind;
        at.iter().any(|sel| {
            let param = match sel {
                ArgSel::Position(p) => self
                    .params
                    .iter()
                    .position(|(_, kind)| *kind == ParamKind::Rest)
                    .filter(|rest| rest <= p)
                    .or(Some(*p).filter(|p| *p < self.params.len())),
                ArgSel::Keyword(k) => {
                    self.params
                        .iter()
                        .position(|(name, _)| name == k)
                        .or_else(|| {
                            self.params
                                .iter()
                                .position(|(_, kind)| *kind == ParamKind::Keywords)
                        })
                }
                ArgSel::Receiver => None,
            };
            param.is_some_and(|i| self.narrows_param(i))
        })
    }

    fn narrows_param(&self, index: usize) -> bool {
        self.flows
            .iter()
            .find(|(p, _)| *p == index)
            .is_none_or(|(_, labels)| labels.iter().any(|l| !taint::is_shape(l)))
    }
}

/// What functions of other modules return, when a first pass over them learned it.
pub trait ImportedReturns {
    /// The function `member` of `module`, both as this module's import spells them.
    fn returned(&self, module: &str, member: &str) -> Option<&Returned>;
}

/// Nothing is known of other modules' functions (a first pass, a single file).
pub struct NoImportedReturns;

impl ImportedReturns for NoImportedReturns {
    fn returned(&self, _: &str, _: &str) -> Option<&Returned> {
        None
    }
}

/// An entry point's parameter passed to a function another module defines.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Passed {
    pub entry: String,
    pub kind: EntryKind,
    pub param: String,
    /// The parameter's declaration.
    pub source: Span,
    pub to: External,
    pub through: Vec<String>,
}

/// A sink a public function's parameter reaches.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedHit {
    pub param: usize,
    pub rule: String,
    /// How the sink's call reads.
    pub sink: String,
    pub at: Span,
    pub through: Vec<String>,
    /// The variable the sink reads the value from.
    pub via: Option<String>,
}

/// A public function of the module, as callers in other modules see it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Export {
    pub name: String,
    pub params: Vec<String>,
    pub sinks: Vec<ExportedHit>,
    /// Parameter index, the other module's function argument it is passed to, functions
    /// passed through.
    pub forwards: Vec<(usize, External, Vec<String>)>,
    /// What it returns, when that says more than "each argument, unchecked".
    pub returns: Option<Returned>,
    /// The class of the module whose instance it returns (a factory).
    pub makes: Option<String>,
    /// What it and the functions of its module it calls do whatever the arguments.
    pub effects: Vec<EffectAt>,
    /// The functions of other modules they call (module and member as imported).
    pub calls_out: Vec<(String, String)>,
}

/// The parameter index that stands for a method's object in an `Export` (its sinks reached
/// from what the object holds).
pub const RECEIVER_PARAM: usize = usize::MAX;

/// A sink reached from a slot, with the functions it went through.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct SinkHit {
    sink: usize,
    at: Span,
    through: Vec<String>,
    /// The checks the value went through, kept only for sinks that require one.
    labels: Labels,
}

/// The sinks an input reaches, one hit per sink call (and labels, for sinks that require a
/// check) with the shortest path: a summary stays small however many paths fan in.
#[derive(Clone, Debug, Default)]
struct Hits(BTreeMap<(usize, Span, Labels), SinkHit>);

impl Hits {
    fn insert(&mut self, hit: SinkHit) {
        let key = (hit.sink, hit.at, hit.labels.clone());
        match self.0.get_mut(&key) {
            Some(kept) if kept.through.len() <= hit.through.len() => {}
            Some(kept) => *kept = hit,
            None => {
                self.0.insert(key, hit);
            }
        }
    }
}

impl<'a> IntoIterator for &'a Hits {
    type Item = &'a SinkHit;
    type IntoIter = std::collections::btree_map::Values<'a, (usize, Span, Labels), SinkHit>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.values()
    }
}

impl IntoIterator for Hits {
    type Item = SinkHit;
    type IntoIter = std::collections::btree_map::IntoValues<(usize, Span, Labels), SinkHit>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_values()
    }
}

#[derive(Clone, Debug, Default)]
struct Summary {
    returns: Taint,
    sinks: BTreeMap<Slot, Hits>,
    /// The class whose instance the function returns (a factory, a constructor).
    returns_class: Option<usize>,
    /// What the function stores in its receiver as a whole (`this[key] = v`).
    stores: Taint,
    /// What it stores in each field of its receiver (`self.root = root` in a constructor),
    /// by field index.
    field_stores: BTreeMap<u32, Taint>,
    /// What the function's own checks prove of each parameter whenever it returns normally
    /// (`if command[0] not in ALLOWED: raise` proves the program is allowed), by position.
    checks: BTreeMap<usize, Labels>,
}

impl Summary {
    /// The receiver fields the function's results, sinks and stores depend on.
    fn fields_read(&self) -> BTreeSet<u32> {
        let mut ids = BTreeSet::new();
        let mut note = |t: &Taint| {
            for (slot, _) in t.iter() {
                if let Slot::Field(id) = slot {
                    ids.insert(*id);
                }
            }
        };
        note(&self.returns);
        note(&self.stores);
        for t in self.field_stores.values() {
            note(t);
        }
        for slot in self.sinks.keys() {
            if let Slot::Field(id) = slot {
                ids.insert(*id);
            }
        }
        ids
    }

    /// Everything the function stores in its receiver, fields or not: what an object of
    /// another variable holds after the call, its fields not told apart.
    fn all_stores(&self) -> Taint {
        let mut all = self.stores.clone();
        for t in self.field_stores.values() {
            all.extend_ref(t);
        }
        all
    }
}

/// Helpers deeper than this are not remembered in `through` (the flow is still reported).
const MAX_THROUGH: usize = 8;

/// Summaries are computed on demand, callees first; a call chain deeper than this sees an
/// empty summary for the callee, and `Analysis::out_of_budget` says so.
const MAX_CALL_DEPTH: usize = 48;

/// Analyzes one module; `text` is its source, for rules that read an argument's text.
pub fn analyze(module: &Module, model: &Model, text: &str) -> Analysis {
    analyze_with(module, model, text, &NoImportedReturns)
}

/// `analyze`, knowing what functions of other modules return.
pub fn analyze_with(
    module: &Module,
    model: &Model,
    text: &str,
    imported: &dyn ImportedReturns,
) -> Analysis {
    let names = Names::new(module);
    let source = conditions::SourceText::new(text);
    let (entries, imported_entries) = names.entries(module);
    let mut engine = Engine {
        module,
        model,
        sinks: SinkIndex::new(model),
        names: &names,
        source: &source,
        imported,
        imported_results: BTreeMap::new(),
        imported_via: Vec::new(),
        via_reach: BTreeMap::new(),
        summaries: vec![None; module.functions.len()],
        in_progress: vec![false; module.functions.len()],
        work: 0,
        depth: 0,
        out_of_budget: false,
        externals: Vec::new(),
        external_ids: HashMap::new(),
        entry_not_text: HashMap::new(),
        entry_funcs: entries.iter().map(|e| e.func).collect(),
        route_funcs: entries
            .iter()
            .filter(|e| e.kind == resolve::EntryKind::Route)
            .map(|e| e.func)
            .collect(),
        shapes: BTreeSet::new(),
        exposures: HashMap::new(),
        evidence: BTreeSet::new(),
        inlining: Vec::new(),
        stack: Vec::new(),
        callees: vec![BTreeSet::new(); module.functions.len()],
        displays: HashMap::new(),
        vias: HashMap::new(),
        fields: Vec::new(),
        field_ids: HashMap::new(),
        effects: BTreeMap::new(),
        contents: HashMap::new(),
        imported_calls: BTreeMap::new(),
        import_sites: HashSet::new(),
        host_constants: names
            .constants()
            .filter(|(_, span)| {
                let text = source.slice(*span);
                let text = text.trim_matches(|c| matches!(c, '"' | '\'' | '`'));
                taint::fixes_host(text)
            })
            .map(|(name, _)| Rc::from(name))
            .collect(),
    };
    let mut flows = BTreeSet::new();
    let mut calls = BTreeSet::new();
    for entry in &entries {
        if !entry.not_text.is_empty() {
            engine
                .entry_not_text
                .insert(entry.func, Rc::new(entry.not_text.clone()));
        }
    }
    // Callees first, so that a long chain of calls never goes deeper than the call depth.
    for id in callees_first(module, &names) {
        if engine.out_of_budget {
            break;
        }
        engine.summary(id);
    }
    for entry in &entries {
        let summary = engine.summary(entry.func);
        let Some(function) = module.functions.get(entry.func) else {
            continue;
        };
        // An entry whose object is the caller's arguments (`call_tool(&self)` of a
        // rust-mcp-sdk tool struct): what reaches a sink from the object came from the caller.
        let receiver_chosen =
            names.receiver_param(module, entry.func) == Some(0) && entry.params.contains(&0);
        for (slot, hits) in &summary.sinks {
            let index = match slot {
                Slot::Param(index) => index,
                Slot::Receiver | Slot::Field(_) if receiver_chosen => &0,
                _ => continue,
            };
            if !entry.params.contains(index) {
                continue;
            }
            let Some(param) = function.params.get(*index) else {
                continue;
            };
            for hit in hits {
                let Some(sink) = model.sinks.get(hit.sink) else {
                    if let Some(to) = engine.externals.get(hit.sink - model.sinks.len()) {
                        calls.insert(Passed {
                            entry: entry
                                .name
                                .clone()
                                .unwrap_or_else(|| function.qualified.clone()),
                            kind: entry.kind,
                            param: param.name.clone(),
                            source: param.span,
                            to: to.clone(),
                            through: hit.through.clone(),
                        });
                    }
                    continue;
                };
                if !sink.requirement_met(*slot, &hit.labels) {
                    continue;
                }
                flows.insert(Flow {
                    rule: sink.rule.clone(),
                    entry: entry
                        .name
                        .clone()
                        .unwrap_or_else(|| function.qualified.clone()),
                    param: param.name.clone(),
                    sink: engine.display(hit.sink, hit.at),
                    at: hit.at,
                    through: hit.through.clone(),
                    source: param.span,
                    function: function.span,
                    reach: Reach::Entry(entry.kind),
                    via: engine.vias.get(&(hit.sink, hit.at)).cloned(),
                    detail: None,
                    lower: false,
                });
            }
        }
    }
    // Sinks no entry point reaches: from the outermost function whose parameter reaches them.
    let mut reported: BTreeSet<(String, Span)> =
        flows.iter().map(|f| (f.rule.clone(), f.at)).collect();
    // Functions the entry points reach were judged with their real arguments; an entry
    // point's other parameters are the framework's (a context, a request object).
    let reached = engine.reached_from(entries.iter().map(|e| e.func));
    let mut untraced: BTreeMap<(String, Span), Flow> = BTreeMap::new();
    // Every function is walked once, the module's top-level code too: values computed at
    // run time and the shapes of calls are found wherever they are.
    for id in 0..module.functions.len() {
        if engine.out_of_budget {
            break;
        }
        if reached.contains(&id) {
            continue;
        }
        let summary = engine.summary(id);
        let Some(function) = module.functions.get(id) else {
            continue;
        };
        for (slot, hits) in &summary.sinks {
            let Slot::Param(index) = slot else { continue };
            let Some(param) = function.params.get(*index) else {
                continue;
            };
            for hit in hits {
                let Some(sink) = model.sinks.get(hit.sink) else {
                    continue;
                };
                let key = (sink.rule.clone(), hit.at);
                if reported.contains(&key) || !sink.requirement_met(*slot, &hit.labels) {
                    continue;
                }
                let flow = Flow {
                    rule: sink.rule.clone(),
                    entry: function.qualified.clone(),
                    param: param.name.clone(),
                    sink: engine.display(hit.sink, hit.at),
                    at: hit.at,
                    through: hit.through.clone(),
                    source: param.span,
                    function: function.span,
                    reach: Reach::Parameter {
                        public: is_public(function),
                    },
                    via: engine.vias.get(&(hit.sink, hit.at)).cloned(),
                    detail: None,
                    lower: false,
                };
                let longer = untraced
                    .get(&key)
                    .is_none_or(|kept| kept.through.len() < flow.through.len());
                if longer {
                    untraced.insert(key, flow);
                }
            }
        }
    }
    reported.extend(untraced.keys().cloned());
    flows.extend(untraced.into_values());
    // Values not traced to any parameter, at the sink where the function computing them
    // uses them; in a method no entry point reaches, what it reads from its object too.
    for (id, summary) in engine.summaries.iter().enumerate() {
        let (Some(summary), Some(function)) = (summary, module.functions.get(id)) else {
            continue;
        };
        let from_object = summary
            .sinks
            .iter()
            .filter(|(slot, _)| {
                !reached.contains(&id) && matches!(slot, Slot::Receiver | Slot::Field(_))
            })
            .map(|(_, hits)| hits);
        for hit in summary
            .sinks
            .get(&Slot::Computed)
            .into_iter()
            .chain(from_object)
            .flatten()
        {
            let Some(sink) = model.sinks.get(hit.sink) else {
                continue;
            };
            if !sink.requirement_met(Slot::Computed, &hit.labels)
                || !reported.insert((sink.rule.clone(), hit.at))
            {
                continue;
            }
            flows.insert(Flow {
                rule: sink.rule.clone(),
                entry: function.qualified.clone(),
                param: String::new(),
                sink: engine.display(hit.sink, hit.at),
                at: hit.at,
                through: Vec::new(),
                source: hit.at,
                function: function.span,
                // The caller's own credential, read through a library (`get_http_headers()`):
                // what matters is where it goes, as for a rule about a call's shape.
                reach: if hit.labels.contains(taint::REQUEST_CREDENTIAL) {
                    Reach::Shape
                } else {
                    Reach::Computed
                },
                via: None,
                detail: None,
                lower: false,
            });
        }
    }
    for (index, at, function) in std::mem::take(&mut engine.shapes) {
        let (Some(sink), Some(function)) = (model.sinks.get(index), module.functions.get(function))
        else {
            continue;
        };
        let exposure = engine.exposures.get(&(index, at));
        flows.insert(Flow {
            rule: sink.rule.clone(),
            entry: function.qualified.clone(),
            param: String::new(),
            sink: engine.display(index, at),
            at,
            through: Vec::new(),
            source: at,
            function: function.span,
            reach: Reach::Shape,
            via: None,
            detail: exposure.map(conditions::Exposure::detail),
            lower: exposure.is_some_and(conditions::Exposure::chosen_at_run_time),
        });
    }
    for hit in auth::check(module, &names, &source, &model.auth) {
        let Some(function) = module.functions.get(hit.function) else {
            continue;
        };
        flows.insert(Flow {
            rule: hit.rule,
            entry: function.qualified.clone(),
            param: String::new(),
            sink: hit.shown,
            at: hit.at,
            through: Vec::new(),
            source: hit.at,
            function: function.span,
            reach: Reach::Shape,
            via: None,
            detail: Some(hit.detail).filter(|d| !d.is_empty()),
            lower: hit.lower,
        });
    }
    let entry_facts = entries
        .iter()
        .filter_map(|entry| {
            let function = module.functions.get(entry.func)?;
            let reached = engine.reached_from([entry.func]);
            Some(EntryFacts {
                function: function.span,
                handler: function.qualified.clone(),
                schema: declared_types(entry, function),
                hints: entry.hints.clone(),
                effects: engine.effects_of(&reached),
                calls_out: engine.calls_out_of(&reached),
            })
        })
        .collect();
    let exports = exports(&mut engine);
    Analysis {
        flows: flows.into_iter().collect(),
        calls: calls.into_iter().collect(),
        imported_entries,
        exports,
        imported_results: engine.reaching_imported_results(),
        out_of_budget: engine.out_of_budget,
        evidence: engine.evidence,
        entries,
        entry_facts,
        uses: uses::library_uses(module, &names),
    }
}

/// The types an entry's inputs are declared with: its registration's schema, else the
/// annotations of the parameters the caller chooses, whitespace and string contents removed.
fn declared_types(
    entry: &Entry,
    function: &crate::analyze::ir::Function,
) -> BTreeMap<String, String> {
    if !entry.schema.is_empty() {
        return entry.schema.clone();
    }
    entry
        .params
        .iter()
        .filter_map(|&i| function.params.get(i))
        .filter_map(|p| {
            let annotation = p.annotation.as_deref()?;
            Some((p.name.clone(), without_strings(annotation)))
        })
        .collect()
}

/// `Annotated[str, Field(description="...")]` as `Annotated[str,Field(description="")]`.
fn without_strings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in text.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                    out.push(c);
                }
            }
            None if matches!(c, '"' | '\'' | '`') => {
                quote = Some(c);
                out.push(c);
            }
            None if c.is_whitespace() => {}
            None => out.push(c),
        }
    }
    out
}

/// The module's functions, each after the functions it calls by name (a post-order of the
/// call graph as names resolve it, without the instances a walk learns of; cycles are cut).
fn callees_first(module: &Module, names: &Names) -> Vec<FuncId> {
    let no_instances = BTreeMap::new();
    let calls: Vec<Vec<FuncId>> = module
        .functions
        .iter()
        .enumerate()
        .map(|(id, f)| {
            crate::analyze::ir::walk::calls_in(&f.body)
                .into_iter()
                .filter_map(|call| match &call.kind {
                    ExprKind::Call { callee, .. } => {
                        names.callee(module, callee, &no_instances, id)
                    }
                    _ => None,
                })
                .collect()
        })
        .collect();
    let mut order = Vec::with_capacity(module.functions.len());
    let mut seen = vec![false; module.functions.len()];
    for root in 0..module.functions.len() {
        if seen.get(root).copied().unwrap_or(true) {
            continue;
        }
        // (function, index of the next callee to visit)
        let mut stack = vec![(root, 0usize)];
        if let Some(s) = seen.get_mut(root) {
            *s = true;
        }
        while let Some((id, next)) = stack.pop() {
            match calls.get(id).and_then(|c| c.get(next)) {
                Some(&callee) => {
                    stack.push((id, next + 1));
                    if let Some(s) = seen.get_mut(callee)
                        && !*s
                    {
                        *s = true;
                        stack.push((callee, 0));
                    }
                }
                None => order.push(id),
            }
        }
    }
    order
}

/// The summaries of the module's public top-level functions, in the form other modules use,
/// and of the public methods of its module-level instances (`export const manager = new
/// Manager()`), named `manager.method` for the `manager.method(x)` of other modules.
fn exports(engine: &mut Engine<'_>) -> Vec<Export> {
    let module = engine.module;
    let mut out = Vec::new();
    for (id, function) in module.functions.iter().enumerate().skip(1) {
        if function.class.is_some() || !is_public(function) {
            continue;
        }
        out.extend(export_of(engine, id, function.name.clone(), 0));
    }
    // The public methods of its public classes, as `Class.method`, for the objects other
    // modules make of them (`r = Runner(); r.run(x)`, `new Job(x).start()`); and of its
    // module-level instances, as `instance.method`.
    let mut holders: Vec<(String, usize)> = engine
        .names
        .classes()
        .chain(engine.names.instances())
        .filter(|(name, _)| !name.starts_with('_'))
        .map(|(name, class)| (name.to_string(), class))
        .collect();
    holders.sort();
    // The functions of its module-level objects (`export const tool = { handler: async (p)
    // => ... }`), as `tool.handler`, for the `tool.handler(p)` of other modules.
    let mut members: Vec<(String, FuncId)> = engine
        .names
        .object_functions()
        .filter(|(object, _, _)| !object.starts_with('_'))
        .map(|(object, key, id)| (format!("{object}.{key}"), id))
        .collect();
    members.sort();
    for (name, id) in members {
        let shift = engine.names.bound_offset(module, id);
        out.extend(export_of(engine, id, name, shift));
    }
    for (holder, class) in holders {
        for (id, function) in module.functions.iter().enumerate().skip(1) {
            let private = function.name.starts_with('_') || function.name.starts_with('<');
            if function.class != Some(class) || private || function.name == "constructor" {
                continue;
            }
            // The caller's first argument is the parameter after `self`.
            let shift = engine.names.bound_offset(module, id);
            let name = format!("{holder}.{}", function.name);
            out.extend(export_of(engine, id, name, shift));
        }
    }
    out
}

/// What function `id` does with its parameters, as a caller in another module sees it: its
/// parameters from `shift` on (after a bound receiver) are the caller's arguments.
fn export_of(engine: &mut Engine<'_>, id: FuncId, name: String, shift: usize) -> Option<Export> {
    if engine.out_of_budget {
        return None;
    }
    let module = engine.module;
    let function = module.functions.get(id)?;
    let summary = engine.summary(id);
    let mut export = Export {
        name,
        params: function
            .params
            .iter()
            .skip(shift)
            .map(|p| p.name.clone())
            .collect(),
        ..Export::default()
    };
    for (slot, hits) in &summary.sinks {
        let index = match slot {
            Slot::Param(index) => match index.checked_sub(shift) {
                Some(index) => index,
                None => continue,
            },
            // What the object holds, for a caller whose object carries input (`new
            // Job(cmd).start()` with `start` reading `this.cmd`).
            Slot::Receiver | Slot::Field(_) => RECEIVER_PARAM,
            Slot::Computed | Slot::Content => continue,
        };
        for hit in hits {
            match engine.model.sinks.get(hit.sink) {
                Some(sink) if !sink.requirement_met(*slot, &hit.labels) => {}
                // Reached from two fields of the object: once for the object.
                Some(sink)
                    if export
                        .sinks
                        .iter()
                        .any(|e| e.param == index && e.at == hit.at && e.rule == sink.rule) => {}
                Some(sink) => export.sinks.push(ExportedHit {
                    param: index,
                    rule: sink.rule.clone(),
                    sink: engine.display(hit.sink, hit.at),
                    at: hit.at,
                    through: hit.through.clone(),
                    via: engine.vias.get(&(hit.sink, hit.at)).cloned(),
                }),
                None => {
                    let external = hit.sink - engine.model.sinks.len();
                    if let Some(to) = engine.externals.get(external) {
                        export
                            .forwards
                            .push((index, to.clone(), hit.through.clone()));
                    }
                }
            }
        }
    }
    let returned = Returned {
        params: function
            .params
            .iter()
            .skip(shift)
            .map(|p| (p.name.clone(), p.kind))
            .collect(),
        flows: summary
            .returns
            .iter()
            .filter_map(|(slot, labels)| match slot {
                // Its own module's numbers mean nothing to the caller.
                Slot::Param(i) => Some((
                    i.checked_sub(shift)?,
                    labels
                        .iter()
                        .filter(|l| taint::via_import(l).is_none())
                        .cloned()
                        .collect(),
                )),
                _ => None,
            })
            .collect(),
        computed: summary
            .returns
            .iter()
            .any(|(slot, _)| *slot == Slot::Computed),
        contents: summary.returns.contents().map(str::to_string).collect(),
    };
    export.returns = (returned.narrows() || !returned.contents.is_empty()).then_some(returned);
    export.makes = summary
        .returns_class
        .and_then(|c| module.classes.get(c))
        .map(|c| c.name.clone());
    let reached = engine.reached_from([id]);
    export.effects = engine.effects_of(&reached);
    export.calls_out = engine.calls_out_of(&reached);
    (!export.sinks.is_empty()
        || !export.forwards.is_empty()
        || export.returns.is_some()
        || export.makes.is_some()
        || !export.effects.is_empty()
        || !export.calls_out.is_empty())
    .then_some(export)
}

/// The model's sinks by the name a call must have, so a call looks up its candidates instead
/// of trying every sink of every rule.
struct SinkIndex<'m> {
    by_callee: HashMap<&'m str, Vec<usize>>,
    /// `*.name` sinks, by method name.
    by_method: HashMap<&'m str, Vec<usize>>,
    /// `prefix.*` sinks (any method of `git.Repo.git`), by prefix.
    by_parent: HashMap<&'m str, Vec<usize>>,
    sanitizers: HashSet<&'m str>,
    /// `*.name` sanitizers, by method name (`*.resolve`).
    method_sanitizers: HashSet<&'m str>,
    /// Source calls and the labels of their results.
    sources: HashMap<&'m str, Vec<&'m str>>,
}

impl<'m> SinkIndex<'m> {
    fn new(model: &'m Model) -> SinkIndex<'m> {
        let mut index = SinkIndex {
            by_callee: HashMap::new(),
            by_method: HashMap::new(),
            by_parent: HashMap::new(),
            sanitizers: model.sanitizers.iter().map(String::as_str).collect(),
            method_sanitizers: model
                .sanitizers
                .iter()
                .filter_map(|s| s.strip_prefix("*."))
                .collect(),
            sources: HashMap::new(),
        };
        for (callee, label) in &model.sources {
            index
                .sources
                .entry(callee.as_str())
                .or_default()
                .push(label.as_str());
        }
        for (i, sink) in model.sinks.iter().enumerate() {
            if let Some(method) = sink.callee.strip_prefix("*.") {
                index.by_method.entry(method).or_default().push(i);
            } else if let Some(parent) = sink.callee.strip_suffix(".*") {
                index.by_parent.entry(parent).or_default().push(i);
            } else {
                index.by_callee.entry(&sink.callee).or_default().push(i);
            }
        }
        index
    }

    /// Whether a call named `name` is a sink or a sanitizer of the model.
    fn knows(&self, name: &str) -> bool {
        self.by_callee.contains_key(name)
            || self.sanitizers.contains(name)
            || self.sources.contains_key(name)
    }

    /// The sinks a call named `name` (a method `method`) may be, in model order.
    fn candidates(&self, name: Option<&str>, method: Option<&str>) -> Vec<usize> {
        let mut out: Vec<usize> = name
            .and_then(|n| self.by_callee.get(n))
            .into_iter()
            .chain(method.and_then(|m| self.by_method.get(m)))
            .chain(
                name.and_then(|n| n.rsplit_once('.'))
                    .and_then(|(parent, _)| self.by_parent.get(parent)),
            )
            .flatten()
            .copied()
            .collect();
        out.sort_unstable();
        out
    }
}

struct Engine<'m> {
    module: &'m Module,
    model: &'m Model,
    sinks: SinkIndex<'m>,
    names: &'m Names,
    source: &'m conditions::SourceText<'m>,
    imported: &'m dyn ImportedReturns,
    /// See `Analysis::imported_results`: every such call, numbered by `imported_via`.
    imported_results: BTreeMap<(String, String), BTreeSet<ArgSel>>,
    /// The functions of `imported_results` in the order their `via_label`s number them.
    imported_via: Vec<(String, String)>,
    /// Where the results of each (by number, so labelled) went.
    via_reach: BTreeMap<usize, ResultReach>,
    summaries: Vec<Option<Summary>>,
    in_progress: Vec<bool>,
    work: usize,
    depth: usize,
    out_of_budget: bool,
    /// Arguments of calls into other modules, numbered after the model's sinks.
    externals: Vec<External>,
    external_ids: HashMap<External, usize>,
    /// Entry points' whole-object parameters with the fields their schema says hold no text.
    entry_not_text: HashMap<FuncId, Rc<BTreeSet<String>>>,
    /// The module's entry points: what they return goes to the caller.
    entry_funcs: HashSet<FuncId>,
    /// Those that are web routes: what they return goes to an HTTP client, not the model.
    route_funcs: HashSet<FuncId>,
    /// Closures being walked where they are called, innermost last.
    inlining: Vec<FuncId>,
    /// Functions being summarized, innermost last.
    stack: Vec<FuncId>,
    /// The functions each function's walk asked the summary of: the call graph as the
    /// walks resolved it (methods through instances, dispatch tables).
    callees: Vec<BTreeSet<FuncId>>,
    /// Calls of structural rules whose conditions hold: sink, call, enclosing function.
    shapes: BTreeSet<(usize, Span, FuncId)>,
    /// Where the listening calls among them listen, by sink and call.
    exposures: HashMap<(usize, Span), conditions::Exposure>,
    /// Rules whose `unless_project_calls` evidence the module holds.
    evidence: BTreeSet<String>,
    /// How each reported call reads, by sink and call: the canonical name, or the text of a
    /// method call a rule names by its method (`cursor.execute` for `*.execute`).
    displays: HashMap<(usize, Span), String>,
    /// The variable a sink's argument is read from, by sink and call (`command` in
    /// `run(command, shell=True)`): where the value was last stored.
    vias: HashMap<(usize, Span), String>,
    /// Module constants holding a URL with a fixed host (`API_BASE = "https://api.x.com"`):
    /// every function starts out knowing them.
    host_constants: BTreeSet<Rc<str>>,
    /// Names of the receiver fields `Slot::Field` numbers.
    fields: Vec<Rc<str>>,
    field_ids: HashMap<Rc<str>, u32>,
    /// The calls that give each function a capability (`Sink::effect`), by the function
    /// being summarized (a closure walked where it is called counts for its caller too).
    effects: BTreeMap<(FuncId, Rc<str>), (Span, String)>,
    /// Calls whose results are content an entry point may return (`Model::returned_effects`),
    /// with the capability they have.
    contents: HashMap<Span, &'m str>,
    /// The functions of other modules each function calls (module and member as imported),
    /// whatever the arguments: where a tool's capabilities continue.
    imported_calls: BTreeMap<FuncId, BTreeSet<(String, String)>>,
    /// The call sites already resolved for `imported_calls`, by caller: walks revisit
    /// functions until their summaries settle.
    import_sites: HashSet<(FuncId, Span)>,
}

/// An argument of a call to a function another module defines.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct External {
    /// The module as the import writes it (`.archive`, `./tools/exec.js`, `pkg.tools`).
    pub module: String,
    pub member: String,
    pub at: ArgSel,
}

/// At most this many distinct imported-call arguments are followed per module.
const MAX_EXTERNALS: usize = 4_096;

/// At most this many call sites per module are looked up for calls of other modules'
/// functions (the capabilities a tool gets through them); far above real modules.
const MAX_IMPORT_SITES: usize = 65_536;

/// Variables and their taint, copied at every branch: names and taints are shared between
/// the copies until one of them writes (a function of thousands of variables and branches
/// would otherwise copy every taint at every branch).
#[derive(Clone, Default)]
struct Vars(BTreeMap<Rc<str>, Rc<Taint>>);

impl Vars {
    fn get(&self, name: &str) -> Option<&Taint> {
        self.0.get(name).map(|t| &**t)
    }

    fn contains(&self, name: &str) -> bool {
        self.0.contains_key(name)
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut Taint> {
        self.0.get_mut(name).map(Rc::make_mut)
    }

    fn insert(&mut self, name: &str, taint: Taint) {
        match self.0.get_mut(name) {
            Some(slot) => *slot = Rc::new(taint),
            None => {
                self.0.insert(Rc::from(name), Rc::new(taint));
            }
        }
    }

    /// The fields of `receiver` something was stored in, with what (`self.root` is kept
    /// under the key `self.root`).
    fn fields_of<'a>(&'a self, receiver: &str) -> Vec<(&'a str, &'a Taint)> {
        use std::ops::Bound;
        let prefix = format!("{receiver}.");
        self.0
            .range::<str, _>((Bound::Included(prefix.as_str()), Bound::Unbounded))
            .map_while(|(k, t)| k.strip_prefix(prefix.as_str()).map(|f| (f, &**t)))
            .collect()
    }

    /// The variable's taint, created empty if it has none yet.
    fn entry(&mut self, name: &str) -> &mut Taint {
        Rc::make_mut(self.0.entry(Rc::from(name)).or_default())
    }

    /// What a closure did to the variables it shares with the function around it: each
    /// shared variable keeps its value and gains what the closure stored in it.
    fn absorb(&mut self, inner: &Vars, own: &[String]) {
        for (name, taint) in &inner.0 {
            if own.iter().any(|o| **o == **name) {
                continue;
            }
            match self.0.get_mut(name) {
                Some(mine) if !Rc::ptr_eq(mine, taint) => Rc::make_mut(mine).extend_ref(taint),
                Some(_) => {}
                // A field of the receiver the closure stored in first.
                None if name.contains('.') => {
                    self.0.insert(name.clone(), taint.clone());
                }
                None => {}
            }
        }
    }

    fn join(&mut self, other: &Vars) {
        for (name, taint) in &other.0 {
            match self.0.get_mut(name) {
                Some(mine) if Rc::ptr_eq(mine, taint) => {}
                Some(mine) => Rc::make_mut(mine).extend_ref(taint),
                None => {
                    self.0.insert(name.clone(), taint.clone());
                }
            }
        }
    }
}

/// The state of one function's walk.
#[derive(Clone, Default)]
struct Env {
    vars: Vars,
    /// Variables known to hold an instance of a class of the module.
    classes: BTreeMap<String, usize>,
    /// The function being walked: names of functions nested in it or its parents resolve.
    scope: FuncId,
    /// `x` -> `y` when `x` was computed from `y` alone (`host = urlparse(url).hostname`),
    /// and whether `x` is `y` itself (`const requested = redirect_uri`): every check of an
    /// alias is a check of what it names.
    derived: BTreeMap<Rc<str>, (Rc<str>, bool)>,
    /// `x` -> `argv` when `x` is the argv's first element (`cmd = argv[0].strip()`): an
    /// allowlist check of `x` allows the program `argv` runs, not the rest of it.
    program_of: BTreeMap<Rc<str>, Rc<str>>,
    /// Variables holding a handler looked up in a dispatch table -> the table.
    handlers: BTreeMap<String, String>,
    /// Variables whose text starts with a fixed scheme and host (`url = `${API}/items``):
    /// what is appended to them cannot move the request.
    host_fixed: BTreeSet<Rc<str>>,
    /// Functions bound to a name inside the function (`const run = (s) => ...`): they shadow
    /// imports of the same name.
    local_fns: BTreeMap<Rc<str>, FuncId>,
    /// Variables holding an object whose listed fields a schema declared as numbers,
    /// booleans or fixed sets (`parsed = ReadArgs.parse(args)`; an entry's `args`).
    not_text: BTreeMap<Rc<str>, Rc<BTreeSet<String>>>,
    /// Variables holding what a library call made -> its canonical name (`tf =
    /// tarfile.open(p)`, `with open(p) as f`).
    made_by: BTreeMap<Rc<str>, Rc<str>>,
    /// Where the value a variable holds was written (`dir = base + "/"`): rules that read an
    /// argument's text read a variable as its assignment.
    assigned: BTreeMap<Rc<str>, Span>,
    /// Variables holding an object made by a class or function another module exports (`r =
    /// Runner()`, `const j = new Job(cmd)`) -> (module, name) as imported.
    imported_objects: BTreeMap<Rc<str>, Rc<(String, String)>>,
    /// Variables assigned an object literal (`const options = { shell: true }`): a call's
    /// options object is read through them.
    objects: BTreeMap<Rc<str>, Rc<Expr>>,
    /// Variables holding an argv list -> what its option positions hold, and whether a
    /// `--` ends them (what is appended after it is no option).
    argv: BTreeMap<Rc<str>, Rc<ArgvVar>>,
    /// Variables holding what a function of the module returned (`file = await
    /// resolveInside(p)`) -> the functions the value came through, for the evidence path.
    through: BTreeMap<Rc<str>, Rc<[String]>>,
    /// Field paths a guard checked (`request.framework in ALLOWED`) -> the labels it proved,
    /// given to what a read of that path yields until its variable is assigned again.
    checked_fields: BTreeMap<Rc<str>, Labels>,
}

impl Env {
    fn join(&mut self, other: &Env) {
        self.vars.join(&other.vars);
        for (name, class) in &other.classes {
            self.classes.entry(name.clone()).or_insert(*class);
        }
        // A derivation or a table lookup holds after a join only if both paths made it.
        self.derived.retain(|k, v| other.derived.get(k) == Some(v));
        self.program_of
            .retain(|k, v| other.program_of.get(k) == Some(v));
        self.handlers
            .retain(|k, v| other.handlers.get(k) == Some(v));
        self.host_fixed.retain(|k| other.host_fixed.contains(k));
        self.local_fns
            .retain(|k, v| other.local_fns.get(k) == Some(v));
        self.not_text
            .retain(|k, v| other.not_text.get(k) == Some(v));
        self.made_by.retain(|k, v| other.made_by.get(k) == Some(v));
        self.assigned
            .retain(|k, v| other.assigned.get(k) == Some(v));
        self.objects
            .retain(|k, v| other.objects.get(k).is_some_and(|o| Rc::ptr_eq(o, v)));
        self.imported_objects
            .retain(|k, v| other.imported_objects.get(k) == Some(v));
        // An argv appended to on one path only (`if x: cmd.extend([...])`) holds either.
        self.argv.retain(|k, _| other.argv.contains_key(k));
        for (k, v) in self.argv.iter_mut() {
            if let Some(o) = other.argv.get(k)
                && o != v
            {
                let v = Rc::make_mut(v);
                v.options.extend_ref(&o.options);
                v.script.extend_ref(&o.script);
                v.program.extend_ref(&o.program);
                v.closed &= o.closed;
            }
        }
        self.through.retain(|k, v| other.through.get(k) == Some(v));
        self.checked_fields
            .retain(|k, _| other.checked_fields.contains_key(k));
        for (k, labels) in self.checked_fields.iter_mut() {
            if let Some(o) = other.checked_fields.get(k) {
                labels.retain(|l| o.contains(l));
            }
        }
    }
}

/// What a variable holding an argv list carries, part by part.
#[derive(Clone, Debug, Default, PartialEq)]
struct ArgvVar {
    /// Its option positions (see `ArgPart::Options`).
    options: Taint,
    /// A `--` ends the options: what is appended after it is no option.
    closed: bool,
    /// The script of the shell it starts, if it starts one.
    script: Taint,
    program: Taint,
}

/// What walking one function found.
#[derive(Default)]
struct Walk {
    summary: Summary,
    /// The receiver's name in this function (`self`, `this`).
    receiver: Option<String>,
    /// The check labels each parameter carries at every normal exit seen so far (`None`
    /// before the first exit).
    exit_checks: Option<BTreeMap<usize, Labels>>,
}

/// The marks of a check that a helper proves for its caller's variable.
const PROVEN_CHECKS: [&str; 7] = [
    taint::ALLOWLIST,
    taint::PATH_CONTAINMENT,
    taint::PROGRAM_ALLOWLIST,
    taint::FIXED_HOST,
    taint::FIXED_SET,
    taint::OPTION_CHECK,
    taint::SCHEME_CHECK,
];

impl<'m> Engine<'m> {
    /// At a normal exit of the walked function: keeps, of each parameter's check marks, those
    /// it carries here too (a check proven on every way out).
    fn note_exit(&self, env: &Env, walk: &mut Walk) {
        let Some(function) = self.module.functions.get(env.scope) else {
            return;
        };
        let mut here: BTreeMap<usize, Labels> = BTreeMap::new();
        for (i, p) in function.params.iter().enumerate() {
            let proven: Labels = env
                .vars
                .get(&p.name)
                .and_then(|t| t.iter().find(|(slot, _)| **slot == Slot::Param(i)))
                .map(|(_, labels)| {
                    labels
                        .iter()
                        .filter(|l| PROVEN_CHECKS.contains(&l.as_str()))
                        .cloned()
                        .collect()
                })
                .unwrap_or_default();
            if !proven.is_empty() {
                here.insert(i, proven);
            }
        }
        walk.exit_checks = Some(match walk.exit_checks.take() {
            None => here,
            Some(mut before) => {
                before.retain(|i, labels| {
                    let now = here.get(i);
                    labels.retain(|l| now.is_some_and(|n| n.contains(l)));
                    !labels.is_empty()
                });
                before
            }
        });
    }

    /// `_validate_command(cmd)` as a statement, with the helper in this module: the
    /// variables it was given carry what its checks prove on every normal return.
    fn apply_helper_checks(&mut self, call: &Expr, env: &mut Env) {
        let call = match &call.kind {
            ExprKind::Await(inner) => &**inner,
            _ => call,
        };
        let ExprKind::Call { callee, args, .. } = &call.kind else {
            return;
        };
        let Some(func) = self.named_function(callee, env) else {
            return;
        };
        let checks = self.summary(func).checks;
        if checks.is_empty() {
            return;
        }
        let shift = self.names.bound_offset(self.module, func);
        let Some(params) = self.module.functions.get(func).map(|f| &f.params) else {
            return;
        };
        for (i, labels) in &checks {
            let Some(param) = params.get(*i) else {
                continue;
            };
            let given = args
                .iter()
                .find(|a| a.keyword.as_deref() == Some(param.name.as_str()))
                .or_else(|| {
                    let positional: Vec<&Arg> = args
                        .iter()
                        .take_while(|a| {
                            a.keyword.is_none() && !matches!(a.value.kind, ExprKind::Spread(_))
                        })
                        .collect();
                    positional.get(i.checked_sub(shift)?).copied()
                });
            if let Some(x) = given.and_then(|a| normalized_variable(&a.value))
                && let Some(t) = env.vars.get_mut(x)
            {
                for label in labels {
                    t.label(label);
                }
            }
        }
    }

    /// What the walk leaves in its receiver: stores into the whole object and into each field
    /// (a field's own incoming value is not a store).
    fn note_receiver(&mut self, env: &Env, walk: &mut Walk) {
        let Some(r) = &walk.receiver else {
            return;
        };
        if let Some(taint) = env.vars.get(r) {
            walk.summary
                .stores
                .extend(taint.clone().without(Slot::Receiver));
        }
        for (field, taint) in env.vars.fields_of(r) {
            let id = self.field_id(field);
            let stored = taint.clone().without(Slot::Field(id));
            if !stored.is_empty() {
                walk.summary
                    .field_stores
                    .entry(id)
                    .or_default()
                    .extend(stored);
            }
        }
    }

    fn field_id(&mut self, field: &str) -> u32 {
        if let Some(id) = self.field_ids.get(field) {
            return *id;
        }
        let id = u32::try_from(self.fields.len()).unwrap_or(u32::MAX);
        let name: Rc<str> = Rc::from(field);
        self.fields.push(name.clone());
        self.field_ids.insert(name, id);
        id
    }

    /// The field of the walk's receiver an expression names (`self.root`, `this["root"]`).
    fn receiver_field<'e>(&self, expr: &'e Expr, walk: &Walk) -> Option<&'e str> {
        let receiver = walk.receiver.as_deref()?;
        match &expr.kind {
            ExprKind::Attr(object, field) if matches!(&object.kind, ExprKind::Name(n) if n == receiver) => {
                Some(field)
            }
            ExprKind::Index(object, index) if matches!(&object.kind, ExprKind::Name(n) if n == receiver) => {
                match &index.kind {
                    ExprKind::Str(field) => Some(field),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// What a field of the walk's receiver holds: what this walk stored in it, and what the
    /// object held when the function was called, read as that field.
    fn read_field(&mut self, field: &str, env: &Env, walk: &Walk) -> Taint {
        let Some(receiver) = walk.receiver.as_deref() else {
            return Taint::new();
        };
        let id = self.field_id(field);
        let mut t = env
            .vars
            .get(receiver)
            .cloned()
            .unwrap_or_default()
            .receiver_as(Slot::Field(id));
        if let Some(stored) = env.vars.get(&field_key(receiver, field)) {
            t.extend_ref(stored);
        }
        t
    }

    /// The variable (or receiver field) that a write into `object.field` (or
    /// `object[...]`, `field` `None`) changes.
    fn member_key(&self, object: &Expr, field: Option<&str>, walk: &Walk) -> Option<String> {
        match (&object.kind, field, walk.receiver.as_deref()) {
            (ExprKind::Name(n), Some(field), Some(receiver)) if n == receiver => {
                Some(field_key(receiver, field))
            }
            _ => self.store_key(object, walk),
        }
    }

    /// The variable (or receiver field, `self.root`) that a write into `object` changes.
    fn store_key(&self, object: &Expr, walk: &Walk) -> Option<String> {
        if let Some(field) = self.receiver_field(object, walk)
            && let Some(receiver) = walk.receiver.as_deref()
        {
            return Some(field_key(receiver, field));
        }
        match &object.kind {
            ExprKind::Name(n) => Some(n.clone()),
            ExprKind::Attr(o, _) | ExprKind::Index(o, _) => self.store_key(o, walk),
            _ => None,
        }
    }

    /// The not-text fields of what `value` parses with a module-level schema
    /// (`ReadArgs.parse(args)`, `await ReadArgs.parseAsync(args)`).
    /// A type whose values carry no text: a number or boolean, or a fixed set of choices
    /// declared in this module (a fieldless Rust `enum`, a Python `Enum`).
    fn is_not_text_type(&self, annotation: &str) -> bool {
        taint::is_not_text_type(annotation)
            || self
                .declared_class(annotation)
                .is_some_and(|c| c.bases.iter().any(is_enum_base))
    }

    /// The class of this module a declared type names, through the wrappers that hold one
    /// value of it (`Parameters<Args>`, `Json<Args>`, `Option<&Args>`, `Optional[Args]`).
    fn declared_class(&self, annotation: &str) -> Option<&'m crate::analyze::ir::Class> {
        let name = taint::held_type(annotation)?;
        let id = self.names.class_named(name)?;
        self.module.classes.get(id)
    }

    /// The object of another module a field of the class of function `scope` holds, by the
    /// type the class declares for it (`fs: Arc<FsService>` with `use crate::fs::FsService`).
    fn declared_field_object(&self, scope: FuncId, field: &str) -> Option<(String, String)> {
        // A closure inside a method (`async move { self.fs.read(p) }`) shares its `self`.
        let mut at = self.module.functions.get(scope)?;
        for _ in 0..crate::analyze::ir::MAX_DEPTH {
            match (at.class, at.parent) {
                (None, Some(parent)) if parent != 0 => at = self.module.functions.get(parent)?,
                _ => break,
            }
        }
        let class = at.class?;
        let (_, ty) = self
            .module
            .classes
            .get(class)?
            .declared
            .iter()
            .find(|(name, _)| name == field)?;
        self.names.imported_type(ty)
    }

    /// The fields a struct or model of this module declares as numbers or choices.
    fn declared_not_text(&self, annotation: &str) -> Option<Rc<BTreeSet<String>>> {
        let class = self.declared_class(annotation)?;
        let fields: BTreeSet<String> = class
            .declared
            .iter()
            .filter(|(_, ty)| self.is_not_text_type(ty))
            .map(|(name, _)| name.clone())
            .collect();
        (!fields.is_empty()).then(|| Rc::new(fields))
    }

    /// The fields known not to be text of a value: a variable's (`args`), or what a Rust
    /// newtype holds (`params.0`, the `Args` inside `Parameters<Args>`).
    fn not_text_of(&self, value: &Expr, env: &Env) -> Option<Rc<BTreeSet<String>>> {
        match &value.kind {
            ExprKind::Name(v) => env.not_text.get(v.as_str()).cloned(),
            ExprKind::Attr(inner, field) if field == "0" => self.not_text_of(inner, env),
            _ => None,
        }
    }

    fn parsed_schema(&self, value: &Expr) -> Option<Rc<BTreeSet<String>>> {
        let value = match &value.kind {
            ExprKind::Await(inner) => inner,
            _ => value,
        };
        let ExprKind::Call { callee, .. } = &value.kind else {
            return None;
        };
        let ExprKind::Attr(object, method) = &callee.kind else {
            return None;
        };
        let ExprKind::Name(schema) = &object.kind else {
            return None;
        };
        if !matches!(method.as_str(), "parse" | "parseAsync") {
            return None;
        }
        self.names.schema(schema).map(|f| Rc::new(f.clone()))
    }

    /// The methods a `getattr(obj, "prefix" + name)` callee can reach: those of `obj`'s class
    /// whose names start with the literal prefix (a name with no literal prefix reaches an
    /// unknown set, and is not followed).
    fn getattr_methods(&mut self, callee: &Expr, env: &mut Env) -> Option<Vec<FuncId>> {
        let ExprKind::Call {
            callee: inner,
            args,
            ..
        } = &callee.kind
        else {
            return None;
        };
        if !matches!(&inner.kind, ExprKind::Name(g) if g == "getattr") {
            return None;
        }
        let [object, name, ..] = args.as_slice() else {
            return None;
        };
        let prefix = match &name.value.kind {
            ExprKind::Template(parts) => match parts.first() {
                Some(TemplatePart::Text(t)) => t.clone(),
                _ => return None,
            },
            ExprKind::Binary(op, left, _) if op == "+" => match &left.kind {
                ExprKind::Str(t) => t.clone(),
                _ => return None,
            },
            _ => return None,
        };
        if prefix.is_empty() {
            return None;
        }
        let class = self.class_of(&object.value, env)?;
        let methods = self.names.methods_with_prefix(self.module, class, &prefix);
        (!methods.is_empty()).then_some(methods)
    }

    /// The dispatch table a callee looks its function up in.
    fn dispatch_table(&self, callee: &Expr, env: &Env) -> Option<&'m [Expr]> {
        let table = match &callee.kind {
            ExprKind::Name(h) => env.handlers.get(h)?.as_str(),
            _ => table_lookup(callee)?,
        };
        self.names.table(table)
    }

    /// `starts` and the functions of the module they call, as the walks resolved the calls.
    fn reached_from(&self, starts: impl IntoIterator<Item = FuncId>) -> BTreeSet<FuncId> {
        let mut reached: BTreeSet<FuncId> = starts.into_iter().collect();
        let mut queue: Vec<FuncId> = reached.iter().copied().collect();
        while let Some(id) = queue.pop() {
            for &callee in self.callees.get(id).into_iter().flatten() {
                if reached.insert(callee) {
                    queue.push(callee);
                }
            }
        }
        reached
    }

    /// The source text at `span` as a finding shows it: whitespace removed, cut short.
    fn written(&self, span: Span) -> String {
        self.source
            .slice(span)
            .split_whitespace()
            .flat_map(str::chars)
            .take(MAX_DISPLAY)
            .collect()
    }

    /// The capabilities the `reached` functions have, each with the first call that gives it.
    fn effects_of(&self, reached: &BTreeSet<FuncId>) -> Vec<EffectAt> {
        let mut found: BTreeMap<&str, (Span, &str)> = BTreeMap::new();
        for ((function, capability), (at, callee)) in &self.effects {
            if !reached.contains(function) {
                continue;
            }
            let kept = found.entry(capability).or_insert((*at, callee));
            if *at < kept.0 {
                *kept = (*at, callee);
            }
        }
        found
            .into_iter()
            .map(|(capability, (at, callee))| EffectAt {
                capability: capability.to_string(),
                callee: callee.to_string(),
                at,
            })
            .collect()
    }

    /// A read of a value that gives the function a capability: `process.env.KEY` and
    /// `os.environ["KEY"]` (the object read), `const { KEY } = process.env` (the value itself).
    fn note_read(&mut self, expr: &Expr, env: &Env) {
        let read = [Some(expr), expr_object(expr)]
            .into_iter()
            .flatten()
            .find_map(|e| {
                let ExprKind::Attr(_, field) = &e.kind else {
                    return None;
                };
                if !self.model.read_fields.contains(field.as_str()) {
                    return None;
                }
                let name = self.names.canonical(e)?;
                let capability = self.model.reads.get(&name)?;
                Some((e.span, name, capability.clone()))
            });
        if let Some((at, name, capability)) = read {
            let function = self.stack.last().copied().unwrap_or(env.scope);
            self.effects
                .entry((function, Rc::from(capability.as_str())))
                .or_insert((at, name));
        }
    }

    /// The functions of other modules the `reached` functions call.
    fn calls_out_of(&self, reached: &BTreeSet<FuncId>) -> Vec<(String, String)> {
        let calls: BTreeSet<(&str, &str)> = reached
            .iter()
            .filter_map(|f| self.imported_calls.get(f))
            .flatten()
            .map(|(m, member)| (m.as_str(), member.as_str()))
            .collect();
        calls
            .into_iter()
            .map(|(m, member)| (m.to_string(), member.to_string()))
            .collect()
    }

    /// `system` after `from os import *` is `os.system` when the model knows that name.
    fn through_star_import(&self, name: String) -> String {
        if name.contains('.') || self.sinks.knows(&name) {
            return name;
        }
        self.names
            .star_modules()
            .map(|m| format!("{m}.{name}"))
            .find(|full| self.sinks.knows(full))
            .unwrap_or(name)
    }

    /// How the call of a reported sink reads.
    fn display(&self, sink: usize, at: Span) -> String {
        match self.displays.get(&(sink, at)) {
            Some(d) => d.clone(),
            None => self
                .model
                .sinks
                .get(sink)
                .map(|s| s.callee.clone())
                .unwrap_or_default(),
        }
    }

    /// The number of an imported call's argument; `None` past `MAX_EXTERNALS`.
    fn external(&mut self, external: External) -> Option<usize> {
        if let Some(&id) = self.external_ids.get(&external) {
            return Some(id);
        }
        if self.externals.len() >= MAX_EXTERNALS {
            self.out_of_budget = true;
            return None;
        }
        let id = self.externals.len();
        self.externals.push(external.clone());
        self.external_ids.insert(external, id);
        Some(id)
    }

    fn spend(&mut self) -> bool {
        self.work += 1;
        if self.work > self.model.budget.unwrap_or(WORK_BUDGET) {
            self.out_of_budget = true;
        }
        !self.out_of_budget
    }

    /// The summary of `id`, computed once. A recursive call sees what is known so far
    /// (nothing): recursion adds no new flow the first pass does not find.
    fn summary(&mut self, id: FuncId) -> Summary {
        if let Some(&caller) = self.stack.last()
            && let Some(callees) = self.callees.get_mut(caller)
        {
            callees.insert(id);
        }
        if let Some(Some(done)) = self.summaries.get(id) {
            return done.clone();
        }
        if self.in_progress.get(id).copied().unwrap_or(true) {
            return Summary::default();
        }
        if self.depth >= MAX_CALL_DEPTH {
            self.out_of_budget = true;
            return Summary::default();
        }
        if let Some(flag) = self.in_progress.get_mut(id) {
            *flag = true;
        }
        self.depth += 1;
        self.stack.push(id);
        let summary = self.summarize(id);
        self.stack.pop();
        self.depth -= 1;
        if let Some(slot) = self.summaries.get_mut(id) {
            *slot = Some(summary.clone());
        }
        if let Some(flag) = self.in_progress.get_mut(id) {
            *flag = false;
        }
        summary
    }

    fn summarize(&mut self, id: FuncId) -> Summary {
        let Some(function) = self.module.functions.get(id) else {
            return Summary::default();
        };
        let mut env = Env {
            scope: id,
            host_fixed: self.host_constants.clone(),
            ..Env::default()
        };
        // A class field set to a URL with a fixed host (`private base =
        // "https://api.x.com/v1"`, `BASE = "https://..."` in a Python class body), read through
        // the object: `${this.base}${path}` cannot move the request to another host.
        if let Some(class) = function.class.and_then(|c| self.module.classes.get(c)) {
            for stmt in &class.fields {
                if let Stmt::Assign { targets, value, .. } = stmt
                    && let [Target::Name(field, _)] = targets.as_slice()
                    && matches!(&value.kind, ExprKind::Str(text) if taint::fixes_host(text))
                {
                    for receiver in ["this", "self"] {
                        env.host_fixed
                            .insert(Rc::from(format!("{receiver}.{field}").as_str()));
                    }
                }
            }
        }
        let receiver = self.names.receiver_param(self.module, id);
        for (i, p) in function.params.iter().enumerate() {
            let slot = if receiver == Some(i) {
                Slot::Receiver
            } else {
                Slot::Param(i)
            };
            // A parameter declared as a number cannot carry an injection.
            let numeric = p
                .annotation
                .as_deref()
                .is_some_and(|a| self.is_not_text_type(a));
            let labels: Labels = if numeric {
                Labels::from([taint::NUMERIC.to_string()])
            } else {
                Labels::new()
            };
            env.vars.insert(&p.name, Taint::of(slot, labels));
            // A parameter declared as a library's type holds what that library makes
            // (`repo: git.Repo`).
            if let Some(maker) = p
                .annotation
                .as_deref()
                .and_then(|a| self.names.library_type(a))
            {
                env.made_by
                    .insert(Rc::from(p.name.as_str()), Rc::from(maker.as_str()));
            }
            // One declared as a class of another module is an object of it.
            if let Some(made) = p
                .annotation
                .as_deref()
                .and_then(|a| self.names.imported_type(a))
            {
                env.imported_objects
                    .insert(Rc::from(p.name.as_str()), Rc::new(made));
            }
        }
        // A parameter typed as a struct or model of this module: the fields it declares as
        // numbers or fixed choices (`params: Parameters<Args>`, then `params.0.max_count`).
        for p in &function.params {
            if let Some(fields) = p
                .annotation
                .as_deref()
                .and_then(|a| self.declared_not_text(a))
            {
                env.not_text.insert(Rc::from(p.name.as_str()), fields);
            }
        }
        if let Some(class) = function.class.and_then(|c| self.module.classes.get(c)) {
            // A method's object holds what its fields are declared as: a library's client
            // (`client: reqwest::Client`, then `self.client.get(url)`).
            if receiver == Some(0) {
                for (field, ty) in &class.declared {
                    if let Some(maker) = self.names.library_type(ty) {
                        env.made_by.insert(
                            Rc::from(format!("self.{field}").as_str()),
                            Rc::from(maker.as_str()),
                        );
                    }
                }
            }
            // A method's own object, and `Self`: the fields its struct declares.
            if let Some(fields) = self.declared_not_text(&class.name) {
                if receiver == Some(0) {
                    env.not_text.insert(Rc::from("self"), fields.clone());
                }
                for p in function.params.iter().filter(|p| p.typed_as_self()) {
                    env.not_text
                        .insert(Rc::from(p.name.as_str()), fields.clone());
                }
            }
        }
        // An entry point's arguments object: the fields its schema types as not text.
        if let (Some(fields), Some(first)) = (self.entry_not_text.get(&id), function.params.first())
            && first.kind != crate::analyze::ir::ParamKind::Property
        {
            env.not_text
                .insert(Rc::from(first.name.as_str()), fields.clone());
        }
        // A closure walked on its own (a handler nested in `serve()`, an arrow function
        // registered in a method) still knows which class the instances it shares with the
        // functions around it belong to, `this` and `self` included.
        let mut outer = function.parent.filter(|&p| p != 0);
        for _ in 0..crate::analyze::ir::MAX_DEPTH {
            let Some(p) = outer else { break };
            let Some(parent) = self.module.functions.get(p) else {
                break;
            };
            if let Some(class) = parent.class
                && function.class.is_none()
                && !env.classes.contains_key("this")
            {
                env.classes.insert("this".into(), class);
                if let Some(r) = self
                    .names
                    .receiver_param(self.module, p)
                    .and_then(|r| parent.params.get(r))
                    && !env.vars.contains(&r.name)
                {
                    env.classes.insert(r.name.clone(), class);
                }
            }
            for stmt in &parent.body {
                if let Stmt::Assign {
                    targets,
                    value,
                    op: None,
                    ..
                } = stmt
                    && let [Target::Name(x, _)] = targets.as_slice()
                    && !env.vars.contains(x)
                    && !env.classes.contains_key(x)
                    && let ExprKind::Call { callee, .. } = &value.kind
                    && let ExprKind::Name(class) = &callee.kind
                    && let Some(class) = self.names.class_named(class)
                {
                    env.classes.insert(x.clone(), class);
                }
            }
            outer = parent.parent.filter(|&p| p != 0);
        }
        if function.class.is_some() {
            env.vars
                .insert("this", Taint::of(Slot::Receiver, Labels::new()));
            if let Some(class) = function.class {
                env.classes.insert("this".into(), class);
                if let Some(r) = receiver.and_then(|r| function.params.get(r)) {
                    env.classes.insert(r.name.clone(), class);
                }
            }
        }
        let mut walk = Walk {
            receiver: match receiver.and_then(|r| function.params.get(r)) {
                Some(p) => Some(p.name.clone()),
                None => function.class.map(|_| "this".to_string()),
            },
            ..Walk::default()
        };
        if !self.block(&function.body, &mut env, &mut walk) {
            self.note_exit(&env, &mut walk);
        }
        self.note_receiver(&env, &mut walk);
        let mut summary = walk.summary;
        summary.checks = walk.exit_checks.unwrap_or_default();
        summary
    }

    /// Walks statements; returns whether the block always leaves (return or raise).
    fn block(&mut self, body: &[Stmt], env: &mut Env, walk: &mut Walk) -> bool {
        for stmt in body {
            if !self.spend() {
                return false;
            }
            if self.statement(stmt, env, walk) {
                return true;
            }
        }
        false
    }

    fn statement(&mut self, stmt: &Stmt, env: &mut Env, walk: &mut Walk) -> bool {
        match stmt {
            Stmt::Assign {
                targets, value, op, ..
            } => {
                let mut taint = self.eval(value, env, walk);
                let class = self.class_of(value, env);
                // `url += `?ref=${ref}``: appended after a fixed host.
                if let [Target::Name(x, _)] = targets.as_slice()
                    && op.is_some()
                    && env.host_fixed.contains(x.as_str())
                {
                    taint.label(taint::FIXED_HOST);
                }
                for target in targets {
                    self.assign(target, &taint, class, op.is_some(), env, walk);
                    // `[cmd, ...args] = line.split(" ")`: the first word is the start of the
                    // line (`kubectl ${verb}` names kubectl).
                    if let Target::Tuple(items, _) = target
                        && let Some(Target::Name(first, _)) = items.first()
                        && let ExprKind::Call { callee, .. } = &value.kind
                        && let ExprKind::Attr(line, method) = &callee.kind
                        && method == "split"
                    {
                        let start = self.leading(line, env, walk);
                        env.vars.insert(first, start);
                    }
                }
                if let [Target::Name(x, _)] = targets.as_slice() {
                    if op.is_none() {
                        if starts_with_fixed_host(value, env) {
                            env.host_fixed.insert(Rc::from(x.as_str()));
                        } else {
                            env.host_fixed.remove(x.as_str());
                        }
                        match self
                            .parsed_schema(value)
                            .or_else(|| self.not_text_of(value, env))
                        {
                            Some(fields) => {
                                env.not_text.insert(Rc::from(x.as_str()), fields);
                            }
                            None => {
                                env.not_text.remove(x.as_str());
                            }
                        }
                        match &value.kind {
                            ExprKind::Function(id) => {
                                env.local_fns.insert(Rc::from(x.as_str()), *id);
                            }
                            _ => {
                                env.local_fns.remove(x.as_str());
                            }
                        }
                        self.note_maker(x, value, env);
                        let through = self.came_through(value, env);
                        if through.is_empty() {
                            env.through.remove(x.as_str());
                        } else {
                            env.through.insert(Rc::from(x.as_str()), Rc::from(through));
                        }
                        env.assigned.insert(Rc::from(x.as_str()), value.span);
                        match &value.kind {
                            ExprKind::Dict(pairs)
                                if self.names.options_objects && pairs.len() <= MAX_OPTIONS =>
                            {
                                env.objects
                                    .insert(Rc::from(x.as_str()), Rc::new(value.clone()));
                            }
                            _ => {
                                env.objects.remove(x.as_str());
                            }
                        }
                        match self.argv_var(value, env, walk) {
                            Some(var) => {
                                env.argv.insert(Rc::from(x.as_str()), Rc::new(var));
                            }
                            None => {
                                env.argv.remove(x.as_str());
                            }
                        }
                    } else {
                        env.assigned.remove(x.as_str());
                        env.objects.remove(x.as_str());
                    }
                    match table_lookup(value).filter(|t| self.names.table(t).is_some()) {
                        Some(table) => {
                            env.handlers.insert(x.clone(), table.to_string());
                        }
                        None => {
                            env.handlers.remove(x);
                        }
                    }
                    match guards::first_element_of(value)
                        .filter(|y| *y != x && env.vars.contains(y))
                    {
                        Some(argv) if op.is_none() => {
                            env.program_of.insert(Rc::from(x.as_str()), Rc::from(argv));
                        }
                        _ => {
                            env.program_of.remove(x.as_str());
                        }
                    }
                    match guards::derived_from(value, &env.vars).filter(|y| *y != x) {
                        Some(y) if op.is_none() => {
                            let alias = matches!(value.kind, ExprKind::Name(_));
                            env.derived
                                .insert(Rc::from(x.as_str()), (Rc::from(y), alias));
                        }
                        _ => {
                            env.derived.remove(x.as_str());
                        }
                    }
                }
                false
            }
            Stmt::Expr(e) => {
                self.eval(e, env, walk);
                self.apply_helper_checks(e, env);
                // A check called before use, its result unused (`validate_repo(path,
                // allowed)` that raises unless the path is inside): the variables it was
                // given are checked from here on. Only whole variables: a check of one field
                // says nothing of the others. A variable given normalized
                // (`check_within(Path(p).resolve(), roots)`) names the same file.
                let call = match &e.kind {
                    ExprKind::Await(inner) => &**inner,
                    _ => e,
                };
                if let ExprKind::Call { callee, args, .. } = &call.kind
                    && callee_last_name(callee).is_some_and(taint::is_validator_name)
                {
                    for arg in args {
                        if let Some(x) = normalized_variable(&arg.value)
                            && let Some(t) = env.vars.get_mut(x)
                        {
                            t.label(taint::PATH_CONTAINMENT);
                            t.label(taint::ALLOWLIST);
                        }
                    }
                }
                false
            }
            Stmt::Return(value, _) => {
                self.note_receiver(env, walk);
                self.note_exit(env, walk);
                if let Some(v) = value {
                    let taint = self.eval(v, env, walk);
                    if self.entry_funcs.contains(&env.scope) {
                        self.returned(v, &taint, env, walk);
                    }
                    walk.summary.returns.extend(taint);
                    if let Some(class) = self.class_of(v, env) {
                        walk.summary.returns_class = Some(class);
                    }
                }
                true
            }
            Stmt::Raise(value, _) => {
                if let Some(v) = value {
                    self.eval(v, env, walk);
                }
                true
            }
            Stmt::If {
                cond,
                then,
                otherwise,
                ..
            } => {
                self.eval(cond, env, walk);
                let (clean_then, clean_else) =
                    guards::proofs(cond, self.names, &self.module.functions);
                let mut then_env = env.clone();
                clean(&mut then_env, &clean_then);
                let then_leaves = self.block(then, &mut then_env, walk);
                let mut else_env = env.clone();
                clean(&mut else_env, &clean_else);
                let else_leaves = self.block(otherwise, &mut else_env, walk);
                *env = match (then_leaves, else_leaves) {
                    (true, true) => return true,
                    (true, false) => else_env,
                    (false, true) => then_env,
                    (false, false) => {
                        then_env.join(&else_env);
                        then_env
                    }
                };
                false
            }
            Stmt::Loop {
                binding,
                iter,
                body,
                otherwise,
                ..
            } => {
                let taint = self.eval(iter, env, walk);
                // `for i, x in enumerate(xs)`, `for (i, x) in xs.iter().enumerate()`: the
                // index is a count, only the item carries what `xs` holds.
                let counted = match binding {
                    Some(Target::Tuple(items, _)) if is_enumerate(iter) => match items.as_slice() {
                        [index, item] => Some((index, item)),
                        _ => None,
                    },
                    _ => None,
                };
                // Twice: what the first pass stores is read by the second.
                for _ in 0..2 {
                    let mut inner = env.clone();
                    match (counted, binding) {
                        (Some((index, item)), _) => {
                            self.assign(index, &Taint::new(), None, false, &mut inner, walk);
                            self.assign(item, &taint, None, false, &mut inner, walk);
                        }
                        (None, Some(b)) => self.assign(b, &taint, None, false, &mut inner, walk),
                        (None, None) => {}
                    }
                    self.block(body, &mut inner, walk);
                    env.join(&inner);
                }
                self.block(otherwise, env, walk);
                false
            }
            Stmt::Try {
                body,
                handlers,
                finally,
                ..
            } => {
                // After the statement: the body ran to its end, or a handler that does not
                // leave ran (from the state before the body, the approximation of where the
                // body failed).
                let mut tried = env.clone();
                let mut after = (!self.block(body, &mut tried, walk)).then_some(tried);
                for handler in handlers {
                    let mut inner = env.clone();
                    if self.block(&handler.body, &mut inner, walk) {
                        continue;
                    }
                    match &mut after {
                        Some(state) => state.join(&inner),
                        None => after = Some(inner),
                    }
                }
                match after {
                    Some(state) => {
                        *env = state;
                        self.block(finally, env, walk)
                    }
                    None => {
                        self.block(finally, env, walk);
                        true
                    }
                }
            }
            Stmt::With { items, body, .. } => {
                for (value, target) in items {
                    let taint = self.eval(value, env, walk);
                    if let Some(t) = target {
                        self.assign(t, &taint, None, false, env, walk);
                        if let Target::Name(x, _) = t {
                            self.note_maker(x, value, env);
                        }
                    }
                }
                self.block(body, env, walk)
            }
            Stmt::Switch { subject, cases, .. } => {
                self.eval(subject, env, walk);
                let before = env.clone();
                for (tests, body) in cases {
                    let mut inner = before.clone();
                    for t in tests {
                        self.eval(t, &mut inner, walk);
                    }
                    self.block(body, &mut inner, walk);
                    env.join(&inner);
                }
                false
            }
            Stmt::Def { .. } => false,
        }
    }

    fn assign(
        &mut self,
        target: &Target,
        taint: &Taint,
        class: Option<usize>,
        add: bool,
        env: &mut Env,
        walk: &Walk,
    ) {
        // A field checked before is not once its object is written.
        if !env.checked_fields.is_empty() {
            let root = match target {
                Target::Name(name, _) => Some(name.as_str()),
                Target::Attr(object, _, _) | Target::Index(object, _, _) => root_name(object),
                _ => None,
            };
            if let Some(root) = root {
                let prefix = format!("{root}.");
                env.checked_fields.retain(|k, _| !k.starts_with(&prefix));
            }
        }
        match target {
            Target::Name(name, _) => {
                if add {
                    env.vars.entry(name).extend_ref(taint);
                } else {
                    env.vars.insert(name, taint.clone());
                }
                match class {
                    Some(c) => {
                        env.classes.insert(name.clone(), c);
                    }
                    None if !add => {
                        env.classes.remove(name);
                    }
                    None => {}
                }
            }
            // An object is as tainted as what is stored in it; a URL's path, query or
            // fragment does not choose its host.
            Target::Attr(object, field, _) if URL_PARTS.contains(&field.as_str()) => {
                if let Some(key) = self.store_key(object, walk) {
                    let mut stored = taint.clone();
                    stored.label(taint::FIXED_HOST);
                    env.vars.entry(&key).extend(stored);
                }
            }
            // A field of the receiver holds what is stored in it, not what its other fields
            // hold (`self.registry[k] = v` leaves `self.path` alone).
            Target::Attr(object, field, _) => {
                if let Some(key) = self.member_key(object, Some(field), walk) {
                    env.vars.entry(&key).extend_ref(taint);
                }
            }
            Target::Index(object, index, _) => {
                let field = match &index.kind {
                    ExprKind::Str(field) => Some(field.as_str()),
                    _ => None,
                };
                if let Some(key) = self.member_key(object, field, walk) {
                    env.vars.entry(&key).extend_ref(taint);
                }
            }
            Target::Tuple(items, _) => {
                for item in items {
                    self.assign(item, taint, None, add, env, walk);
                }
            }
            Target::Rest(inner, _) => self.assign(inner, taint, None, add, env, walk),
            Target::Object(props, _) => {
                for (_, t) in props {
                    self.assign(t, taint, None, add, env, walk);
                }
            }
            Target::Opaque(_) => {}
        }
    }

    /// The class of the instance an expression makes, when the module defines it.
    fn class_of(&mut self, value: &Expr, env: &Env) -> Option<usize> {
        match &value.kind {
            ExprKind::Await(inner) => self.class_of(inner, env),
            ExprKind::Name(n) => env.classes.get(n).copied().or_else(|| {
                (!env.vars.contains(n))
                    .then(|| self.names.instance(n))
                    .flatten()
            }),
            ExprKind::Call { callee, .. } => {
                if let ExprKind::Name(n) = &callee.kind
                    && let Some(class) = self.names.class_named(n)
                {
                    return Some(class);
                }
                let func = self
                    .names
                    .callee(self.module, callee, &env.classes, env.scope)?;
                self.summary(func).returns_class
            }
            // `self.runner` after `self.runner = Runner()` in a method of the class.
            ExprKind::Attr(..) => match self.field_object(value, env)? {
                resolve::FieldObject::Local(class) => Some(*class),
                resolve::FieldObject::Imported(..) => None,
            },
            _ => None,
        }
    }

    /// What a field of a method's own object holds (`self.editor`, `this.client`), by what
    /// the class's methods store there.
    fn field_object(&self, value: &Expr, env: &Env) -> Option<&'m resolve::FieldObject> {
        let ExprKind::Attr(holder, field) = &value.kind else {
            return None;
        };
        let ExprKind::Name(h) = &holder.kind else {
            return None;
        };
        if h != "self" && h != "this" {
            return None;
        }
        let class = *env.classes.get(h.as_str())?;
        self.names.field_object(class, field)
    }

    fn eval(&mut self, expr: &Expr, env: &mut Env, walk: &mut Walk) -> Taint {
        let mut taint = self.eval_kind(expr, env, walk);
        if taint::reads_request_credential(expr) {
            if taint.is_empty() {
                taint = Taint::of(Slot::Computed, Labels::new());
            }
            taint.label(taint::REQUEST_CREDENTIAL);
        }
        if !taint.is_empty() && taint::reads_registered_uri(expr) {
            taint.label(taint::ALLOWLIST);
        }
        taint
    }

    fn eval_kind(&mut self, expr: &Expr, env: &mut Env, walk: &mut Walk) -> Taint {
        if !self.spend() {
            return Taint::new();
        }
        match &expr.kind {
            // The receiver as a whole holds what is stored in any of its fields.
            ExprKind::Name(n) if walk.receiver.as_deref() == Some(n.as_str()) => {
                let mut t = env.vars.get(n).cloned().unwrap_or_default();
                for (_, stored) in env.vars.fields_of(n) {
                    t.extend_ref(stored);
                }
                t
            }
            ExprKind::Name(n) => match env.vars.get(n) {
                Some(t) => t.clone(),
                // Not a variable of the function: a module constant, function or class is
                // fixed; anything else (the environment, a closure's variable, a global set
                // at run time) is computed.
                None if self.names.is_fixed(n) || env.local_fns.contains_key(n.as_str()) => {
                    Taint::new()
                }
                None => Taint::of(Slot::Computed, Labels::new()),
            },
            // `parsed.mode` where the schema says `mode` is an enum: no text.
            ExprKind::Attr(object, field)
                if self
                    .not_text_of(object, env)
                    .is_some_and(|f| f.contains(field)) =>
            {
                let mut t = self.eval(object, env, walk);
                t.label(taint::NUMERIC);
                t
            }
            // `s.length`: a number.
            ExprKind::Attr(object, field) if field == "length" => {
                let mut t = self.eval(object, env, walk);
                t.label(taint::NUMERIC);
                t
            }
            ExprKind::Attr(object, _) | ExprKind::Index(object, _) => {
                if !self.model.reads.is_empty() {
                    self.note_read(expr, env);
                }
                let mut t = match self.receiver_field(expr, walk) {
                    Some(field) => self.read_field(field, env, walk),
                    None => self.eval(object, env, walk),
                };
                if let ExprKind::Index(_, index) = &expr.kind {
                    self.eval(index, env, walk);
                }
                if !env.checked_fields.is_empty()
                    && let Some(labels) =
                        guards::field_path(expr).and_then(|p| env.checked_fields.get(p.as_str()))
                {
                    for label in labels {
                        t.label(label);
                    }
                }
                t
            }
            ExprKind::Str(_) | ExprKind::Number(_) | ExprKind::Bool(_) | ExprKind::Null => {
                Taint::new()
            }
            ExprKind::Template(parts) => {
                // Once the text has fixed a URL's host, what follows cannot move the request.
                let mut t = Taint::new();
                let mut prefix = String::new();
                let mut host_fixed = false;
                let mut leading_base = false;
                let mut own_origin = false;
                let composed = has_text(expr);
                for (i, part) in parts.iter().enumerate() {
                    match part {
                        TemplatePart::Value(v) => {
                            let mut part = self.eval(v, env, walk);
                            // `${req.protocol}://${req.get("host")}/callback`: the origin
                            // the request came to, standing in for text of the URL's origin.
                            if !host_fixed && taint::is_own_origin(v) {
                                part.label(taint::OWN_ORIGIN);
                                own_origin = true;
                                // `request.base_url` ends with a slash, after the host.
                                prefix.push_str(match &v.kind {
                                    ExprKind::Attr(_, f) if f == "base_url" => "scheme://origin/",
                                    _ => "origin",
                                });
                                t.extend(part);
                                continue;
                            }
                            if !prefix.is_empty() {
                                part.label(taint::EMBEDDED);
                            }
                            if composed {
                                part.label(taint::COMPOSED);
                            }
                            // A leading URL fixed in the code, or checked whole against a
                            // list: a path, query or fragment after it keeps its origin.
                            leading_base =
                                i == 0 && (!part.carries_input() || part.proven(taint::ALLOWLIST));
                            host_fixed |= i == 0
                                && matches!(&v.kind, ExprKind::Name(_) | ExprKind::Attr(..))
                                && starts_with_fixed_host(v, env);
                            if host_fixed {
                                part.label(taint::FIXED_HOST);
                                if own_origin {
                                    part.label(taint::OWN_ORIGIN);
                                }
                            }
                            t.extend(part);
                        }
                        TemplatePart::Text(text) => {
                            if leading_base
                                && prefix.is_empty()
                                && text.starts_with(['/', '?', '#'])
                            {
                                host_fixed = true;
                                // The leading URL's host is one of the list's: it is as
                                // fixed as what follows it, which the join must see on both.
                                t.label(taint::FIXED_HOST);
                            }
                            prefix.push_str(text);
                            host_fixed |= taint::fixes_host(&prefix);
                            leading_base = false;
                        }
                    }
                }
                t
            }
            ExprKind::Binary(_, a, b) | ExprKind::Cond(_, a, b) => {
                if let ExprKind::Cond(c, _, _) = &expr.kind {
                    self.eval(c, env, walk);
                }
                let mut t = self.eval(a, env, walk);
                let mut right = self.eval(b, env, walk);
                if let ExprKind::Binary(op, _, _) = &expr.kind
                    && op == "+"
                    && starts_with_text(a)
                {
                    right.label(taint::EMBEDDED);
                }
                // `"SELECT ... " + x`, `x + " LIMIT 10"`, `"... %s" % x`.
                if let ExprKind::Binary(op, _, _) = &expr.kind
                    && ((op == "+" && (has_text(a) || has_text(b))) || (op == "%" && has_text(a)))
                {
                    t.label(taint::COMPOSED);
                    right.label(taint::COMPOSED);
                }
                // `"https://api.x.com/items/" + id`, `url + "&raw=" + ref`
                if let ExprKind::Binary(op, _, _) = &expr.kind
                    && op == "+"
                    && starts_with_fixed_host(a, env)
                {
                    right.label(taint::FIXED_HOST);
                }
                t.extend(right);
                t
            }
            ExprKind::Unary(_, a) | ExprKind::Spread(a) | ExprKind::Await(a) => {
                self.eval(a, env, walk)
            }
            // A comparison yields a boolean: nothing of its operands.
            ExprKind::Compare(pairs, first) => {
                self.eval(first, env, walk);
                for (_, e) in pairs {
                    self.eval(e, env, walk);
                }
                Taint::new()
            }
            ExprKind::List(items) | ExprKind::Opaque(items) => {
                let mut t = Taint::new();
                for item in items {
                    t.extend(self.eval(item, env, walk));
                }
                t
            }
            ExprKind::Dict(pairs) => {
                let mut t = Taint::new();
                for (k, v) in pairs {
                    if let Some(k) = k {
                        t.extend(self.eval(k, env, walk));
                    }
                    t.extend(self.eval(v, env, walk));
                }
                t
            }
            ExprKind::Comprehension {
                element,
                clauses,
                conditions,
            } => {
                let mut inner = env.clone();
                for (target, iter) in clauses {
                    let t = self.eval(iter, &mut inner, walk);
                    self.assign(target, &t, None, false, &mut inner, walk);
                }
                for c in conditions {
                    self.eval(c, &mut inner, walk);
                }
                self.eval(element, &mut inner, walk)
            }
            ExprKind::Walrus(name, value) => {
                let t = self.eval(value, env, walk);
                env.vars.insert(name, t.clone());
                t
            }
            // A function value: its closure is not followed yet.
            ExprKind::Function(_) => Taint::new(),
            ExprKind::Call { callee, args, .. } => {
                let mut out = self.call(expr, callee, args, env, walk);
                if let Some(capability) = self.contents.get(&expr.span) {
                    let label = taint::content_label(capability);
                    out.extend(Taint::of(Slot::Content, Labels::from([label])));
                }
                out
            }
        }
    }

    /// The variables `env` knows assigned, and those the enclosing functions assign at their
    /// top level (what a closure sees), the innermost assignment first.
    fn with_outer_assignments(&self, env: &Env) -> BTreeMap<Rc<str>, Span> {
        let mut assigned = env.assigned.clone();
        let mut scope = self.module.functions.get(env.scope).and_then(|f| f.parent);
        for _ in 0..MAX_ENCLOSING {
            let Some(function) = scope.and_then(|id| self.module.functions.get(id)) else {
                break;
            };
            for stmt in &function.body {
                if let Stmt::Assign {
                    targets,
                    value,
                    op: None,
                    ..
                } = stmt
                    && let [Target::Name(name, _)] = targets.as_slice()
                {
                    assigned
                        .entry(Rc::from(name.as_str()))
                        .or_insert(value.span);
                }
            }
            scope = function.parent;
        }
        assigned
    }

    /// Records what reaches the sinks a call may be: for a structural rule, the call itself
    /// when its conditions hold; otherwise each input in an argument the rule is about,
    /// unless one of the rule's checks made it safe.
    fn check_sinks(
        &mut self,
        site: &Site<'_>,
        arg_taints: &[Taint],
        receiver_taint: &Taint,
        env: &mut Env,
        walk: &mut Walk,
    ) {
        let model = self.model;
        let candidates = self.sinks.candidates(site.name, site.method);
        // Options objects held by variables, read once for every candidate's conditions.
        let with_options = if candidates.is_empty() {
            None
        } else {
            with_objects(site.args, env)
        };
        let args = with_options.as_deref().unwrap_or(site.args);
        for index in candidates {
            let Some(sink) = model.sinks.get(index) else {
                continue;
            };
            let seen = conditions::Seen {
                names: self.names,
                source: self.source,
                made_by: &env.made_by,
                assigned: &env.assigned,
            };
            let holds = sink
                .conditions
                .iter()
                .all(|c| conditions::holds(c, args, site.object, &seen));
            if !holds {
                continue;
            }
            if sink.evidence {
                self.evidence.insert(sink.rule.clone());
                continue;
            }
            if let Some(capability) = &sink.effect {
                let function = self.stack.last().copied().unwrap_or(env.scope);
                let shown = site
                    .callee
                    .map(|callee| self.written(callee.span))
                    .filter(|text| !text.is_empty())
                    .unwrap_or_else(|| sink.callee.clone());
                self.effects
                    .entry((function, Rc::from(capability.as_str())))
                    .or_insert((site.at, shown));
                if model.returned_effects.contains_key(capability) {
                    self.contents.insert(site.at, capability.as_str());
                }
                continue;
            }
            if let Some(bind) = &sink.bind {
                // `const host = "127.0.0.1"` outside the callback that listens.
                let outer = self.with_outer_assignments(env);
                let seen = conditions::Seen {
                    assigned: &outer,
                    ..seen
                };
                match conditions::exposure(bind, args, &seen) {
                    conditions::Exposure::Local => continue,
                    exposure => {
                        self.exposures.insert((index, site.at), exposure);
                    }
                }
            }
            if !self.displays.contains_key(&(index, site.at)) {
                let display = match site.callee {
                    None => "return value".to_string(),
                    // As written in JavaScript, where names are often imported bare
                    // (`execSync`); canonical in Python (`subprocess.run`).
                    Some(callee)
                        if sink.callee.starts_with("*.")
                            || sink.callee.ends_with(".*")
                            || self.names.options_objects =>
                    {
                        let text = self.written(callee.span);
                        if text.is_empty() {
                            sink.callee.clone()
                        } else {
                            text
                        }
                    }
                    Some(_) => sink.callee.clone(),
                };
                self.displays.insert((index, site.at), display);
            }
            if sink.structural {
                self.shapes.insert((index, site.at, env.scope));
                continue;
            }
            let mut reaching = Taint::new();
            let mut through: Vec<String> = Vec::new();
            for (position, (arg, taint)) in site.args.iter().zip(arg_taints).enumerate() {
                let selected = sink.args.is_empty()
                    || sink.args.iter().any(|sel| match sel {
                        ArgSel::Position(p) => arg.keyword.is_none() && *p == position,
                        ArgSel::Keyword(k) => arg.keyword.as_deref() == Some(k.as_str()),
                        ArgSel::Receiver => false,
                    });
                if !selected {
                    continue;
                }
                self.note_via(index, site.at, &arg.value, taint, env.scope);
                if through.is_empty() && taint.iter().any(|(_, labels)| !sink.ignores(labels)) {
                    through = self.came_through(&arg.value, env);
                }
                match sink.part {
                    ArgPart::Whole => reaching.extend_ref(taint),
                    ArgPart::Arguments => {
                        let elements: Vec<&Expr> = site
                            .args
                            .iter()
                            .skip(position)
                            .filter(|a| a.keyword.is_none())
                            .map(|a| &a.value)
                            .take_while(|e| !conditions::is_end_of_options(e))
                            .collect();
                        for element in elements {
                            let t = self.cli_argument(element, env, walk);
                            reaching.extend(t);
                        }
                    }
                    // Only the part of an argv written out counts, or of one a variable holds.
                    ArgPart::Options | ArgPart::Script | ArgPart::Program => {
                        let rest: Vec<&Expr> = if sink.rest {
                            site.args
                                .iter()
                                .skip(position)
                                .filter(|a| a.keyword.is_none())
                                .map(|a| &a.value)
                                .collect()
                        } else {
                            Vec::new()
                        };
                        // `spawn("sh", ["-c", script])`: the program is the argument before.
                        let program = position
                            .checked_sub(1)
                            .and_then(|p| site.args.get(p))
                            .filter(|a| a.keyword.is_none())
                            .map(|a| &a.value);
                        let t =
                            self.argv_part(sink.part, &arg.value, &rest, program, taint, env, walk);
                        reaching.extend(t);
                    }
                }
            }
            // In JavaScript a keyword is a property of an options object written out at the
            // call (`new StdioClientTransport({ command, args })`).
            if self.names.options_objects {
                let properties: Vec<&Expr> = sink
                    .args
                    .iter()
                    .filter_map(|sel| match sel {
                        ArgSel::Keyword(k) => Some(k),
                        _ => None,
                    })
                    .flat_map(|k| object_properties(site.args, k))
                    .collect();
                for value in properties {
                    let taint = self.eval(value, env, walk);
                    self.note_via(index, site.at, value, &taint, env.scope);
                    if through.is_empty() && taint.iter().any(|(_, labels)| !sink.ignores(labels)) {
                        through = self.came_through(value, env);
                    }
                    let t = match sink.part {
                        ArgPart::Whole => taint,
                        part => self.argv_part(part, value, &[], None, &taint, env, walk),
                    };
                    reaching.extend(t);
                }
            }
            if sink.args.contains(&ArgSel::Receiver) {
                reaching.extend_ref(receiver_taint);
                if let Some(object) = site.object {
                    self.note_via(index, site.at, object, receiver_taint, env.scope);
                }
            }
            for (slot, labels) in reaching.iter() {
                if sink.ignores(labels) || *slot == Slot::Content {
                    continue;
                }
                walk.summary
                    .sinks
                    .entry(*slot)
                    .or_default()
                    .insert(SinkHit {
                        sink: index,
                        at: site.at,
                        through: through.clone(),
                        labels: hit_labels(&mut self.via_reach, sink, *slot, labels),
                    });
            }
        }
    }

    /// The functions of the module a value came out of: a call of one (`resolveInside(p)`,
    /// awaited or not), or a variable that holds what one returned.
    fn came_through(&self, value: &Expr, env: &Env) -> Vec<String> {
        match &value.kind {
            ExprKind::Await(inner) => self.came_through(inner, env),
            ExprKind::Name(x) => env
                .through
                .get(x.as_str())
                .map(|t| t.to_vec())
                .unwrap_or_default(),
            ExprKind::Call { callee, .. } => self
                .named_function(callee, env)
                .and_then(|f| self.module.functions.get(f))
                .filter(|f| {
                    !f.name.starts_with('<')
                        && !matches!(f.name.as_str(), "__init__" | "constructor")
                })
                .map(|f| vec![f.qualified.clone()])
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Whether nothing says what `object` is: not an import or what a library call made
    /// (whose methods are the library's), nor an object of a class known here.
    fn is_untyped(&self, object: &Expr, env: &Env) -> bool {
        let Some(root) = root_name(object) else {
            return false;
        };
        let library = env.made_by.contains_key(root)
            || env.imported_objects.contains_key(root)
            || (!env.vars.contains(root) && self.names.is_imported(root));
        let known = match &object.kind {
            ExprKind::Name(n) => {
                env.classes.contains_key(n)
                    || (!env.vars.contains(n) && self.names.imported_instance(n).is_some())
            }
            _ => self.field_object(object, env).is_some(),
        };
        !library && !known
    }

    /// `service.getNode(id)` where nothing says what `service` is (a parameter without a type,
    /// as in JavaScript and bundles): the one method of the module's classes of that name.
    /// Not for an object a library call made or an import, whose methods are the library's.
    fn sole_method_of_unknown(&self, callee: &Expr, env: &Env) -> Option<FuncId> {
        let ExprKind::Attr(object, method) = &callee.kind else {
            return None;
        };
        if !self.is_untyped(object, env) {
            return None;
        }
        self.names.sole_method(method)
    }

    /// The module name that stands for "whichever class of the project alone has this
    /// method" (`cross_file::ANY_JS_CLASS`), for a call on an object nothing types: not an
    /// import, a library's object, one of this module's classes, or a common method name.
    fn untyped_object(&self, object: &Expr, method: &str, env: &Env) -> Option<&'static str> {
        if is_common_method(method) || self.names.has_method(method) {
            return None;
        }
        if !self.is_untyped(object, env) {
            return None;
        }
        if self.module.options_objects {
            Some(crate::analyze::cross_file::ANY_JS_CLASS)
        } else if self.module.bare_entry_attributes {
            // Rust methods resolve by type (`cross_file::Exports::rust_method`).
            None
        } else {
            Some(crate::analyze::cross_file::ANY_PY_CLASS)
        }
    }

    /// The function of this module a callee names: a function bound in the walked function
    /// (`const run = (s) => ...`), else one the module's names resolve.
    fn named_function(&self, callee: &Expr, env: &Env) -> Option<FuncId> {
        match &callee.kind {
            ExprKind::Name(n) => env.local_fns.get(n.as_str()).copied(),
            _ => None,
        }
        .or_else(|| {
            self.names
                .callee(self.module, callee, &env.classes, env.scope)
        })
    }

    /// Remembers the variable of the function a sink reads a value from (a parameter is
    /// named as the source already).
    fn note_via(&mut self, sink: usize, at: Span, arg: &Expr, taint: &Taint, scope: FuncId) {
        let Some(model_sink) = self.model.sinks.get(sink) else {
            return;
        };
        if let Some(root) = root_name(arg)
            && taint.iter().any(|(_, labels)| !model_sink.ignores(labels))
            && !self
                .module
                .functions
                .get(scope)
                .is_some_and(|f| f.params.iter().any(|p| p.name == root))
        {
            self.vias
                .entry((sink, at))
                .or_insert_with(|| root.to_string());
        }
    }

    /// What an entry point returns goes to its caller: rules on the pseudo-callee `<return>`
    /// see the returned value as their argument 0, and rules on `<returned-to-model>` see it
    /// where the caller is the model (not a web route's HTTP client).
    fn returned(&mut self, value: &Expr, taint: &Taint, env: &mut Env, walk: &mut Walk) {
        let model = self.model;
        for capability in taint.contents() {
            if let Some(returned) = model.returned_effects.get(capability) {
                let shown = self.written(value.span);
                self.effects
                    .entry((env.scope, Rc::from(returned.as_str())))
                    .or_insert((value.span, shown));
            }
        }
        let to_model = !self.route_funcs.contains(&env.scope);
        for name in [RETURN_CALLEE, MODEL_RETURN_CALLEE] {
            if !self.sinks.by_callee.contains_key(name)
                || (name == MODEL_RETURN_CALLEE && !to_model)
            {
                continue;
            }
            let args = [Arg {
                keyword: None,
                value: value.clone(),
            }];
            let site = Site {
                at: value.span,
                callee: None,
                name: Some(name),
                method: None,
                args: &args,
                object: None,
            };
            self.check_sinks(&site, std::slice::from_ref(taint), &Taint::new(), env, walk);
        }
    }

    /// Whether `func` is a closure of the function `scope`: nested in it (not at the top
    /// level), not an entry point, and not being walked already.
    fn is_closure_of(&self, func: FuncId, scope: FuncId) -> bool {
        scope != 0
            && self
                .module
                .functions
                .get(func)
                .is_some_and(|f| f.parent == Some(scope))
            && !self.entry_funcs.contains(&func)
            && !self.inlining.contains(&func)
    }

    /// Walks a closure where it is called, with the variables it shares with the function
    /// around it as they are here and its parameters bound to `params`; what it stores in
    /// those variables stays, and what reaches a sink inside counts as reaching it through the
    /// closure. Returns what the closure returns; `None` past the call depth.
    fn inline(
        &mut self,
        func: FuncId,
        params: &[Taint],
        env: &mut Env,
        walk: &mut Walk,
    ) -> Option<Taint> {
        let module = self.module;
        let function = module.functions.get(func)?;
        if self.depth >= MAX_CALL_DEPTH {
            self.out_of_budget = true;
            return None;
        }
        let mut inner = env.clone();
        inner.scope = func;
        let own: Vec<String> = function.params.iter().map(|p| p.name.clone()).collect();
        for (p, t) in function.params.iter().zip(params) {
            inner.vars.insert(&p.name, t.clone());
            inner.classes.remove(&p.name);
            inner.local_fns.remove(p.name.as_str());
        }
        let mut inner_walk = Walk {
            receiver: walk.receiver.clone(),
            ..Walk::default()
        };
        self.depth += 1;
        self.inlining.push(func);
        self.block(&function.body, &mut inner, &mut inner_walk);
        self.inlining.pop();
        self.depth -= 1;
        env.vars.absorb(&inner.vars, &own);
        for (slot, hits) in inner_walk.summary.sinks {
            let mine = walk.summary.sinks.entry(slot).or_default();
            for mut hit in hits {
                if hit.through.len() < MAX_THROUGH && !function.name.starts_with('<') {
                    hit.through.insert(0, function.qualified.clone());
                }
                mine.insert(hit);
            }
        }
        walk.summary.stores.extend(inner_walk.summary.stores);
        for (field, stored) in inner_walk.summary.field_stores {
            walk.summary
                .field_stores
                .entry(field)
                .or_default()
                .extend(stored);
        }
        Some(inner_walk.summary.returns)
    }

    /// What a variable assigned `value` holds as an argv: a list written out, or one with
    /// more appended (`["docker", "run"] + args`, whose program and options written out are
    /// known). `None`: not an argv we can take apart.
    fn argv_var(&mut self, value: &Expr, env: &mut Env, walk: &mut Walk) -> Option<ArgvVar> {
        match &value.kind {
            ExprKind::List(items) => {
                let mut var = ArgvVar::default();
                for element in conditions::argv_options(value) {
                    let t = self.leading(element, env, walk);
                    var.options.extend(t);
                }
                var.closed = items
                    .iter()
                    .any(|i| matches!(&i.kind, ExprKind::Str(s) if s == "--"));
                let items: Vec<&Expr> = items.iter().collect();
                for element in conditions::shell_script(&items, None) {
                    let t = self.eval(element, env, walk);
                    var.script.extend(t);
                }
                if let Some(first) = items.first() {
                    var.program = self.eval(first, env, walk);
                }
                Some(var)
            }
            ExprKind::Binary(op, left, _) if op == "+" => self.argv_var(left, env, walk),
            _ => None,
        }
    }

    /// What `part` of the argv `value` carries (`taint`: all of it). `rest`: the call's
    /// positional arguments from this one on, when they are the argv; `program`: the call's
    /// argument before this one, which names the program when this one is its argument list.
    #[allow(clippy::too_many_arguments)]
    fn argv_part(
        &mut self,
        part: ArgPart,
        value: &Expr,
        rest: &[&Expr],
        program: Option<&Expr>,
        taint: &Taint,
        env: &mut Env,
        walk: &mut Walk,
    ) -> Taint {
        let mut out = Taint::new();
        let items: Vec<&Expr> = match &value.kind {
            // `create_subprocess_exec(*argv)`: the list spread is the argv.
            ExprKind::Spread(inner) if rest.len() == 1 => {
                return self.argv_part(part, inner, &[], program, taint, env, walk);
            }
            ExprKind::List(items) => items.iter().collect(),
            ExprKind::Name(x) if rest.len() <= 1 || env.argv.contains_key(x.as_str()) => {
                if let Some(var) = env.argv.get(x.as_str()) {
                    out.extend_ref(match part {
                        ArgPart::Options => &var.options,
                        ArgPart::Script => &var.script,
                        _ => &var.program,
                    });
                } else if part == ArgPart::Program {
                    // A list made elsewhere (`shlex.split(cmd)`, a parameter): all of it.
                    out.extend_ref(taint);
                }
                return out;
            }
            ExprKind::Binary(op, left, _)
                if op == "+" && matches!(left.kind, ExprKind::List(_)) =>
            {
                return self.argv_part(part, left, &[], program, taint, env, walk);
            }
            _ if rest.len() > 1 => rest.to_vec(),
            // A command line as one string names its program first (`f"{tool} --help"`).
            _ => {
                if part == ArgPart::Program {
                    out = self.leading(value, env, walk);
                }
                return out;
            }
        };
        match part {
            ArgPart::Options => {
                for element in conditions::option_elements(&items, program) {
                    let t = self.leading(element, env, walk);
                    out.extend(t);
                }
            }
            ArgPart::Script => {
                for element in conditions::shell_script(&items, program) {
                    let t = self.eval(element, env, walk);
                    out.extend(t);
                }
            }
            ArgPart::Program | ArgPart::Whole | ArgPart::Arguments => {
                if let Some(first) = items.first() {
                    let t = self.eval(first, env, walk);
                    out.extend(t);
                }
            }
        }
        out
    }

    /// What the arguments of `method` (`append`, `extend`, `push`, ...) add to an argv's
    /// option positions, and whether they add a `--` that ends them.
    fn pushed_options(
        &mut self,
        method: &str,
        args: &[Arg],
        stored: &Taint,
        env: &mut Env,
        walk: &mut Walk,
    ) -> (Taint, bool) {
        // `insert(i, x)`: the index is no element.
        let skip = usize::from(method == "insert");
        let mut elements: Vec<&Expr> = Vec::new();
        for arg in args.iter().skip(skip) {
            match &arg.value.kind {
                ExprKind::List(items) if method == "extend" => elements.extend(items.iter()),
                ExprKind::Spread(inner) => match &inner.kind {
                    ExprKind::List(items) => elements.extend(items.iter()),
                    _ => return (stored.clone(), false),
                },
                // A list made elsewhere: any of its elements.
                _ if method == "extend" => return (stored.clone(), false),
                _ => elements.push(&arg.value),
            }
        }
        let mut out = Taint::new();
        for element in elements {
            if conditions::is_end_of_options(element) {
                return (out, true);
            }
            let t = self.leading(element, env, walk);
            out.extend(t);
        }
        (out, false)
    }

    /// What one argument a library puts in an argv carries where it can start an option: a
    /// list spread into the call (`repo.git.log(*args)`) carries its elements'.
    fn cli_argument(&mut self, element: &Expr, env: &mut Env, walk: &mut Walk) -> Taint {
        match &element.kind {
            // An options object (`git.log({ maxCount: n })`) is written out as `--key=value`
            // by the library; a callback is no argument.
            ExprKind::Dict(_) | ExprKind::Function(_) => Taint::new(),
            // A list of arguments (`git.raw(["log", ref])`).
            ExprKind::List(items) => {
                let mut out = Taint::new();
                for item in items
                    .iter()
                    .take_while(|e| !conditions::is_end_of_options(e))
                {
                    let t = self.leading(item, env, walk);
                    out.extend(t);
                }
                out
            }
            ExprKind::Spread(inner) => match &inner.kind {
                ExprKind::List(_) => self.cli_argument(inner, env, walk),
                ExprKind::Name(x) if env.argv.contains_key(x.as_str()) => {
                    let mut out = Taint::new();
                    if let Some(var) = env.argv.get(x.as_str()) {
                        out.extend_ref(&var.program);
                        out.extend_ref(&var.options);
                    }
                    out
                }
                _ => self.eval(inner, env, walk),
            },
            _ => self.leading(element, env, walk),
        }
    }

    /// What the start of a value carries: an argv element can be read as an option only if
    /// its first character comes from input (`f"{repo}:{tag}"` and `"--depth=" + n` cannot).
    fn leading(&mut self, element: &Expr, env: &mut Env, walk: &mut Walk) -> Taint {
        match &element.kind {
            ExprKind::Template(parts) => match parts.first() {
                Some(TemplatePart::Value(v)) => self.leading(v, env, walk),
                _ => Taint::new(),
            },
            ExprKind::Binary(op, a, _) if op == "+" => self.leading(a, env, walk),
            ExprKind::Str(_) => Taint::new(),
            _ => self.eval(element, env, walk),
        }
    }

    /// Notes which library call made the value a variable now holds.
    /// Records that `taint` reaches argument `at` of another module's `member`, as a sink
    /// numbered after the model's, for the cross-file pass. A value some check marked is not
    /// followed (the callee's sinks cannot see the mark).
    fn note_external(
        &mut self,
        module: &str,
        member: &str,
        at: ArgSel,
        taint: &Taint,
        span: Span,
        walk: &mut Walk,
    ) {
        let plain: Vec<(&Slot, &Labels)> = taint
            .iter()
            .filter(|(_, labels)| labels.iter().all(|l| taint::is_shape(l)))
            .collect();
        if plain.is_empty() {
            return;
        }
        for (_, labels) in &plain {
            note_reaching(&mut self.via_reach, labels, |r| r.calls = true);
        }
        let Some(id) = self.external(External {
            module: module.to_string(),
            member: member.to_string(),
            at,
        }) else {
            return;
        };
        for (slot, _) in plain {
            walk.summary
                .sinks
                .entry(*slot)
                .or_default()
                .insert(SinkHit {
                    sink: self.model.sinks.len() + id,
                    at: span,
                    through: Vec::new(),
                    labels: Labels::new(),
                });
        }
    }

    fn note_maker(&self, name: &str, value: &Expr, env: &mut Env) {
        let value = match &value.kind {
            ExprKind::Await(inner) => &**inner,
            _ => value,
        };
        // `container = client.containers.get(id)` with `client = docker.from_env()`:
        // `docker.from_env.containers.get`.
        let maker = match &value.kind {
            ExprKind::Call { callee, .. } => {
                made_name(callee, &env.made_by, self.names).or_else(|| self.names.canonical(callee))
            }
            _ => None,
        };
        match maker {
            Some(m) => {
                env.made_by.insert(Rc::from(name), Rc::from(m.as_str()));
            }
            None => {
                env.made_by.remove(name);
            }
        }
        let imported = match &value.kind {
            ExprKind::Call { callee, .. } => self.names.imported(callee),
            _ => None,
        };
        match imported {
            Some(made) => {
                env.imported_objects.insert(Rc::from(name), Rc::new(made));
            }
            None => {
                env.imported_objects.remove(name);
            }
        }
    }

    fn call(
        &mut self,
        call: &Expr,
        callee: &Expr,
        args: &[Arg],
        env: &mut Env,
        walk: &mut Walk,
    ) -> Taint {
        // A handler looked up in a dispatch table (`HANDLERS[name](args)`, `h =
        // handlers.get(name); h(args)`): a call of each handler the table holds.
        if let Some(table) = self.dispatch_table(callee, env) {
            let handlers = table.to_vec();
            let mut out = Taint::new();
            for handler in &handlers {
                let t = self.call(call, handler, args, env, walk);
                out.extend(t);
            }
            return out;
        }
        // `getattr(self, f"handle_{name}")(args)`: each method with that prefix.
        if let Some(methods) = self.getattr_methods(callee, env) {
            let mut out = Taint::new();
            for method in methods {
                let handler = Expr {
                    kind: ExprKind::Function(method),
                    span: callee.span,
                };
                let t = self.call(call, &handler, args, env, walk);
                out.extend(t);
            }
            return out;
        }
        let arg_taints: Vec<Taint> = args
            .iter()
            .map(|a| self.eval(&a.value, env, walk))
            .collect();
        let receiver_taint = match &callee.kind {
            ExprKind::Attr(object, _) => self.eval(object, env, walk),
            _ => Taint::new(),
        };
        // Callbacks defined here (`items.some((d) => p.startsWith(d))`, `exec(cmd, (err,
        // out) => ...)`) run with the variables they close over; an iteration's callback gets
        // the elements.
        let mut from_callbacks = Taint::new();
        let mut inlined = false;
        for arg in args {
            let ExprKind::Function(id) = &arg.value.kind else {
                continue;
            };
            if !self.is_closure_of(*id, env.scope) {
                continue;
            }
            let feeds = matches!(&callee.kind, ExprKind::Attr(_, m) if CALLBACK_METHODS.contains(&m.as_str()));
            let given = if feeds {
                receiver_taint.clone()
            } else {
                Taint::of(Slot::Computed, Labels::new())
            };
            let count = self.module.functions.get(*id).map_or(0, |f| f.params.len());
            let params = vec![given; count];
            if let Some(returned) = self.inline(*id, &params, env, walk) {
                from_callbacks.extend(returned);
                inlined = true;
            }
        }
        // A name bound in this function (a parameter, a local variable or function) is not
        // the import of the same name.
        // (At the top level, an alias of a library function is a variable too: `load =
        // pickle.loads` is still `pickle.loads`.)
        let shadowed = matches!(&callee.kind, ExprKind::Name(n)
            if (env.vars.contains(n) && !(env.scope == 0 && self.names.is_alias(n)))
                || env.local_fns.contains_key(n.as_str()));
        // A method of an object a library call made (`client = httpx.AsyncClient()`, `async
        // with aiohttp.ClientSession() as s`) is named after its maker: `httpx.AsyncClient.get`.
        // So is one of its attributes' (`repo = git.Repo(path); repo.git.checkout(ref)`:
        // `git.Repo.git.checkout`).
        let made = made_name(callee, &env.made_by, self.names);
        let name = if shadowed {
            None
        } else {
            made.or_else(|| {
                self.names
                    .canonical(callee)
                    .map(|n| self.through_star_import(n))
            })
        };
        let method = match &callee.kind {
            ExprKind::Attr(_, m) => Some(m.as_str()),
            _ => None,
        };
        let last = name
            .as_deref()
            .and_then(|n| n.rsplit('.').next())
            .or(method)
            .or(match &callee.kind {
                ExprKind::Name(n) => Some(n.as_str()),
                _ => None,
            });
        // A conversion to a number: what comes out cannot carry an injection.
        if name
            .as_deref()
            .is_some_and(|n| NUMBER_CONVERSIONS.contains(&n))
            || (args.is_empty() && method.is_some_and(|m| NUMBER_METHODS.contains(&m)))
        {
            let mut out = Taint::new();
            for t in &arg_taints {
                out.extend_ref(t);
            }
            out.label(taint::NUMERIC);
            return out;
        }
        if let Some(&caller) = self.stack.last()
            && self.import_sites.len() < MAX_IMPORT_SITES
            && self.import_sites.insert((caller, callee.span))
            && let Some(named) = self.names.imported(callee)
        {
            self.imported_calls.entry(caller).or_default().insert(named);
        }
        // Sinks the model names. A method of an object whose class this module defines is
        // that class's code, followed below: not a library's method of the same name
        // (`this.db.query(sql)` on a wrapper reaches the driver's call inside it).
        {
            let object = match &callee.kind {
                ExprKind::Attr(object, _) => Some(&**object),
                _ => None,
            };
            let own_method = match (object, method) {
                (Some(o), Some(m)) => {
                    self.named_function(callee, env).is_some()
                        || (!matches!(o.kind, ExprKind::Name(_))
                            && self
                                .class_of(o, env)
                                .and_then(|c| self.names.method(self.module, c, m))
                                .is_some())
                }
                _ => false,
            };
            let site = Site {
                at: call.span,
                callee: Some(callee),
                name: name.as_deref(),
                method: method.filter(|_| !own_method),
                args,
                object,
            };
            self.check_sinks(&site, &arg_taints, &receiver_taint, env, walk);
            // A sanitizer's result is its argument, marked as checked by it.
            if let Some(name) = &name
                && self.sinks.sanitizers.contains(name.as_str())
            {
                let mut out = Taint::new();
                for t in &arg_taints {
                    out.extend_ref(t);
                }
                out.label(name);
                return out;
            }
            // `(root / p).resolve()`: a method that checks or normalizes its object.
            if let Some(m) = method
                && !root_name(callee)
                    .is_some_and(|r| !env.vars.contains(r) && self.names.is_imported(r))
                && self.sinks.method_sanitizers.contains(m)
            {
                let mut out = receiver_taint.clone();
                for t in &arg_taints {
                    out.extend_ref(t);
                }
                out.label(&format!("*.{m}"));
                return out;
            }
        }
        // A function of this module: its summary, applied to the arguments. A method called
        // on what a call returns (`makeJob(c).run()`) is found through the class that call
        // returns.
        let func = self
            .named_function(callee, env)
            .or_else(|| match &callee.kind {
                ExprKind::Attr(object, method) if !matches!(object.kind, ExprKind::Name(_)) => {
                    let class = self.class_of(object, env)?;
                    self.names.method(self.module, class, method)
                }
                _ => None,
            });
        // A method found by its name alone: the class is a guess, so what the object holds is
        // not taken for that class's fields.
        let (func, receiver_taint) = match func {
            Some(f) => (Some(f), receiver_taint),
            None => match self.sole_method_of_unknown(callee, env) {
                Some(f) => (Some(f), Taint::new()),
                None => (None, receiver_taint),
            },
        };
        // A function nested in this one sees its variables: walked where it is called.
        if let Some(func) = func
            && self.is_closure_of(func, env.scope)
        {
            let params: Vec<Taint> = self
                .module
                .functions
                .get(func)
                .map(|f| bind(&f.params, 0, args, &arg_taints))
                .unwrap_or_default();
            if let Some(mut out) = self.inline(func, &params, env, walk) {
                out.extend(from_callbacks);
                return out;
            }
        }
        if let Some(func) = func {
            let summary = self.summary(func);
            let shift = self.names.bound_offset(self.module, func);
            let bound = self
                .module
                .functions
                .get(func)
                .map(|f| bind(&f.params, shift, args, &arg_taints))
                .unwrap_or_default();
            // A method of this object (`self.save()`) reads each field as this walk left it;
            // any other object's fields are not told apart.
            let own_object = matches!(&callee.kind, ExprKind::Attr(object, _)
                if matches!(&object.kind, ExprKind::Name(n) if walk.receiver.as_deref() == Some(n.as_str())));
            let mut field_taints: HashMap<u32, Taint> = HashMap::new();
            if own_object {
                for id in summary.fields_read() {
                    let name = self.fields.get(id as usize).cloned();
                    if let Some(name) = name {
                        let t = self.read_field(&name, env, walk);
                        field_taints.insert(id, t);
                    }
                }
            }
            let slot_taint = |slot: &Slot| -> Taint {
                match slot {
                    Slot::Computed => Taint::of(Slot::Computed, Labels::new()),
                    Slot::Content => Taint::of(Slot::Content, Labels::new()),
                    Slot::Receiver => receiver_taint.clone(),
                    Slot::Field(id) => field_taints
                        .get(id)
                        .cloned()
                        .unwrap_or_else(|| receiver_taint.clone()),
                    Slot::Param(i) => bound.get(*i).cloned().unwrap_or_default(),
                }
            };
            let name = self
                .module
                .functions
                .get(func)
                .map(|f| f.qualified.clone())
                .unwrap_or_default();
            for (slot, hits) in &summary.sinks {
                // The callee reports what it computes itself.
                if *slot == Slot::Computed {
                    continue;
                }
                let from_caller = slot_taint(slot);
                for (caller_slot, labels) in from_caller.iter() {
                    // The functions the argument carrying this input came through first.
                    let came: Vec<String> = args
                        .iter()
                        .zip(&arg_taints)
                        .find(|(_, t)| t.iter().any(|(s, _)| s == caller_slot))
                        .map(|(a, _)| self.came_through(&a.value, env))
                        .unwrap_or_default();
                    for hit in hits {
                        let sink = self.model.sinks.get(hit.sink);
                        let mut labels = labels.clone();
                        labels.extend(hit.labels.iter().cloned());
                        let clean = match sink {
                            Some(sink) => sink.ignores(&labels),
                            // Another module's function cannot see the marks of a check.
                            None => labels.iter().any(|l| !taint::is_shape(l)),
                        };
                        if clean {
                            continue;
                        }
                        let labels = match sink {
                            Some(sink) => {
                                hit_labels(&mut self.via_reach, sink, *caller_slot, &labels)
                            }
                            None => {
                                note_reaching(&mut self.via_reach, &labels, |r| {
                                    r.calls = true;
                                });
                                Labels::new()
                            }
                        };
                        let mut through = came.clone();
                        through.push(name.clone());
                        through.extend(hit.through.iter().cloned());
                        through.truncate(MAX_THROUGH);
                        walk.summary
                            .sinks
                            .entry(*caller_slot)
                            .or_default()
                            .insert(SinkHit {
                                sink: hit.sink,
                                at: hit.at,
                                through,
                                labels,
                            });
                    }
                }
            }
            // Each input the callee returns or stores, with the checks the callee applied.
            let apply = |part: &Taint| {
                let mut out = Taint::new();
                for (slot, inner) in part.iter() {
                    let mut t = slot_taint(slot);
                    t.label_all(inner);
                    out.extend(t);
                }
                out
            };
            let mut out = apply(&summary.returns);
            // A check by name returns what it checked (`validate_url(u)` that raises unless
            // the host is allowed): what the check looks at is not modelled yet.
            if self
                .module
                .functions
                .get(func)
                .is_some_and(|f| taint::is_validator_name(&f.name))
            {
                out.label(taint::PATH_CONTAINMENT);
                out.label(taint::ALLOWLIST);
            }
            // What a method stores in its object taints the object (each field apart when it
            // is this walk's own object); a constructor's object is its result.
            if own_object && let Some(receiver) = walk.receiver.as_deref() {
                let stored = apply(&summary.stores);
                if !stored.is_empty() {
                    env.vars.entry(receiver).extend(stored);
                }
                for (id, part) in &summary.field_stores {
                    let Some(name) = self.fields.get(*id as usize) else {
                        continue;
                    };
                    let stored = apply(part);
                    if !stored.is_empty() {
                        env.vars.entry(&field_key(receiver, name)).extend(stored);
                    }
                }
            } else {
                let stored = apply(&summary.all_stores());
                if !stored.is_empty() {
                    match &callee.kind {
                        ExprKind::Attr(object, _) => {
                            if let Some(key) = self.store_key(object, walk) {
                                env.vars.entry(&key).extend(stored);
                            }
                        }
                        _ => out.extend(stored),
                    }
                }
            }
            return out;
        }
        // A function imported from another module, or a method of an object made by one
        // (`r = Runner(); r.run(x)`, `new Job(x).start()`): which parameter reaches which of
        // its arguments and its object, for the cross-file pass to follow. A value some
        // check already marked is not followed (the callee's sinks cannot see the mark).
        let function = self.names.imported(callee);
        let method_of = || match &callee.kind {
            ExprKind::Attr(object, method) => {
                let found = match &object.kind {
                    ExprKind::Name(v) => env
                        .imported_objects
                        .get(v.as_str())
                        .map(|m| (**m).clone())
                        .or_else(|| {
                            (!env.vars.contains(v))
                                .then(|| self.names.imported_instance(v).cloned())
                                .flatten()
                        }),
                    ExprKind::Call { callee: maker, .. } => self.names.imported(maker),
                    // `self.executor.run(sql)`: a field the class declares with a type of
                    // another module (`executor: SqlExecutor`, `Arc<FsService>`), or one
                    // its methods store such an object in (`self.editor = TextEditor()`).
                    ExprKind::Attr(holder, field) if matches!(&holder.kind, ExprKind::Name(s) if s == "self" || s == "this") => {
                        self.declared_field_object(env.scope, field).or_else(|| {
                            match self.field_object(object, env)? {
                                resolve::FieldObject::Imported(m, c) => {
                                    Some((m.clone(), c.clone()))
                                }
                                resolve::FieldObject::Local(_) => None,
                            }
                        })
                    }
                    _ => None,
                };
                match found {
                    Some((module, made)) => Some((module, format!("{made}.{method}"))),
                    // Nothing says what the object is: the project's one class method of
                    // that name, if one alone has it.
                    None => self
                        .untyped_object(object, method, env)
                        .map(|any| (any.to_string(), method.clone())),
                }
            }
            _ => None,
        };
        let is_function = function.is_some();
        // Until its module's answer is known, what such a call returns is marked as its.
        let mut via: Option<usize> = None;
        if let Some((module, member)) = function.or_else(method_of) {
            let mut inputs = BTreeSet::new();
            // A class guessed from the method's name alone says nothing of the object.
            let guessed = crate::analyze::cross_file::is_any_class(&module);
            let receiver =
                (!is_function && !guessed).then_some((ArgSel::Receiver, &receiver_taint));
            let mut position = Some(0);
            for (arg, taint) in args.iter().zip(&arg_taints) {
                let at = match (&arg.keyword, position) {
                    (Some(k), _) => ArgSel::Keyword(k.clone()),
                    (None, _) if matches!(arg.value.kind, ExprKind::Spread(_)) => {
                        position = None;
                        continue;
                    }
                    (None, Some(p)) => {
                        position = Some(p + 1);
                        ArgSel::Position(p)
                    }
                    (None, None) => continue,
                };
                if taint.carries_input() {
                    inputs.insert(at.clone());
                }
                self.note_external(&module, &member, at, taint, call.span, walk);
            }
            if let Some((at, taint)) = receiver {
                self.note_external(&module, &member, at, taint, call.span, walk);
            }
            // What it returns, when its module's analysis said: each argument that reaches
            // its return value, with the checks it applied there. (A method's result may
            // carry what its object holds, which that does not say.)
            if let Some(returned) = self
                .imported
                .returned(&module, &member)
                .filter(|_| is_function)
            {
                let mut out = applied_return(returned, args, &arg_taints);
                out.extend(from_callbacks);
                if last.is_some_and(taint::is_validator_name) {
                    out.label(taint::PATH_CONTAINMENT);
                    out.label(taint::ALLOWLIST);
                }
                return out;
            }
            if is_function && !inputs.is_empty() {
                via = Some(self.via_of(&module, &member));
                self.imported_results
                    .entry((module, member))
                    .or_default()
                    .extend(inputs);
            }
        }
        // A cloud API call in the boto3 convention (`client.get_layer_version_by_arn(Arn=a)`:
        // a method given only PascalCase keywords) answers with what the service holds; the
        // request chose which record, not what the record says.
        if is_remote_api_call(callee, args) {
            let mut out = Taint::of(Slot::Computed, Labels::new());
            out.extend(from_callbacks);
            if let Some(via) = via {
                out.label(&taint::via_label(via));
            }
            return out;
        }
        // Anything else: mutators store their arguments in the receiver (`argv.append(x)`,
        // `args.push(x)`), and the result carries the receiver and the arguments.
        let arg_slots: Vec<Vec<Slot>> = arg_taints
            .iter()
            .map(|t| t.iter().map(|(slot, _)| *slot).collect())
            .collect();
        let receiver_taint_slots: Vec<Slot> =
            receiver_taint.iter().map(|(slot, _)| *slot).collect();
        let mut all = Taint::new();
        for (arg, t) in args.iter().zip(arg_taints) {
            // A value given by name configures the call (`TlsConfig(ca_certs=pem)`): what
            // the call returns is not made of that content.
            let t = match &arg.keyword {
                Some(_) => t.without(Slot::Content),
                None => t,
            };
            all.extend(t);
        }
        if let ExprKind::Attr(object, method) = &callee.kind
            && MUTATORS.contains(&method.as_str())
            && let Some(root) = self.store_key(object, walk)
        {
            let mut stored = all.clone();
            // `url.searchParams.set("q", x)`: a query parameter does not choose the host.
            if matches!(&object.kind, ExprKind::Attr(_, f) if URL_PARTS.contains(&f.as_str())) {
                stored.label(taint::FIXED_HOST);
            }
            // `args.push(ref)` on an argv with no `--` yet: another option, from its first
            // character (`args.append(f"--since={since}")` is not one).
            if let ExprKind::Name(x) = &object.kind
                && env.argv.get(x.as_str()).is_some_and(|var| !var.closed)
            {
                let (options, closes) = self.pushed_options(method, args, &stored, env, walk);
                if let Some(var) = env.argv.get_mut(x.as_str()) {
                    let var = Rc::make_mut(var);
                    var.options.extend(options);
                    var.closed |= closes;
                }
            }
            env.vars.entry(&root).extend(stored);
        }
        let replaced = inlined
            && matches!(&callee.kind, ExprKind::Attr(_, m) if REPLACING_METHODS.contains(&m.as_str()));
        if !replaced {
            all.extend(receiver_taint);
        }
        all.extend(from_callbacks);
        // A source's result carries, from what chose where it comes from, the mark of the
        // rules it is a source of: its first argument (`requests.get(url, json=body)`) or
        // `url=`, and its object.
        if let Some(labels) = name.as_deref().and_then(|n| self.sinks.sources.get(n)) {
            let mut chosen = receiver_taint_slots;
            for (i, (arg, t)) in args.iter().zip(&arg_slots).enumerate() {
                let chooses = match &arg.keyword {
                    Some(k) => k == "url",
                    None => i == 0,
                };
                if chooses {
                    chosen.extend(t.iter().copied());
                }
            }
            for label in labels {
                all.label_slots(&chosen, label);
            }
        }
        // A library's function computes its result at run time (`os.getcwd()`).
        let root = match &callee.kind {
            ExprKind::Name(n) => Some(n.as_str()),
            _ => root_name(callee),
        };
        if !shadowed && root.is_some_and(|r| !env.vars.contains(r) && self.names.is_imported(r)) {
            all.extend(Taint::of(Slot::Computed, Labels::new()));
        }
        // `"SELECT {} FROM t".format(col)`, `", ".join(columns)`: written into a text.
        if let ExprKind::Attr(object, m) = &callee.kind
            && (m == "format" || m == "join")
            && has_text(object)
        {
            all.label(taint::COMPOSED);
        }
        // A check known only by its name (`validatePath(p)` from another module) returns
        // the value it checked.
        if last.is_some_and(taint::is_validator_name) {
            all.label(taint::PATH_CONTAINMENT);
            all.label(taint::ALLOWLIST);
        }
        if let Some(via) = via {
            all.label(&taint::via_label(via));
        }
        all
    }

    /// The number of another module's function in `via_label`s.
    fn via_of(&mut self, module: &str, member: &str) -> usize {
        match self
            .imported_via
            .iter()
            .position(|(m, f)| m == module && f == member)
        {
            Some(n) => n,
            None => {
                self.imported_via
                    .push((module.to_string(), member.to_string()));
                self.imported_via.len() - 1
            }
        }
    }

    /// `imported_results`, kept to the functions whose results reached a sink or another
    /// module, with where: what the others return cannot change the module's findings.
    fn reaching_imported_results(&self) -> BTreeMap<(String, String), ImportedResult> {
        self.imported_via
            .iter()
            .enumerate()
            .filter_map(|(n, key)| {
                let reach = *self.via_reach.get(&n)?;
                let at = self.imported_results.get(key)?.clone();
                Some((key.clone(), ImportedResult { at, reach }))
            })
            .collect()
    }
}

/// Marks, with `mark`, where the results of the functions of other modules whose
/// `via_label`s `labels` carry went.
fn note_reaching(
    reach: &mut BTreeMap<usize, ResultReach>,
    labels: &Labels,
    mark: impl Fn(&mut ResultReach),
) {
    for n in labels.iter().filter_map(|l| taint::via_import(l)) {
        mark(reach.entry(n).or_default());
    }
}

/// How many properties an object literal held by a variable may have for calls to read
/// options through the variable.
const MAX_OPTIONS: usize = 64;

/// `args` with each variable passed positionally that holds an object literal replaced by
/// it (`new Transport(options)` reads as `new Transport({ ... })`); `None` if there is none.
fn with_objects(args: &[Arg], env: &Env) -> Option<Vec<Arg>> {
    let held = |a: &Arg| match &a.value.kind {
        ExprKind::Name(n) if a.keyword.is_none() => env.objects.get(n.as_str()),
        _ => None,
    };
    if !args.iter().any(|a| held(a).is_some()) {
        return None;
    }
    Some(
        args.iter()
            .map(|a| match held(a) {
                Some(object) => Arg {
                    keyword: None,
                    value: (**object).clone(),
                },
                None => a.clone(),
            })
            .collect(),
    )
}

/// The variable a value is that variable or a call chain over it alone (`p`,
/// `Path(p).resolve()`, `os.path.realpath(p)`, `path.resolve(p)`).
fn normalized_variable(e: &Expr) -> Option<&str> {
    let mut at = e;
    for _ in 0..MAX_NORMALIZING {
        match &at.kind {
            ExprKind::Name(x) => return Some(x),
            ExprKind::Await(inner) => at = inner,
            ExprKind::Call { callee, args, .. } => match (&callee.kind, args.as_slice()) {
                (ExprKind::Attr(object, _), []) => at = object,
                (ExprKind::Name(_) | ExprKind::Attr(..), [only]) if only.keyword.is_none() => {
                    at = &only.value
                }
                _ => return None,
            },
            _ => return None,
        }
    }
    None
}

/// How many calls deep `normalized_variable` looks.
const MAX_NORMALIZING: usize = 4;

/// The values of property `key` in the object literals passed positionally.
fn object_properties<'a>(args: &'a [Arg], key: &'a str) -> impl Iterator<Item = &'a Expr> + 'a {
    args.iter()
        .filter(|a| a.keyword.is_none())
        .filter_map(|a| match &a.value.kind {
            ExprKind::Dict(pairs) => Some(pairs),
            _ => None,
        })
        .flatten()
        .filter_map(move |(k, v)| match k.as_ref().map(|k| &k.kind) {
            Some(ExprKind::Str(name)) if name == key => Some(v),
            _ => None,
        })
}

/// A method called on an object a library call made, or on an attribute of one, named after
/// the maker (`git.Repo.git.checkout`); `None` when the chain does not start at such an object.
fn made_name(callee: &Expr, made_by: &BTreeMap<Rc<str>, Rc<str>>, names: &Names) -> Option<String> {
    let mut chain = Vec::new();
    let mut at = callee;
    // Bounded by the expression depth the lowering allows.
    for _ in 0..crate::analyze::ir::MAX_DEPTH {
        match &at.kind {
            // `self.client.get(url)` where the class declares `client: reqwest::Client`.
            ExprKind::Attr(object, m)
                if !chain.is_empty()
                    && matches!(&object.kind, ExprKind::Name(s) if s == "self")
                    && made_by.contains_key(format!("self.{m}").as_str()) =>
            {
                let maker = made_by.get(format!("self.{m}").as_str())?;
                chain.reverse();
                return Some(format!("{maker}.{}", chain.join(".")));
            }
            ExprKind::Attr(object, m) => {
                chain.push(m.as_str());
                at = object;
            }
            ExprKind::Name(v) if !chain.is_empty() => {
                let maker = made_by.get(v.as_str())?;
                chain.reverse();
                return Some(format!("{maker}.{}", chain.join(".")));
            }
            // Called on what the call makes (`simpleGit(dir).raw([...])`).
            ExprKind::Call { callee, .. } if !chain.is_empty() => {
                let maker = names.canonical(callee)?;
                chain.reverse();
                return Some(format!("{maker}.{}", chain.join(".")));
            }
            ExprKind::Await(inner) => at = inner,
            _ => return None,
        }
    }
    None
}

/// A sink's call is shown with at most this many characters of its callee.
const MAX_DISPLAY: usize = 60;

/// The pseudo-callee rules name for what an entry point (a tool, a resource, a prompt, a web
/// route) returns to its caller.
pub const RETURN_CALLEE: &str = "<return>";
/// The pseudo-callee for what an MCP tool, resource or prompt returns to the model.
pub const MODEL_RETURN_CALLEE: &str = "<returned-to-model>";

/// A call as the sinks see it.
struct Site<'a> {
    at: Span,
    /// The callee expression; `None` for what an entry point returns.
    callee: Option<&'a Expr>,
    /// The callee's canonical name, when it has one.
    name: Option<&'a str>,
    /// The method's name, for a method call.
    method: Option<&'a str>,
    args: &'a [Arg],
    object: Option<&'a Expr>,
}

/// The labels a hit keeps: those of a value only a sink that requires a check looks at
/// again, so the others' hits stay one per call and path.
fn kept_labels(sink: &Sink, labels: &Labels) -> Labels {
    if sink.requires.is_empty() {
        Labels::new()
    } else {
        labels.clone()
    }
}

/// The labels a hit on `sink` keeps (`kept_labels`), having noted where the results of
/// functions of other modules it carries went: a sink, where it meets its rule's
/// requirement; else a pending one, and their `via_label`s stay on it for the caller whose
/// value may meet it.
fn hit_labels(
    reach: &mut BTreeMap<usize, ResultReach>,
    sink: &Sink,
    slot: Slot,
    labels: &Labels,
) -> Labels {
    if !sink.requirement_met(slot, labels) {
        note_reaching(reach, labels, |r| r.pending = true);
        return kept_labels(sink, labels);
    }
    note_reaching(reach, labels, |r| r.sinks = true);
    let mut kept = kept_labels(sink, labels);
    kept.retain(|l| taint::via_import(l).is_none());
    kept
}

/// Whether the text of `expr` starts with a fixed scheme and host: a URL literal with a path,
/// a template whose text fixes the host, a sum that starts with one, or a variable that holds
/// one.
fn starts_with_fixed_host(expr: &Expr, env: &Env) -> bool {
    match &expr.kind {
        ExprKind::Str(text) => taint::fixes_host(text),
        ExprKind::Name(n) => env.host_fixed.contains(n.as_str()),
        ExprKind::Attr(object, field) => match &object.kind {
            ExprKind::Name(r) => env.host_fixed.contains(format!("{r}.{field}").as_str()),
            _ => false,
        },
        ExprKind::Binary(op, a, _) if op == "+" => starts_with_fixed_host(a, env),
        ExprKind::Template(parts) => {
            let mut prefix = String::new();
            // `${API}/items`: a base URL from outside the function, then a path.
            let mut leading_base = false;
            for (i, part) in parts.iter().enumerate() {
                match part {
                    TemplatePart::Text(text) => {
                        if leading_base && prefix.is_empty() && text.starts_with('/') {
                            return true;
                        }
                        leading_base = false;
                        prefix.push_str(text);
                        if taint::fixes_host(&prefix) {
                            return true;
                        }
                    }
                    TemplatePart::Value(v) if i == 0 => {
                        if starts_with_fixed_host(v, env) {
                            return true;
                        }
                        leading_base =
                            matches!(&v.kind, ExprKind::Name(n) if !env.vars.contains(n));
                    }
                    TemplatePart::Value(_) => {}
                }
            }
            false
        }
        _ => false,
    }
}

/// The table a lookup reads: `T[k]`, `T.get(k)`, `T.get(k, default)`, awaited or not.
fn table_lookup(expr: &Expr) -> Option<&str> {
    match &expr.kind {
        ExprKind::Index(object, _) => match &object.kind {
            ExprKind::Name(t) => Some(t),
            _ => None,
        },
        ExprKind::Call { callee, .. } => match &callee.kind {
            ExprKind::Attr(object, method) if method == "get" => match &object.kind {
                ExprKind::Name(t) => Some(t),
                _ => None,
            },
            _ => None,
        },
        ExprKind::Await(inner) => table_lookup(inner),
        _ => None,
    }
}

/// Parts of a URL object after its host.
const URL_PARTS: [&str; 5] = ["searchParams", "pathname", "search", "hash", "query"];

/// Methods that count what their object holds (`text.len()`, `lines.count()`).
const NUMBER_METHODS: [&str; 2] = ["len", "count"];

/// Calls whose result is a number (or a boolean), whatever their argument.
const NUMBER_CONVERSIONS: [&str; 14] = [
    crate::analyze::ir::rust::NUMBER,
    "int",
    "float",
    "bool",
    "len",
    "Number",
    "parseInt",
    "parseFloat",
    "Boolean",
    "Math.floor",
    "Math.ceil",
    "Math.round",
    "Math.abs",
    "Buffer.byteLength",
];

/// What each parameter of a function receives from a call's arguments: positionals in order
/// after the `shift` bound ones (a receiver), keywords by name, the rest to `*args` and
/// `**kwargs`; destructured properties (`({ a, b })`) from the object they are taken from. A
/// spread argument may fill any parameter from where it stands.
fn bind(
    params: &[crate::analyze::ir::Param],
    shift: usize,
    args: &[Arg],
    taints: &[Taint],
) -> Vec<Taint> {
    use crate::analyze::ir::ParamKind;
    let mut out = vec![Taint::new(); params.len()];
    let mut positional: Vec<(&Taint, bool)> = Vec::new();
    let mut keywords: Vec<(&str, &Taint)> = Vec::new();
    for (arg, taint) in args.iter().zip(taints) {
        match &arg.keyword {
            Some(k) => keywords.push((k, taint)),
            None => positional.push((taint, matches!(arg.value.kind, ExprKind::Spread(_)))),
        }
    }
    let mut position = 0;
    let mut spread = Taint::new();
    let mut in_properties = false;
    for (i, p) in params.iter().enumerate().skip(shift) {
        let Some(slot) = out.get_mut(i) else { break };
        if p.kind != ParamKind::Property && in_properties {
            position += 1;
        }
        in_properties = p.kind == ParamKind::Property;
        match p.kind {
            ParamKind::Rest => {
                for (t, _) in positional.iter().skip(position) {
                    slot.extend_ref(t);
                }
                position = positional.len();
            }
            ParamKind::Keywords => {
                for (k, t) in &keywords {
                    if !params.iter().any(|q| q.name == *k) {
                        slot.extend_ref(t);
                    }
                }
            }
            ParamKind::Positional | ParamKind::Property => {
                if let Some((t, is_spread)) = positional.get(position) {
                    if *is_spread {
                        spread.extend_ref(t);
                    } else {
                        slot.extend_ref(t);
                    }
                }
                if let Some((_, t)) = keywords.iter().find(|(k, _)| *k == p.name) {
                    slot.extend_ref(t);
                }
                if p.kind == ParamKind::Positional
                    && positional.get(position).is_none_or(|(_, s)| !s)
                {
                    position += 1;
                }
            }
        }
        slot.extend_ref(&spread);
    }
    out
}

/// What a call of another module's function returns: the arguments bound to the parameters
/// that reach its return value, each with the checks the function applied.
fn applied_return(returned: &Returned, args: &[Arg], taints: &[Taint]) -> Taint {
    let params: Vec<crate::analyze::ir::Param> = returned
        .params
        .iter()
        .map(|(name, kind)| crate::analyze::ir::Param {
            name: name.clone(),
            kind: *kind,
            annotation: None,
            default: None,
            span: Span::default(),
        })
        .collect();
    let bound = bind(&params, 0, args, taints);
    let mut out = Taint::new();
    for (index, labels) in &returned.flows {
        let mut t = bound.get(*index).cloned().unwrap_or_default();
        for label in labels {
            t.label(label);
        }
        out.extend(t);
    }
    if returned.computed {
        out.extend(Taint::of(Slot::Computed, Labels::new()));
    }
    for capability in &returned.contents {
        let label = taint::content_label(capability);
        out.extend(Taint::of(Slot::Content, Labels::from([label])));
    }
    out
}

/// Methods that call their callback with the elements of the object they are called on
/// (JavaScript's arrays and promises, Rust's iterators, `Option` and `Result`).
const CALLBACK_METHODS: [&str; 20] = [
    "flat_map",
    "filter_map",
    "find_map",
    "and_then",
    "for_each",
    "any",
    "all",
    "map",
    "forEach",
    "filter",
    "some",
    "every",
    "find",
    "findIndex",
    "findLast",
    "flatMap",
    "reduce",
    "then",
    "sort",
    "each",
];

/// Callback methods whose result is made of what the callback returns, not of the elements
/// (`paths.iter().map(|p| validate(p))`: each element as the check returned it).
const REPLACING_METHODS: [&str; 7] = [
    "map",
    "flatMap",
    "flat_map",
    "filter_map",
    "find_map",
    "and_then",
    "then",
];

/// Methods that store their arguments in the object they are called on.
const MUTATORS: [&str; 10] = [
    "append",
    "extend",
    "insert",
    "push",
    "unshift",
    "add",
    "update",
    "set",
    "setdefault",
    "splice",
];

/// Callable from outside its module: top level (or a method of a top-level class), and not
/// named as private (`_helper`; `__init__` is not private).
fn is_public(function: &crate::analyze::ir::Function) -> bool {
    let name = &function.name;
    let private = name.starts_with('_') && !(name.starts_with("__") && name.ends_with("__"));
    function.parent == Some(0) && !private && !name.starts_with('<')
}

/// The last name of a callee as written (`validate` in `checks.validate`).
/// What an attribute or index expression reads from (`a.b` and `a[i]` -> `a`).
fn expr_object(expr: &Expr) -> Option<&Expr> {
    match &expr.kind {
        ExprKind::Attr(object, _) | ExprKind::Index(object, _) => Some(object),
        _ => None,
    }
}

/// `Enum`, `StrEnum`, `enum.IntEnum`: a base that makes a class a fixed set of choices.
fn is_enum_base(base: &Expr) -> bool {
    callee_last_name(base).is_some_and(|n| n.ends_with("Enum"))
}

/// `enumerate(xs)` (Python) or `xs.iter().enumerate()` (Rust): pairs of a count and an item.
fn is_enumerate(iter: &Expr) -> bool {
    matches!(&iter.kind, ExprKind::Call { callee, .. }
        if callee_last_name(callee) == Some("enumerate"))
}

fn callee_last_name(callee: &Expr) -> Option<&str> {
    match &callee.kind {
        ExprKind::Name(n) | ExprKind::Attr(_, n) => Some(n),
        _ => None,
    }
}

/// `client.describe_type(Type="RESOURCE", TypeName=t)`: a method call whose arguments are
/// all keywords, each in PascalCase (how boto3 names a service API's request fields).
fn is_remote_api_call(callee: &Expr, args: &[Arg]) -> bool {
    matches!(&callee.kind, ExprKind::Attr(object, method)
        if !matches!(object.kind, ExprKind::Str(_))
            && method.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'))
        && !args.is_empty()
        && args.iter().all(|a| {
            a.keyword.as_deref().is_some_and(|k| {
                k.starts_with(|c: char| c.is_ascii_uppercase())
                    && k.bytes().any(|b| b.is_ascii_lowercase())
            })
        })
}

/// The key a receiver's field is kept under among the variables (`self.root`).
fn field_key(receiver: &str, field: &str) -> String {
    format!("{receiver}.{field}")
}

/// The variable an attribute or index chain starts from (`tools` in `tools.archive.run`).
fn root_name(expr: &Expr) -> Option<&str> {
    match &expr.kind {
        ExprKind::Name(n) => Some(n),
        ExprKind::Attr(o, _) | ExprKind::Index(o, _) => root_name(o),
        _ => None,
    }
}

/// Whether a string expression starts with constant text (`"git log " + ref`, `f"kubectl
/// {verb}"`).
fn starts_with_text(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Str(s) => !s.is_empty(),
        ExprKind::Template(parts) => {
            matches!(parts.first(), Some(TemplatePart::Text(t)) if !t.is_empty())
        }
        ExprKind::Binary(op, a, _) if op == "+" => starts_with_text(a),
        _ => false,
    }
}

/// Constant text written out somewhere in a string expression.
fn has_text(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Str(s) => !s.is_empty(),
        ExprKind::Template(parts) => parts
            .iter()
            .any(|p| matches!(p, TemplatePart::Text(t) if !t.is_empty())),
        ExprKind::Binary(op, a, b) if op == "+" => has_text(a) || has_text(b),
        _ => false,
    }
}

fn clean(env: &mut Env, proofs: &[guards::Proof]) {
    for proof in proofs {
        if proof.name.contains('.') {
            env.checked_fields
                .entry(Rc::from(proof.name.as_str()))
                .or_default()
                .insert(proof.label.to_string());
            continue;
        }
        // `cmd = argv[0].strip()`, then `cmd in ALLOWED`: the program of `argv` is allowed.
        if proof.label == taint::ALLOWLIST
            && let Some(argv) = env.program_of.get(proof.name.as_str()).cloned()
            && let Some(t) = env.vars.get_mut(&argv)
        {
            t.label(taint::PROGRAM_ALLOWLIST);
        }
        let mut name = proof.name.clone();
        for _ in 0..guards::MAX_DERIVATION {
            if let Some(t) = env.vars.get_mut(&name) {
                t.label(proof.label);
            }
            match env.derived.get(name.as_str()) {
                Some((from, alias)) if proof.carries_over || *alias => name = from.to_string(),
                _ => break,
            }
        }
    }
}

#[cfg(test)]
mod tests;
