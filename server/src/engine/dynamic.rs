//! Dynamic resolution stated, not guessed: under `with` or a sloppy direct `eval`, a reference
//! may resolve at run time to an environment no declaration names. [`Analysis::candidates`]
//! lists the environments that may hold the name.

use super::model::{Analysis, EnvId, EnvKind, Reference};

impl Analysis {
    /// The environments that may hold `r`'s name at run time, innermost first: each `with`
    /// object environment and each function (or script) environment a sloppy direct `eval` can
    /// add `var`s to, between the reference and its static answer; then the static answer (the
    /// binding's environment, or the global one when nothing declares the name). A reference
    /// that is not dynamic has one candidate.
    pub fn candidates(&self, r: &Reference) -> Vec<EnvId> {
        let target = match r.binding {
            Some(b) => self.binding(b).environment,
            None => self.global(),
        };
        let mut out = Vec::new();
        if r.dynamic {
            for env in self.chain(r.environment) {
                if env == target {
                    break;
                }
                let e = self.env(env);
                if e.kind == EnvKind::With || e.has_sloppy_eval {
                    out.push(env);
                }
            }
        }
        out.push(target);
        out
    }
}
