//! The AQL syntax tree. Every name in it has passed [`crate::names`]; every value is typed.

use std::ops::Range;

/// A JSON value (the payload of `JSON(...)`, `LIST(...)`, `MAP(...)`).
pub type Json = serde_json::Value;

/// One statement of a script with the byte range of its source text.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned {
    /// The statement.
    pub statement: Statement,
    /// Byte range in the script (without the terminating `;`).
    pub span: Range<usize>,
}

/// `ns` or `ns.set`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// Namespace.
    pub namespace: String,
    /// Set; `None` = the whole namespace.
    pub set: Option<String>,
}

/// Which elements of a bin a secondary index covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Collection {
    /// The bin value itself.
    #[default]
    Default,
    /// List elements.
    List,
    /// Map keys.
    MapKeys,
    /// Map values.
    MapValues,
}

impl Collection {
    /// The AQL keyword (`LIST`, `MAPKEYS`, `MAPVALUES`; empty for the default).
    pub fn keyword(self) -> &'static str {
        match self {
            Collection::Default => "",
            Collection::List => "LIST",
            Collection::MapKeys => "MAPKEYS",
            Collection::MapValues => "MAPVALUES",
        }
    }
}

/// A typed literal.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// 64-bit integer, `42`, `-7`.
    Int(i64),
    /// Finite float, `1.5`, `2e3`.
    Float(f64),
    /// String, `'abc'` or `"abc"`.
    Str(String),
    /// Bytes, `X'0aff'`.
    Bytes(Vec<u8>),
    /// `JSON('...')`: any JSON value (objects become maps, arrays lists).
    Json(Json),
    /// `LIST('[...]')`: a JSON array.
    List(Vec<Json>),
    /// `MAP('{...}')`: a JSON object.
    Map(serde_json::Map<String, Json>),
    /// `GEOJSON('...')` or `CAST('...' AS GEOJSON)`: GeoJSON text (a JSON object with `type`).
    GeoJson(String),
}

impl Value {
    /// Whether the value can be a primary key (integer, string or bytes).
    pub fn is_key(&self) -> bool {
        matches!(self, Value::Int(_) | Value::Str(_) | Value::Bytes(_))
    }
}

/// A `WHERE` clause of `SELECT`, `EXECUTE` or `AGGREGATE`.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    /// `PK = v`: a direct record lookup.
    PrimaryKey(Value),
    /// `bin = v` (secondary index equality) or `bin CONTAINS v IN LIST|MAPKEYS|MAPVALUES`.
    Equals {
        /// Indexed bin.
        bin: String,
        /// Integer or string (or bytes for blob indexes).
        value: Value,
        /// Collection of the index.
        collection: Collection,
    },
    /// `bin BETWEEN a AND b` (inclusive integers), optionally `IN LIST|...`.
    Between {
        /// Indexed bin.
        bin: String,
        /// Lower bound.
        low: i64,
        /// Upper bound.
        high: i64,
        /// Collection of the index.
        collection: Collection,
    },
    /// `bin WITHIN GEOJSON('region')`: points inside a region.
    GeoWithin {
        /// Geo-indexed bin.
        bin: String,
        /// GeoJSON region.
        region: String,
    },
    /// `bin CONTAINS GEOJSON('point')`: regions containing a point.
    GeoContains {
        /// Geo-indexed bin.
        bin: String,
        /// GeoJSON point.
        point: String,
    },
}

/// `SELECT bins|* FROM ns[.set] [WHERE ...] [LIMIT n]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Select {
    /// Bins to return; `None` = `*`.
    pub bins: Option<Vec<String>>,
    /// Namespace and set.
    pub target: Target,
    /// Filter.
    pub predicate: Option<Predicate>,
    /// Maximum records.
    pub limit: Option<u64>,
}

/// `INSERT INTO ns[.set] (PK, b1, ...) VALUES (k, v1, ...)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Insert {
    /// Namespace and set.
    pub target: Target,
    /// Primary key (integer, string or bytes).
    pub key: Value,
    /// Bins in the order written.
    pub bins: Vec<(String, Value)>,
}

/// What `SHOW` lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Show {
    /// `SHOW NAMESPACES`.
    Namespaces,
    /// `SHOW SETS [ns]`.
    Sets(Option<String>),
    /// `SHOW BINS [ns]`.
    Bins(Option<String>),
    /// `SHOW INDEXES [ns[.set]]`.
    Indexes(Option<Target>),
    /// `SHOW UDFS` (also `SHOW MODULES`).
    Udfs,
    /// `SHOW QUERIES` (also `SHOW SCANS`): running queries.
    Queries,
}

/// Secondary index key type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IndexType {
    /// `NUMERIC`.
    Numeric,
    /// `STRING`.
    String,
    /// `GEO2DSPHERE`.
    Geo2DSphere,
    /// `BLOB`.
    Blob,
}

