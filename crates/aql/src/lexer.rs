//! Tokens with byte spans. Comments (`-- ...` to end of line, `/* ... */`) are skipped.

use std::ops::Range;

use crate::parser::ParseError;

/// A token kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    /// Bare word: keyword or identifier (`[A-Za-z_][A-Za-z0-9_$-]*`, no `--`).
    Word(String),
    /// Back-quoted identifier, `` `odd name` `` (a doubled backquote is one backquote).
    Quoted(String),
    /// String literal, `'...'` or `"..."` with backslash escapes.
    Str(String),
    /// Number as written (`-12`, `1.5e3`).
    Number(String),
    /// Hex bytes, `X'0aff'`.
    Hex(Vec<u8>),
    /// One of `( ) , . = * ;`.
    Sym(char),
}

impl Tok {
    /// Short description for "found ..." messages.
    pub fn describe(&self) -> String {
        match self {
            Tok::Word(w) => format!("`{w}`"),
            Tok::Quoted(w) => format!("`{w}` (quoted name)"),
            Tok::Str(_) => "a string".into(),
            Tok::Number(n) => format!("the number {n}"),
            Tok::Hex(_) => "a bytes literal".into(),
            Tok::Sym(c) => format!("`{c}`"),
        }
    }
}

/// A token and where it is.
#[derive(Debug, Clone, PartialEq)]
pub struct Token {
    /// Kind.
    pub tok: Tok,
    /// Byte range in the source.
    pub span: Range<usize>,
}

fn word_start(c: char) -> bool {
    c.is_ascii_alphabetic() || c == '_'
}

fn word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '$'
}

/// Split `src` into tokens.
pub fn lex(src: &str) -> Result<Vec<Token>, ParseError> {
    let b = src.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        if c == b'-' && b.get(i + 1) == Some(&b'-') {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
            continue;
        }
        if c == b'/' && b.get(i + 1) == Some(&b'*') {
            let start = i;
            match src[i + 2..].find("*/") {
                Some(end) => i = i + 2 + end + 2,
                None => {
                    return Err(ParseError::new(
                        start..src.len(),
                        "this comment is not closed",
                        &["`*/`"],
                    ));
                }
            }
            continue;
        }
        let start = i;
        if (c == b'x' || c == b'X') && b.get(i + 1) == Some(&b'\'') {
            let (text, end) = string_body(src, i + 1)?;
            let bytes = decode_hex(&text).ok_or_else(|| {
                ParseError::new(
                    start..end,
                    "a bytes literal holds an even number of hex digits",
                    &["hex digits like X'0aff'"],
                )
            })?;
            out.push(Token {
                tok: Tok::Hex(bytes),
                span: start..end,
            });
            i = end;
            continue;
        }
        if word_start(char::from(c)) {
            let mut j = i + 1;
            while j < b.len() {
                let d = char::from(b[j]);
                let hyphen = d == '-' && b.get(j + 1).is_some_and(|n| word_char(char::from(*n)));
                if word_char(d) || hyphen {
                    j += 1;
                } else {
                    break;
                }
            }
            out.push(Token {
                tok: Tok::Word(src[i..j].to_string()),
                span: i..j,
            });
            i = j;
            continue;
        }
        if c.is_ascii_digit()
            || (c == b'-' || c == b'+')
                && b.get(i + 1)
                    .is_some_and(|d| d.is_ascii_digit() || *d == b'.')
            || c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit) && !prev_is_name(&out, i)
        {
            let mut j = i + 1;
            while j < b.len() {
                let d = b[j];
                let exp_sign = (d == b'-' || d == b'+') && matches!(b[j - 1], b'e' | b'E');
                if d.is_ascii_alphanumeric() || d == b'.' || exp_sign {
                    j += 1;
                } else {
                    break;
                }
            }
            out.push(Token {
                tok: Tok::Number(src[i..j].to_string()),
                span: i..j,
            });
            i = j;
            continue;
        }
        match c {
            b'\'' | b'"' => {
                let (text, end) = string_body(src, i)?;
                out.push(Token {
                    tok: Tok::Str(text),
                    span: start..end,
                });
                i = end;
            }
            b'`' => {
                let mut text = String::new();
                let mut j = i + 1;
                loop {
                    match src[j..].find('`') {
                        None => {
                            return Err(ParseError::new(
                                start..src.len(),
                                "this quoted name is not closed",
                                &["a closing backquote"],
                            ));
                        }
                        Some(k) => {
                            text.push_str(&src[j..j + k]);
                            j += k + 1;
                            if b.get(j) == Some(&b'`') {
                                text.push('`');
                                j += 1;
                            } else {
                                break;
                            }
                        }
                    }
                }
                out.push(Token {
                    tok: Tok::Quoted(text),
                    span: start..j,
                });
                i = j;
            }
            b'(' | b')' | b',' | b'.' | b'=' | b'*' | b';' => {
                out.push(Token {
                    tok: Tok::Sym(char::from(c)),
                    span: i..i + 1,
                });
                i += 1;
            }
            _ => {
                let ch = src[i..].chars().next().unwrap_or('?');
                return Err(ParseError::new(
                    i..i + ch.len_utf8(),
                    format!("unexpected character {ch:?}"),
                    &["a keyword, name, value or one of ( ) , . = * ;"],
                ));
            }
        }
    }
    Ok(out)
}

