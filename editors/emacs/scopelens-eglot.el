;;; scopelens-eglot.el --- scopelens as eglot's server for JavaScript and TypeScript  -*- lexical-binding: t; -*-

;; Load it (M-x load-file, or (load "/path/to/scopelens/editors/emacs/scopelens-eglot.el") in
;; init.el) with `scopelens' on PATH (npm install -g scopelens, or cargo install scopelens).
;; eglot runs one server per buffer, so this replaces the TypeScript server in these modes.
;; Hover shows in the echo area (eldoc), M-. goes to the binding; inlay hints need eglot 1.14 or
;; later (Emacs 29: `eglot-inlay-hints-mode').  Use :json-false to turn a hint kind off.

;;; Code:

(require 'eglot)

(add-to-list 'eglot-server-programs
             '((js-mode js-ts-mode typescript-ts-mode tsx-ts-mode)
               . ("scopelens" "--stdio"
                  :initializationOptions (:sourceKind "auto"
                                          :inlayHints (:closureCaptures t :capturedUses t)))))

(add-hook 'js-mode-hook #'eglot-ensure)

(provide 'scopelens-eglot)
;;; scopelens-eglot.el ends here
