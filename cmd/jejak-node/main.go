// Command jejak-node is Jejak's headless node, relay and command-line tool.
//
// "jejak-node serve" runs a node (with --relay, a relay with Prometheus
// metrics) until SIGINT or SIGTERM. The other commands act on the node of
// a data folder: while a node serves that folder they ask it through its
// local API socket (DataDir/jejak.sock); with no node running they open the
// store themselves. Either way they use the same api.Service.
//
// Usage:
//
//	jejak-node [global flags] <command> [arguments]
//
// Global flags, which may also follow the command:
//
//	--data DIR     the data folder ($JEJAK_DATA, else $XDG_DATA_HOME/jejak or ~/.local/share/jejak)
//	--network N    the network name ($JEJAK_NETWORK, else "main")
//	--config FILE  a JSON config file ($JEJAK_CONFIG, else DIR/config.json when it exists)
//	--json         machine-readable output
//
// Settings come from flags first, then environment variables, then the
// config file.
//
// Exit status:
//
//	0  success
//	1  verification failed: verify judged the batch failed or unendorsed
//	   (only "trusted" exits 0), or check found damaged indexes
//	2  usage or input error: wrong arguments, an unknown batch or key, a
//	   malformed draft, a wrong or missing passphrase, a record the rules
//	   reject
//	3  unavailable: the store is in use by another process, the node or
//	   its store failed, a file could not be written
//	4  incomplete: verify could not have every record of the batch's
//	   story (the verdict is incomplete, or the batch itself was not
//	   found here or at any peer asked); missing is not guilty
//
// jejak-node imports no GUI toolkit and builds with CGO_ENABLED=0.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strings"

	"github.com/jejak/jejak/node/bench"
)

// version is the release of Jejak this binary belongs to. A release build
// may override it with -ldflags "-X main.version=...".
var version = "0.1.0"

// Exit statuses.
const (
	exitOK          = 0
	exitVerifyFail  = 1
	exitIncomplete  = 4
	exitUsage       = 2
	exitUnavailable = 3
)

func main() {
	// The memory scenario of "jejak-node bench" measures a node in a child
	// process started from this binary.
	if ok, err := bench.Child(); ok {
		if err != nil {
			fmt.Fprintln(os.Stderr, "jejak-node bench:", err)
			os.Exit(exitUnavailable)
		}
		os.Exit(exitOK)
	}
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Environ()))
}

// command is one subcommand.
type command struct {
	name    string
	args    string // the synopsis after the name
	summary string
	run     func(c *cli, args []string) error
}

var commands []command

func init() {
	commands = []command{
		{"serve", "[--relay] [--listen ADDR]... [--bootstrap ADDR]... [--metrics ADDR]", "run a node (or a relay) until interrupted", cmdServe},
		{"init", "--name NAME --role ROLE --country CC [--backup FILE]", "create this install's organisation and device keys", cmdInit},
		{"record", "TYPE [flags] | TYPE --file DRAFT.json", "sign and publish a record", cmdRecord},
		{"verify", "[--forward] [--pdf=FILE] BATCH | --capsule FILE [--anchor KEY] [BATCH]", "verify a batch's provenance (from a capsule file: offline, nothing set up)", cmdVerify},
		{"trace", "[--forward] BATCH", "show a batch's provenance graph", cmdTrace},
		{"label", "-o FILE.png BATCH | --pdf FILE [--sheet SHEET] | --zpl FILE BATCH...", "write a batch's QR code, or labels to print (PDF or ZPL)", cmdLabel},
		{"export", "FORMAT [-o PATH] [--forward] [--as-of DATE] BATCH", "export a batch's provenance (CAR, EPCIS, …)", cmdExport},
		{"import", "FORMAT FILE", "import records or drafts from a file (CAR, EPCIS, …)", cmdImport},
		{"keys", "export FILE | import FILE | rotate | revoke DEVICE-KEY --reason WHY [--from DATE] | passphrase | reset-passphrase --backup FILE", "back up, restore, rotate or revoke keys; set the organisation passphrase", cmdKeys},
		{"trust", "add KEY [NAME] | remove KEY | list", "manage trust anchors", cmdTrust},
		{"labels", "[--resolver HOST] [--gtin PRODUCT=GTIN]...", "show or set what labels' QR codes carry", cmdLabels},
		{"peers", "", "list connected peers", cmdPeers},
		{"status", "", "show the node's identity, records and peers", cmdStatus},
		{"batches", "[--made] [--received] [--search TEXT]", "list this organisation's batches", cmdBatches},
		{"incoming", "", "list transfers waiting to be received", cmdIncoming},
		{"reindex", "", "rebuild the store's indexes", cmdReindex},
		{"check", "", "compare the store's indexes with a rebuild", cmdCheck},
		{"bench", "[--quick] [--only LIST] [--out FILE.json]", "measure Jejak beside its baselines (see docs/BENCHMARKS.md)", cmdBench},
		{"version", "", "print the version of jejak-node", cmdVersion},
		{"help", "[COMMAND]", "print help", cmdHelp},
	}
}