/// A `.` right after a name is the `ns.set` separator, never the start of a number.
fn prev_is_name(out: &[Token], at: usize) -> bool {
    out.last()
        .is_some_and(|t| t.span.end == at && matches!(t.tok, Tok::Word(_) | Tok::Quoted(_)))
}

/// Read a quoted string starting at the quote `src[at]`; returns the text and the end offset.
fn string_body(src: &str, at: usize) -> Result<(String, usize), ParseError> {
    let quote = src[at..].chars().next().unwrap_or('\'');
    let mut text = String::new();
    let mut chars = src[at + 1..].char_indices();
    while let Some((k, ch)) = chars.next() {
        let pos = at + 1 + k;
        if ch == quote {
            return Ok((text, pos + 1));
        }
        if ch != '\\' {
            text.push(ch);
            continue;
        }
        let Some((_, e)) = chars.next() else { break };
        match e {
            'n' => text.push('\n'),
            'r' => text.push('\r'),
            't' => text.push('\t'),
            '0' => text.push('\0'),
            '\\' | '\'' | '"' => text.push(e),
            'u' => {
                let rest = &src[pos + 2..];
                let parsed = rest
                    .strip_prefix('{')
                    .and_then(|r| r.find('}').map(|end| (&r[..end], end)))
                    .and_then(|(hex, end)| {
                        u32::from_str_radix(hex, 16)
                            .ok()
                            .and_then(char::from_u32)
                            .map(|c| (c, end))
                    });
                let Some((c, end)) = parsed else {
                    return Err(ParseError::new(
                        pos..(pos + 2),
                        "bad unicode escape",
                        &["\\u{HEX} with a valid code point"],
                    ));
                };
                text.push(c);
                // Skip `{hex}`.
                for _ in 0..end + 2 {
                    chars.next();
                }
            }
            other => {
                return Err(ParseError::new(
                    pos..pos + 1 + other.len_utf8(),
                    format!("unknown escape `\\{other}`"),
                    &["\\n \\r \\t \\0 \\\\ \\' \\\" or \\u{HEX}"],
                ));
            }
        }
    }
    Err(ParseError::new(
        at..src.len(),
        "this string is not closed",
        &[if quote == '"' {
            "a closing `\"`"
        } else {
            "a closing `'`"
        }],
    ))
}

fn decode_hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) || !s.is_ascii() {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(s: &str) -> Vec<Tok> {
        lex(s).unwrap().into_iter().map(|t| t.tok).collect()
    }

    #[test]
    fn tokens() {
        assert_eq!(
            kinds("SELECT a-b FROM test.demo -- x\n WHERE PK = -5 /* c */;"),
            vec![
                Tok::Word("SELECT".into()),
                Tok::Word("a-b".into()),
                Tok::Word("FROM".into()),
                Tok::Word("test".into()),
                Tok::Sym('.'),
                Tok::Word("demo".into()),
                Tok::Word("WHERE".into()),
                Tok::Word("PK".into()),
                Tok::Sym('='),
                Tok::Number("-5".into()),
                Tok::Sym(';'),
            ]
        );
        assert_eq!(
            kinds(r#"'it\'s' "a;b" X'0aFF' `we``ird` 1.5e-3"#),
            vec![
                Tok::Str("it's".into()),
                Tok::Str("a;b".into()),
                Tok::Hex(vec![0x0a, 0xff]),
                Tok::Quoted("we`ird".into()),
                Tok::Number("1.5e-3".into()),
            ]
        );
        assert_eq!(kinds(r"'\u{e9}x'"), vec![Tok::Str("éx".into())]);
    }

    #[test]
    fn errors_have_spans() {
        let e = lex("SELECT 'abc").unwrap_err();
        assert_eq!(e.span, 7..11);
        let e = lex("a ? b").unwrap_err();
        assert_eq!(e.span, 2..3);
        let e = lex("X'abc'").unwrap_err();
        assert_eq!(e.span, 0..6);
        let e = lex("/* open").unwrap_err();
        assert_eq!(e.span, 0..7);
    }
}
