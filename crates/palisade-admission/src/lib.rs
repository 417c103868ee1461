//! Admission decisions: an `AdmissionReview` request in, the response the
//! webhook sends out. No I/O: `palisade serve` wraps this in HTTPS, and
//! `palisade admit` calls it on a file, so both answer the same.
//!
//! The pipeline of [`Admission::validate`]:
//!
//! 1. Requests that are not judged pass: DELETE and CONNECT, subresources
//!    other than a pod's `ephemeralcontainers`, exempt namespaces, users
//!    and RuntimeClasses, and UPDATEs that leave the pod template as it was
//!    ([`template::significant_update`]).
//! 2. The namespace's Pod Security modes come from its
//!    `pod-security.kubernetes.io` labels ([`modes`]), else the defaults.
//! 3. The object goes to [`palisade_engine::evaluate`], the evaluation
//!    `palisade scan` uses, once at the enforce level and once more for
//!    each audit or warn level that differs.
//! 4. Each finding gets an action: Pod Security findings by mode, other
//!    rules by `admission.actions` or, by default, deny at or above
//!    `fail-on`. Configured exemptions (and, only when allowed, the object's
//!    own suppressions) take findings out, recorded in audit annotations.
//! 5. Deny findings deny (403, one line per rule with its field), warn
//!    findings become warnings, audit findings audit annotations.
//!
//! [`Admission::mutate`] adds safe defaults ([`mutate`]) in namespaces
//! labelled for it.
#![deny(
    clippy::panic,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing
)]

pub mod fieldpath;
pub mod modes;
pub mod mutate;
pub mod offline;
pub mod review;
pub mod template;

use palisade_core::admission::{Action, DefaultAction, LevelVersion, PssModes};
use palisade_core::{Config, Finding, PssLevel, RuleMeta, Severity};
use palisade_policy::PolicySet;
use palisade_policy::matching::labels_of;
use review::{Operation, Request, Response};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};

/// Where namespace labels come from: a watch-fed cache in a cluster, the
/// configuration offline.
pub trait Namespaces: Send + Sync {
    /// The labels of namespace `name`; `None` when it is not known.
    fn labels(&self, name: &str) -> Option<BTreeMap<String, String>>;
}

impl Namespaces for BTreeMap<String, BTreeMap<String, String>> {
    fn labels(&self, name: &str) -> Option<BTreeMap<String, String>> {
        self.get(name).cloned()
    }
}

/// Longest warning kept whole; the API server may truncate longer ones.
pub const MAX_WARNING_CHARS: usize = 256;
/// Budget for all warnings of one response; the API server drops warnings
/// past 4096 characters.
pub const MAX_WARNINGS_TOTAL: usize = 4000;
/// Longest audit annotation value written.
const MAX_ANNOTATION_CHARS: usize = 4096;

/// How a request was decided, for metrics and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Decision {
    /// Judged and admitted (possibly with warnings).
    Allowed,
    /// Judged and denied.
    Denied,
    /// Admitted without judging: exempt namespace, user or RuntimeClass.
    Exempt,
    /// Admitted without judging: not a judged operation, subresource or
    /// update.
    Skipped,
    /// The request could not be judged.
    Error,
    /// A policy could not be evaluated: the webhook fails the call (HTTP
    /// 500) so that its `failurePolicy` decides.
    Failed,
}

impl Decision {
    /// A lowercase label.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Allowed => "allowed",
            Decision::Denied => "denied",
            Decision::Exempt => "exempt",
            Decision::Skipped => "skipped",
            Decision::Error => "error",
            Decision::Failed => "failed",
        }
    }
}

/// A finding with what admission does about it.
#[derive(Debug, Clone)]
pub struct Judged {
    /// The finding.
    pub finding: Finding,
    /// The action taken.
    pub action: Action,
    /// The field it points at, when found.
    pub field: Option<String>,
}

/// The answer to one request.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The response to send.
    pub response: Response,
    /// How it was decided.
    pub decision: Decision,
    /// The findings that were acted on (not exempted).
    pub judged: Vec<Judged>,
}

impl Outcome {
    fn new(response: Response, decision: Decision) -> Outcome {
        Outcome {
            response,
            decision,
            judged: Vec::new(),
        }
    }
}

/// The admission controller: configuration plus cached per-level
/// configurations. Build once, share across requests.
pub struct Admission {
    config: Config,
    by_level: RwLock<HashMap<LevelVersion, Arc<Config>>>,
    /// The catalogue by rule id, built once rather than per review.
    rules: HashMap<&'static str, &'static RuleMeta>,
    /// Gatekeeper policies, when loaded.
    policies: Option<Arc<PolicySet>>,
}

