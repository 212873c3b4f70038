//! Rendering the model to aerospike.conf text.
//!
//! The output is a pure function of the model: items are written in model order, each
//! nesting level is indented by 4 spaces, values are joined by single spaces, top-level
//! stanzas are separated by one blank line and the text ends with a newline. There are no
//! comments. The same model always gives the same bytes, so hashing the text is a stable
//! config hash.

use crate::model::{AerospikeConf, Item, Line, Stanza};

const INDENT: &str = "    ";

/// Renders the configuration as aerospike.conf text.
pub fn render(conf: &AerospikeConf) -> String {
    let mut out = String::new();
    for (i, item) in conf.items.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        render_item(&mut out, item, 0);
    }
    out
}

fn render_item(out: &mut String, item: &Item, depth: usize) {
    match item {
        Item::Line(line) => render_line(out, line, depth),
        Item::Stanza(stanza) => render_stanza(out, stanza, depth),
    }
}

fn indent(out: &mut String, depth: usize) {
    for _ in 0..depth {
        out.push_str(INDENT);
    }
}

fn render_line(out: &mut String, line: &Line, depth: usize) {
    indent(out, depth);
    out.push_str(&line.key);
    for v in &line.values {
        out.push(' ');
        out.push_str(v);
    }
    out.push('\n');
}

fn render_stanza(out: &mut String, stanza: &Stanza, depth: usize) {
    indent(out, depth);
    out.push_str(&stanza.name);
    for a in &stanza.args {
        out.push(' ');
        out.push_str(a);
    }
    out.push_str(" {\n");
    for item in &stanza.items {
        render_item(out, item, depth + 1);
    }
    indent(out, depth);
    out.push_str("}\n");
}

impl AerospikeConf {
    /// Renders this configuration as aerospike.conf text (see [`render`]).
    pub fn render(&self) -> String {
        render(self)
    }
}
