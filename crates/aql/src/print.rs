//! Canonical AQL text of every AST node. Printing and parsing again gives the same AST.

use std::fmt::{self, Display, Formatter, Write};

use crate::ast::*;

/// Words the parser gives meaning to somewhere; names spelled like them are back-quoted.
const KEYWORDS: &[&str] = &[
    "AGGREGATE",
    "AND",
    "AS",
    "BETWEEN",
    "BINS",
    "BLOB",
    "CAST",
    "CONTAINS",
    "CREATE",
    "DELETE",
    "DESC",
    "DROP",
    "EXECUTE",
    "EXPLAIN",
    "FALSE",
    "FROM",
    "GEO2DSPHERE",
    "GEOJSON",
    "IN",
    "INDEX",
    "INDEXES",
    "INSERT",
    "INTO",
    "JSON",
    "KEY_SEND",
    "LIMIT",
    "LIST",
    "MAP",
    "MAPKEYS",
    "MAPVALUES",
    "MODULE",
    "MODULES",
    "NAMESPACES",
    "NUMERIC",
    "ON",
    "OUTPUT",
    "PK",
    "QUERIES",
    "RECORD_PRINT_METADATA",
    "REGISTER",
    "REMOVE",
    "SCANS",
    "SELECT",
    "SET",
    "SETS",
    "SHOW",
    "STRING",
    "TABLE",
    "TIMEOUT",
    "TRUE",
    "TRUNCATE",
    "UDF",
    "UDFS",
    "VALUES",
    "WHERE",
    "WITHIN",
];

fn is_bare(name: &str) -> bool {
    let mut chars = name.chars().peekable();
    let Some(first) = chars.next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '_') {
        return false;
    }
    let mut prev = first;
    while let Some(c) = chars.next() {
        let ok = c.is_ascii_alphanumeric()
            || c == '_'
            || c == '$'
            || (c == '-'
                && prev != '-'
                && chars
                    .peek()
                    .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '_' || *n == '$'));
        if !ok {
            return false;
        }
        prev = c;
    }
    !KEYWORDS.iter().any(|k| k.eq_ignore_ascii_case(name))
}

/// A name as AQL text: bare when it can be, else back-quoted.
pub fn quote_ident(name: &str) -> String {
    if is_bare(name) {
        name.to_string()
    } else {
        format!("`{}`", name.replace('`', "``"))
    }
}

/// A string as an AQL literal in single quotes.
pub fn quote_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        match c {
            '\'' => out.push_str("\\'"),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\0' => out.push_str("\\0"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('\'');
    out
}

struct Id<'a>(&'a str);

impl Display for Id<'_> {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str(&quote_ident(self.0))
    }
}

impl Display for Target {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}", Id(&self.namespace))?;
        if let Some(s) = &self.set {
            write!(f, ".{}", Id(s))?;
        }
        Ok(())
    }
}

fn json_text(j: &Json) -> String {
    serde_json::to_string(j).unwrap_or_default()
}

impl Display for Value {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Value::Int(i) => write!(f, "{i}"),
            // `{:?}` prints the shortest text that parses back to the same f64 and always
            // has a `.` or an exponent, so it reads back as a float.
            Value::Float(x) => write!(f, "{x:?}"),
            Value::Str(s) => f.write_str(&quote_str(s)),
            Value::Bytes(b) => {
                f.write_str("X'")?;
                for byte in b {
                    write!(f, "{byte:02x}")?;
                }
                f.write_str("'")
            }
            Value::Json(j) => write!(f, "JSON({})", quote_str(&json_text(j))),
            Value::List(l) => write!(
                f,
                "LIST({})",
                quote_str(&json_text(&Json::Array(l.clone())))
            ),
            Value::Map(m) => write!(
                f,
                "MAP({})",
                quote_str(&json_text(&Json::Object(m.clone())))
            ),
            Value::GeoJson(g) => write!(f, "GEOJSON({})", quote_str(g)),
        }
    }
}

fn in_collection(f: &mut Formatter<'_>, c: Collection) -> fmt::Result {
    if c != Collection::Default {
        write!(f, " IN {}", c.keyword())?;
    }
    Ok(())
}

impl Display for Predicate {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Predicate::PrimaryKey(v) => write!(f, "PK = {v}"),
            Predicate::Equals {
                bin,
                value,
                collection: Collection::Default,
            } => write!(f, "{} = {value}", Id(bin)),
            Predicate::Equals {
                bin,
                value,
                collection,
            } => {
                write!(f, "{} CONTAINS {value}", Id(bin))?;
                in_collection(f, *collection)
            }
            Predicate::Between {
                bin,
                low,
                high,
                collection,
            } => {
                write!(f, "{} BETWEEN {low} AND {high}", Id(bin))?;
                in_collection(f, *collection)
            }
            Predicate::GeoWithin { bin, region } => {
                write!(f, "{} WITHIN GEOJSON({})", Id(bin), quote_str(region))
            }
            Predicate::GeoContains { bin, point } => {
                write!(f, "{} CONTAINS GEOJSON({})", Id(bin), quote_str(point))
            }
        }
    }
}

