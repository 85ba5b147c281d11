//! A large message (a `didOpen` of a 9 MB file) decoded without serde_json's byte-at-a-time
//! string loop: its large strings are found and unescaped 64 bytes per step (a bit per `"`, `\`
//! or control character), and serde_json reads the rest of the message with a short marker in
//! their place. On typescript.js, decoding the `didOpen` on the reader thread, before the
//! analysis can start, took 60.5M instructions with serde_json alone and takes 40.3M.
//!
//! Anything this reading does not take as plain valid JSON (a raw control character, an unknown
//! escape, a lone surrogate, a marker found twice) gives `None`, and the caller lets serde_json
//! read the whole message as before: same messages, same errors.

use serde_json::Value;
use tower_lsp_server::jsonrpc::Request;

/// Strings at least this long are taken out.
const LARGE: usize = 64 << 10;

/// The marker of the `i`th large string, as serde_json decodes it (`\u0000` keeps it apart
/// from anything a client means: a message holding it anyway is left to serde_json).
fn marker(i: usize) -> String {
    format!("\u{0}scopelens:large-string:{i}")
}

/// The request in `text` (a whole message, valid UTF-8), if it is one with large strings and
/// this reading takes it.
pub fn request(text: &str) -> Option<Request> {
    let (small, strings) = take_large_strings(text)?;
    let request = serde_json::from_str::<Request>(&small).ok()?;
    if request.method().is_empty() {
        return None; // a response: see `transport::decode`
    }
    let (method, id, params) = request.into_parts();
    let mut params = params?;
    let mut strings: Vec<Option<String>> = strings.into_iter().map(Some).collect();
    let mut found = 0;
    if !put_back(&mut params, &mut strings, &mut found) || found != strings.len() {
        return None;
    }
    let builder = Request::build(method).params(params);
    Some(match id {
        Some(id) => builder.id(id).finish(),
        None => builder.finish(),
    })
}

/// Replaces each marker string in `value` by its string; false if one is met twice.
fn put_back(value: &mut Value, strings: &mut [Option<String>], found: &mut usize) -> bool {
    match value {
        Value::String(s) => {
            let Some(i) = s
                .strip_prefix("\u{0}scopelens:large-string:")
                .and_then(|i| i.parse::<usize>().ok())
            else {
                return true;
            };
            match strings.get_mut(i).and_then(Option::take) {
                Some(string) => {
                    *s = string;
                    *found += 1;
                    true
                }
                None => false,
            }
        }
        Value::Array(items) => items.iter_mut().all(|v| put_back(v, strings, found)),
        Value::Object(map) => map.values_mut().all(|v| put_back(v, strings, found)),
        _ => true,
    }
}

/// `text` with each large string replaced by its marker, and the strings decoded; `None` if it
/// has none or one is not read here.
fn take_large_strings(text: &str) -> Option<(String, Vec<String>)> {
    let bytes = text.as_bytes();
    let mut small = String::new();
    let mut strings = Vec::new();
    let mut copied = 0;
    let mut at = 0;
    let mut decoded = Vec::new();
    // Outside strings a `"` always opens one (JSON has no other use for it); a stray `\` there
    // is serde_json's to report. Every string is decoded as it is read (one pass over the
    // text); a large one keeps its decoding.
    while let Some(open) = memchr::memchr(b'"', &bytes[at..]).map(|i| at + i) {
        let close = read_string(bytes, open + 1, &mut decoded)?;
        if close - open > LARGE {
            small.push_str(&text[copied..open]);
            small.push('"');
            small.push_str(&marker(strings.len()).replace('\u{0}', "\\u0000"));
            small.push('"');
            // Whole characters were copied, and escapes decoded to whole characters.
            strings.push(String::from_utf8(std::mem::take(&mut decoded)).ok()?);
            copied = close + 1;
        }
        at = close + 1;
    }
    if strings.is_empty() {
        return None;
    }
    small.push_str(&text[copied..]);
    Some((small, strings))
}

/// Decodes into `out` (cleared first) the string whose content starts at `from`; returns where
/// its closing `"` is. `None` at a raw control character, an escape not read here, or the end
/// of the text. 64 bytes per step: a bit per `"`, `\` or control character, then one step per
/// such byte (typescript.js's text has 236,000 escapes, one per 39 bytes).
fn read_string(bytes: &[u8], from: usize, out: &mut Vec<u8>) -> Option<usize> {
    out.clear();
    let mut reserved = false;
    let mut copied = from;
    let mut at = from;
    while at < bytes.len() {
        if !reserved && at - from > LARGE {
            // A large string: room for the rest of the text at once, not doubling after doubling.
            out.reserve(bytes.len() - at);
            reserved = true;
        }
        let end = (at + 64).min(bytes.len());
        let mut mask = special_mask(&bytes[at..end]);
        let mut next = end;
        while mask != 0 {
            let i = at + mask.trailing_zeros() as usize;
            out.extend_from_slice(&bytes[copied..i]);
            if bytes[i] == b'"' {
                return Some(i);
            }
            if bytes[i] != b'\\' {
                return None; // a raw control character
            }
            let (c, len) = escape(bytes, i)?;
            if c.is_ascii() {
                out.push(c as u8);
            } else {
                out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes());
            }
            copied = i + len;
            if copied >= end {
                next = copied; // the escape ends past this block
                break;
            }
            // Bits of the escape's own bytes (`\"`, `\\`) are not specials.
            mask &= u64::MAX << (copied - at);
        }
        at = next;
    }
    None
}

