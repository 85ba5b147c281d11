//! Names the host provides on the global object, so that an undeclared `console` is told apart
//! from a typo that would throw a ReferenceError.

/// ECMAScript's own globals, then the common ones of browsers and Node.
const KNOWN_GLOBALS: &[&str] = &[
    // ECMAScript
    "globalThis", "Infinity", "NaN", "undefined", "eval", "isFinite", "isNaN", "parseFloat",
    "parseInt", "decodeURI", "decodeURIComponent", "encodeURI", "encodeURIComponent", "escape",
    "unescape", "AggregateError", "Array", "ArrayBuffer", "Atomics", "BigInt", "BigInt64Array",
    "BigUint64Array", "Boolean", "DataView", "Date", "Error", "EvalError", "FinalizationRegistry",
    "Float16Array", "Float32Array", "Float64Array", "Function", "Int8Array", "Int16Array",
    "Int32Array", "Intl", "Iterator", "JSON", "Map", "Math", "Number", "Object", "Promise", "Proxy",
    "RangeError", "ReferenceError", "Reflect", "RegExp", "Set", "SharedArrayBuffer", "String",
    "Symbol", "SyntaxError", "TypeError", "Uint8Array", "Uint8ClampedArray", "Uint16Array",
    "Uint32Array", "URIError", "WeakMap", "WeakRef", "WeakSet", "DisposableStack",
    "AsyncDisposableStack", "SuppressedError",
    // Shared by browsers and Node
    "console", "setTimeout", "clearTimeout", "setInterval", "clearInterval", "queueMicrotask",
    "structuredClone", "fetch", "Request", "Response", "Headers", "URL", "URLSearchParams",
    "TextEncoder", "TextDecoder", "AbortController", "AbortSignal", "Blob", "File", "FormData",
    "Event", "EventTarget", "MessageChannel", "MessagePort", "BroadcastChannel", "WebAssembly",
    "performance", "crypto", "atob", "btoa", "navigator", "WebSocket", "ReadableStream",
    "WritableStream", "TransformStream", "DOMException",
    // Browsers
    "window", "self", "document", "location", "history", "localStorage", "sessionStorage",
    "alert", "confirm", "prompt", "requestAnimationFrame", "cancelAnimationFrame",
    "requestIdleCallback", "cancelIdleCallback", "getComputedStyle", "matchMedia",
    "XMLHttpRequest", "Image", "Node", "Element", "HTMLElement", "customElements",
    "MutationObserver", "IntersectionObserver", "ResizeObserver", "indexedDB", "Worker",
    "screen", "devicePixelRatio", "innerWidth", "innerHeight", "frames", "parent", "top",
    "opener", "postMessage", "addEventListener", "removeEventListener", "dispatchEvent",
    // Node
    "global", "process", "Buffer", "setImmediate", "clearImmediate",
];

pub fn is_known_global(name: &str) -> bool {
    KNOWN_GLOBALS.contains(&name)
}
