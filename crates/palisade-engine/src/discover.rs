//! From the paths a user names to the files the scanners read.

use crate::read::{Format, Origin, Source};
use ignore::WalkBuilder;
use ignore::overrides::OverrideBuilder;
use palisade_core::InputError;
use std::path::{Path, PathBuf};

/// Expands files and directories into sources. Directories are walked
/// recursively, honouring `.gitignore` (also outside a git repository) and
/// the `exclude` globs (gitignore syntax); only manifests (`.yaml`, `.yml`,
/// `.json`) and Dockerfiles are taken from them. A file named explicitly is
/// always taken, its format decided by name or content. Paths that do not
/// exist, and invalid globs, are returned as errors.
pub fn discover(paths: &[PathBuf], exclude: &[String]) -> (Vec<Source>, Vec<InputError>) {
    discover_files(paths, exclude, false)
}

/// [`discover`], and with `every_file` also every other file of the walked
/// directories (as [`Format::Other`]), for the secret scanner.
pub fn discover_files(
    paths: &[PathBuf],
    exclude: &[String],
    every_file: bool,
) -> (Vec<Source>, Vec<InputError>) {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for root in paths {
        let display_root = root.display().to_string();
        if root.is_file() {
            sources.push(file_source(root, true));
            continue;
        }
        if !root.is_dir() {
            errors.push(InputError {
                path: display_root,
                line: None,
                column: None,
                message: "no such file or directory".to_string(),
            });
            continue;
        }
        let mut overrides = OverrideBuilder::new(root);
        for glob in exclude {
            if let Err(e) = overrides.add(&format!("!{glob}")) {
                errors.push(InputError {
                    path: display_root.clone(),
                    line: None,
                    column: None,
                    message: format!("invalid --exclude glob `{glob}`: {e}"),
                });
            }
        }
        let mut walker = WalkBuilder::new(root);
        walker.require_git(false);
        if every_file {
            // Secrets live in dot-files (.env, .npmrc, .docker/config.json):
            // walk them, but never the repository's own database.
            walker
                .hidden(false)
                .filter_entry(|e| e.file_name() != ".git");
        }
        if let Ok(o) = overrides.build() {
            walker.overrides(o);
        }
        let mut found: Vec<Source> = Vec::new();
        for entry in walker.build() {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                    let name = e.file_name().to_string_lossy();
                    if palisade_k8s::is_manifest_name(&name)
                        || palisade_docker::is_dockerfile_name(&name)
                    {
                        found.push(file_source(e.path(), false));
                    } else if every_file {
                        let mut source = file_source(e.path(), false);
                        source.format = Format::Other;
                        found.push(source);
                    }
                }
                Ok(_) => {}
                Err(e) => errors.push(InputError {
                    path: display_root.clone(),
                    line: None,
                    column: None,
                    message: format!("cannot walk: {e}"),
                }),
            }
        }
        found.sort_by(|a, b| a.display.cmp(&b.display));
        sources.extend(found);
    }
    (sources, errors)
}

fn file_source(path: &Path, explicit: bool) -> Source {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let format = if palisade_docker::is_dockerfile_name(&name) {
        Format::Dockerfile
    } else if palisade_k8s::is_manifest_name(&name) {
        Format::Manifest
    } else {
        Format::Sniff
    };
    let display = path
        .strip_prefix("./")
        .unwrap_or(path)
        .display()
        .to_string();
    Source {
        display,
        origin: Origin::File(path.to_path_buf()),
        format,
        explicit,
    }
}
