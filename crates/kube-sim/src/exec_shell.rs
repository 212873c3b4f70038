//! The tiny shell behind `pods/exec`: what the operator runs in an Aerospike pod to talk to
//! acko-init's supervisor (`cat` its files, write `restart-request` atomically with `printf` +
//! `mv`). Pure: files come from a [`Files`] implementation. Supported: `sh -c '<script>'` or a
//! plain argv; `;`, `&&`, `||`; single/double quotes; `> file`, `2>/dev/null`; the commands
//! `cat`, `echo`, `printf` (`%s` and plain text), `mv`, `rm [-f]`, `test -f`/`[ -f … ]`,
//! `true`, `false`. Anything else exits 127 with `sh: <cmd>: not found` on stderr.

/// The pod's files as the shell sees them.
pub trait Files {
    /// Contents of `path`, None when absent.
    fn read(&self, path: &str) -> Option<String>;
    /// Create or replace `path`.
    fn write(&mut self, path: &str, content: &str);
    /// Remove `path`; false when absent.
    fn remove(&mut self, path: &str) -> bool;
}

/// Output of a command.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Output {
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
    /// Exit code.
    pub code: i32,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Op(&'static str),
}

fn tokenize(s: &str) -> Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let mut chars = s.chars().peekable();
    let flush = |cur: &mut String, has: &mut bool, out: &mut Vec<Tok>| {
        if *has {
            out.push(Tok::Word(std::mem::take(cur)));
            *has = false;
        }
    };
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                has = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(x) => cur.push(x),
                        None => return Err("unterminated quote".into()),
                    }
                }
            }
            '"' => {
                has = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => cur.extend(chars.next()),
                        Some(x) => cur.push(x),
                        None => return Err("unterminated quote".into()),
                    }
                }
            }
            '\\' => {
                has = true;
                cur.extend(chars.next());
            }
            ' ' | '\t' | '\n' => flush(&mut cur, &mut has, &mut out),
            ';' => {
                flush(&mut cur, &mut has, &mut out);
                out.push(Tok::Op(";"));
            }
            '&' if chars.peek() == Some(&'&') => {
                chars.next();
                flush(&mut cur, &mut has, &mut out);
                out.push(Tok::Op("&&"));
            }
            '|' if chars.peek() == Some(&'|') => {
                chars.next();
                flush(&mut cur, &mut has, &mut out);
                out.push(Tok::Op("||"));
            }
            '>' => {
                // `2>` binds to the preceding "2"
                if has && cur == "2" {
                    cur.clear();
                    has = false;
                    out.push(Tok::Op("2>"));
                } else {
                    flush(&mut cur, &mut has, &mut out);
                    out.push(Tok::Op(">"));
                }
            }
            '|' | '&' | '<' | '`' | '$' | '(' | ')' => {
                return Err(format!("{c:?} is not supported by the kube-sim shell"));
            }
            x => {
                has = true;
                cur.push(x);
            }
        }
    }
    flush(&mut cur, &mut has, &mut out);
    Ok(out)
}

/// Run an exec argv (`["sh", "-c", script]` or a plain command).
pub fn run(argv: &[String], files: &mut dyn Files) -> Output {
    match argv {
        [sh, c, script, ..] if (sh == "sh" || sh == "/bin/sh" || sh == "bash") && c == "-c" => {
            script_run(script, files)
        }
        [] => Output {
            stderr: "no command given\n".into(),
            code: 1,
            ..Default::default()
        },
        _ => command(argv, None, false, files),
    }
}

fn script_run(script: &str, files: &mut dyn Files) -> Output {
    let toks = match tokenize(script) {
        Ok(t) => t,
        Err(e) => {
            return Output {
                stderr: format!("sh: {e}\n"),
                code: 2,
                ..Default::default()
            };
        }
    };
    let mut out = Output::default();
    let mut last = 0;
    let mut skip = false;
    let mut i = 0;
    while i < toks.len() {
        let mut words = Vec::new();
        let mut redirect: Option<String> = None;
        let mut quiet = false;
        while i < toks.len() {
            match &toks[i] {
                Tok::Word(w) => words.push(w.clone()),
                Tok::Op(">") => {
                    i += 1;
                    if let Some(Tok::Word(f)) = toks.get(i) {
                        redirect = Some(f.clone());
                    }
                }
                Tok::Op("2>") => {
                    i += 1;
                    quiet = true;
                }
                Tok::Op(_) => break,
            }
            i += 1;
        }
        if !skip && !words.is_empty() {
            let r = command(&words, redirect.as_deref(), quiet, files);
            out.stdout.push_str(&r.stdout);
            out.stderr.push_str(&r.stderr);
            last = r.code;
        }
        skip = match toks.get(i) {
            Some(Tok::Op("&&")) => skip || last != 0,
            Some(Tok::Op("||")) => !skip && last == 0,
            _ => false,
        };
        i += 1;
    }
    out.code = last;
    out
}

