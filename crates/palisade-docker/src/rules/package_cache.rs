//! DF007: package manager caches left in the image.

use super::Reporter;
use crate::kv;
use crate::script::run_command;
use crate::shell::{Command, pipelines};
use crate::stages::{Base, Dockerfile};
use palisade_core::declare_rule;

declare_rule! {
    /// ## What it does
    /// Flags a `RUN` that installs packages and leaves the package manager's
    /// cache in the layer:
    ///
    /// - `apt-get install` / `apt install` without `rm -rf /var/lib/apt/lists/*`
    ///   in the same `RUN`;
    /// - `apk add` without `--no-cache` (or `rm -rf /var/cache/apk/*`);
    /// - `pip install` (`pip3`, `python -m pip`) without `--no-cache-dir`,
    ///   unless `PIP_NO_CACHE_DIR` is set by `ENV` (in this stage or one it
    ///   builds on), by an `ARG` with a value in this stage, or on the command;
    /// - `yum` / `dnf` / `microdnf install` without `yum|dnf clean all` (or
    ///   removing `/var/cache/yum|dnf`) in the same `RUN`.
    ///
    /// A `RUN --mount=type=cache` whose target is that manager's cache
    /// (`/var/lib/apt` or `/var/cache/apt`, `/var/cache/apk`, `~/.cache/pip`
    /// or `/root/.cache`, `/var/cache/yum|dnf`) keeps the cache out of the
    /// image and is not reported. Cleaning up in a later `RUN` does not help:
    /// the earlier layer still holds the files.
    ///
    /// ## Why is this bad?
    /// Package indexes and downloaded archives are useless at run time, often
    /// tens or hundreds of megabytes: they slow every pull and scan, and stale
    /// indexes make a later `apt-get install` in a derived image install
    /// outdated, vulnerable versions.
    ///
    /// ## Example
    /// ```dockerfile
    /// RUN apt-get update && apt-get install -y curl
    /// RUN pip install -r requirements.txt
    /// ```
    ///
    /// ## Use instead
    /// ```dockerfile
    /// RUN apt-get update \
    ///  && apt-get install -y --no-install-recommends curl \
    ///  && rm -rf /var/lib/apt/lists/*
    /// RUN pip install --no-cache-dir -r requirements.txt
    /// ```
    pub static PACKAGE_CACHE = {
        id: "DF007",
        name: "dockerfile-package-cache",
        title: "Package manager cache left in the image",
        severity: Low,
        groups: ["dockerfile"],
        remediation: "Clean up in the same RUN that installs (`rm -rf /var/lib/apt/lists/*`, `apk add --no-cache`, `pip install --no-cache-dir`, `dnf clean all`), or use `RUN --mount=type=cache` for the manager's cache directory.",
        references: [
            Url("https://docs.docker.com/build/building/best-practices/#apt-get"),
            Url("https://pip.pypa.io/en/stable/topics/caching/"),
        ],
    };
}

/// A package manager this rule knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Manager {
    Apt,
    Apk,
    Pip,
    Yum,
}

impl Manager {
    /// Cache-mount targets that keep this manager's cache out of the image.
    fn cache_dirs(self) -> &'static [&'static str] {
        match self {
            Manager::Apt => &["/var/lib/apt", "/var/cache/apt"],
            Manager::Apk => &["/var/cache/apk", "/etc/apk/cache"],
            Manager::Pip => &["/root/.cache", "/.cache/pip"],
            Manager::Yum => &["/var/cache/yum", "/var/cache/dnf", "/var/cache/libdnf5"],
        }
    }

    /// Directories whose removal in the same `RUN` cleans the cache.
    fn removed_dirs(self) -> &'static [&'static str] {
        match self {
            Manager::Apt => &["/var/lib/apt/lists"],
            Manager::Apk => &["/var/cache/apk"],
            Manager::Pip => &["/root/.cache/pip", "/root/.cache"],
            Manager::Yum => &["/var/cache/yum", "/var/cache/dnf"],
        }
    }
}

