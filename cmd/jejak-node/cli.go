package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/node"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/storage"
)

// cli is one run of the command line: its streams, its environment and the
// settings the global flags, the environment and the config file give.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            map[string]string
	ctx            context.Context
	cmd            *command

	g globals
	// reportPDF is verify's --pdf: where to write the report as a PDF.
	reportPDF string
}

// globals are the settings every command shares. Empty means "not set by a
// flag"; resolve fills them from the environment and the config file.
type globals struct {
	data, network, config string
	json                  bool
	lang                  string          // --lang: the language of reports, as given
	file                  node.FileConfig // the config file, once read
}

// globalFlags registers the global flags on fs.
func (c *cli) globalFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.g.data, "data", c.g.data, "data `folder` (env JEJAK_DATA)")
	fs.StringVar(&c.g.network, "network", c.g.network, "network `name` (env JEJAK_NETWORK)")
	fs.StringVar(&c.g.config, "config", c.g.config, "config `file` (env JEJAK_CONFIG)")
	fs.BoolVar(&c.g.json, "json", c.g.json, "machine-readable output")
	fs.StringVar(&c.g.lang, "lang", c.g.lang, "`language` of reports: en, ms or id (env JEJAK_LANG, LANGUAGE, LC_ALL, LANG)")
}

// language is the language reports are printed in: --lang, else the
// environment ($JEJAK_LANG, $LANGUAGE, $LC_ALL, $LC_MESSAGES, $LANG),
// else English. A --lang Jejak does not speak is a usage error.
func (c *cli) language() (i18n.Lang, error) {
	if c.g.lang != "" {
		l, err := i18n.Parse(c.g.lang)
		if err != nil {
			return "", usageErrorf("--lang: %v", strings.TrimPrefix(err.Error(), "i18n: "))
		}
		return l, nil
	}
	return i18n.FromEnv(c.getenv), nil
}

// parseGlobals reads the global flags before the command and returns the
// rest of args, starting with the command.
func (c *cli) parseGlobals(args []string) ([]string, error) {
	fs := flag.NewFlagSet("jejak-node", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.globalFlags(fs)
	showVersion := fs.Bool("version", false, "print the version")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return []string{"help"}, nil
		}
		return nil, usageErrorf("%v", err)
	}
	if *showVersion {
		return append([]string{"version"}, fs.Args()...), nil
	}
	return fs.Args(), nil
}

// flags returns a flag set for the command name with the global flags and
// a usage text from the command table.
func (c *cli) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("jejak-node "+name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	c.globalFlags(fs)
	fs.Usage = func() {
		out := fs.Output()
		cmd := lookup(name)
		fmt.Fprintf(out, "Usage: jejak-node %s %s\n\n%s.\n", name, cmd.args, upperFirst(cmd.summary))
		if extra := commandHelp[name]; extra != "" {
			fmt.Fprintf(out, "\n%s", extra)
		}
		fmt.Fprintf(out, "\nFlags:\n")
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args with fs, allowing flags after positional arguments, and
// checks that between min and max positional arguments remain (max < 0: no
// limit).
func (c *cli) parse(fs *flag.FlagSet, args []string, min, max int) error {
	fs.SetOutput(io.Discard)
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				fs.SetOutput(c.stdout)
				fs.Usage()
				return errHelp
			}
			return usageErrorf("%v", err)
		}
		args = fs.Args()
		if len(args) == 0 {
			break
		}
		if args[0] == "--" {
			pos = append(pos, args[1:]...)
			break
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
	fs.SetOutput(c.stderr)
	switch {
	case len(pos) < min:
		return usageErrorf("missing %s", missingArg(c.cmd, len(pos)))
	case max >= 0 && len(pos) > max:
		return usageErrorf("unexpected argument %q", pos[max])
	}
	// Leave the positional arguments where fs.Args finds them.
	return fs.Parse(append([]string{"--"}, pos...))
}

// missingArg names the n-th positional argument of cmd from its synopsis.
func missingArg(cmd *command, n int) string {
	var names []string
	for _, w := range strings.Fields(cmd.args) {
		if strings.HasPrefix(w, "[") || strings.HasPrefix(w, "-") || strings.Contains(w, "|") || w == "|" {
			continue
		}
		if w == strings.ToUpper(w) {
			names = append(names, w)
		}
	}
	if n < len(names) {
		return names[n]
	}
	return "argument"
}

// errHelp means -h was asked for and the usage has been printed.
var errHelp = errors.New("help shown")

// usageError is wrong arguments: the usage is shown and the exit status is 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

// inputError is bad input other than arguments (a file that cannot be read,
// a malformed draft): a one-line error and exit status 2.
type inputError struct{ err error }

func (e *inputError) Error() string { return e.err.Error() }
func (e *inputError) Unwrap() error { return e.err }

func inputErrorf(format string, args ...any) error {
	return &inputError{err: fmt.Errorf(format, args...)}
}

// verifyFailed is a verification that did not pass: exit status 1.
type verifyFailed struct{ msg string }

func (e *verifyFailed) Error() string { return e.msg }

// incomplete is a verification that could not have every record: exit
// status 4.
type incomplete struct{ msg string }

func (e *incomplete) Error() string { return e.msg }

// fail reports err, if any, on stderr and returns the exit status it calls
// for.
func (c *cli) fail(name string, err error) int {
	if err == nil || errors.Is(err, errHelp) {
		return exitOK
	}
	prefix := "jejak-node: "
	if name != "" {
		prefix = "jejak-node " + name + ": "
	}
	var ue *usageError
	var ve *verifyFailed
	var inc *incomplete
	switch {
	case errors.As(err, &ue):
		// One line that says what was wrong, and where to look: not the
		// whole usage, which buries the error.
		where := `run "jejak-node help" for the commands`
		if name != "" {
			where = fmt.Sprintf(`run "jejak-node help %s" for its usage`, name)
		}
		fmt.Fprintf(c.stderr, "%s%s (%s)\n", prefix, ue.msg, where)
		return exitUsage
	case errors.As(err, &ve):
		fmt.Fprintf(c.stderr, "%s%s\n", prefix, ve.msg)
		return exitVerifyFail
	case errors.As(err, &inc):
		fmt.Fprintf(c.stderr, "%s%s\n", prefix, inc.msg)
		return exitIncomplete
	case errors.Is(err, storage.ErrInUse):
		fmt.Fprintf(c.stderr, "jejak-node: the store at %s is in use by another Jejak process\n", c.g.data)
		return exitUnavailable
	}
	fmt.Fprintf(c.stderr, "%s%s\n", prefix, oneLine(err.Error()))
	var ie *inputError
	if errors.As(err, &ie) || errors.Is(err, api.ErrInvalid) || errors.Is(err, api.ErrNotFound) || errors.Is(err, api.ErrConflict) || errors.Is(err, api.ErrUnbacked) || errors.Is(err, api.ErrLocked) {
		return exitUsage
	}
	return exitUnavailable
}

// oneLine tidies an error for the terminal: white space within a line
// collapsed, and an error that lists problems one a line (an import's)
// kept so, indented under its first line.
func oneLine(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n  ")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// printJSON writes v to stdout as indented JSON.
func (c *cli) printJSON(v any) error {
	enc := json.NewEncoder(c.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// getenv returns the environment variable k.
func (c *cli) getenv(k string) string { return c.env[k] }
