package main

import (
	"context"
	"fmt"
	"os/signal"
	"strings"
	"syscall"

	"github.com/jejak/jejak/internal/atomicfile"
	"github.com/jejak/jejak/node/bench"
)

func benchHelp() string {
	return `Each scenario builds what it measures in a temporary folder (stores of
signed records, nodes on 127.0.0.1 with mDNS and the DHT off, nodes in
processes of their own, networks of up to 1,000 nodes simulated in
memory, a throwaway PostgreSQL on a Unix socket) and runs its baselines
in the same run, so each figure comes with a ratio. Tables go to standard
output (Markdown; JSON with --json), progress to standard error.
Scenarios: ` + strings.Join(bench.Names(), ", ") + `.

--quick uses small sizes (under a minute): it proves every scenario
runs, not how fast. A full run builds stores of 1,000,000 records and
simulates 1,000 nodes (about 25 minutes on two cores). Exits 0 when every
scenario ran with its baselines, 3 when one could not (it still reports
the others).

  jejak-node bench --quick
  jejak-node bench --only trace --out bench.json
`
}

func cmdBench(c *cli, args []string) error {
	fs := c.flags("bench")
	quick := fs.Bool("quick", false, "small sizes: prove every scenario runs, in under a minute")
	only := fs.String("only", "", "run only these scenarios (`LIST`, comma-separated)")
	out := fs.String("out", "", "also write the report as JSON to `FILE`")
	dir := fs.String("dir", "", "build stores in `DIR` (default: a temporary folder, removed afterwards)")
	pg := fs.String("postgres", "", "the folder of PostgreSQL's initdb and pg_ctl (`DIR`; default: found on PATH or in /usr/lib/postgresql)")
	if err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	cfg := bench.Config{Quick: *quick, Dir: *dir, Postgres: *pg, Progress: c.stderr}
	if *only != "" {
		for _, n := range strings.Split(*only, ",") {
			cfg.Only = append(cfg.Only, strings.TrimSpace(n))
		}
	}
	ctx, stop := signal.NotifyContext(c.ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	rep, err := bench.Run(ctx, cfg)
	if rep == nil {
		return usageErrorf("%v", err)
	}
	if *out != "" {
		if werr := atomicfile.WriteFunc(*out, 0o644, rep.JSON); werr != nil {
			return fmt.Errorf("write %s: %w", *out, werr)
		}
	}
	if c.g.json {
		if werr := rep.JSON(c.stdout); werr != nil {
			return werr
		}
	} else {
		rep.Text(c.stdout)
	}
	if err != nil && ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}
