//! Recursive-descent parser. Keywords are case-insensitive; a back-quoted name is never a
//! keyword (`` `PK` `` is a bin called PK).

use std::fmt;
use std::ops::Range;

use crate::ast::*;
use crate::lexer::{Tok, Token, lex};
use crate::names::{self, NameKind};

/// A syntax or name error at a byte range of the script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Byte range of the offending text (empty at the end of input).
    pub span: Range<usize>,
    /// What is wrong.
    pub message: String,
    /// What would have been accepted here.
    pub expected: Vec<String>,
}

impl ParseError {
    pub(crate) fn new(span: Range<usize>, message: impl Into<String>, expected: &[&str]) -> Self {
        Self {
            span,
            message: message.into(),
            expected: expected.iter().map(|s| (*s).to_string()).collect(),
        }
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (bytes {}..{}",
            self.message, self.span.start, self.span.end
        )?;
        if !self.expected.is_empty() {
            write!(f, "; expected {}", self.expected.join(" or "))?;
        }
        write!(f, ")")
    }
}

impl std::error::Error for ParseError {}

/// Parse a script: statements separated by `;` (empty statements are ignored). Every
/// statement is parsed even after an error, so all errors are reported at once.
pub fn parse(src: &str) -> Result<Vec<Spanned>, Vec<ParseError>> {
    let tokens = lex(src).map_err(|e| vec![e])?;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for chunk in tokens.split(|t| t.tok == Tok::Sym(';')) {
        if chunk.is_empty() {
            continue;
        }
        let span = chunk[0].span.start..chunk[chunk.len() - 1].span.end;
        let mut p = Parser {
            toks: chunk,
            pos: 0,
            end: span.end,
        };
        match p.statement().and_then(|s| p.finish().map(|()| s)) {
            Ok(statement) => out.push(Spanned { statement, span }),
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

/// Parse exactly one statement (a trailing `;` is allowed).
pub fn parse_statement(src: &str) -> Result<Statement, Vec<ParseError>> {
    let mut all = parse(src)?;
    match all.len() {
        1 => Ok(all.remove(0).statement),
        0 => Err(vec![ParseError::new(
            0..src.len(),
            "no statement",
            &["a statement"],
        )]),
        _ => Err(vec![ParseError::new(
            all[1].span.clone(),
            "more than one statement",
            &["the end of the input"],
        )]),
    }
}

type R<T> = Result<T, ParseError>;

struct Parser<'a> {
    toks: &'a [Token],
    pos: usize,
    end: usize,
}

const STATEMENTS: &[&str] = &[
    "SELECT",
    "EXPLAIN",
    "INSERT",
    "DELETE",
    "SHOW",
    "DESC",
    "CREATE",
    "DROP",
    "REGISTER",
    "REMOVE",
    "EXECUTE",
    "AGGREGATE",
    "TRUNCATE",
    "SET",
];

impl<'a> Parser<'a> {
    fn peek(&self) -> Option<&'a Token> {
        self.toks.get(self.pos)
    }

    fn here(&self) -> Range<usize> {
        self.peek().map_or(self.end..self.end, |t| t.span.clone())
    }

    fn err<T>(&self, message: impl Into<String>, expected: &[&str]) -> R<T> {
        Err(ParseError::new(self.here(), message, expected))
    }

    fn unexpected<T>(&self, expected: &[&str]) -> R<T> {
        let found = self.peek().map_or_else(
            || "the end of the statement".to_string(),
            |t| t.tok.describe(),
        );
        self.err(format!("unexpected {found}"), expected)
    }

    fn finish(&mut self) -> R<()> {
        if self.peek().is_some() {
            return self.unexpected(&["`;` or the end of the input"]);
        }
        Ok(())
    }

    /// Whether the next token is the bare keyword `kw`.
    fn at_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Word(w), .. }) if w.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.at_kw(kw) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn kw(&mut self, kw: &'static str) -> R<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            self.unexpected(&[&format!("`{kw}`")])
        }
    }

    /// One of several keywords; returns its index.
    fn one_of(&mut self, kws: &[&str]) -> R<usize> {
        for (i, k) in kws.iter().enumerate() {
            if self.eat_kw(k) {
                return Ok(i);
            }
        }
        let exp: Vec<String> = kws.iter().map(|k| format!("`{k}`")).collect();
        let exp: Vec<&str> = exp.iter().map(String::as_str).collect();
        self.unexpected(&exp)
    }

    fn at_sym(&self, c: char) -> bool {
        matches!(self.peek(), Some(Token { tok: Tok::Sym(s), .. }) if *s == c)
    }

    fn eat_sym(&mut self, c: char) -> bool {
        if self.at_sym(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn sym(&mut self, c: char) -> R<()> {
        if self.eat_sym(c) {
            Ok(())
        } else {
            self.unexpected(&[&format!("`{c}`")])
        }
    }

    /// A name (bare word or back-quoted), checked against the rules of `kind`.
    fn name(&mut self, kind: NameKind) -> R<String> {
        let Some(t) = self.peek() else {
            return self.unexpected(&[&format!("a {} name", kind.noun())]);
        };
        let text = match &t.tok {
            Tok::Word(w) | Tok::Quoted(w) => w.clone(),
            Tok::Number(n) => {
                return self.err(
                    format!(
                        "`{n}` starts with a digit; quote such a {} name with backquotes: `{n}`",
                        kind.noun()
                    ),
                    &[&format!("a {} name", kind.noun())],
                );
            }
            _ => return self.unexpected(&[&format!("a {} name", kind.noun())]),
        };
        names::check(kind, &text).map_err(|m| {
            ParseError::new(
                t.span.clone(),
                m,
                &[&format!("a valid {} name", kind.noun())],
            )
        })?;
        self.pos += 1;
        Ok(text)
    }

    fn target(&mut self) -> R<Target> {
        let namespace = self.name(NameKind::Namespace)?;
        let set = if self.eat_sym('.') {
            Some(self.name(NameKind::Set)?)
        } else {
            None
        };
        Ok(Target { namespace, set })
    }

    fn string(&mut self, what: &str) -> R<(String, Range<usize>)> {
        match self.peek() {
            Some(Token {
                tok: Tok::Str(s),
                span,
            }) => {
                self.pos += 1;
                Ok((s.clone(), span.clone()))
            }
            _ => self.unexpected(&[what]),
        }
    }

    fn unsigned(&mut self, what: &str) -> R<u64> {
        match self.peek() {
            Some(Token {
                tok: Tok::Number(n),
                span,
            }) => {
                let v = n.parse::<u64>().map_err(|_| {
                    ParseError::new(
                        span.clone(),
                        format!("`{n}` is not a whole number from 0 to 18446744073709551615"),
                        &[what],
                    )
                })?;
                self.pos += 1;
                Ok(v)
            }
            _ => self.unexpected(&[what]),
        }
    }

    fn integer(&mut self) -> R<i64> {
        let span = self.here();
        match self.value()? {
            Value::Int(i) => Ok(i),
            _ => Err(ParseError::new(
                span,
                "BETWEEN bounds are integers",
                &["an integer"],
            )),
        }
    }

    fn boolean(&mut self) -> R<bool> {
        Ok(self.one_of(&["true", "false"])? == 0)
    }

    fn statement(&mut self) -> R<Statement> {
        let i = self.one_of(STATEMENTS)?;
        match STATEMENTS[i] {
            "SELECT" => Ok(Statement::Select(self.select()?)),
            "EXPLAIN" => {
                self.kw("SELECT")?;
                Ok(Statement::Explain(self.select()?))
            }
            "INSERT" => self.insert(),
            "DELETE" => {
                self.kw("FROM")?;
                let target = self.target()?;
                self.kw("WHERE")?;
                let key = self.pk_value()?;
                Ok(Statement::Delete { target, key })
            }
            "SHOW" => self.show(),
            "DESC" => {
                if self.one_of(&["INDEX", "MODULE", "UDF"])? == 0 {
                    let namespace = self.name(NameKind::Namespace)?;
                    let name = self.name(NameKind::Index)?;
                    Ok(Statement::DescIndex { namespace, name })
                } else {
                    Ok(Statement::DescModule {
                        filename: self.filename()?,
                    })
                }
            }
            "CREATE" => self.create_index(),
            "DROP" => {
                self.kw("INDEX")?;
                let namespace = self.name(NameKind::Namespace)?;
                let name = self.name(NameKind::Index)?;
                Ok(Statement::DropIndex { namespace, name })
            }
            "REGISTER" => {
                self.kw("MODULE")?;
                let (path, span) = self.string("the module file path in quotes, 'udf/x.lua'")?;
                names::check_filename(names::basename(&path))
                    .map_err(|m| ParseError::new(span, m, &["a path ending in a `.lua` file"]))?;
                Ok(Statement::RegisterModule { path })
            }
            "REMOVE" => {
                self.kw("MODULE")?;
                Ok(Statement::RemoveModule {
                    filename: self.filename()?,
                })
            }
            "EXECUTE" => Ok(Statement::Execute(self.udf_call()?)),
            "AGGREGATE" => Ok(Statement::Aggregate(self.udf_call()?)),
            "TRUNCATE" => Ok(Statement::Truncate(self.target()?)),
            _ => self.set(),
        }
    }

    fn select(&mut self) -> R<Select> {
        let bins = if self.eat_sym('*') {
            None
        } else {
            let mut v = vec![self.name(NameKind::Bin)?];
            while self.eat_sym(',') {
                v.push(self.name(NameKind::Bin)?);
            }
            Some(v)
        };
        self.kw("FROM")?;
        let target = self.target()?;
        let collection = self.collection_prefix()?;
        let predicate = if self.eat_kw("WHERE") {
            Some(self.predicate(collection)?)
        } else if collection != Collection::Default {
            return self.unexpected(&["`WHERE`"]);
        } else {
            None
        };
        let limit = if self.eat_kw("LIMIT") {
            Some(self.unsigned("the number of records, LIMIT 100")?)
        } else {
            None
        };
        Ok(Select {
            bins,
            target,
            predicate,
            limit,
        })
    }

    /// Optional `IN LIST|MAPKEYS|MAPVALUES` (before `WHERE`, the `aql` collection form).
    fn collection_prefix(&mut self) -> R<Collection> {
        if self.eat_kw("IN") {
            self.collection()
        } else {
            Ok(Collection::Default)
        }
    }

    fn collection(&mut self) -> R<Collection> {
        Ok(match self.one_of(&["LIST", "MAPKEYS", "MAPVALUES"])? {
            0 => Collection::List,
            1 => Collection::MapKeys,
            _ => Collection::MapValues,
        })
    }

    /// `WHERE` body. `prefix` is a collection given before `WHERE`.
    fn predicate(&mut self, prefix: Collection) -> R<Predicate> {
        if self.at_kw("PK") {
            if prefix != Collection::Default {
                return self.err(
                    "a primary-key lookup cannot use a collection index",
                    &["a bin name"],
                );
            }
            return Ok(Predicate::PrimaryKey(self.pk_value()?));
        }
        let bin = self.name(NameKind::Bin)?;
        let op_span = self.here();
        let op = if self.eat_sym('=') {
            0
        } else {
            match self.one_of(&["BETWEEN", "CONTAINS", "WITHIN"]) {
                Ok(i) => i + 1,
                Err(_) => return self.unexpected(&["`=`, `BETWEEN`, `CONTAINS` or `WITHIN`"]),
            }
        };
        let suffix = |p: &mut Self, required: bool| -> R<Collection> {
            if p.eat_kw("IN") {
                let c = p.collection()?;
                if prefix != Collection::Default && prefix != c {
                    return Err(ParseError::new(
                        op_span.clone(),
                        "two different collection types",
                        &["one IN LIST|MAPKEYS|MAPVALUES"],
                    ));
                }
                Ok(c)
            } else if required && prefix == Collection::Default {
                p.unexpected(&["`IN LIST`, `IN MAPKEYS` or `IN MAPVALUES`"])
            } else {
                Ok(prefix)
            }
        };
        match op {
            0 => {
                let span = self.here();
                let value = self.value()?;
                if !matches!(value, Value::Int(_) | Value::Str(_) | Value::Bytes(_)) {
                    return Err(ParseError::new(
                        span,
                        "an index equality compares an integer, a string or bytes",
                        &["an integer, string or X'hex' value"],
                    ));
                }
                Ok(Predicate::Equals {
                    bin,
                    value,
                    collection: prefix,
                })
            }
            1 => {
                let low = self.integer()?;
                self.kw("AND")?;
                let high = self.integer()?;
                let collection = suffix(self, false)?;
                Ok(Predicate::Between {
                    bin,
                    low,
                    high,
                    collection,
                })
            }
            2 => {
                let span = self.here();
                let value = self.value()?;
                match value {
                    Value::GeoJson(point) => Ok(Predicate::GeoContains { bin, point }),
                    Value::Int(_) | Value::Str(_) | Value::Bytes(_) => {
                        let collection = suffix(self, true)?;
                        Ok(Predicate::Equals {
                            bin,
                            value,
                            collection,
                        })
                    }
                    _ => Err(ParseError::new(
                        span,
                        "CONTAINS takes an integer, a string, bytes or a GeoJSON point",
                        &["a value or GEOJSON('{\"type\":\"Point\",...}')"],
                    )),
                }
            }
            _ => {
                let span = self.here();
                match self.value()? {
                    Value::GeoJson(region) => Ok(Predicate::GeoWithin { bin, region }),
                    _ => Err(ParseError::new(
                        span,
                        "WITHIN takes a GeoJSON region",
                        &["GEOJSON('{\"type\":\"Polygon\",...}')"],
                    )),
                }
            }
        }
    }

    /// `PK = v` with a key-typed value.
    fn pk_value(&mut self) -> R<Value> {
        self.kw("PK")?;
        self.sym('=')?;
        let span = self.here();
        let v = self.value()?;
        if !v.is_key() {
            return Err(ParseError::new(
                span,
                "a primary key is an integer, a string or bytes",
                &["an integer, string or X'hex' key"],
            ));
        }
        Ok(v)
    }

    fn insert(&mut self) -> R<Statement> {
        self.kw("INTO")?;
        let target = self.target()?;
        self.sym('(')?;
        self.kw("PK")?;
        let mut bins = Vec::new();
        let mut spans = Vec::new();
        while self.eat_sym(',') {
            spans.push(self.here());
            let b = self.name(NameKind::Bin)?;
            if bins.contains(&b) {
                return Err(ParseError::new(
                    spans.pop().unwrap_or_default(),
                    format!("bin `{b}` is named twice"),
                    &["each bin once"],
                ));
            }
            bins.push(b);
        }
        self.sym(')')?;
        self.kw("VALUES")?;
        let open = self.here();
        self.sym('(')?;
        let key_span = self.here();
        let key = self.value()?;
        if !key.is_key() {
            return Err(ParseError::new(
                key_span,
                "a primary key is an integer, a string or bytes",
                &["an integer, string or X'hex' key"],
            ));
        }
        let mut values = Vec::new();
        while self.eat_sym(',') {
            values.push(self.value()?);
        }
        if values.len() != bins.len() {
            let span = open.start..self.here().end;
            return Err(ParseError::new(
                span,
                format!(
                    "{} bin name(s) but {} value(s) after the key",
                    bins.len(),
                    values.len()
                ),
                &["one value per named bin"],
            ));
        }
        self.sym(')')?;
        Ok(Statement::Insert(Insert {
            target,
            key,
            bins: bins.into_iter().zip(values).collect(),
        }))
    }

    fn show(&mut self) -> R<Statement> {
        let at_name = |p: &Self| {
            matches!(
                p.peek(),
                Some(Token {
                    tok: Tok::Word(_) | Tok::Quoted(_),
                    ..
                })
            )
        };
        let what = match self.one_of(&[
            "NAMESPACES",
            "SETS",
            "BINS",
            "INDEXES",
            "UDFS",
            "QUERIES",
            "MODULES",
            "SCANS",
        ])? {
            0 => Show::Namespaces,
            1 => Show::Sets(if at_name(self) {
                Some(self.name(NameKind::Namespace)?)
            } else {
                None
            }),
            2 => Show::Bins(if at_name(self) {
                Some(self.name(NameKind::Namespace)?)
            } else {
                None
            }),
            3 => Show::Indexes(if at_name(self) {
                Some(self.target()?)
            } else {
                None
            }),
            4 | 6 => Show::Udfs,
            _ => Show::Queries,
        };
        Ok(Statement::Show(what))
    }

    /// A module file name, quoted (`'x.lua'`) or bare (`x.lua`).
    fn filename(&mut self) -> R<String> {
        let start = self.here();
        let text = match self.peek().map(|t| &t.tok) {
            Some(Tok::Str(s)) => {
                self.pos += 1;
                s.clone()
            }
            Some(Tok::Word(_) | Tok::Quoted(_)) => {
                let mut s = match &self.toks[self.pos].tok {
                    Tok::Word(w) | Tok::Quoted(w) => w.clone(),
                    _ => String::new(),
                };
                self.pos += 1;
                while self.at_sym('.') {
                    self.pos += 1;
                    match self.peek().map(|t| &t.tok) {
                        Some(Tok::Word(w) | Tok::Quoted(w)) => {
                            s.push('.');
                            s.push_str(w);
                            self.pos += 1;
                        }
                        _ => return self.unexpected(&["the rest of the file name"]),
                    }
                }
                s
            }
            _ => return self.unexpected(&["a module file name, e.g. 'stats.lua'"]),
        };
        let span = start.start..self.toks[self.pos - 1].span.end;
        names::check_filename(&text)
            .map_err(|m| ParseError::new(span, m, &["a file name like stats.lua"]))?;
        Ok(text)
    }

    fn create_index(&mut self) -> R<Statement> {
        let collection = match self.one_of(&["INDEX", "LIST", "MAPKEYS", "MAPVALUES"])? {
            0 => Collection::Default,
            n => {
                self.kw("INDEX")?;
                [Collection::List, Collection::MapKeys, Collection::MapValues][n - 1]
            }
        };
        let name = self.name(NameKind::Index)?;
        self.kw("ON")?;
        let target = self.target()?;
        self.sym('(')?;
        let bin = self.name(NameKind::Bin)?;
        self.sym(')')?;
        let index_type = [
            IndexType::Numeric,
            IndexType::String,
            IndexType::Geo2DSphere,
            IndexType::Blob,
        ][self.one_of(&["NUMERIC", "STRING", "GEO2DSPHERE", "BLOB"])?];
        Ok(Statement::CreateIndex(CreateIndex {
            collection,
            name,
            target,
            bin,
            index_type,
        }))
    }

    fn udf_call(&mut self) -> R<UdfCall> {
        let module = self.name(NameKind::Module)?;
        self.sym('.')?;
        let function = self.name(NameKind::Function)?;
        self.sym('(')?;
        let mut args = Vec::new();
        if !self.eat_sym(')') {
            args.push(self.value()?);
            while self.eat_sym(',') {
                args.push(self.value()?);
            }
            self.sym(')')?;
        }
        self.kw("ON")?;
        let target = self.target()?;
        let collection = self.collection_prefix()?;
        let predicate = if self.eat_kw("WHERE") {
            Some(self.predicate(collection)?)
        } else if collection != Collection::Default {
            return self.unexpected(&["`WHERE`"]);
        } else {
            None
        };
        Ok(UdfCall {
            module,
            function,
            args,
            target,
            predicate,
        })
    }

    fn set(&mut self) -> R<Statement> {
        let s = match self.one_of(&["OUTPUT", "TIMEOUT", "RECORD_PRINT_METADATA", "KEY_SEND"])? {
            0 => Setting::Output(if self.one_of(&["TABLE", "JSON"])? == 0 {
                OutputFormat::Table
            } else {
                OutputFormat::Json
            }),
            1 => Setting::Timeout(self.unsigned("milliseconds, SET TIMEOUT 1000")?),
            2 => Setting::RecordPrintMetadata(self.boolean()?),
            _ => Setting::KeySend(self.boolean()?),
        };
        Ok(Statement::Set(s))
    }

    /// A literal value.
    fn value(&mut self) -> R<Value> {
        const EXPECTED: &[&str] = &[
            "a value: 42, 1.5, 'text', X'0aff', JSON('...'), LIST('[...]'), MAP('{...}'), GEOJSON('...')",
        ];
        let Some(t) = self.peek() else {
            return self.unexpected(EXPECTED);
        };
        let span = t.span.clone();
        match &t.tok {
            Tok::Str(s) => {
                self.pos += 1;
                Ok(Value::Str(s.clone()))
            }
            Tok::Hex(b) => {
                self.pos += 1;
                Ok(Value::Bytes(b.clone()))
            }
            Tok::Number(n) => {
                self.pos += 1;
                number(n).map_err(|m| ParseError::new(span, m, &["a number"]))
            }
            Tok::Word(w) => {
                let f = w.to_ascii_uppercase();
                if !matches!(f.as_str(), "JSON" | "LIST" | "MAP" | "GEOJSON" | "CAST") {
                    return self.err(format!("unexpected `{w}`"), EXPECTED);
                }
                self.pos += 1;
                self.sym('(')?;
                let (text, tspan) = self.string("a quoted string")?;
                let kind = if f == "CAST" {
                    self.kw("AS")?;
                    ["GEOJSON", "JSON", "LIST", "MAP"]
                        [self.one_of(&["GEOJSON", "JSON", "LIST", "MAP"])?]
                    .to_string()
                } else {
                    f
                };
                self.sym(')')?;
                typed(&kind, text)
                    .map_err(|m| ParseError::new(tspan, m, &[&format!("valid {kind} text")]))
            }
            _ => self.unexpected(EXPECTED),
        }
    }
}

fn number(n: &str) -> Result<Value, String> {
    let is_float = n.contains(['.', 'e', 'E']) && !n.starts_with("0x");
    if is_float {
        match n.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            Ok(_) => Err(format!("`{n}` is out of the range of a 64-bit float")),
            Err(_) => Err(format!("`{n}` is not a number")),
        }
    } else {
        n.parse::<i64>().map(Value::Int).map_err(|_| {
            if n.trim_start_matches(['-', '+'])
                .bytes()
                .all(|b| b.is_ascii_digit())
            {
                format!("`{n}` does not fit a 64-bit signed integer")
            } else {
                format!("`{n}` is not a number")
            }
        })
    }
}

fn typed(kind: &str, text: String) -> Result<Value, String> {
    let parse =
        |t: &str| serde_json::from_str::<Json>(t).map_err(|e| format!("{kind}: invalid JSON: {e}"));
    match kind {
        "JSON" => Ok(Value::Json(parse(&text)?)),
        "LIST" => match parse(&text)? {
            Json::Array(a) => Ok(Value::List(a)),
            _ => Err("LIST takes a JSON array, LIST('[1, 2]')".into()),
        },
        "MAP" => match parse(&text)? {
            Json::Object(o) => Ok(Value::Map(o)),
            _ => Err("MAP takes a JSON object, MAP('{\"a\": 1}')".into()),
        },
        _ => match parse(&text)? {
            Json::Object(o) if o.get("type").is_some_and(Json::is_string) => Ok(Value::GeoJson(text)),
            _ => Err("GEOJSON takes a GeoJSON object with a \"type\", e.g. {\"type\":\"Point\",\"coordinates\":[13.4,52.5]}".into()),
        },
    }
}