fn command(argv: &[String], redirect: Option<&str>, quiet: bool, files: &mut dyn Files) -> Output {
    let mut o = Output::default();
    let fail = |o: &mut Output, msg: String| {
        if !quiet {
            o.stderr.push_str(&msg);
        }
        o.code = 1;
    };
    let args = &argv[1..];
    match argv[0].as_str() {
        "true" | ":" => {}
        "false" => o.code = 1,
        "echo" => {
            o.stdout = format!("{}\n", args.join(" "));
        }
        "printf" => {
            let fmt = args.first().cloned().unwrap_or_default();
            let rest = args.get(1..).unwrap_or_default().join("");
            o.stdout = fmt.replace("%s", &rest).replace("\\n", "\n");
        }
        "cat" => {
            for f in args {
                match files.read(f) {
                    Some(c) => o.stdout.push_str(&c),
                    None => fail(&mut o, format!("cat: {f}: No such file or directory\n")),
                }
            }
        }
        "mv" => match args {
            [a, b] => match files.read(a) {
                Some(c) => {
                    files.remove(a);
                    files.write(b, &c);
                }
                None => fail(
                    &mut o,
                    format!("mv: cannot stat '{a}': No such file or directory\n"),
                ),
            },
            _ => fail(&mut o, "mv: expects two operands\n".into()),
        },
        "rm" => {
            let force = args.iter().any(|a| a == "-f");
            for f in args.iter().filter(|a| !a.starts_with('-')) {
                if !files.remove(f) && !force {
                    fail(
                        &mut o,
                        format!("rm: cannot remove '{f}': No such file or directory\n"),
                    );
                }
            }
        }
        "test" | "[" => {
            let a: Vec<&String> = args.iter().filter(|a| a.as_str() != "]").collect();
            o.code = match a.as_slice() {
                [flag, f] if flag.as_str() == "-f" || flag.as_str() == "-e" => {
                    i32::from(files.read(f).is_none())
                }
                _ => 2,
            };
        }
        other => {
            o.stderr = format!("sh: {other}: not found\n");
            o.code = 127;
            return o;
        }
    }
    if let Some(f) = redirect {
        if f != "/dev/null" {
            files.write(f, &o.stdout);
        }
        o.stdout.clear();
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Default)]
    struct Mem(BTreeMap<String, String>);
    impl Files for Mem {
        fn read(&self, p: &str) -> Option<String> {
            self.0.get(p).cloned()
        }
        fn write(&mut self, p: &str, c: &str) {
            self.0.insert(p.into(), c.into());
        }
        fn remove(&mut self, p: &str) -> bool {
            self.0.remove(p).is_some()
        }
    }

    fn sh(script: &str, files: &mut Mem) -> Output {
        run(&["sh".into(), "-c".into(), script.into()], files)
    }

    #[test]
    fn the_operators_warm_file_scripts_work() {
        let mut m = Mem::default();
        m.write("/acko/run/applied-config-hash", "abc");
        let o = sh(
            "cat /acko/run/applied-config-hash 2>/dev/null; echo '--acko--'; cat /acko/run/last-restart-error 2>/dev/null; true",
            &mut m,
        );
        assert_eq!(
            o,
            Output {
                stdout: "abc--acko--\n".into(),
                stderr: String::new(),
                code: 0
            }
        );
        let o = sh(
            "printf %s 0f1e > /acko/run/.rr && mv /acko/run/.rr /acko/run/restart-request",
            &mut m,
        );
        assert_eq!(o.code, 0, "{o:?}");
        assert_eq!(m.read("/acko/run/restart-request").as_deref(), Some("0f1e"));
        assert!(m.read("/acko/run/.rr").is_none());
    }

    #[test]
    fn and_or_and_unknown_commands() {
        let mut m = Mem::default();
        let o = sh("cat /nope && echo no || echo yes", &mut m);
        assert_eq!(o.stdout, "yes\n");
        assert_eq!(o.code, 0);
        let o = sh("curl x", &mut m);
        assert_eq!((o.code, o.stderr.as_str()), (127, "sh: curl: not found\n"));
        assert_eq!(sh("echo $(id)", &mut m).code, 2);
    }
}
