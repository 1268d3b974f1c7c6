// Command jejak-node is Jejak's headless node and command-line tool.
//
// It is early: today it offers only the version subcommand. Serving as a
// node or relay, recording, verifying, tracing and exporting are still to
// come. It imports no GUI toolkit and builds with CGO_ENABLED=0, so it runs
// on any machine that has Go.
//
// Usage:
//
//	jejak-node <command> [arguments]
//
// Exit status is 0 on success and 2 for a usage error.
package main

import (
	"fmt"
	"io"
	"os"
	"runtime"
)

// version is the release of Jejak this binary belongs to. A release build
// may override it with -ldflags "-X main.version=...".
var version = "0.1.0"

const usage = `jejak-node is Jejak's headless node and command-line tool.

Usage:

	jejak-node <command> [arguments]

Commands:

	version    print the version of jejak-node
	help       print this help

This is an early build: more commands (serve, init, record, verify, trace,
export, peers, status and others) are coming.
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run carries out the command named by args, writing its output to stdout
// and its errors to stderr, and returns the process's exit status.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	switch cmd := args[0]; cmd {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage)
		return 0
	case "version", "-version", "--version":
		if len(args) > 1 {
			fmt.Fprintf(stderr, "jejak-node version: unexpected argument %q\n", args[1])
			return 2
		}
		fmt.Fprintf(stdout, "jejak-node %s (%s %s/%s)\n", version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
		return 0
	default:
		fmt.Fprintf(stderr, "jejak-node: unknown command %q\n\n%s", cmd, usage)
		return 2
	}
}
