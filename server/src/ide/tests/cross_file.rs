//! Cross-file answers over a project of several files: a fixture is a list of files, each
//! starting with `//- path`; one holds the `$0` cursor. The files are written to a fresh
//! directory (resolution reads the file system) which is the project's only folder.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use expect_test::{Expect, expect};

use crate::engine::Analysis;
use crate::ide::cross_file::{self, Definition, Project};
use crate::workspace::{NoOpenFiles, Workspace, normalize};

const CURSOR: &str = "$0";

struct MultiFixture {
    root: PathBuf,
    workspace: Workspace,
    /// The file with the cursor, and the cursor's offset.
    path: PathBuf,
    offset: u32,
}

impl MultiFixture {
    fn new(src: &str) -> Self {
        use std::sync::atomic::{AtomicU32, Ordering};
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let root = std::env::temp_dir().join(format!(
            "scopelens-ide-fixture-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&root);
        let mut cursor = None;
        for chunk in src.split("//- ").filter(|c| !c.trim().is_empty()) {
            let (name, body) = chunk.split_once('\n').expect("a path line then the text");
            let path = root.join(name.trim());
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            if let Some(at) = body.find(CURSOR) {
                cursor = Some((normalize(&path), at as u32));
            }
            std::fs::write(&path, body.replacen(CURSOR, "", 1)).unwrap();
        }
        let (path, offset) = cursor.expect("one file has a $0 cursor");
        let root = normalize(&root);
        Self {
            workspace: Workspace::new(vec![root.clone()]),
            root,
            path,
            offset,
        }
    }

    fn project(&self) -> Project<'_> {
        Project {
            workspace: &self.workspace,
            open: &NoOpenFiles,
        }
    }

    fn analysis(&self) -> Arc<Analysis> {
        self.workspace.module(&self.path, &NoOpenFiles).unwrap()
    }

    fn rel<'p>(&self, path: &'p Path) -> std::borrow::Cow<'p, str> {
        path.strip_prefix(&self.root)
            .unwrap_or(path)
            .to_string_lossy()
    }

    /// `file line:col `text`` as users count.
    fn place(&self, path: &Path, analysis: &Analysis, span: crate::engine::Span) -> String {
        let (line, col) = analysis.line_index.human(span.start);
        let text = std::fs::read_to_string(path).unwrap();
        format!(
            "{} {line}:{col} `{}`",
            self.rel(path),
            &text[span.start as usize..span.end as usize]
        )
    }
}

