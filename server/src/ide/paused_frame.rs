//! What a debugger paused at an offset can read, as V8 keeps it: the paused function's own
//! variables, the context-allocated variables of the functions around it (the retention model,
//! `engine::retention`), the script context and the global object. An outer function's variable
//! that no closure captures lived on that function's stack: V8 dropped it, and the debugger
//! answers `ReferenceError` (vscode-js-debug issue 737).

use rustc_hash::FxHashMap;

use crate::engine::{Analysis, BindingId, DeclarationKind, EnvId, EnvKind, NameId};

/// Whether, and where, V8 keeps a binding for a frame paused at some offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeptByV8 {
    /// A variable of the paused function itself (its stack or its own contexts: DevTools'
    /// Local, Block and Catch scopes).
    Frame,
    /// An outer variable some closure captures: a slot of a context on the paused function's
    /// chain (DevTools' Closure scopes), or a module cell.
    Context,
    /// A top-level `let`/`const`/`class` of a classic script: the script context.
    Script,
    /// A property of the global object (a script's top-level `var` or function).
    Global,
    /// An outer variable no closure captures: gone from the paused frame.
    Dropped,
}

impl KeptByV8 {
    pub fn is_kept(self) -> bool {
        self != KeptByV8::Dropped
    }
    /// Why V8 does not have it, for the ones it dropped.
    pub fn reason(self) -> Option<&'static str> {
        (self == KeptByV8::Dropped).then_some(DROPPED)
    }
}

/// The one wording of why an outer variable is missing from the paused frame.
pub const DROPPED: &str = "no closure captures it";

/// A frame paused at an offset.
pub struct PausedFrame<'a> {
    analysis: &'a Analysis,
    /// The innermost environment at the pause.
    pub here: EnvId,
    /// The function paused in; `None` at the top level of a script or module.
    pub function: Option<EnvId>,
    stop: u32,
    /// Name → the binding it resolves to at the pause, filled as names are asked about.
    visible: FxHashMap<NameId, Option<BindingId>>,
}

impl<'a> PausedFrame<'a> {
    pub fn at(analysis: &'a Analysis, offset: u32) -> Self {
        let here = analysis.env_at(offset);
        Self {
            analysis,
            here,
            function: analysis.enclosing_closure(here),
            stop: offset,
            visible: FxHashMap::default(),
        }
    }

    /// The function whose frame or contexts hold `env`'s variables. A named function
    /// expression's own name lives, in V8, in the function itself (pushed right after it).
    fn function_of(&self, env: EnvId) -> Option<EnvId> {
        let a = self.analysis;
        if a.env(env).kind == EnvKind::FunctionName {
            let next = EnvId(env.0 + 1);
            if (next.0 as usize) < a.environments.len() && a.env(next).parent == Some(env) {
                return Some(next);
            }
        }
        a.enclosing_closure(env)
    }

    /// Whether `binding` is what its name means at the pause (not shadowed there, not another
    /// function's variable). O(chain) the first time a name is asked, then O(1).
    pub fn sees(&mut self, binding: BindingId) -> bool {
        let a = self.analysis;
        let name = a.binding(binding).name;
        if let Some(&seen) = self.visible.get(&name) {
            return seen == Some(binding);
        }
        let mut found = a.resolve(self.here, a.name(name)).map(|(b, _)| b);
        // A named function expression's own name that V8 does not allocate is in no scope the
        // debugger walks: there the name means the next binding out.
        while let Some(b) = found
            && a.binding(b).declaration == DeclarationKind::FunctionName
            && self.keeps(b).is_none()
        {
            found = a
                .env(a.binding(b).environment)
                .parent
                .and_then(|outer| a.resolve(outer, a.name(name)))
                .map(|(b, _)| b);
        }
        self.visible.insert(name, found);
        found == Some(binding)
    }

    /// How V8 keeps `binding` for this frame; `None` for what the debugger does not list by
    /// name: `#private` names, and a named function expression's own name unless the paused
    /// function is that function and uses it (V8 allocates the name only when it is used, and
    /// does not show it in the scopes of inner functions).
    pub fn keeps(&self, binding: BindingId) -> Option<KeptByV8> {
        let a = self.analysis;
        let b = a.binding(binding);
        let own_function = self.function_of(b.environment) == self.function;
        match b.declaration {
            DeclarationKind::PrivateName => return None,
            DeclarationKind::FunctionName if !own_function || b.captured_by.is_empty() => {
                return None;
            }
            _ => {}
        }
        Some(match a.env(b.environment).kind {
            EnvKind::Global => KeptByV8::Global,
            EnvKind::Script => KeptByV8::Script,
            _ if own_function => KeptByV8::Frame,
            _ if b.context_allocated => KeptByV8::Context,
            _ => KeptByV8::Dropped,
        })
    }

    /// A `let`/`const`/`class` (or a parameter of a list with expressions) of the paused
    /// function whose initialization has not run at the pause: V8 lists it, with no value.
    pub fn in_tdz(&self, binding: BindingId) -> bool {
        let a = self.analysis;
        let b = a.binding(binding);
        let lexical = matches!(
            b.declaration,
            DeclarationKind::Let
                | DeclarationKind::Const
                | DeclarationKind::Class
                | DeclarationKind::Using
                | DeclarationKind::Parameter
        );
        if !lexical || self.function_of(b.environment) != self.function {
            return false;
        }
        let inits = &a.facts.initializations;
        let end = inits.partition_point(|(pattern, _)| pattern.start <= b.span.start);
        // Patterns nest only through a parameter's default holding a function: a few steps back
        // find the one around the binding.
        let initialized = inits[..end]
            .iter()
            .rev()
            .take(8)
            .find(|(pattern, _)| pattern.contains_span(b.span))
            .map(|&(_, at)| at);
        match initialized {
            Some(at) => self.stop < at,
            // A simple parameter is initialized on entry.
            None if b.declaration == DeclarationKind::Parameter => false,
            None => self.stop < b.span.end,
        }
    }
}
