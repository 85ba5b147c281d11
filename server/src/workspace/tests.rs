//! The workspace on the fixture in tests/fixtures/workspace: resolution and ResolveExport for
//! every form, printed as `file:line:col binding` (or why the link stops).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use expect_test::{Expect, expect};

use super::{NoOpenFiles, OpenFiles, TargetKind, Workspace};
use crate::engine::{Analysis, Input, analyze_in_thread};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/workspace")
}

fn describe(workspace: &Workspace, result: Result<super::Target, super::Unlinked>) -> String {
    let root = super::normalize(&root());
    match result {
        Ok(t) => {
            let rel = |p: &Path| p.strip_prefix(&root).unwrap_or(p).display().to_string();
            let (line, col) = t.analysis.line_index.human(t.span().start);
            let what = match t.kind {
                TargetKind::Binding(b) => format!(
                    "{} {}",
                    t.analysis.binding(b).declaration,
                    t.analysis.binding_name(b)
                ),
                TargetKind::Value(_) => "value".into(),
                TargetKind::Module => "module".into(),
            };
            let chain: Vec<String> = t
                .chain
                .iter()
                .map(|(p, n)| format!("{}#{n}", rel(p)))
                .collect();
            let _ = workspace;
            format!(
                "{}:{line}:{col} {what} (as {}){}",
                rel(&t.path),
                t.export_name,
                if chain.is_empty() {
                    String::new()
                } else {
                    format!(" via {}", chain.join(" → "))
                }
            )
        }
        Err(why) => format!(
            "unlinked: {}",
            why.to_string().replace(&root.display().to_string(), "")
        ),
    }
}

/// Every import binding and module member of `file`, with its target.
fn links(workspace: &Workspace, file: &str, open: &dyn OpenFiles) -> String {
    let path = super::normalize(&root().join(file));
    let analysis = workspace.module(&path, open).expect("fixture loads");
    let mut out = String::new();
    for entry in &analysis.module.imports {
        let name = analysis.binding_name(entry.binding);
        let result = workspace.import_target(&path, &analysis, entry.binding, open);
        out.push_str(&format!("{name} → {}\n", describe(workspace, result)));
    }
    for member in &analysis.module.members {
        let result = workspace
            .member_target(&path, &analysis, member.span.start, open)
            .expect("a member");
        out.push_str(&format!(
            ".{} → {}\n",
            member.name,
            describe(workspace, result)
        ));
    }
    out
}

fn check(file: &str, expect: Expect) {
    let workspace = Workspace::new(vec![root()]);
    expect.assert_eq(&links(&workspace, file, &NoOpenFiles));
}