impl Drop for MultiFixture {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn check_references(src: &str, expected: Expect) {
    let f = MultiFixture::new(src);
    let files = cross_file::references(&f.project(), &f.path, &f.analysis(), f.offset, true);
    let mut out = String::new();
    for file in &files.files {
        for &span in &file.spans {
            out.push_str(&f.place(&file.path, &file.analysis, span));
            out.push('\n');
        }
    }
    expected.assert_eq(&out);
}

/// Each changed file after the rename, or the refusal.
fn check_rename(src: &str, new_name: &str, expected: Expect) {
    let f = MultiFixture::new(src);
    let out = match cross_file::rename(&f.project(), &f.path, &f.analysis(), f.offset, new_name) {
        None => "local to the file\n".to_string(),
        Some(Err(err)) => format!("refused: {}\n", err.message),
        Some(Ok(files)) => {
            let mut files = files;
            files.sort_by(|a, b| a.0.cmp(&b.0));
            let mut out = String::new();
            for (path, _, mut edits) in files {
                let mut text = std::fs::read_to_string(&path).unwrap();
                edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
                for e in edits {
                    text.replace_range(e.span.start as usize..e.span.end as usize, &e.new_text);
                }
                out.push_str(&format!("//- {}\n{text}", f.rel(&path)));
            }
            out
        }
    };
    expected.assert_eq(&out);
}

fn check_definition(src: &str, expected: Expect) {
    let f = MultiFixture::new(src);
    let analysis = f.analysis();
    let out = match cross_file::definition(&f.project(), &f.path, &analysis, f.offset) {
        Some(Definition::Here(span)) => f.place(&f.path, &analysis, span),
        Some(Definition::There(t)) => f.place(&t.path, &t.analysis, t.span()),
        None => "nothing".into(),
    };
    expected.assert_eq(&(out + "\n"));
}

fn check_hover(src: &str, expected: Expect) {
    let f = MultiFixture::new(src);
    let hover = cross_file::hover(&f.project(), &f.path, &f.analysis(), f.offset);
    let out = hover.map_or("nothing".into(), |h| h.markdown);
    expected.assert_eq(&(out + "\n"));
}

#[test]
fn references_follow_named_imports_and_reexports() {
    check_references(
        r#"
//- src/vector.js
export class Vector$0 {}
//- src/index.js
export { Vector } from './vector.js';
export { Vector as Vec } from './vector.js';
//- app/main.js
import { Vector } from '../src/index.js';
import { Vec } from '../src/index.js';
import * as lib from '../src/vector.js';
new Vector(); new Vec(); new lib.Vector();
//- app/unrelated.js
import { Vector } from './elsewhere.js';
new Vector();
"#,
        expect![[r#"
            app/main.js 1:10 `Vector`
            app/main.js 2:10 `Vec`
            app/main.js 4:5 `Vector`
            app/main.js 4:19 `Vec`
            app/main.js 4:34 `Vector`
            src/index.js 1:10 `Vector`
            src/index.js 2:10 `Vector`
            src/index.js 2:20 `Vec`
            src/vector.js 1:14 `Vector`
        "#]],
    );
}

#[test]
fn references_of_a_default_export_from_an_importer() {
    check_references(
        r#"
//- a.js
export default function make() {}
make();
//- b.js
import build from './a.js';
build$0();
//- c.js
import other from './a.js';
other();
"#,
        expect![[r#"
            a.js 1:25 `make`
            a.js 2:1 `make`
            b.js 1:8 `build`
            b.js 2:1 `build`
            c.js 1:8 `other`
            c.js 2:1 `other`
        "#]],
    );
}

#[test]
fn references_follow_commonjs_requires() {
    check_references(
        r#"
//- lib.js
function area$0(r) { return r * r; }
exports.area = area;
//- main.js
const { area } = require('./lib');
const lib = require('./lib');
area(1) + lib.area(2);
"#,
        expect![[r#"
            lib.js 1:10 `area`
            lib.js 2:9 `area`
            lib.js 2:16 `area`
            main.js 1:9 `area`
            main.js 3:1 `area`
            main.js 3:15 `area`
        "#]],
    );
}

#[test]
fn rename_through_a_reexport() {
    check_rename(
        r#"
//- src/vector.js
export class Vector$0 {}
//- src/index.js
export { Vector } from './vector.js';
//- main.js
import { Vector } from './src/index.js';
new Vector();
"#,
        "Vec3",
        expect![[r#"
            //- main.js
            import { Vec3 } from './src/index.js';
            new Vec3();
            //- src/index.js
            export { Vec3 } from './vector.js';
            //- src/vector.js
            export class Vec3 {}
        "#]],
    );
}

#[test]
fn rename_refuses_a_clash_in_a_module_on_the_way() {
    check_rename(
        r#"
//- a.js
export const size$0 = 1;
//- b.js
export { size } from './a.js';
export const length = 2;
"#,
        "length",
        expect![[r#"
            refused: `b.js` already exports `length`.
        "#]],
    );
}

#[test]
fn definition_and_hover_follow_a_reexport_chain() {
    let src = r#"
//- src/math.js
export function add(a, b) { return a + b; }
//- src/index.js
export * from './math.js';
//- main.js
import { add } from './src/index.js';
ad$0d(1, 2);
"#;
    check_definition(
        src,
        expect![[r#"
            src/math.js 1:17 `add`
        "#]],
    );
    check_hover(
        src,
        expect![[r#"
            `add` — imported binding → `function` binding in the **module environment of `src/math.js`**, line 1
            - re-exported: `add` of `src/index.js` → `src/math.js`

            ---

            `add` — `import` binding in the **module environment**

            - **local**: declared at the top level, where it is used
            - declared at line 1
        "#]],
    );
}

fn check_symbols(src: &str, query: &str, expected: Expect) {
    let f = MultiFixture::new(src);
    let (found, ready) = crate::ide::workspace_symbols(&f.project(), query, 10);
    assert!(ready);
    let out: String = found
        .iter()
        .map(|s| {
            format!(
                "{} {} {}:{} — {}\n",
                s.name,
                s.declaration,
                f.rel(&s.path),
                s.line + 1,
                s.container.replace(&f.root.display().to_string(), "")
            )
        })
        .collect();
    expected.assert_eq(&out);
}

#[test]
fn workspace_symbols_match_fuzzily_best_first() {
    let src = r#"
//- src/math/Vector3.js
import { clamp } from './util.js';
export class Vector3 {}
const vectorPool = [];
function v3Helper() {}
//- src/math/util.js
export function clamp$0() {}
//- lib/legacy.js
var Vec = require('./v');
function makeVector() {}
module.exports = makeVector;
//- page.js
var vue3 = 1;
"#;
    check_symbols(
        src,
        "vec3",
        expect![[r#"
            Vector3 class src/math/Vector3.js:2 — module environment of src/math/Vector3.js
        "#]],
    );
    check_symbols(
        src,
        "vec",
        expect![[r#"
            Vec var lib/legacy.js:1 — CommonJS module wrapper of lib/legacy.js
            Vector3 class src/math/Vector3.js:2 — module environment of src/math/Vector3.js
            vectorPool const src/math/Vector3.js:3 — module environment of src/math/Vector3.js
            makeVector function lib/legacy.js:2 — CommonJS module wrapper of lib/legacy.js
        "#]],
    );
}

#[test]
fn the_index_follows_files_changed_on_disk() {
    let f = MultiFixture::new(
        r#"
//- a.js
export const size$0 = 1;
//- b.js
import { size } from './a.js';
size;
"#,
    );
    let references = |f: &MultiFixture| -> Vec<String> {
        cross_file::references(&f.project(), &f.path, &f.analysis(), f.offset, false)
            .files
            .iter()
            .map(|file| format!("{} {}", f.rel(&file.path), file.spans.len()))
            .collect()
    };
    // Uses only (the declarations left out): one in b.js.
    assert_eq!(references(&f), ["b.js 1"]);
    // A new importer, announced: found without rebuilding the index.
    let c = f.root.join("c.js");
    std::fs::write(&c, "import { size } from './a.js';\nsize + size;\n").unwrap();
    f.workspace.changed(std::slice::from_ref(&c));
    assert_eq!(references(&f), ["b.js 1", "c.js 2"]);
    // b.js no longer imports it; c.js deleted.
    let b = f.root.join("b.js");
    std::fs::write(&b, "const size = 2;\nsize;\n").unwrap();
    std::fs::remove_file(&c).unwrap();
    f.workspace.changed(&[b, c]);
    assert!(references(&f).is_empty());
}
