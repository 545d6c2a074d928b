/**
 * Splitting SSH exec command lines into simple commands, so that each can be judged by the policy (issue 6,
 * design-notes §2). {@link dev.portcullis.ssh.command.CommandLineSplitter} follows POSIX {@code sh} quoting and
 * refuses — fails closed — wherever the target's shell could read the text differently from it.
 *
 * <h2>Followed</h2>
 * <ul>
 *   <li>Single quotes, double quotes (inside, a backslash escapes only {@code $ ` " \}), backslash escapes; quotes
 *       are removed from words, so {@code r''m} is {@code rm} to a glob, and a quoted or escaped {@code ;} is part
 *       of a word, never a separator.</li>
 *   <li>Separators {@code ;}, {@code &}, {@code &&}, {@code ||}, {@code |}, {@code |&} and newlines: each side is a
 *       simple command of its own and must be allowed on its own.</li>
 *   <li>Command substitutions {@code $( … )} and backticks: split recursively (up to
 *       {@link dev.portcullis.ssh.command.CommandLineSplitter#MAX_DEPTH} levels); every command inside must be
 *       allowed too. The substitution also stays, as written, in the word that holds it, so {@code echo $(date)}
 *       needs a glob matching {@code echo $(date)} <em>and</em> one matching {@code date}. We follow them rather
 *       than refuse them because their syntax is as regular as the rest, and refusing would push agents towards
 *       less visible forms; the output of a substitution is never re-read as operators by a shell, only split into
 *       words, so it cannot smuggle a command in.</li>
 *   <li>Variables {@code $NAME}, {@code ${NAME}}, {@code $1}, {@code $?}…: literal text of the word. The glob
 *       decides: {@code git log *} matches {@code git log $X}, and {@code $CMD x} matches only a glob that allows
 *       it. A value can only come from the target's environment (the gateway refuses {@code env} requests) or from
 *       an assignment earlier on the same line, which is a command of its own ({@code X=1}) that needs a glob of
 *       its own; {@code X=1 git status} reads as that text, so it does not match {@code git status}.</li>
 *   <li>Redirections ({@code > >> < <> >| >& <& &> &>>}, with a descriptor number as in {@code 2>&1}) are kept,
 *       moved after the words and written without space ({@code ls >x}); a glob's {@code *} and {@code ?} never
 *       match their operator characters, so only a glob that spells out the redirection allows it (see
 *       {@link dev.portcullis.ssh.command.CommandGlob}). That also keeps bash's {@code /dev/tcp} out.</li>
 * </ul>
 *
 * <h2>Refused (the command line does not run)</h2>
 * Unbalanced quotes, {@code $((…))} and {@code $[…]} arithmetic, {@code ${…}} with operators ({@code ${X:-$(…)}}
 * can hide a command), bash's {@code $'…'} and {@code $"…"}, process substitution {@code <(…)} {@code >(…)},
 * subshells and groups ({@code ( … )}, {@code { …; }}), function definitions, compound commands and keywords in
 * command position ({@code if while for case ! time [[ …}), here-documents and here-strings ({@code <<}, {@code <<<}),
 * comments, backslash-newline, nested backticks, brace expansion ({@code {a,b}}, {@code {1..3}}), a separator
 * without a command, a redirection without a target, NUL and other control characters (tab and newline aside),
 * bidirectional-text controls, more than {@value dev.portcullis.ssh.command.CommandLineSplitter#MAX_LENGTH}
 * characters or {@value dev.portcullis.ssh.command.CommandLineSplitter#MAX_COMMANDS} commands, and an empty line.
 *
 * <p>Word boundaries are not part of the matched text: {@code git log 'a b'} and {@code git log a b} both read
 * {@code git log a b}, and {@code 'git status'} (one word: a program named "git status", which does not exist)
 * matches the glob {@code git status}. Regrouping words can never add a character a glob did not allow.
 *
 * <p>The target account's login shell must be a POSIX shell (sh, dash, bash, ksh): OpenSSH runs the command line
 * with it, and fish, csh or zsh read some of the text differently (fish's {@code ( … )} substitutions are refused
 * here anyway). {@code SplitterAgreesWithBashTest} checks the split against what bash actually runs.
 *
 * <h2>Not this package's job</h2>
 * A glob is a statement about text. {@code git *} matches {@code git -c core.pager=sh …}; {@code cat /var/log/*}
 * matches {@code cat /var/log/../../etc/shadow}; {@code find *} allows {@code -exec}; {@code env *},
 * {@code xargs *}, {@code sh -c *}, {@code eval *}, {@code trap *}, {@code source *} allow everything, and
 * {@code alias *} with {@code shopt *} even changes what a later line's {@code ls} runs. Deny globs are a
 * backstop, not a wall ({@code /bin/rm} is not {@code rm *}): least privilege comes from narrow allow globs.
 */
package dev.portcullis.ssh.command;
