//! `aerospike-cluster-manager user ...`: manage the manager's users from the command line
//! (the first admin, password resets when nobody can sign in).

use std::io::BufRead;

use crate::auth::Role;
use crate::auth::store::UserStore;
use crate::config::{Config, UserCommand};

fn read_password(file: Option<&std::path::Path>) -> anyhow::Result<String> {
    let text = match file {
        Some(p) => std::fs::read_to_string(p)
            .map_err(|e| anyhow::anyhow!("--password-file {}: {e}", p.display()))?,
        None => {
            eprintln!("password (one line on standard input):");
            let mut line = String::new();
            std::io::stdin().lock().read_line(&mut line)?;
            line
        }
    };
    Ok(text.trim_end_matches(['\r', '\n']).to_string())
}

/// Run one `user` subcommand against the database of `config`; returns what to print.
pub async fn run(config: &Config, cmd: &UserCommand) -> anyhow::Result<String> {
    let pool = crate::db::open(&config.db).await?;
    let users = UserStore::new(pool, 0);
    match cmd {
        UserCommand::Add {
            name,
            role,
            password_file,
            update,
        } => {
            let role = Role::parse(role)
                .ok_or_else(|| anyhow::anyhow!("--role `{role}`: use viewer, operator or admin"))?;
            let pw = read_password(password_file.as_deref())?;
            let exists = users.get(name).await.is_ok();
            let err = |e: crate::error::ApiError| anyhow::anyhow!("{}", e.detail);
            if exists {
                if !update {
                    anyhow::bail!(
                        "user `{name}` exists; pass --update to set its password and role"
                    );
                }
                users.set_password(name, &pw).await.map_err(err)?;
                users
                    .update(name, Some(role), Some(false))
                    .await
                    .map_err(err)?;
                Ok(format!("updated user `{name}` ({role})"))
            } else {
                users.create(name, role, &pw).await.map_err(err)?;
                Ok(format!("created user `{name}` ({role})"))
            }
        }
        UserCommand::List => {
            let list = users
                .list()
                .await
                .map_err(|e| anyhow::anyhow!("{}", e.detail))?;
            Ok(list
                .iter()
                .map(|u| {
                    format!(
                        "{}\t{}\t{}{}",
                        u.name,
                        u.role,
                        u.source,
                        if u.disabled { "\tdisabled" } else { "" }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[tokio::test]
    async fn add_then_update_then_list() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("acm.db");
        let pw = dir.path().join("pw");
        std::fs::write(&pw, "a long admin password\n").unwrap();
        let db_s = db.to_str().unwrap();
        let pw_s = pw.to_str().unwrap();
        let cfg = Config::parse_from([
            "acm",
            "--db",
            db_s,
            "user",
            "add",
            "root",
            "--password-file",
            pw_s,
        ]);
        let Some(crate::config::Command::User(cmd)) = &cfg.command else {
            panic!("parsed")
        };
        assert_eq!(run(&cfg, cmd).await.unwrap(), "created user `root` (admin)");
        assert!(
            run(&cfg, cmd)
                .await
                .unwrap_err()
                .to_string()
                .contains("--update")
        );
        let cfg2 = Config::parse_from([
            "acm",
            "--db",
            db_s,
            "user",
            "add",
            "root",
            "--role",
            "admin",
            "--password-file",
            pw_s,
            "--update",
        ]);
        let Some(crate::config::Command::User(cmd2)) = &cfg2.command else {
            panic!("parsed")
        };
        assert_eq!(
            run(&cfg2, cmd2).await.unwrap(),
            "updated user `root` (admin)"
        );
        let cfg3 = Config::parse_from(["acm", "--db", db_s, "user", "list"]);
        let Some(crate::config::Command::User(cmd3)) = &cfg3.command else {
            panic!("parsed")
        };
        assert_eq!(run(&cfg3, cmd3).await.unwrap(), "root\tadmin\tlocal");
        // the password works
        let users = UserStore::new(crate::db::open(db_s).await.unwrap(), 60);
        assert!(
            users
                .verify("root", "a long admin password")
                .await
                .unwrap()
                .is_some()
        );
        std::fs::write(&pw, "short").unwrap();
        let cfg4 = Config::parse_from([
            "acm",
            "--db",
            db_s,
            "user",
            "add",
            "ann",
            "--password-file",
            pw_s,
        ]);
        let Some(crate::config::Command::User(cmd4)) = &cfg4.command else {
            panic!("parsed")
        };
        assert!(
            run(&cfg4, cmd4)
                .await
                .unwrap_err()
                .to_string()
                .contains("at least 12")
        );
    }
}