func usage() string {
	var b strings.Builder
	b.WriteString(`jejak-node is Jejak's headless node, relay and command-line tool.

Usage:

	jejak-node [global flags] <command> [arguments]

Commands:

`)
	for _, c := range commands {
		fmt.Fprintf(&b, "\t%-9s  %s\n", c.name, c.summary)
	}
	b.WriteString(`
Global flags (also accepted after the command):

	--data DIR     data folder (env JEJAK_DATA; default $XDG_DATA_HOME/jejak)
	--network N    network name (env JEJAK_NETWORK; default "main")
	--config FILE  JSON config file (env JEJAK_CONFIG; default DIR/config.json)
	--json         machine-readable output

Exit status: 0 ok, 1 verification failed or unendorsed, 2 usage or input
error, 3 unavailable, 4 incomplete (records missing; the batch not found).
Run "jejak-node help COMMAND" for a command's flags.
`)
	return b.String()
}

// run carries out the command named by args and returns the process's exit
// status. env is the environment, as os.Environ returns it.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer, env []string) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr, env: envMap(env), ctx: context.Background()}
	rest, err := c.parseGlobals(args)
	if err != nil {
		return c.fail("", err)
	}
	if len(rest) == 0 {
		fmt.Fprint(stderr, usage())
		return exitUsage
	}
	name := rest[0]
	switch name {
	case "-h", "-help", "--help":
		name = "help"
	case "-version", "--version":
		name = "version"
	}
	cmd := lookup(name)
	if cmd == nil {
		fmt.Fprintf(stderr, "jejak-node: unknown command %q (run \"jejak-node help\" for the commands)\n", name)
		return exitUsage
	}
	c.cmd = cmd
	return c.fail(cmd.name, cmd.run(c, rest[1:]))
}

func lookup(name string) *command {
	for i := range commands {
		if commands[i].name == name {
			return &commands[i]
		}
	}
	return nil
}

func cmdVersion(c *cli, args []string) error {
	fs := c.flags("version")
	if err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if c.g.json {
		return c.printJSON(map[string]string{"version": version, "go": runtime.Version(), "os": runtime.GOOS, "arch": runtime.GOARCH})
	}
	fmt.Fprintf(c.stdout, "jejak-node %s (%s %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return nil
}

func cmdHelp(c *cli, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(c.stdout, usage())
		return nil
	}
	cmd := lookup(args[0])
	if cmd == nil || len(args) > 1 {
		return usageErrorf("unknown command %q", strings.Join(args, " "))
	}
	// Exactly what "CMD --help" shows.
	c.cmd = cmd
	return cmd.run(c, []string{"--help"})
}

func envMap(env []string) map[string]string {
	m := make(map[string]string, len(env))
	for _, kv := range env {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
