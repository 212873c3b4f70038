//! Parsing aerospike.conf text into the model.
//!
//! The grammar is line based, like the server's own parser:
//! - `#` starts a comment that runs to the end of the line; blank lines are ignored;
//! - `name [args...] {` opens a stanza, `}` alone closes it, `name [args...] {}` is an
//!   empty stanza;
//! - any other line is `key [values...]`, split on spaces and tabs.
//!
//! What is normalised: comments, blank lines, indentation and runs of whitespace are not
//! kept, so `parse(render(parse(text)))` equals `parse(text)` but `render(parse(text))` is
//! usually not byte-identical to `text`.

use crate::error::ParseError;
use crate::model::{AerospikeConf, Item, Line, Stanza};

/// Parses aerospike.conf text. Errors carry the 1-based line and column.
pub fn parse(text: &str) -> Result<AerospikeConf, ParseError> {
    // Stack of open stanzas with the line they were opened on; the root is implicit.
    let mut root: Vec<Item> = Vec::new();
    let mut stack: Vec<(Stanza, usize)> = Vec::new();

    for (idx, raw) in text.lines().enumerate() {
        let line_no = idx + 1;
        let content = match raw.find('#') {
            Some(pos) => &raw[..pos],
            None => raw,
        };
        let tokens = tokenize(content);
        let Some(&(first_col, first)) = tokens.first() else {
            continue;
        };
        let err = |column: usize, message: String| ParseError {
            line: line_no,
            column,
            message,
        };

        if first == "}" {
            if let Some(&(col, tok)) = tokens.get(1) {
                return Err(err(
                    col,
                    format!("unexpected {tok:?} after '}}'; put it on its own line"),
                ));
            }
            let Some((done, _)) = stack.pop() else {
                return Err(err(
                    first_col,
                    "'}' without a matching '{'; remove it or open a stanza first".to_string(),
                ));
            };
            push_item(&mut root, &mut stack, Item::Stanza(done));
            continue;
        }

        // Split off a trailing "{" or "{}" (also glued to the last word: `service{`).
        let (words, opener) = split_opener(&tokens);
        for &(col, w) in &words {
            if let Some(off) = w.find(['{', '}']) {
                let c = &w[off..=off];
                let hint = if c == "{" {
                    "'{' must end the line that opens a stanza"
                } else {
                    "'}' must be alone on its line"
                };
                return Err(err(
                    col + w[..off].chars().count(),
                    format!("unexpected '{c}': {hint}"),
                ));
            }
        }
        let Some(&(_, name)) = words.first() else {
            return Err(err(
                first_col,
                "a stanza needs a name before '{', e.g. `service {`".to_string(),
            ));
        };
        let rest: Vec<String> = words[1..].iter().map(|(_, w)| (*w).to_string()).collect();
        match opener {
            Opener::None => push_item(
                &mut root,
                &mut stack,
                Item::Line(Line {
                    key: name.to_string(),
                    values: rest,
                }),
            ),
            Opener::Open => stack.push((
                Stanza {
                    name: name.to_string(),
                    args: rest,
                    items: Vec::new(),
                },
                line_no,
            )),
            Opener::Empty => push_item(
                &mut root,
                &mut stack,
                Item::Stanza(Stanza {
                    name: name.to_string(),
                    args: rest,
                    items: Vec::new(),
                }),
            ),
        }
    }

    if let Some((open, opened_at)) = stack.pop() {
        return Err(ParseError {
            line: opened_at,
            column: 1,
            message: format!(
                "stanza `{}` is never closed; add a '}}' line",
                stanza_label(&open)
            ),
        });
    }
    Ok(AerospikeConf { items: root })
}

fn stanza_label(s: &Stanza) -> String {
    let mut label = s.name.clone();
    for a in &s.args {
        label.push(' ');
        label.push_str(a);
    }
    label
}

fn push_item(root: &mut Vec<Item>, stack: &mut [(Stanza, usize)], item: Item) {
    match stack.last_mut() {
        Some((parent, _)) => parent.items.push(item),
        None => root.push(item),
    }
}

/// Whitespace-separated words with their 1-based character column.
fn tokenize(content: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start: Option<(usize, usize)> = None; // (byte offset, column)
    let mut col = 0;
    for (byte, ch) in content.char_indices() {
        col += 1;
        if ch.is_whitespace() {
            if let Some((b, c)) = start.take() {
                out.push((c, &content[b..byte]));
            }
        } else if start.is_none() {
            start = Some((byte, col));
        }
    }
    if let Some((b, c)) = start {
        out.push((c, &content[b..]));
    }
    out
}

enum Opener {
    None,
    Open,
    Empty,
}

fn split_opener<'a>(tokens: &[(usize, &'a str)]) -> (Vec<(usize, &'a str)>, Opener) {
    let mut words: Vec<(usize, &'a str)> = tokens.to_vec();
    let Some(&(col, last)) = words.last() else {
        return (words, Opener::None);
    };
    for (suffix, opener) in [("{}", Opener::Empty), ("{", Opener::Open)] {
        if let Some(stem) = last.strip_suffix(suffix) {
            words.pop();
            if !stem.is_empty() {
                words.push((col, stem));
            }
            return (words, opener);
        }
    }
    (words, Opener::None)
}

impl AerospikeConf {
    /// Parses aerospike.conf text (see [`parse`]).
    pub fn parse(text: &str) -> Result<AerospikeConf, ParseError> {
        parse(text)
    }
}
