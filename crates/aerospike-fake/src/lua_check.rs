//! A small Lua syntax check for `udf-put`, so the fake refuses a module that does not
//! compile the way a real server does (`error=compile_error;file=..;line=..;message=..`,
//! the message base64-encoded; see the fixture `udf-put_filename_broken.lua.txt`).
//!
//! It is not a Lua parser: it tokenises (comments, short and long strings, names,
//! symbols) and checks that brackets and blocks (`function`/`if`/`do`/`repeat` ...
//! `end`/`until`) are balanced, reporting the first problem with Lua's wording, e.g.
//! `')' expected near 'return'`. Enough for tests and demos; a real server checks more.

/// A compile error: line (1-based) and Lua's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompileError {
    /// Line of the offending token.
    pub line: usize,
    /// Message as Lua prints it (without the `file:line:` prefix).
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Name(String),
    Sym(char),
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Open {
    Bracket(char),
    Block(&'static str),
}

fn closer(c: char) -> char {
    match c {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

/// Tokens with their line; an unfinished string or long bracket is an error.
fn tokens(src: &str) -> Result<Vec<(Tok, usize)>, CompileError> {
    let b: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let mut line = 1;
    // Length of a long bracket `[==[` starting at `i`, if there is one.
    let long_open = |i: usize| -> Option<usize> {
        if b.get(i) != Some(&'[') {
            return None;
        }
        let mut j = i + 1;
        while b.get(j) == Some(&'=') {
            j += 1;
        }
        (b.get(j) == Some(&'[')).then_some(j - i - 1)
    };
    let skip_long = |mut i: usize, level: usize, line: &mut usize| -> Option<usize> {
        let close: Vec<char> = std::iter::once(']')
            .chain(std::iter::repeat_n('=', level))
            .chain(std::iter::once(']'))
            .collect();
        while i < b.len() {
            if b[i..].starts_with(&close) {
                return Some(i + close.len());
            }
            if b[i] == '\n' {
                *line += 1;
            }
            i += 1;
        }
        None
    };
    while i < b.len() {
        let c = b[i];
        if c == '\n' {
            line += 1;
            i += 1;
        } else if c.is_whitespace() {
            i += 1;
        } else if c == '-' && b.get(i + 1) == Some(&'-') {
            i += 2;
            if let Some(level) = long_open(i) {
                let start = line;
                i = skip_long(i + level + 2, level, &mut line).ok_or(CompileError {
                    line: start,
                    message: "unfinished long comment near <eof>".into(),
                })?;
            } else {
                while i < b.len() && b[i] != '\n' {
                    i += 1;
                }
            }
        } else if let Some(level) = long_open(i) {
            let start = line;
            i = skip_long(i + level + 2, level, &mut line).ok_or(CompileError {
                line: start,
                message: "unfinished long string near <eof>".into(),
            })?;
            out.push((Tok::Other, start));
        } else if c == '"' || c == '\'' {
            let start = i;
            i += 1;
            loop {
                match b.get(i) {
                    None | Some('\n') => {
                        let text: String = b[start..i].iter().collect();
                        return Err(CompileError {
                            line,
                            message: format!("unfinished string near '{text}'"),
                        });
                    }
                    Some('\\') => i += 2,
                    Some(&q) if q == c => {
                        i += 1;
                        break;
                    }
                    Some(_) => i += 1,
                }
            }
            out.push((Tok::Other, line));
        } else if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '_') {
                i += 1;
            }
            out.push((Tok::Name(b[start..i].iter().collect()), line));
        } else if c.is_ascii_digit() {
            while i < b.len() && (b[i].is_alphanumeric() || b[i] == '.') {
                i += 1;
            }
            out.push((Tok::Other, line));
        } else {
            out.push((Tok::Sym(c), line));
            i += 1;
        }
    }
    Ok(out)
}

/// Keywords that start or continue a statement: never inside brackets.
const STATEMENT: &[&str] = &[
    "return", "local", "end", "if", "for", "while", "repeat", "until", "do", "then", "else",
    "elseif", "break", "goto",
];

fn near(t: &Tok) -> String {
    match t {
        Tok::Name(n) => format!("'{n}'"),
        Tok::Sym(c) => format!("'{c}'"),
        Tok::Other => "<value>".into(),
    }
}

fn expected(open: Open, open_line: usize, line: usize, near: &str) -> String {
    let (what, opener) = match open {
        Open::Bracket(c) => (closer(c).to_string(), c.to_string()),
        Open::Block("repeat") => ("until".to_string(), "repeat".to_string()),
        Open::Block(b) => ("end".to_string(), b.to_string()),
    };
    // Lua names the opener only for blocks (`check_match`), not for brackets.
    if open_line == line || matches!(open, Open::Bracket(_)) {
        format!("'{what}' expected near {near}")
    } else {
        format!("'{what}' expected (to close '{opener}' at line {open_line}) near {near}")
    }
}

/// Check `src`; `Ok` when brackets and blocks balance.
pub fn check(src: &str) -> Result<(), CompileError> {
    let toks = tokens(src)?;
    let mut stack: Vec<(Open, usize)> = Vec::new();
    let last_line = src.lines().count().max(1);
    for (t, line) in &toks {
        let line = *line;
        let err = |message: String| Err(CompileError { line, message });
        match t {
            Tok::Name(n) => {
                if let Some(&(open @ Open::Bracket(_), ol)) = stack.last()
                    && STATEMENT.contains(&n.as_str())
                {
                    return err(expected(open, ol, line, &near(t)));
                }
                match n.as_str() {
                    "function" => stack.push((Open::Block("function"), line)),
                    "if" => stack.push((Open::Block("if"), line)),
                    "do" => stack.push((Open::Block("do"), line)),
                    "repeat" => stack.push((Open::Block("repeat"), line)),
                    "end" => match stack.pop() {
                        Some((Open::Block("repeat"), ol)) => {
                            return err(expected(Open::Block("repeat"), ol, line, "'end'"));
                        }
                        Some((Open::Block(_), _)) => {}
                        _ => return err("'<eof>' expected near 'end'".into()),
                    },
                    "until" => match stack.pop() {
                        Some((Open::Block("repeat"), _)) => {}
                        _ => return err("'<eof>' expected near 'until'".into()),
                    },
                    _ => {}
                }
            }
            Tok::Sym(c @ ('(' | '[' | '{')) => stack.push((Open::Bracket(*c), line)),
            Tok::Sym(c @ (')' | ']' | '}')) => match stack.pop() {
                Some((Open::Bracket(o), _)) if closer(o) == *c => {}
                Some((open @ Open::Bracket(_), ol)) => {
                    return err(expected(open, ol, line, &near(t)));
                }
                _ => return err(format!("unexpected symbol near '{c}'")),
            },
            _ => {}
        }
    }
    match stack.pop() {
        None => Ok(()),
        Some((open, ol)) => Err(CompileError {
            line: last_line,
            message: expected(open, ol, last_line, "<eof>"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fixture_module_fails_like_the_real_server() {
        // udf-put_filename_broken.lua.txt: line=2, message ')' expected near 'return'
        let e = check("function broken(rec\n  return 1\nend\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert_eq!(e.message, "')' expected near 'return'");
    }

    #[test]
    fn valid_modules_pass() {
        let ok = [
            "function add_to(rec, bin, amount)\n  local v = rec[bin]\n  if v == nil then\n    v = 0\n  end\n  rec[bin] = v + amount\n  if aerospike:exists(rec) then\n    aerospike:update(rec)\n  else\n    aerospike:create(rec)\n  end\n  return rec[bin]\nend\n",
            "-- comment with ( and end\nlocal t = { 'a(', \"b[\", [[long ( string]] }\nfor i = 1, 3 do t[i] = i end\nrepeat local x = 1 until x == 1\nreturn t\n",
            "--[[ long\n comment function ]]\nlocal f = function(x) return (x) end\n",
        ];
        for src in ok {
            assert_eq!(check(src), Ok(()), "{src}");
        }
    }

    #[test]
    fn unbalanced_modules_fail_with_a_line() {
        let e = check("function f()\n  return 1\n").unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.message
                .starts_with("'end' expected (to close 'function' at line 1)")
        );
        assert_eq!(
            check("end").unwrap_err().message,
            "'<eof>' expected near 'end'"
        );
        assert_eq!(
            check("x = (1]").unwrap_err().message,
            "')' expected near ']'"
        );
        assert!(
            check("x = \"abc\n")
                .unwrap_err()
                .message
                .starts_with("unfinished string")
        );
    }
}
