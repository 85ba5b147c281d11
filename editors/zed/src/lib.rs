//! scopelens for Zed: starts `scopelens --stdio` (found on the worktree's PATH, or at the path in
//! `lsp.scopelens.binary.path`) and passes `lsp.scopelens.initialization_options` and
//! `lsp.scopelens.settings` from Zed's settings.
use zed_extension_api::{self as zed, settings::LspSettings, LanguageServerId, Result};

struct Scopelens;

impl zed::Extension for Scopelens {
    fn new() -> Self {
        Scopelens
    }

    fn language_server_command(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<zed::Command> {
        let binary = LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.binary);
        let command = binary
            .as_ref()
            .and_then(|b| b.path.clone())
            .or_else(|| worktree.which("scopelens"))
            .ok_or_else(|| {
                "scopelens is not on PATH: install it (npm install -g scopelens, or cargo install \
                 scopelens) or set lsp.scopelens.binary.path"
                    .to_string()
            })?;
        let args = binary
            .and_then(|b| b.arguments)
            .unwrap_or_else(|| vec!["--stdio".into()]);
        Ok(zed::Command {
            command,
            args,
            env: worktree.shell_env(),
        })
    }

    fn language_server_initialization_options(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        Ok(LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.initialization_options))
    }

    fn language_server_workspace_configuration(
        &mut self,
        id: &LanguageServerId,
        worktree: &zed::Worktree,
    ) -> Result<Option<zed::serde_json::Value>> {
        Ok(LspSettings::for_worktree(id.as_ref(), worktree)
            .ok()
            .and_then(|s| s.settings))
    }
}

zed::register_extension!(Scopelens);
