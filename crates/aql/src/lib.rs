//! AQL (the language of Aerospike's `aql` tool) as a typed AST: a parser with byte-span
//! errors, a printer whose output parses back to the same AST, and the name rules that keep
//! unsafe identifiers away from info commands. Pure: no IO.
//!
//! ```
//! let script = aql::parse("SELECT name FROM test.users WHERE PK = 'u1'; SHOW SETS").unwrap();
//! assert_eq!(script.len(), 2);
//! assert_eq!(script[0].statement.to_string(), "SELECT name FROM test.users WHERE PK = 'u1'");
//! ```

mod ast;
mod lexer;
pub mod names;
mod parser;
mod print;

pub use ast::*;
pub use parser::{ParseError, parse, parse_statement};
pub use print::{quote_ident, quote_str};
