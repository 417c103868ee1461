//! Build stages: each `FROM` starts one, and what it builds on is resolved
//! here (an earlier stage, `scratch`, an external image, or a reference we
//! cannot resolve because it needs a build argument).

use crate::kv;
use crate::parse::{Instruction, Parsed};
use crate::shell::split_flags;
use crate::vars::{Scope, Var, expand};
use palisade_core::image::ImageRef;
use std::collections::HashMap;

/// What a stage's `FROM` builds on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// `FROM scratch`: an empty image.
    Scratch,
    /// An earlier stage, by index.
    Stage(usize),
    /// An image from a registry.
    External {
        /// The reference after `${VAR}` expansion.
        image: ImageRef,
        /// The expanded reference as one string.
        resolved: String,
    },
    /// The reference uses a build argument without a default, or is not a
    /// well-formed image reference.
    Unresolved,
    /// `FROM` with no image.
    Missing,
}

/// One build stage.
#[derive(Debug, Clone)]
pub struct Stage<'a> {
    /// Position among the stages, from 0 (what `COPY --from=N` counts).
    pub index: usize,
    /// The `AS` name, as written.
    pub name: Option<String>,
    /// The image reference as written after `FROM`.
    pub written: String,
    /// The `FROM` instruction.
    pub from: &'a Instruction,
    /// What it builds on.
    pub base: Base,
    /// The instructions after `FROM`, up to the next `FROM`.
    pub body: &'a [Instruction],
}

impl Stage<'_> {
    /// How findings name the stage: its `AS` name, else `stage N`.
    pub fn label(&self) -> String {
        match &self.name {
            Some(n) => n.clone(),
            None => format!("stage {}", self.index),
        }
    }
}

/// A Dockerfile read into stages.
#[derive(Debug, Clone)]
pub struct Dockerfile<'a> {
    /// Instructions before the first `FROM` (global `ARG`s).
    pub preamble: &'a [Instruction],
    /// The stages, in order.
    pub stages: Vec<Stage<'a>>,
    /// The escape character in effect.
    pub escape: char,
    /// Global `ARG`s visible to `FROM` lines and to stages that redeclare them.
    pub global_args: Scope,
}

