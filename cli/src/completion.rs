//! `<service> completion bash|zsh|fish`: a shell completion script for the service's
//! commands, each command's options (with the global ones) and the values of options
//! with a fixed set of choices (model enums, `--output`, `--color`), made from the
//! command table. Written by hand rather than with `clap_complete`: the parser is not
//! clap's (it follows argparse and the AWS CLI), and the scripts are a few lines each.

use crate::help::{documented, extra_options, global_choices, GLOBALS};
use crate::service;
use awsrt::internal::cli::{Command as Operation, Kind};

/// The script for `shell`, or `None` when it is not one of bash, zsh and fish.
pub fn script(shell: &str) -> Option<String> {
    let spec = Spec::new();
    match shell {
        "bash" => Some(bash(&spec)),
        "zsh" => Some(zsh(&spec)),
        "fish" => Some(fish(&spec)),
        _ => None,
    }
}

/// Options with a fixed set of values, and the values.
type Choices = Vec<(String, Vec<&'static str>)>;

/// What every script completes.
struct Spec {
    /// The binary (`snowball`).
    name: &'static str,
    /// The shell function's name (`_snowball`).
    function: String,
    /// Command names, then `completion` and `help`.
    commands: Vec<&'static str>,
    /// Global options with whether each takes a value.
    globals: Vec<(&'static str, bool)>,
    /// Per command: its options (without `--`, with whether each takes a value).
    options: Vec<(&'static str, Vec<(String, bool)>)>,
    /// Per command: the options with choices, and the choices.
    choices: Vec<(&'static str, Choices)>,
}

impl Spec {
    fn new() -> Spec {
        let table = service().table;
        let mut commands: Vec<&'static str> = table.operations.iter().map(|o| o.command).collect();
        commands.extend(["completion", "help"]);
        // `--version` prints and exits: the AWS CLI's synopsis shows it with a value, but
        // nothing follows it.
        // `--no-verify-ssl` and `--v2-debug` are refused: not offered.
        let globals = GLOBALS
            .iter()
            .filter(|(n, _, _, _)| !matches!(*n, "no-verify-ssl" | "v2-debug"))
            .map(|(n, v, _, _)| (*n, *v && *n != "version"))
            .collect();
        let mut options = Vec::new();
        let mut choices = Vec::new();
        for op in table.operations {
            options.push((op.command, command_options(op)));
            choices.push((op.command, command_choices(op)));
        }
        Spec {
            name: table.command,
            function: format!("_{}", table.command.replace('-', "_")),
            commands,
            globals,
            options,
            choices,
        }
    }

    /// Global options with choices.
    fn global_choices(&self) -> Vec<(&'static str, &'static [&'static str])> {
        self.globals
            .iter()
            .map(|(n, _)| (*n, global_choices(n)))
            .filter(|(_, c)| !c.is_empty())
            .collect()
    }

    /// Global options that take a value, `--` included.
    fn global_values(&self) -> Vec<String> {
        self.globals
            .iter()
            .filter(|(_, v)| *v)
            .map(|(n, _)| format!("--{n}"))
            .collect()
    }

    fn global_flags(&self) -> Vec<String> {
        self.globals.iter().map(|(n, _)| format!("--{n}")).collect()
    }
}

/// A command's own options: its documented members (`--no-x` too for booleans), then
/// `--cli-input-json` and the others the AWS CLI adds.
fn command_options(op: &Operation) -> Vec<(String, bool)> {
    let mut v = Vec::new();
    for m in documented(op) {
        if matches!(m.kind, Kind::Boolean) {
            v.push((m.flag.to_string(), false));
            v.push((format!("no-{}", m.flag), false));
        } else {
            v.push((m.flag.to_string(), true));
        }
    }
    for o in extra_options(op) {
        v.push((o.to_string(), true));
    }
    v
}

/// A command's options with a fixed set of values: enums and lists of enums.
fn command_choices(op: &Operation) -> Choices {
    let mut v = Vec::new();
    for m in documented(op) {
        let values = match m.kind {
            Kind::Enum(values) => values,
            Kind::List(Kind::Enum(values)) => values,
            _ => continue,
        };
        v.push((m.flag.to_string(), values.to_vec()));
    }
    v.push(("generate-cli-skeleton".into(), vec!["input", "output"]));
    v
}

/// Every word the scripts hold is a command, flag or enum value from the model; quoted
/// anyway so an odd value cannot break the script.
fn sq(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

fn words(list: impl IntoIterator<Item = impl AsRef<str>>) -> String {
    list.into_iter()
        .map(|w| w.as_ref().to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn bash(spec: &Spec) -> String {
    let f = &spec.function;
    let mut s = format!(
        "# bash completion for {name}, printed by `{name} completion bash`.\n\
         # Install: {name} completion bash > ~/.local/share/bash-completion/completions/{name}\n\
         {f}() {{\n\
         \x20   local cur prev cmd i opts\n\
         \x20   cur=\"${{COMP_WORDS[COMP_CWORD]}}\"\n\
         \x20   prev=\"${{COMP_WORDS[COMP_CWORD-1]}}\"\n\
         \x20   cmd=\"\"\n\
         \x20   # The command is the first word that is neither an option nor a global option's value.\n\
         \x20   for ((i = 1; i < COMP_CWORD; i++)); do\n\
         \x20       case \"${{COMP_WORDS[i]}}\" in\n\
         \x20           {values}) ((i++)) ;;\n\
         \x20           -*) ;;\n\
         \x20           *) cmd=\"${{COMP_WORDS[i]}}\"; break ;;\n\
         \x20       esac\n\
         \x20   done\n\
         \x20   case \"$prev\" in\n",
        name = spec.name,
        values = spec.global_values().join("|"),
    );
    for (flag, choices) in spec.global_choices() {
        s.push_str(&format!(
            "        --{flag}) COMPREPLY=($(compgen -W {} -- \"$cur\")); return ;;\n",
            sq(&words(choices))
        ));
    }
    s.push_str("    esac\n    opts=\"\"\n    case \"$cmd\" in\n");
    s.push_str(&format!(
        "        \"\") COMPREPLY=($(compgen -W {} -- \"$cur\"))\n\
         \x20           [[ \"$cur\" == -* ]] && COMPREPLY=($(compgen -W {} -- \"$cur\"))\n\
         \x20           return ;;\n",
        sq(&words(&spec.commands)),
        sq(&words(spec.global_flags()))
    ));
    s.push_str(
        "        completion) COMPREPLY=($(compgen -W 'bash zsh fish' -- \"$cur\")); return ;;\n",
    );
    for ((command, options), (_, choices)) in spec.options.iter().zip(&spec.choices) {
        s.push_str(&format!(
            "        {command})\n            case \"$prev\" in\n"
        ));
        for (flag, values) in choices {
            s.push_str(&format!(
                "                --{flag}) COMPREPLY=($(compgen -W {} -- \"$cur\")); return ;;\n",
                sq(&words(values))
            ));
        }
        s.push_str("            esac\n");
        s.push_str(&format!(
            "            opts={} ;;\n",
            sq(&words(options.iter().map(|(o, _)| format!("--{o}"))))
        ));
    }
    s.push_str(&format!(
        "    esac\n    COMPREPLY=($(compgen -W \"$opts \"{} -- \"$cur\"))\n}}\ncomplete -F {f} {}\n",
        sq(&words(spec.global_flags())),
        spec.name
    ));
    s
}

fn zsh(spec: &Spec) -> String {
    let f = &spec.function;
    let mut s = format!(
        "#compdef {name}\n\
         # zsh completion for {name}, printed by `{name} completion zsh`.\n\
         # Install: {name} completion zsh > \"${{fpath[1]}}/_{name}\" (then restart zsh)\n\
         {f}() {{\n\
         \x20   local cmd=\"\" prev=\"${{words[CURRENT-1]}}\" i\n\
         \x20   # The command is the first word that is neither an option nor a global option's value.\n\
         \x20   for ((i = 2; i < CURRENT; i++)); do\n\
         \x20       case \"${{words[i]}}\" in\n\
         \x20           {values}) ((i++)) ;;\n\
         \x20           -*) ;;\n\
         \x20           *) cmd=\"${{words[i]}}\"; break ;;\n\
         \x20       esac\n\
         \x20   done\n\
         \x20   case \"$prev\" in\n",
        name = spec.name,
        values = spec.global_values().join("|"),
    );
    for (flag, choices) in spec.global_choices() {
        s.push_str(&format!(
            "        --{flag}) compadd -- {}; return ;;\n",
            words(choices.iter().map(|c| sq(c)))
        ));
    }
    s.push_str("    esac\n    case \"$cmd\" in\n");
    s.push_str(&format!(
        "        \"\") if [[ \"$PREFIX\" == -* ]]; then compadd -- {}; else compadd -- {}; fi; return ;;\n",
        words(spec.global_flags().iter().map(|w| sq(w))),
        words(spec.commands.iter().map(|w| sq(w)))
    ));
    s.push_str("        completion) compadd -- bash zsh fish; return ;;\n");
    for ((command, options), (_, choices)) in spec.options.iter().zip(&spec.choices) {
        s.push_str(&format!(
            "        {command})\n            case \"$prev\" in\n"
        ));
        for (flag, values) in choices {
            s.push_str(&format!(
                "                --{flag}) compadd -- {}; return ;;\n",
                words(values.iter().map(|v| sq(v)))
            ));
        }
        s.push_str("            esac\n");
        s.push_str(&format!(
            "            compadd -- {} ;;\n",
            words(options.iter().map(|(o, _)| sq(&format!("--{o}"))))
        ));
    }
    s.push_str(&format!(
        "    esac\n    compadd -- {}\n}}\n\
         # Autoloaded from $fpath this file is the function's body; sourced, it registers.\n\
         if [[ \"${{funcstack[1]}}\" == \"{f}\" ]]; then\n\
         \x20   {f} \"$@\"\n\
         else\n\
         \x20   compdef {f} {}\n\
         fi\n",
        words(spec.global_flags().iter().map(|w| sq(w))),
        spec.name
    ));
    s
}

fn fish(spec: &Spec) -> String {
    let name = spec.name;
    let mut s = format!(
        "# fish completion for {name}, printed by `{name} completion fish`.\n\
         # Install: {name} completion fish > ~/.config/fish/completions/{name}.fish\n\
         complete -c {name} -f\n\
         complete -c {name} -n __fish_use_subcommand -a {}\n\
         complete -c {name} -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'\n",
        sq(&words(&spec.commands)),
    );
    for (flag, takes) in &spec.globals {
        let choices = global_choices(flag);
        let line = match (takes, choices.is_empty()) {
            (false, _) => format!("complete -c {name} -l {flag}\n"),
            (true, true) => format!("complete -c {name} -l {flag} -r\n"),
            (true, false) => format!(
                "complete -c {name} -l {flag} -x -a {}\n",
                sq(&words(choices))
            ),
        };
        s.push_str(&line);
    }
    for ((command, options), (_, choices)) in spec.options.iter().zip(&spec.choices) {
        let cond = sq(&format!("__fish_seen_subcommand_from {command}"));
        for (flag, takes) in options {
            let values = choices.iter().find(|(f, _)| f == flag).map(|(_, v)| v);
            let line = match (takes, values) {
                (false, _) => format!("complete -c {name} -n {cond} -l {flag}\n"),
                (true, None) => format!("complete -c {name} -n {cond} -l {flag} -r\n"),
                (true, Some(values)) => format!(
                    "complete -c {name} -n {cond} -l {flag} -x -a {}\n",
                    sq(&words(values))
                ),
            };
            s.push_str(&line);
        }
    }
    s
}