#[test]
fn esm_forms() {
    check(
        "src/main.mjs",
        expect![[r#"
            Cart → src/cart.mjs:8:22 class Cart (as default)
            total → src/cart.mjs:4:17 function total (as total)
            util → src/util/index.mjs:1:1 module (as *)
            helper → src/helpers.mjs:1:17 function assist (as assist) via src/reexport.mjs#helper
            deep → src/deep/two.mjs:1:14 const deep (as deep) via src/barrel.mjs#deep → src/deep/one.mjs#deep
            ns → src/helpers.mjs:1:1 module (as *) via src/barrel.mjs#ns
            format → node_modules/pkg/esm.mjs:1:17 function format (as format)
            readFile → unlinked: `fs` is a Node.js builtin module
            nothing → unlinked: `./missing.mjs` could not be resolved (no such file or package)
            nowhere → unlinked: `/src/cycle-a.mjs` exports no `nowhere`
            ping → src/cycle-a.mjs:2:17 function ping (as ping)
            .slugify → src/util/index.mjs:1:17 function slugify (as slugify)
            .helper → src/helpers.mjs:1:17 function assist (as helper) via src/barrel.mjs#ns
        "#]],
    );
}

#[test]
fn commonjs_forms() {
    check(
        "src/server.cjs",
        expect![[r#"
            lib → src/lib.cjs:7:1 module (as *)
            add → src/lib.cjs:1:10 function add (as add)
            pkg → node_modules/pkg/cjs.cjs:1:1 module (as *)
            .add → src/lib.cjs:1:10 function add (as add)
            .sub → src/lib.cjs:4:10 function sub (as sub)
            .format → node_modules/pkg/cjs.cjs:1:27 value (as format)
        "#]],
    );
}

#[test]
fn typescript_paths_and_js_extension() {
    check(
        "src/app.ts",
        expect![[r#"
            shout → src/lib/strings.ts:1:17 function shout (as shout)
            whisper → src/quiet.ts:1:17 function whisper (as whisper)
        "#]],
    );
}

struct Overlay(PathBuf, Arc<Analysis>);

impl OpenFiles for Overlay {
    fn analysis(&self, path: &Path) -> Option<Arc<Analysis>> {
        (path == self.0).then(|| self.1.clone())
    }
}

#[test]
fn open_text_wins_over_disk() {
    let workspace = Workspace::new(vec![root()]);
    let cart = super::normalize(&root().join("src/cart.mjs"));
    let text = "\n\n\nexport const total = 1;\nexport default 0;\n";
    let analysis = Arc::new(analyze_in_thread(&Input::new(text, "cart.mjs")));
    let open = Overlay(cart, analysis);
    let out = links(&workspace, "src/main.mjs", &open);
    let first_two: String = out.lines().take(2).collect::<Vec<_>>().join("\n");
    expect![[r#"
        Cart → src/cart.mjs:5:16 value (as default)
        total → src/cart.mjs:4:14 const total (as total)"#]]
    .assert_eq(&first_two);
}

#[test]
fn files_are_cached_and_bounded() {
    let workspace = Workspace::new(vec![root()]);
    links(&workspace, "src/main.mjs", &NoOpenFiles);
    let first = workspace.stats();
    links(&workspace, "src/main.mjs", &NoOpenFiles);
    assert_eq!(
        workspace.stats().analysed,
        first.analysed,
        "a second pass reads nothing"
    );
    workspace.changed(&[root().join("src/cart.mjs")]);
    links(&workspace, "src/main.mjs", &NoOpenFiles);
    assert_eq!(
        workspace.stats().analysed,
        first.analysed + 1,
        "only the changed file again"
    );
    assert!(first.files <= super::files::MAX_CACHED_FILES);
}

#[test]
fn bad_files_degrade() {
    let dir = std::env::temp_dir().join(format!("scopelens-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("binary.js"), b"\0\x01\x02 export const a = 1;").unwrap();
    std::fs::write(dir.join("package.json"), b"{ broken").unwrap();
    std::fs::write(
        dir.join("main.mjs"),
        "import { a } from './binary.js';\nimport { b } from './gone.mjs';\nimport x from 'pkg';\n",
    )
    .unwrap();
    #[cfg(unix)]
    {
        let _ = std::os::unix::fs::symlink(dir.join("loop1.mjs"), dir.join("loop2.mjs"));
        let _ = std::os::unix::fs::symlink(dir.join("loop2.mjs"), dir.join("loop1.mjs"));
        std::fs::write(dir.join("loops.mjs"), "import { c } from './loop1.mjs';\n").unwrap();
    }
    let workspace = Workspace::new(vec![dir.clone()]);
    let main = dir.join("main.mjs");
    let analysis = workspace.module(&main, &NoOpenFiles).unwrap();
    for entry in &analysis.module.imports {
        let result = workspace.import_target(&main, &analysis, entry.binding, &NoOpenFiles);
        assert!(result.is_err(), "{result:?}");
    }
    let loops = dir.join("loops.mjs");
    if let Ok(analysis) = workspace.module(&loops, &NoOpenFiles) {
        for entry in &analysis.module.imports {
            assert!(
                workspace
                    .import_target(&loops, &analysis, entry.binding, &NoOpenFiles)
                    .is_err()
            );
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}