impl Display for Select {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        f.write_str("SELECT ")?;
        match &self.bins {
            None => f.write_str("*")?,
            Some(bins) => {
                for (i, b) in bins.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{}", Id(b))?;
                }
            }
        }
        write!(f, " FROM {}", self.target)?;
        if let Some(p) = &self.predicate {
            write!(f, " WHERE {p}")?;
        }
        if let Some(l) = self.limit {
            write!(f, " LIMIT {l}")?;
        }
        Ok(())
    }
}

impl Display for UdfCall {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}(", Id(&self.module), Id(&self.function))?;
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{a}")?;
        }
        write!(f, ") ON {}", self.target)?;
        if let Some(p) = &self.predicate {
            write!(f, " WHERE {p}")?;
        }
        Ok(())
    }
}

impl Display for Statement {
    fn fmt(&self, f: &mut Formatter<'_>) -> fmt::Result {
        match self {
            Statement::Select(s) => write!(f, "{s}"),
            Statement::Explain(s) => write!(f, "EXPLAIN {s}"),
            Statement::Insert(i) => {
                write!(f, "INSERT INTO {} (PK", i.target)?;
                for (b, _) in &i.bins {
                    write!(f, ", {}", Id(b))?;
                }
                write!(f, ") VALUES ({}", i.key)?;
                for (_, v) in &i.bins {
                    write!(f, ", {v}")?;
                }
                f.write_str(")")
            }
            Statement::Delete { target, key } => {
                write!(f, "DELETE FROM {target} WHERE PK = {key}")
            }
            Statement::Show(s) => match s {
                Show::Namespaces => f.write_str("SHOW NAMESPACES"),
                Show::Sets(None) => f.write_str("SHOW SETS"),
                Show::Sets(Some(ns)) => write!(f, "SHOW SETS {}", Id(ns)),
                Show::Bins(None) => f.write_str("SHOW BINS"),
                Show::Bins(Some(ns)) => write!(f, "SHOW BINS {}", Id(ns)),
                Show::Indexes(None) => f.write_str("SHOW INDEXES"),
                Show::Indexes(Some(t)) => write!(f, "SHOW INDEXES {t}"),
                Show::Udfs => f.write_str("SHOW UDFS"),
                Show::Queries => f.write_str("SHOW QUERIES"),
            },
            Statement::DescIndex { namespace, name } => {
                write!(f, "DESC INDEX {} {}", Id(namespace), Id(name))
            }
            Statement::DescModule { filename } => {
                write!(f, "DESC MODULE {}", quote_str(filename))
            }
            Statement::CreateIndex(c) => {
                f.write_str("CREATE ")?;
                if c.collection != Collection::Default {
                    write!(f, "{} ", c.collection.keyword())?;
                }
                write!(
                    f,
                    "INDEX {} ON {} ({}) {}",
                    Id(&c.name),
                    c.target,
                    Id(&c.bin),
                    c.index_type.keyword()
                )
            }
            Statement::DropIndex { namespace, name } => {
                write!(f, "DROP INDEX {} {}", Id(namespace), Id(name))
            }
            Statement::RegisterModule { path } => {
                write!(f, "REGISTER MODULE {}", quote_str(path))
            }
            Statement::RemoveModule { filename } => {
                write!(f, "REMOVE MODULE {}", quote_str(filename))
            }
            Statement::Execute(c) => write!(f, "EXECUTE {c}"),
            Statement::Aggregate(c) => write!(f, "AGGREGATE {c}"),
            Statement::Truncate(t) => write!(f, "TRUNCATE {t}"),
            Statement::Set(s) => match s {
                Setting::Output(OutputFormat::Table) => f.write_str("SET OUTPUT TABLE"),
                Setting::Output(OutputFormat::Json) => f.write_str("SET OUTPUT JSON"),
                Setting::Timeout(ms) => write!(f, "SET TIMEOUT {ms}"),
                Setting::RecordPrintMetadata(b) => write!(f, "SET RECORD_PRINT_METADATA {b}"),
                Setting::KeySend(b) => write!(f, "SET KEY_SEND {b}"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote_ident("users"), "users");
        assert_eq!(quote_ident("my-set"), "my-set");
        assert_eq!(quote_ident("pk"), "`pk`");
        assert_eq!(quote_ident("2024"), "`2024`");
        assert_eq!(quote_ident("a--b"), "`a--b`");
        assert_eq!(quote_ident("a-"), "`a-`");
        assert_eq!(quote_ident("we`ird"), "`we``ird`");
        assert_eq!(quote_str("it's\n"), r"'it\'s\n'");
        assert_eq!(quote_str("\u{1}"), r"'\u{1}'");
    }
}
