//! `freeport account add|list`: the port's accounts, managed on its own host.

use std::io::Write;
use std::path::Path;

use freeport_cli::{AccountCommand, AccountRole};
use freeport_port::Principal;
use freeport_port::port::NewAccount;
use freeport_store::docket::Role;

use crate::render::{Rendered, render};
use crate::{Error, ExitStatus};

fn role(role: AccountRole) -> Role {
    match role {
        AccountRole::Exporter => Role::Exporter,
        AccountRole::CnReviewer => Role::CnReviewer,
        AccountRole::UsReviewer => Role::UsReviewer,
        AccountRole::Auditor => Role::Auditor,
        AccountRole::Admin => Role::Admin,
    }
}

pub(crate) fn run(
    command: &AccountCommand,
    store: Option<&Path>,
    out: &mut dyn Write,
) -> Result<ExitStatus, Error> {
    let port = super::serve::open_port_without_log(store)?;
    let admin = Principal::local_admin();
    match command {
        AccountCommand::Add(args) => {
            let public_key = match &args.public_key {
                Some(path) => Some(super::judge::read(path)?.trim().to_owned()),
                None => None,
            };
            let new = NewAccount {
                id: args.id.clone(),
                role: role(args.role),
                organisation: args.organisation.clone(),
                organisation_name: args.organisation_name.clone(),
                name: args.name.clone(),
                public_key,
                key_held_by_port: args.key_held_by_port,
            };
            let (account, token) = port
                .create_account(&admin, &new)
                .map_err(|e| Error::Port(Box::new(e)))?;
            let rendered = Rendered {
                json: &serde_json::json!({"account": account, "token": token.expose()}),
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    writeln!(out, "created account `{}` ({})", account.id, account.role)?;
                    writeln!(out, "token (shown once; the port keeps only its hash):")?;
                    writeln!(out, "{}", token.expose())?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
        AccountCommand::List(args) => {
            let accounts = port
                .accounts(&admin)
                .map_err(|e| Error::Port(Box::new(e)))?;
            let rendered = Rendered {
                json: &accounts,
                table: |out: &mut dyn Write| -> Result<(), Error> {
                    let mut table = crate::render::table();
                    table.set_header(["account", "role", "organisation", "name", "created"]);
                    for a in &accounts {
                        table.add_row([
                            a.id.as_str(),
                            a.role.as_str(),
                            a.organisation.as_deref().unwrap_or(""),
                            a.name.as_str(),
                            a.created_at.as_str(),
                        ]);
                    }
                    writeln!(out, "{table}")?;
                    Ok(())
                },
            };
            render(out, args.format, &rendered)?;
        }
    }
    Ok(ExitStatus::Success)
}
