;;; scopelens-eglot.el --- scopelens beside your TypeScript server, in eglot  -*- lexical-binding: t; -*-

;; Load it (M-x load-file, or (load "/path/to/scopelens/editors/emacs/scopelens-eglot.el") in
;; init.el) with `scopelens' on PATH (build it: cargo build --release, then put
;; target/release on PATH).
;;
;; Keep your TypeScript server: eglot runs one server per buffer, so scopelens is started beside
;; it through the LSP multiplexer rassumfrassum (pip install rassumfrassum; its command is
;; `rass'), which eglot sees as one server.  scopelens comes first, so hover, go to definition,
;; references and rename are scopelens's; completion, signature help and formatting are
;; TypeScript's; code actions and diagnostics come from both.  When `rass' or the TypeScript
;; server (`scopelens-eglot-typescript-server') is missing, this file changes nothing: your
;; TypeScript setup stays as it is, and C-u M-x eglot RET scopelens --stdio RET runs scopelens
;; alone in one project.
;;
;; Settings: the server's defaults (scopelens --default-settings prints them); change them with
;; `eglot-workspace-configuration', e.g. (:scopelens (:inlayHints (:capturedUses t))).
;; Inlay hints need eglot 1.14 or later (Emacs 29: `eglot-inlay-hints-mode').

;;; Code:

(require 'eglot)

(defgroup scopelens-eglot nil
  "scopelens beside a TypeScript language server in eglot."
  :group 'eglot)

(defcustom scopelens-eglot-typescript-server '("typescript-language-server" "--stdio")
  "The TypeScript language server that scopelens runs beside."
  :type '(repeat string))

(defconst scopelens-eglot-modes '(js-mode js-ts-mode typescript-ts-mode tsx-ts-mode)
  "The major modes scopelens serves.")

(defun scopelens-eglot-contact ()
  "The eglot contact running scopelens and the TypeScript server through `rass', or nil."
  (when (and (executable-find "rass")
             (executable-find "scopelens")
             (executable-find (car scopelens-eglot-typescript-server)))
    `("rass" "--" "scopelens" "--stdio" "--" ,@scopelens-eglot-typescript-server)))

(let ((contact (scopelens-eglot-contact)))
  (if contact
      (add-to-list 'eglot-server-programs (cons scopelens-eglot-modes contact))
    (message "scopelens-eglot: kept your TypeScript server setup; to run scopelens beside it, install rass (pip install rassumfrassum) and %s, or run scopelens alone with C-u M-x eglot RET scopelens --stdio RET"
             (car scopelens-eglot-typescript-server))))

(provide 'scopelens-eglot)
;;; scopelens-eglot.el ends here
