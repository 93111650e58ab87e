//! Shell completions and man pages, generated from the clap definitions of this crate, so they
//! can never disagree with `--help`.

use std::io::{self, Write};

use clap::{Args, CommandFactory, ValueEnum};

use crate::Cli;

/// Shells `freeport completions` writes scripts for.
pub use clap_complete::Shell;

/// Arguments of `freeport completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Arguments of `freeport man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// A subcommand to document instead of `freeport` itself, e.g. `judge` or `log append`.
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Vec<String>,
}

/// A subcommand that `freeport man` was asked for and that does not exist.
#[derive(Debug)]
pub struct UnknownSubcommand {
    /// The words asked for, joined by spaces.
    pub path: String,
    /// The subcommands the last existing command has.
    pub known: Vec<String>,
}

impl std::fmt::Display for UnknownSubcommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`freeport {}` is not a command", self.path)
    }
}

impl std::error::Error for UnknownSubcommand {}

/// Writes the completion script for `shell` to `out`.
pub fn completions(shell: Shell, out: &mut dyn Write) {
    let mut command = Cli::command();
    clap_complete::generate(shell, &mut command, "freeport", out);
}

/// Every shell [`completions`] supports, by name.
#[must_use]
pub fn shells() -> Vec<String> {
    Shell::value_variants()
        .iter()
        .filter_map(|s| s.to_possible_value().map(|v| v.get_name().to_owned()))
        .collect()
}

/// Writes the man page (roff) of `freeport`, or of the subcommand named by `path`
/// (`["log", "append"]` documents `freeport log append` as `freeport-log-append(1)`).
///
/// # Errors
///
/// [`ManError::Unknown`] for a subcommand that does not exist; [`ManError::Io`] when writing fails.
pub fn man_page(path: &[String], out: &mut dyn Write) -> Result<(), ManError> {
    let mut command = Cli::command();
    command.build();
    for word in path {
        let Some(sub) = command.find_subcommand(word).cloned() else {
            return Err(ManError::Unknown(UnknownSubcommand {
                path: path.join(" "),
                known: command
                    .get_subcommands()
                    .map(|c| c.get_name().to_owned())
                    .filter(|name| name != "help")
                    .collect(),
            }));
        };
        // Built, a subcommand's display name is its path: `freeport-log-append`.
        command = sub;
    }
    clap_mangen::Man::new(command)
        .render(out)
        .map_err(ManError::Io)
}

/// Why a man page could not be written.
#[derive(Debug)]
pub enum ManError {
    /// The subcommand does not exist.
    Unknown(UnknownSubcommand),
    /// Writing failed.
    Io(io::Error),
}

impl std::fmt::Display for ManError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unknown(unknown) => unknown.fmt(f),
            Self::Io(error) => error.fmt(f),
        }
    }
}

impl std::error::Error for ManError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Unknown(_) => None,
            Self::Io(error) => Some(error),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn man(path: &[&str]) -> String {
        let path: Vec<String> = path.iter().map(|&w| w.to_owned()).collect();
        let mut out = Vec::new();
        man_page(&path, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_man_page_follows_the_clap_definitions() {
        insta::assert_snapshot!("man_freeport", man(&[]));
    }

    #[test]
    fn a_subcommand_has_its_own_page() {
        let page = man(&["log", "append"]);
        assert!(page.contains(".TH freeport-log-append 1"), "{page}");
        assert!(page.contains("\\-\\-batch"), "{page}");
    }

    #[test]
    fn an_unknown_subcommand_names_the_known_ones() {
        let mut out = Vec::new();
        let error = man_page(&["log".to_owned(), "apend".to_owned()], &mut out).unwrap_err();
        let ManError::Unknown(unknown) = error else {
            panic!("{error:?}")
        };
        assert_eq!(unknown.path, "log apend");
        assert!(unknown.known.contains(&"append".to_owned()));
        assert!(out.is_empty());
    }

    #[test]
    fn bash_completions_follow_the_clap_definitions() {
        let mut out = Vec::new();
        completions(Shell::Bash, &mut out);
        let script = String::from_utf8(out).unwrap();
        insta::assert_snapshot!("completions_bash", script);
    }

    #[test]
    fn every_shell_gets_a_script_that_names_every_subcommand() {
        for shell in Shell::value_variants() {
            let mut out = Vec::new();
            completions(*shell, &mut out);
            let script = String::from_utf8(out).unwrap();
            for name in ["judge", "assess", "completions", "man"] {
                assert!(script.contains(name), "{shell}: {name}");
            }
        }
        assert_eq!(shells(), ["bash", "elvish", "fish", "powershell", "zsh"]);
    }
}
