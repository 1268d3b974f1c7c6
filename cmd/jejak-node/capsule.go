package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"strings"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/node"
	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol/interop/capsule"
	"github.com/jejak/jejak/protocol/provenance"
)

// capsuleArg says whether verify was given --capsule.
func capsuleArg(args []string) bool {
	for _, a := range args {
		if a == "--" {
			return false
		}
		if n := strings.TrimLeft(a, "-"); a != n && (n == "capsule" || strings.HasPrefix(n, "capsule=")) {
			return true
		}
	}
	return false
}

// stringList is a flag that may be given many times.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(s string) error { *l = append(*l, s); return nil }

// capsuleReport verifies a capsule file with nothing else: the anchors
// saved in the data folder (read, not the store opened) and those given
// with --anchor, the network of the configuration.
func (c *cli) capsuleReport(args []string) (*provenance.Report, error) {
	fs := flag.NewFlagSet("jejak-node verify", flag.ContinueOnError)
	c.globalFlags(fs)
	file := fs.String("capsule", "", "")
	var anchors stringList
	fs.Var(&anchors, "anchor", "")
	fs.Bool("forward", false, "")
	asOf := fs.String("as-of", "", "")
	fs.StringVar(&c.reportPDF, "pdf", "", "")
	if err := c.parse(fs, args, 0, 1); err != nil {
		return nil, err
	}
	if *asOf != "" {
		return nil, usageErrorf("--as-of: a capsule is checked as it was made; it takes no --as-of")
	}
	if *file == "" {
		return nil, usageErrorf("--capsule: give the capsule FILE")
	}
	if err := c.resolve(); err != nil {
		return nil, err
	}
	o := capsule.CheckOptions{Network: first(c.g.network, p2p.DefaultNetwork)}
	if fs.NArg() == 1 {
		id, err := parseBatchArg(fs.Arg(0))
		if err != nil {
			return nil, err
		}
		o.Batch = id.String()
	}
	saved, err := node.ReadAnchors(c.g.data)
	if err != nil {
		return nil, inputErrorf("%v", err)
	}
	for _, k := range saved.Keys() {
		o.Anchors = append(o.Anchors, k.String())
	}
	o.Anchors = append(o.Anchors, anchors...)
	data, err := os.ReadFile(*file)
	if err != nil {
		return nil, inputErrorf("--capsule: %v", err)
	}
	res := capsule.Check(context.Background(), data, o)
	if !res.OK {
		return nil, inputErrorf("%s: %s", *file, strings.TrimPrefix(res.Error, "capsule: "))
	}
	if !c.g.json {
		l, err := c.language()
		if err != nil {
			return nil, err
		}
		m := res.Capsule
		fmt.Fprintln(c.stdout, i18n.T(l, "cli.capsule.header", "file", *file, "made", m.Made.Format("2006-01-02 15:04 UTC"), "maker", m.Maker,
			"records", i18n.T(l, "common.records", "n", m.Records), "bytes", m.Bytes, "day", m.Made.Format("2006-01-02")))
		for _, n := range res.NotesIn(l) {
			fmt.Fprintf(c.stdout, "  %s\n", i18n.T(l, "cli.capsule.note", "note", n))
		}
		fmt.Fprintln(c.stdout)
	}
	return res.Report, nil
}
