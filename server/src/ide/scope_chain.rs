//! The Scope pane: every environment from the cursor outward, with its bindings.

use super::describe::owner;
use super::paused_frame::PausedFrame;
use super::{ChainBinding, ChainEnvironment, RetainedBinding};
use crate::engine::{Analysis, EnvId, EnvKind};

/// The environments from the innermost one at `offset` outward to the global one.
/// The closure the cursor is in gets `retains` (the state made per call that it keeps alive); the closures further out
/// do not, which keeps the answer O(chain) on deeply nested code.
pub fn scope_chain(analysis: &Analysis, offset: u32) -> Vec<ChainEnvironment> {
    let here = analysis.env_at(offset);
    let innermost = analysis.enclosing_closure(here);
    let frame = PausedFrame::at(analysis, offset);
    analysis
        .chain(here)
        .map(|env| environment(analysis, &frame, env, Some(env) == innermost))
        .collect()
}

fn environment(
    analysis: &Analysis,
    frame: &PausedFrame,
    env: EnvId,
    with_retains: bool,
) -> ChainEnvironment {
    let e = analysis.env(env);
    let bindings = analysis
        .bindings_of(env)
        .map(|id| {
            let b = analysis.binding(id);
            ChainBinding {
                binding: id,
                name: analysis.name(b.name).to_string(),
                declaration: b.declaration.as_str(),
                span: b.span,
                captured: !b.captured_by.is_empty(),
                mutated: b.mutated,
                shadows: analysis.shadowed_binding(id),
                v8: frame.keeps(id),
            }
        })
        .collect();
    ChainEnvironment {
        env,
        kind: e.kind.as_str(),
        owner: owner(analysis, env).to_string(),
        span: e.span,
        dynamic: e.kind == EnvKind::With || e.kind == EnvKind::Eval || e.has_sloppy_eval,
        bindings,
        retains: if with_retains {
            analysis.retains(env)
        } else {
            Vec::new()
        }
        .into_iter()
        // State made per call, as hover says: module-level bindings outlive closures anyway.
        .filter(|r| !r.module_level)
        .map(|r| RetainedBinding {
            binding: r.binding,
            name: analysis.binding_name(r.binding).to_string(),
            used: r.used,
        })
        .collect(),
    }
}