/// One bit per `"`, `\` or control character (below 0x20) of `bytes` (at most 64 of them).
/// On x86_64, 16 bytes per SSE2 comparison.
#[cfg(target_arch = "x86_64")]
fn special_mask(bytes: &[u8]) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_max_epu8, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    let mut mask = 0u64;
    let mut blocks = bytes.chunks_exact(16);
    for (k, block) in (&mut blocks).enumerate() {
        // SAFETY: SSE2 is part of every x86_64 CPU; the load reads the 16 bytes of `block`
        // (unaligned loads allowed).
        let bits = unsafe {
            let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
            let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
            // v ≤ 0x1F (unsigned) exactly when max(v, 0x1F) is 0x1F.
            let limit = _mm_set1_epi8(0x1F);
            let control = _mm_cmpeq_epi8(_mm_max_epu8(v, limit), limit);
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control))
        };
        mask |= u64::from(bits as u16) << (16 * k);
    }
    let base = bytes.len() - blocks.remainder().len();
    for (i, &b) in blocks.remainder().iter().enumerate() {
        mask |= u64::from(is_special(b)) << (base + i);
    }
    mask
}

/// One bit per `"`, `\` or control character (below 0x20) of `bytes` (at most 64 of them).
#[cfg(not(target_arch = "x86_64"))]
fn special_mask(bytes: &[u8]) -> u64 {
    let mut mask = 0u64;
    for (i, &b) in bytes.iter().enumerate() {
        mask |= u64::from(is_special(b)) << i;
    }
    mask
}

/// The character of the escape at `bytes[at]` (a `\`) and its length in bytes.
fn escape(bytes: &[u8], at: usize) -> Option<(char, usize)> {
    let simple = match *bytes.get(at + 1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let unit = hex4(bytes, at + 2)?;
            if (0xD800..0xDC00).contains(&unit) {
                // A surrogate pair: the low half must follow as `\uXXXX`.
                if bytes.get(at + 6..at + 8)? != b"\\u" {
                    return None;
                }
                let low = hex4(bytes, at + 8)?;
                if !(0xDC00..0xE000).contains(&low) {
                    return None;
                }
                let c = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
                return Some((char::from_u32(c)?, 12));
            }
            return Some((char::from_u32(unit)?, 6));
        }
        _ => return None,
    };
    Some((simple, 2))
}

fn hex4(bytes: &[u8], at: usize) -> Option<u32> {
    let digits = std::str::from_utf8(bytes.get(at..at + 4)?).ok()?;
    if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(digits, 16).ok()
}

fn is_special(b: u8) -> bool {
    b == b'"' || b == b'\\' || b < 0x20
}

#[cfg(test)]
mod tests {
    use super::*;

    fn did_open(text: &str) -> String {
        serde_json::json!({
            "jsonrpc": "2.0",
            "method": "textDocument/didOpen",
            "params": { "textDocument": {
                "uri": "file:///a.js", "languageId": "javascript", "version": 1, "text": text,
            } },
        })
        .to_string()
    }

    /// The request serde_json reads from `message`, and this module's (or `None`).
    fn both(message: &str) -> (Option<Request>, Option<Request>) {
        (
            serde_json::from_str::<Request>(message).ok(),
            request(message),
        )
    }

    #[test]
    fn large_texts_decode_as_serde_json_decodes_them() {
        // Every escape JSON has, in every position of a 16-byte block, non-ASCII text around.
        let pieces = [
            "a", "\n", "\"", "\\", "/", "\u{8}", "\u{c}", "\r", "\t", "\u{1}", "é", "€", "😀",
            "\u{7f}", "\u{1f}", "x y z", "\u{2028}",
        ];
        let mut seed = 7u64;
        for round in 0..40 {
            let mut text = String::new();
            while text.len() < LARGE + round * 37 {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                text.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
            }
            let message = did_open(&text);
            let (serde, fast) = both(&message);
            assert!(serde.is_some() && fast.is_some(), "round {round}");
            assert_eq!(fast, serde, "round {round}");
        }
    }

    #[test]
    fn corpus_files_decode_as_serde_json_decodes_them() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/corpus");
        for name in [
            "typescript.js",
            "lib.dom.d.ts",
            "react-dom-client.development.js",
        ] {
            let Ok(text) = std::fs::read_to_string(dir.join(name)) else {
                continue; // not fetched
            };
            let message = did_open(&text);
            let (serde, fast) = both(&message);
            assert!(fast.is_some(), "{name}");
            assert!(fast == serde, "{name}");
        }
    }

    #[test]
    fn escapes_written_other_ways_decode_the_same() {
        // `\/`, `\u` escapes (a surrogate pair among them), and a request with an id.
        let body = "x\\/\\u00e9\\u20AC\\ud83d\\ude00\\n".repeat(LARGE / 8);
        let message = format!(
            r#"{{"jsonrpc":"2.0","id":3,"method":"m","params":{{"a":["{body}",1,"{body}"],"b":"c"}}}}"#
        );
        let (serde, fast) = both(&message);
        assert!(serde.is_some());
        assert_eq!(fast, serde);
    }

    #[test]
    fn what_this_reading_does_not_take_is_left_to_serde_json() {
        let body = "abc".repeat(LARGE);
        // Small messages, a lone surrogate, a raw control character, an unknown escape, a
        // marker the client sent itself twice over, a response, broken JSON.
        for message in [
            did_open("small"),
            did_open(&body).replace("abcabc", "\\ud800abc"),
            did_open(&body).replace("abcabc", "\\u0001\u{1}"),
            did_open(&body).replace("abcabc", "\\x"),
            format!(
                r#"{{"jsonrpc":"2.0","method":"m","params":["{body}","\u0000scopelens:large-string:0"]}}"#
            ),
            format!(r#"{{"jsonrpc":"2.0","id":1,"result":"{body}"}}"#),
            format!(r#"{{"jsonrpc":"2.0","method":"m","params":["{body}""#),
        ] {
            assert_eq!(request(&message), None);
        }
    }
}