/// An install command found in a `RUN`.
struct Install {
    manager: Manager,
    /// The command as the message cites it, e.g. `apt-get install`.
    shown: String,
    /// The command itself avoids the cache (`--no-cache`, `--no-cache-dir`).
    cacheless: bool,
}

/// Checks every `RUN`.
pub fn check(file: &Dockerfile<'_>, r: &mut Reporter<'_>) {
    // Whether each stage leaves PIP_NO_CACHE_DIR set by ENV to the stages
    // built on it (ARGs do not cross stages). Parents come first, so one
    // pass fills it.
    let mut leaves_pip_env: Vec<bool> = Vec::with_capacity(file.stages.len());
    for stage in &file.stages {
        let inherited = match stage.base {
            Base::Stage(p) => leaves_pip_env.get(p).copied().unwrap_or(false),
            _ => false,
        };
        leaves_pip_env.push(inherited || stage.body.iter().any(sets_pip_no_cache(true)));
        let mut pip_env = inherited;
        for ins in stage.body {
            if sets_pip_no_cache(false)(ins) {
                pip_env = true;
            }
            if ins.keyword != "RUN" {
                continue;
            }
            let run = run_command(ins);
            let mounts = run.cache_mounts();
            let commands: Vec<Command> = pipelines(&run.script).into_iter().flatten().collect();
            // Each manager's cleanup is looked for once per RUN, not once per install.
            let cleaned_up = [Manager::Apt, Manager::Apk, Manager::Pip, Manager::Yum]
                .map(|m| (m, cleaned(&commands, m)));
            let mut reported: Vec<Manager> = Vec::new();
            for install in commands.iter().filter_map(install) {
                let m = install.manager;
                let mounted = mounts
                    .iter()
                    .any(|t| m.cache_dirs().iter().any(|d| t.contains(d)));
                let ok = install.cacheless
                    || mounted
                    || (m == Manager::Pip && pip_env)
                    || cleaned_up.iter().any(|&(c, done)| c == m && done);
                if ok || reported.contains(&m) {
                    continue;
                }
                reported.push(m);
                let message = match m {
                    Manager::Apt => format!(
                        "RUN installs packages with `{}` but does not remove `/var/lib/apt/lists` in the same RUN (RUN at line {})",
                        install.shown, ins.line
                    ),
                    Manager::Apk => format!(
                        "RUN runs `{}` without `--no-cache`, which keeps the package index in the image (RUN at line {})",
                        install.shown, ins.line
                    ),
                    Manager::Pip => format!(
                        "RUN runs `{}` without `--no-cache-dir`, which keeps pip's download cache in the image (RUN at line {})",
                        install.shown, ins.line
                    ),
                    Manager::Yum => format!(
                        "RUN installs packages with `{}` but does not run `{} clean all` in the same RUN (RUN at line {})",
                        install.shown,
                        install.shown.split(' ').next().unwrap_or("yum"),
                        ins.line
                    ),
                };
                r.report(&PACKAGE_CACHE, stage.label(), ins, message);
            }
        }
    }
}

/// Whether an instruction sets `PIP_NO_CACHE_DIR` (by `ENV`, or by an
/// `ARG` with a value when `env_only` is false).
fn sets_pip_no_cache(env_only: bool) -> impl Fn(&crate::parse::Instruction) -> bool {
    move |ins| match ins.keyword.as_str() {
        "ENV" => kv::env_pairs(&ins.args)
            .iter()
            .any(|p| p.name == "PIP_NO_CACHE_DIR"),
        "ARG" if !env_only => kv::arg_pairs(&ins.args)
            .iter()
            .any(|p| p.name == "PIP_NO_CACHE_DIR" && p.value.is_some()),
        _ => false,
    }
}