impl<'a> Dockerfile<'a> {
    /// Groups `parsed` into stages.
    pub fn new(parsed: &'a Parsed) -> Dockerfile<'a> {
        let all = parsed.instructions.as_slice();
        let starts: Vec<usize> = all
            .iter()
            .enumerate()
            .filter(|(_, i)| i.keyword == "FROM")
            .map(|(n, _)| n)
            .collect();
        let preamble = all
            .get(..starts.first().copied().unwrap_or(all.len()))
            .unwrap_or(&[]);
        let mut global_args = Scope::default();
        for ins in preamble.iter().filter(|i| i.keyword == "ARG") {
            for p in kv::arg_pairs(&ins.args) {
                let v = value_of(p.value, p.has_reference, &global_args, parsed.escape);
                global_args.set_arg(p.name, v);
            }
        }
        let mut stages: Vec<Stage<'a>> = Vec::with_capacity(starts.len());
        // Stage names are case-insensitive; a later stage of a name wins.
        let mut names: HashMap<String, usize> = HashMap::new();
        for (n, &start) in starts.iter().enumerate() {
            let end = starts
                .get(n.saturating_add(1))
                .copied()
                .unwrap_or(all.len());
            let Some(from) = all.get(start) else { continue };
            let body = all.get(start.saturating_add(1)..end).unwrap_or(&[]);
            let (written, name) = from_words(&from.args);
            let base = resolve_base(&written, &names, &global_args, parsed.escape);
            if let Some(name) = &name {
                names.insert(name.to_ascii_lowercase(), n);
            }
            stages.push(Stage {
                index: n,
                name,
                written,
                from,
                base,
                body,
            });
        }
        Dockerfile {
            preamble,
            stages,
            escape: parsed.escape,
            global_args,
        }
    }

    /// The variables an instruction of `stage` sees just before `upto`
    /// (an index into its body): its own `ARG`s (a redeclared global takes
    /// the global default) and `ENV`s, plus the `ENV`s of the stages it
    /// builds on. Linear in the instructions of the stage chain.
    pub fn scope(&self, stage: &Stage<'_>, upto: usize) -> Scope {
        let mut scope = Scope::default();
        for s in self.ancestors(stage).iter().rev() {
            for ins in s.body {
                self.apply(&mut scope, ins);
            }
            scope.end_stage();
        }
        for ins in stage.body.iter().take(upto) {
            self.apply(&mut scope, ins);
        }
        scope
    }

    /// The stages `stage` builds on, nearest first.
    pub fn ancestors(&self, stage: &Stage<'_>) -> Vec<&Stage<'a>> {
        let mut chain = Vec::new();
        let mut base = &stage.base;
        let mut below = stage.index;
        while let Base::Stage(p) = *base {
            // Indices only go down, so the walk ends.
            let Some(parent) = self.stages.get(p).filter(|_| p < below) else {
                break;
            };
            chain.push(parent);
            base = &parent.base;
            below = p;
        }
        chain
    }

    fn apply(&self, scope: &mut Scope, ins: &Instruction) {
        // Values are expanded against the scope as it is so far, one pair at
        // a time (Docker uses the scope from before the instruction; the
        // difference only matters for `ENV A=1 B=$A`).
        match ins.keyword.as_str() {
            "ENV" => {
                for p in kv::env_pairs(&ins.args) {
                    let v = value_of(p.value, p.has_reference, scope, self.escape);
                    scope.set_env(p.name, v);
                }
            }
            "ARG" => {
                for p in kv::arg_pairs(&ins.args) {
                    let v = match (p.value, self.global_args.get(&p.name)) {
                        (None, Some(g)) => g.clone(),
                        (value, _) => value_of(value, p.has_reference, scope, self.escape),
                    };
                    scope.set_arg(p.name, v);
                }
            }
            _ => {}
        }
    }
}

/// The variable a declared value gives.
fn value_of(value: Option<String>, has_reference: bool, scope: &Scope, escape: char) -> Var {
    match value {
        Some(v) if has_reference => expand(&v, scope, escape).map_or(Var::Unknown, Var::Set),
        Some(v) => Var::Set(v),
        None => Var::Unknown,
    }
}

/// The image reference and `AS` name of a `FROM`'s arguments.
fn from_words(args: &str) -> (String, Option<String>) {
    let (_, rest) = split_flags(args);
    let words: Vec<&str> = rest.split_whitespace().collect();
    let image = words.first().copied().unwrap_or("").to_string();
    let name = match (words.get(1), words.get(2)) {
        (Some(a), Some(n)) if a.eq_ignore_ascii_case("as") => Some((*n).to_string()),
        _ => None,
    };
    (image, name)
}

fn resolve_base(
    written: &str,
    stage_names: &HashMap<String, usize>,
    args: &Scope,
    escape: char,
) -> Base {
    if written.is_empty() {
        return Base::Missing;
    }
    let Some(resolved) = expand(written, args, escape) else {
        return Base::Unresolved;
    };
    if resolved.is_empty() {
        return Base::Unresolved;
    }
    if resolved.eq_ignore_ascii_case("scratch") {
        return Base::Scratch;
    }
    if let Some(&i) = stage_names.get(&resolved.to_ascii_lowercase()) {
        return Base::Stage(i);
    }
    match ImageRef::parse(&resolved) {
        Some(image) => Base::External { image, resolved },
        None => Base::Unresolved,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::indexing_slicing)]
    use super::*;
    use crate::parse::parse;

    #[test]
    fn multi_stage_bases() {
        let p = parse(
            "ARG BASE=node\nARG TAG\nFROM --platform=$BUILDPLATFORM ${BASE}:20 AS Build\nRUN x\nFROM build\nFROM scratch\nFROM node:$TAG\nFROM\nFROM stage-later AS x\n",
        );
        let d = Dockerfile::new(&p);
        assert_eq!(d.preamble.len(), 2);
        let bases: Vec<&Base> = d.stages.iter().map(|s| &s.base).collect();
        assert!(
            matches!(bases[0], Base::External { resolved, image } if resolved == "node:20" && image.tag.as_deref() == Some("20"))
        );
        assert_eq!(bases[1], &Base::Stage(0));
        assert_eq!(bases[2], &Base::Scratch);
        assert_eq!(bases[3], &Base::Unresolved);
        assert_eq!(bases[4], &Base::Missing);
        assert!(matches!(bases[5], Base::External { .. }));
        assert_eq!(d.stages[0].body.len(), 1);
        assert_eq!(d.stages[0].label(), "Build");
        assert_eq!(d.stages[1].label(), "stage 1");
    }

    #[test]
    fn from_arg_can_name_an_earlier_stage() {
        let p = parse("ARG BASE=builder\nFROM golang:1.23 AS builder\nFROM ${BASE}\n");
        let d = Dockerfile::new(&p);
        assert_eq!(d.stages[1].base, Base::Stage(0));
    }

    #[test]
    fn stage_scope_sees_redeclared_globals_env_and_parent_env() {
        let p = parse(
            "ARG U=app\nFROM a AS one\nARG U\nENV HOME_USER=$U P=1\nFROM one\nENV Q=2\nUSER x\n",
        );
        let d = Dockerfile::new(&p);
        let s0 = d.scope(&d.stages[0], 2);
        assert_eq!(s0.get("U"), Some(&Var::Set("app".into())));
        assert_eq!(s0.get("HOME_USER"), Some(&Var::Set("app".into())));
        let s1 = d.scope(&d.stages[1], 1);
        assert_eq!(s1.get("HOME_USER"), Some(&Var::Set("app".into())));
        assert_eq!(s1.get("Q"), Some(&Var::Set("2".into())));
        assert_eq!(s1.get("U"), None);
    }
}