impl Admission {
    /// An admission controller for this configuration.
    pub fn new(config: Config) -> Admission {
        Admission {
            config,
            by_level: RwLock::new(HashMap::new()),
            rules: palisade_engine::catalogue()
                .into_iter()
                .map(|r| (r.id, r))
                .collect(),
            policies: None,
        }
    }

    /// Also judges requests by these Gatekeeper policies: their
    /// enforcement actions become admission actions (`admission.actions`
    /// still wins), and a policy that fails to evaluate fails the request.
    pub fn with_policies(mut self, policies: Arc<PolicySet>) -> Admission {
        for r in policies.rules() {
            self.rules.insert(r.id, r);
        }
        self.policies = Some(policies);
        self
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The modes of namespaces without labels.
    pub fn default_modes(&self) -> PssModes {
        self.config
            .admission
            .defaults
            .resolve(self.config.pss_level, self.config.pss_version)
    }

    /// The configuration evaluated at one Pod Security level and version.
    fn config_at(&self, lv: LevelVersion) -> Arc<Config> {
        if let Ok(cache) = self.by_level.read()
            && let Some(c) = cache.get(&lv)
        {
            return c.clone();
        }
        let mut c = self.config.clone();
        c.pss_level = lv.level;
        c.pss_version = lv.version;
        // The webhook judges objects in every namespace it is sent.
        c.excluded_namespaces.clear();
        let c = Arc::new(c);
        if let Ok(mut cache) = self.by_level.write() {
            cache.insert(lv, c.clone());
        }
        c
    }

    /// The validating webhook's answer. `today` is the UTC date, for
    /// exemption expiry.
    pub fn validate(
        &self,
        req: &Request,
        namespaces: &dyn Namespaces,
        today: (i32, u32, u32),
    ) -> Outcome {
        let settings = &self.config.admission;
        let uid = req.uid.as_str();
        if !matches!(req.operation, Operation::Create | Operation::Update) {
            return Outcome::new(Response::allow(uid), Decision::Skipped);
        }
        let is_pod = req.kind.group.is_empty() && req.kind.kind == "Pod";
        if let Some(sub) = req.sub_resource.as_deref().filter(|s| !s.is_empty())
            && !(is_pod && sub == "ephemeralcontainers")
        {
            return Outcome::new(Response::allow(uid), Decision::Skipped);
        }
        let namespace = req.namespace();
        if !namespace.is_empty() && settings.namespace_exempt(namespace) {
            return exempt(uid, "namespace");
        }
        if settings
            .exempt_users
            .iter()
            .any(|u| u == &req.user_info.username)
        {
            return exempt(uid, "user");
        }
        let Some(raw) = &req.object else {
            return error(uid, "the request carries no object".to_string());
        };
        let object: Value = match serde_json::from_str(raw.get()) {
            Ok(v) => v,
            Err(e) => return error(uid, format!("the object is not valid JSON: {e}")),
        };
        if let Some((_, pod)) = template::of(&object)
            && let Some(rc) = pod
                .pointer("/spec/runtimeClassName")
                .and_then(Value::as_str)
            && settings.exempt_runtime_classes.iter().any(|c| c == rc)
        {
            return exempt(uid, "runtimeClass");
        }
        let old: Option<Value> = req
            .old_object
            .as_ref()
            .and_then(|o| serde_json::from_str(o.get()).ok());
        // An UPDATE that leaves the pod template as it was is not judged
        // by the built-in rules; policies judge every update, as
        // Gatekeeper does.
        let builtin = req.operation != Operation::Update
            || old
                .as_ref()
                .is_none_or(|old| template::significant_update(&object, old));
        if !builtin && self.policies.is_none() {
            return Outcome::new(Response::allow(uid), Decision::Skipped);
        }

        // The namespace's modes: a Namespace is judged by its own labels.
        let is_namespace = req.kind.group.is_empty() && req.kind.kind == "Namespace";
        let mut annotations = BTreeMap::new();
        let labels = if is_namespace {
            labels_of(&object)
        } else {
            namespaces.labels(namespace).unwrap_or_default()
        };
        let (modes, label_errors) = modes::from_labels(&labels, self.default_modes());
        if !label_errors.is_empty() {
            let text = join(label_errors.iter().map(ToString::to_string));
            let changed = old.as_ref().is_none_or(|o| labels_of(o) != labels);
            if is_namespace && changed {
                let mut r = Response::deny(
                    uid,
                    422,
                    "Invalid",
                    format!("invalid Pod Security labels: {text}"),
                );
                r.audit_annotations.insert("error".into(), text);
                return Outcome::new(r, Decision::Denied);
            }
            annotations.insert(
                "error".to_string(),
                format!("invalid Pod Security labels: {text}"),
            );
        }

        let has_template = template::of(&object).is_some();
        let mut judged = if builtin {
            match self.judge(raw.get(), &modes, req, today, &mut annotations) {
                Ok(j) => j,
                Err(message) => return error(uid, message),
            }
        } else {
            Vec::new()
        };
        if let Some(policies) = &self.policies {
            let ns = (!namespace.is_empty()).then(|| palisade_policy::NamespaceInfo {
                name: namespace.to_string(),
                labels: labels.clone(),
            });
            match self.judge_policies(policies, req, object, old, ns, today, &mut annotations) {
                Ok(j) => judged.extend(j),
                Err(message) => {
                    let mut r = Response::deny(uid, 500, "InternalError", message);
                    r.audit_annotations = annotations;
                    return Outcome::new(r, Decision::Failed);
                }
            }
            judged.sort_by(|a, b| {
                b.action
                    .cmp(&a.action)
                    .then_with(|| Finding::report_order(&a.finding, &b.finding))
            });
        }
        if has_template {
            annotations.insert("enforce-policy".into(), modes.enforce.to_string());
        }
        respond(uid, req, judged, annotations)
    }

    /// Evaluates the object at each distinct mode level and gives every
    /// finding its action. Exempted findings are recorded in `annotations`.
    fn judge(
        &self,
        raw: &str,
        modes: &PssModes,
        req: &Request,
        today: (i32, u32, u32),
        annotations: &mut BTreeMap<String, String>,
    ) -> Result<Vec<Judged>, String> {
        let settings = &self.config.admission;
        let rule_of = |id: &str| self.rules.get(id).copied();
        let enforce = modes.enforce;
        let mut out: Vec<Judged> = Vec::new();

        // Pass 1: every rule, with Pod Security at the enforce level.
        let mut passes = vec![(enforce, true)];
        for lv in [modes.audit, modes.warn] {
            if lv.level != PssLevel::Privileged && !passes.iter().any(|(p, _)| *p == lv) {
                passes.push((lv, false));
            }
        }
        let mut pss_by_pass: Vec<(LevelVersion, Vec<Finding>)> = Vec::new();
        for (lv, all_rules) in passes {
            let config = self.config_at(lv);
            let source = palisade_engine::Source::memory("object", raw.as_bytes().to_vec());
            let report = palisade_engine::evaluate(source, &config, settings.honour_suppressions);
            if let Some(e) = report.errors.first() {
                return Err(format!("the object cannot be evaluated: {}", e.message));
            }
            let (pss, rest): (Vec<Finding>, Vec<Finding>) = report
                .findings
                .into_iter()
                .partition(|f| rule_of(&f.rule_id).is_some_and(is_pss));
            if all_rules {
                for f in rest {
                    let Some(rule) = rule_of(&f.rule_id) else {
                        continue;
                    };
                    let action = self.action_for(rule, f.severity);
                    out.push(Judged {
                        finding: f,
                        action,
                        field: None,
                    });
                }
            }
            pss_by_pass.push((lv, pss));
        }
        // Pod Security findings: each mode takes the findings of its level.
        let mut seen: Vec<(String, u32, u32, Action)> = Vec::new();
        for (mode_lv, action) in [
            (modes.enforce, Action::Deny),
            (modes.warn, Action::Warn),
            (modes.audit, Action::Audit),
        ] {
            let lv = mode_lv;
            if lv.level == PssLevel::Privileged {
                continue;
            }
            let Some((_, findings)) = pss_by_pass.iter().find(|(p, _)| *p == lv) else {
                continue;
            };
            for f in findings {
                let key = (
                    f.rule_id.clone(),
                    f.location.line,
                    f.location.column,
                    action,
                );
                if seen.contains(&key) {
                    continue;
                }
                seen.push(key);
                out.push(Judged {
                    finding: f.clone(),
                    action,
                    field: None,
                });
            }
        }

        // Exemptions from the configuration, and (only when allowed) the
        // object's own suppressions.
        let (namespace, name) = (req.namespace(), req.name());
        let name = if name.is_empty() {
            out.first()
                .and_then(|j| j.finding.resource.as_ref())
                .and_then(|r| r.name.clone())
                .unwrap_or_default()
        } else {
            name.to_string()
        };
        let mut exempted = Vec::new();
        out.retain(|j| {
            let Some(rule) = rule_of(&j.finding.rule_id) else {
                return true;
            };
            if let Some(s) = &j.finding.suppression {
                exempted.push(format!(
                    "[{}] suppressed in the object: {}",
                    rule.id, s.reason
                ));
                return false;
            }
            match settings
                .exemptions
                .iter()
                .find(|e| e.covers(namespace, &name, &req.kind.kind, rule, today))
            {
                Some(e) => {
                    exempted.push(format!("[{}] {}", rule.id, e.reason));
                    false
                }
                None => true,
            }
        });
        exempted.dedup();
        if !exempted.is_empty() {
            annotations.insert(
                "exemptions".into(),
                clip(&join(exempted), MAX_ANNOTATION_CHARS),
            );
        }

        // Name the field of each finding acted on.
        if !out.is_empty() {
            let limits = palisade_yaml::Limits {
                max_bytes: palisade_engine::MAX_FILE_BYTES,
                ..palisade_yaml::Limits::default()
            };
            let stream = palisade_yaml::parse_stream(raw, &limits);
            if let Some(doc) = stream.documents.first() {
                for j in &mut out {
                    j.field = fieldpath::at(
                        &doc.root,
                        j.finding.location.line,
                        j.finding.location.column,
                    );
                }
            }
        }
        out.sort_by(|a, b| {
            b.action
                .cmp(&a.action)
                .then_with(|| Finding::report_order(&a.finding, &b.finding))
        });
        Ok(out)
    }

    /// Gatekeeper constraints on the request: violations with their
    /// actions, exemptions applied; an error when a constraint failed.
    #[allow(clippy::too_many_arguments)]
    fn judge_policies(
        &self,
        policies: &PolicySet,
        req: &Request,
        object: Value,
        old: Option<Value>,
        namespace: Option<palisade_policy::NamespaceInfo>,
        today: (i32, u32, u32),
        annotations: &mut BTreeMap<String, String>,
    ) -> Result<Vec<Judged>, String> {
        let parts = palisade_policy::RequestParts {
            operation: req.operation.as_str().to_string(),
            group: req.kind.group.clone(),
            version: req.kind.version.clone(),
            kind: req.kind.kind.clone(),
            name: req.name().to_string(),
            namespace: req.namespace().to_string(),
            uid: req.uid.clone(),
            user_info: serde_json::to_value(&req.user_info).unwrap_or(Value::Null),
            dry_run: req.is_dry_run(),
            object: Some(object),
            old_object: old,
        };
        let review = palisade_policy::Review::of_request(parts, namespace);
        let evaluation = policies.evaluate(&review, palisade_policy::EnforcementPoint::Webhook);
        if !evaluation.errors.is_empty() {
            return Err(join(evaluation.errors.iter().map(ToString::to_string)));
        }
        let settings = &self.config.admission;
        let location = palisade_core::Location {
            path: "object".into(),
            line: 1,
            column: 1,
        };
        let mut out = Vec::new();
        let mut exempted = Vec::new();
        for v in evaluation.violations {
            if !self.config.selection.enabled(v.rule) {
                continue;
            }
            if let Some(e) = settings.exemptions.iter().find(|e| {
                e.covers(
                    req.namespace(),
                    &review.target.name,
                    &req.kind.kind,
                    v.rule,
                    today,
                )
            }) {
                exempted.push(format!("[{}] {}", v.rule.id, e.reason));
                continue;
            }
            let mut finding = Finding::new(v.rule, v.message, location.clone());
            finding.severity = palisade_engine::severity_of(v.rule, &self.config);
            out.push(Judged {
                finding,
                action: settings.configured_action(v.rule).unwrap_or(v.action),
                field: None,
            });
        }
        if !exempted.is_empty() {
            let all = match annotations.get("exemptions") {
                Some(before) => format!("{before}; {}", join(exempted)),
                None => join(exempted),
            };
            annotations.insert("exemptions".into(), clip(&all, MAX_ANNOTATION_CHARS));
        }
        Ok(out)
    }

    /// The action for a non-Pod-Security finding.
    fn action_for(&self, rule: &RuleMeta, severity: Severity) -> Action {
        let settings = &self.config.admission;
        if let Some(a) = settings.configured_action(rule) {
            return a;
        }
        match settings.default_action {
            DefaultAction::Always(a) => a,
            DefaultAction::FailOn => {
                if severity >= self.config.fail_on.unwrap_or(Severity::Info) {
                    Action::Deny
                } else {
                    Action::Warn
                }
            }
        }
    }

    /// The mutating webhook's answer: safe defaults as a JSONPatch in
    /// namespaces labelled `<mutate-label>: enabled`; always admitted (the
    /// validating webhook judges the patched object).
    pub fn mutate(&self, req: &Request, namespaces: &dyn Namespaces) -> Outcome {
        let settings = &self.config.admission;
        let uid = req.uid.as_str();
        let judged_op = req.operation == Operation::Create;
        let plain = req.sub_resource.as_deref().is_none_or(str::is_empty);
        let namespace = req.namespace();
        if !judged_op || !plain || namespace.is_empty() || settings.namespace_exempt(namespace) {
            return Outcome::new(Response::allow(uid), Decision::Skipped);
        }
        let opted_in = namespaces
            .labels(namespace)
            .and_then(|l| l.get(&settings.mutate_label).cloned())
            .is_some_and(|v| v == "enabled");
        if !opted_in {
            return Outcome::new(Response::allow(uid), Decision::Skipped);
        }
        let Some(object) = req
            .object
            .as_ref()
            .and_then(|o| serde_json::from_str::<Value>(o.get()).ok())
        else {
            return error(uid, "the request carries no valid object".to_string());
        };
        let ops = mutate::safe_defaults(&object);
        let mut response = Response::allow(uid);
        if !ops.is_empty() {
            response.patch = serde_json::to_vec(&ops).ok();
            response.audit_annotations.insert(
                "mutated".into(),
                format!("{} safe defaults added", ops.len()),
            );
        }
        Outcome::new(response, Decision::Allowed)
    }
}

fn is_pss(rule: &RuleMeta) -> bool {
    rule.groups.contains(&"pss")
}

fn exempt(uid: &str, what: &str) -> Outcome {
    let mut r = Response::allow(uid);
    r.audit_annotations
        .insert("exempt".into(), what.to_string());
    Outcome::new(r, Decision::Exempt)
}

fn error(uid: &str, message: String) -> Outcome {
    Outcome::new(
        Response::deny(uid, 400, "BadRequest", message),
        Decision::Error,
    )
}

/// Turns judged findings into the response.
fn respond(
    uid: &str,
    req: &Request,
    judged: Vec<Judged>,
    mut annotations: BTreeMap<String, String>,
) -> Outcome {
    let line = |j: &Judged| match &j.field {
        Some(field) => format!("[{}] {}: {}", j.finding.rule_id, field, j.finding.message),
        None => format!("[{}] {}", j.finding.rule_id, j.finding.message),
    };
    let denied: Vec<String> = judged
        .iter()
        .filter(|j| j.action == Action::Deny)
        .map(line)
        .collect();
    let audited: Vec<String> = judged
        .iter()
        .filter(|j| j.action == Action::Audit)
        .map(line)
        .collect();
    if !audited.is_empty() {
        annotations.insert(
            "audit-violations".into(),
            clip(&join(audited), MAX_ANNOTATION_CHARS),
        );
    }
    let mut response = if denied.is_empty() {
        let mut r = Response::allow(uid);
        let warnings = judged
            .iter()
            .filter(|j| j.action == Action::Warn)
            .map(|j| format!("[{}] {}", j.finding.rule_id, j.finding.message));
        r.warnings = bounded_warnings(warnings);
        r
    } else {
        let what = match (req.kind.kind.as_str(), req.namespace(), req.name()) {
            (k, "", "") => k.to_string(),
            (k, "", n) => format!("{k} {n}"),
            (k, ns, "") => format!("{k} in namespace {ns}"),
            (k, ns, n) => format!("{k} {ns}/{n}"),
        };
        let message = format!(
            "palisade denied {what}: {} violation{}: {}",
            denied.len(),
            if denied.len() == 1 { "" } else { "s" },
            denied.join("; ")
        );
        Response::deny(uid, 403, "Forbidden", message)
    };
    response.audit_annotations = annotations;
    let decision = if response.allowed {
        Decision::Allowed
    } else {
        Decision::Denied
    };
    Outcome {
        response,
        decision,
        judged,
    }
}

/// One short warning per finding, within the API server's limits.
fn bounded_warnings(all: impl Iterator<Item = String>) -> Vec<String> {
    let all: Vec<String> = all.collect();
    let mut out = Vec::new();
    let mut total = 0;
    for (i, w) in all.iter().enumerate() {
        let w = clip(w, MAX_WARNING_CHARS);
        let rest = all.len() - i;
        if total + w.len() > MAX_WARNINGS_TOTAL - 64 && rest > 1 {
            out.push(format!(
                "... and {rest} more findings (see `palisade admit`)"
            ));
            break;
        }
        total += w.len();
        out.push(w);
    }
    out
}

/// At most `max` characters, with an ellipsis when cut.
fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn join(items: impl IntoIterator<Item = String>) -> String {
    items.into_iter().collect::<Vec<_>>().join("; ")
}