/// The install a command runs, if any.
fn install(cmd: &Command) -> Option<Install> {
    let (_, program) = cmd.program()?;
    let args = cmd.args();
    let has = |w: &str| args.iter().any(|a| a == w);
    let subcommand = args
        .iter()
        .find(|a| !a.starts_with('-'))
        .map(String::as_str);
    match program {
        "apt-get" | "apt" | "aptitude" if has("install") => Some(Install {
            manager: Manager::Apt,
            shown: format!("{program} install"),
            cacheless: false,
        }),
        "apk" if subcommand == Some("add") => Some(Install {
            manager: Manager::Apk,
            shown: "apk add".into(),
            cacheless: has("--no-cache"),
        }),
        "yum" | "dnf" | "microdnf" | "tdnf" if has("install") => Some(Install {
            manager: Manager::Yum,
            shown: format!("{program} install"),
            cacheless: false,
        }),
        p if is_pip(p) && subcommand == Some("install") => Some(pip_install(cmd, p)),
        p if is_python(p) => {
            let m = args.iter().position(|a| a == "-m")?;
            let module = args.get(m.saturating_add(1))?;
            let rest = args.get(m.saturating_add(2)..)?;
            let sub = rest.iter().find(|a| !a.starts_with('-'))?;
            (is_pip(module) && sub == "install").then(|| {
                let mut i = pip_install(cmd, "pip");
                i.shown = format!("{p} -m pip install");
                i
            })
        }
        _ => None,
    }
}

fn pip_install(cmd: &Command, program: &str) -> Install {
    Install {
        manager: Manager::Pip,
        shown: format!("{program} install"),
        cacheless: cmd
            .args()
            .iter()
            .any(|a| a == "--no-cache-dir" || a.starts_with("--no-cache-dir="))
            || cmd
                .assignments()
                .any(|a| a.starts_with("PIP_NO_CACHE_DIR=")),
    }
}

fn is_pip(p: &str) -> bool {
    p.strip_prefix("pip")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

fn is_python(p: &str) -> bool {
    p.strip_prefix("python")
        .is_some_and(|v| v.chars().all(|c| c.is_ascii_digit() || c == '.'))
}

/// Whether the same `RUN` cleans the manager's cache.
fn cleaned(commands: &[Command], m: Manager) -> bool {
    commands.iter().any(|c| {
        let Some((_, program)) = c.program() else {
            return false;
        };
        let args = c.args();
        match program {
            "rm" => args
                .iter()
                .any(|a| m.removed_dirs().iter().any(|d| a.starts_with(d))),
            "yum" | "dnf" | "microdnf" | "tdnf" => {
                m == Manager::Yum
                    && args.iter().any(|a| a == "clean")
                    && args.iter().any(|a| a == "all")
            }
            "apk" => m == Manager::Apk && args.iter().any(|a| a == "cache"),
            _ => false,
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn managers(script: &str) -> Vec<(Manager, bool)> {
        pipelines(script)
            .into_iter()
            .flatten()
            .filter_map(|c| install(&c))
            .map(|i| (i.manager, i.cacheless))
            .collect()
    }

    #[test]
    fn installs() {
        assert_eq!(
            managers("apt-get -y install x && apk add --no-cache y"),
            [(Manager::Apt, false), (Manager::Apk, true)]
        );
        assert_eq!(
            managers("python3 -m pip install --no-cache-dir x; pip3.12 install y"),
            [(Manager::Pip, true), (Manager::Pip, false)]
        );
        assert_eq!(managers("sudo dnf -y install x"), [(Manager::Yum, false)]);
        assert!(managers("apt-get update && pip download x && apk info").is_empty());
    }

    #[test]
    fn cleaning() {
        let c: Vec<Command> = pipelines("x && rm -rf /var/lib/apt/lists/* && yum -q clean all")
            .into_iter()
            .flatten()
            .collect();
        assert!(cleaned(&c, Manager::Apt));
        assert!(cleaned(&c, Manager::Yum));
        assert!(!cleaned(&c, Manager::Apk));
        let c: Vec<Command> = pipelines("dnf clean packages")
            .into_iter()
            .flatten()
            .collect();
        assert!(!cleaned(&c, Manager::Yum));
    }
}