impl IndexType {
    /// The AQL keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            IndexType::Numeric => "NUMERIC",
            IndexType::String => "STRING",
            IndexType::Geo2DSphere => "GEO2DSPHERE",
            IndexType::Blob => "BLOB",
        }
    }
}

/// `CREATE [LIST|MAPKEYS|MAPVALUES] INDEX name ON ns[.set] (bin) TYPE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateIndex {
    /// Collection type.
    pub collection: Collection,
    /// Index name.
    pub name: String,
    /// Namespace and optional set.
    pub target: Target,
    /// Indexed bin.
    pub bin: String,
    /// Key type.
    pub index_type: IndexType,
}

/// `EXECUTE module.function(args) ON ns[.set] [WHERE ...]` (also `AGGREGATE`).
#[derive(Debug, Clone, PartialEq)]
pub struct UdfCall {
    /// Module name without `.lua`.
    pub module: String,
    /// Function name.
    pub function: String,
    /// Arguments.
    pub args: Vec<Value>,
    /// Namespace and set.
    pub target: Target,
    /// Which records: `PK = v` for one record, an index predicate, or all.
    pub predicate: Option<Predicate>,
}

/// Result rendering of the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// `TABLE`.
    Table,
    /// `JSON`.
    Json,
}

/// `SET ...` session settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// `SET OUTPUT TABLE|JSON`.
    Output(OutputFormat),
    /// `SET TIMEOUT ms`.
    Timeout(u64),
    /// `SET RECORD_PRINT_METADATA true|false`.
    RecordPrintMetadata(bool),
    /// `SET KEY_SEND true|false`: store the user key with written records.
    KeySend(bool),
}

/// One AQL statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Statement {
    /// `SELECT ...`.
    Select(Select),
    /// `EXPLAIN SELECT ...`.
    Explain(Select),
    /// `INSERT ...`.
    Insert(Insert),
    /// `DELETE FROM ns[.set] WHERE PK = v`.
    Delete {
        /// Namespace and set.
        target: Target,
        /// Primary key.
        key: Value,
    },
    /// `SHOW ...`.
    Show(Show),
    /// `DESC INDEX ns name`.
    DescIndex {
        /// Namespace.
        namespace: String,
        /// Index name.
        name: String,
    },
    /// `DESC MODULE file.lua` (also `DESC UDF`).
    DescModule {
        /// Module file name.
        filename: String,
    },
    /// `CREATE ... INDEX`.
    CreateIndex(CreateIndex),
    /// `DROP INDEX ns name`.
    DropIndex {
        /// Namespace.
        namespace: String,
        /// Index name.
        name: String,
    },
    /// `REGISTER MODULE 'path/file.lua'`: the file is uploaded with the request.
    RegisterModule {
        /// Path as written; its last component is the module file name.
        path: String,
    },
    /// `REMOVE MODULE file.lua`.
    RemoveModule {
        /// Module file name.
        filename: String,
    },
    /// `EXECUTE ...`.
    Execute(UdfCall),
    /// `AGGREGATE ...` (stream UDF).
    Aggregate(UdfCall),
    /// `TRUNCATE ns[.set]`.
    Truncate(Target),
    /// `SET ...`.
    Set(Setting),
}

impl Statement {
    /// Whether the statement changes data or cluster state.
    pub fn is_write(&self) -> bool {
        matches!(
            self,
            Statement::Insert(_)
                | Statement::Delete { .. }
                | Statement::CreateIndex(_)
                | Statement::DropIndex { .. }
                | Statement::RegisterModule { .. }
                | Statement::RemoveModule { .. }
                | Statement::Execute(_)
                | Statement::Truncate(_)
        )
    }

    /// Whether the statement destroys data or an index and needs an explicit confirmation.
    pub fn is_destructive(&self) -> bool {
        matches!(self, Statement::Truncate(_) | Statement::DropIndex { .. })
    }

    /// The statement's leading keyword(s), e.g. `SELECT`, `CREATE INDEX`.
    pub fn kind(&self) -> &'static str {
        match self {
            Statement::Select(_) => "SELECT",
            Statement::Explain(_) => "EXPLAIN",
            Statement::Insert(_) => "INSERT",
            Statement::Delete { .. } => "DELETE",
            Statement::Show(_) => "SHOW",
            Statement::DescIndex { .. } => "DESC INDEX",
            Statement::DescModule { .. } => "DESC MODULE",
            Statement::CreateIndex(_) => "CREATE INDEX",
            Statement::DropIndex { .. } => "DROP INDEX",
            Statement::RegisterModule { .. } => "REGISTER MODULE",
            Statement::RemoveModule { .. } => "REMOVE MODULE",
            Statement::Execute(_) => "EXECUTE",
            Statement::Aggregate(_) => "AGGREGATE",
            Statement::Truncate(_) => "TRUNCATE",
            Statement::Set(_) => "SET",
        }
    }
}
