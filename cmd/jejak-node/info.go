package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

func cmdStatus(c *cli, args []string) error {
	fs := c.flags("status")
	if err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	return c.withService(func(ctx context.Context, svc api.Service) error {
		st, err := svc.Status(ctx)
		if err != nil {
			return err
		}
		if c.g.json {
			return c.printJSON(st)
		}
		w := c.stdout
		fmt.Fprintf(w, "peer       %s\nnetwork    %s\n", st.PeerID, st.Network)
		if st.Agent != "" {
			fmt.Fprintf(w, "served by  %s\n", st.Agent)
		}
		if st.Relay {
			fmt.Fprintf(w, "profile    relay\n")
		}
		if !st.Author.IsZero() {
			fmt.Fprintf(w, "device     %s\n", st.Author)
		}
		fmt.Fprintf(w, "records    %d from %d feeds\n", st.Records, st.Authors)
		for _, t := range sortedKeys(typeCounts(st)) {
			fmt.Fprintf(w, "  %-9s %d\n", t, st.ByType[typeOf(t)])
		}
		fmt.Fprintf(w, "peers      %d\n", len(st.Peers))
		fmt.Fprintf(w, "reachable  %s\n", st.Reachability)
		for _, note := range st.Notes {
			fmt.Fprintf(w, "note       %s\n", note)
		}
		if st.ClockWarning != "" {
			fmt.Fprintf(w, "WARNING    %s\n", st.ClockWarning)
		}
		if id, err := svc.Identity(ctx); err == nil && id.Ready {
			fmt.Fprintf(w, "org        %s %s\norg key    %s\n", id.Name, id.Org, orgKeyState(id))
			if id.HasOrgKey && !id.OrgKeyProtected {
				fmt.Fprintf(w, "WARNING    %s\n", unprotectedWarning)
			}
			for _, d := range id.Devices {
				fmt.Fprintf(w, "device key %s %s%s\n", d.Key, d.Name, deviceState(d))
			}
		}
		if len(st.Forks) > 0 {
			fmt.Fprintf(w, "forks      %d (a key signed two records at one seq)\n", len(st.Forks))
		}
		for _, a := range st.Addrs {
			fmt.Fprintf(w, "address    %s\n", a)
		}
		return nil
	})
}

func cmdPeers(c *cli, args []string) error {
	fs := c.flags("peers")
	if err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	return c.withService(func(ctx context.Context, svc api.Service) error {
		st, err := svc.Status(ctx)
		if err != nil {
			return err
		}
		if c.g.json {
			return c.printJSON(st.Peers)
		}
		if len(st.Peers) == 0 {
			fmt.Fprintln(c.stdout, "no peers connected")
		}
		for _, p := range st.Peers {
			relay := ""
			if p.Relay {
				relay = " relay"
			}
			fmt.Fprintf(c.stdout, "%s  %s  %s%s  score %.1f\n", p.ID, p.Addr, p.Via, relay, p.Score)
			if p.Penalty != 0 {
				fmt.Fprintf(c.stdout, "    penalty %.0f (halves every 10 minutes) for:\n", p.Penalty)
				for _, why := range p.Why {
					fmt.Fprintf(c.stdout, "      %s\n", why)
				}
			}
		}
		return nil
	})
}

func cmdBatches(c *cli, args []string) error {
	fs := c.flags("batches")
	var f api.BatchFilter
	fs.BoolVar(&f.Made, "made", false, "only batches this organisation made")
	fs.BoolVar(&f.Received, "received", false, "only batches it received")
	fs.BoolVar(&f.Held, "held", false, "only batches with something left")
	fs.StringVar(&f.Text, "search", "", "only batches whose lot, product or ID contains `TEXT`")
	fs.IntVar(&f.Limit, "limit", 0, "at most `N` batches (default 500)")
	if err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if f.Limit < 0 {
		return usageErrorf("-limit %d: want a positive number", f.Limit)
	}
	return c.withService(func(ctx context.Context, svc api.Service) error {
		bs, err := svc.Batches(ctx, f)
		if err != nil {
			return err
		}
		if c.g.json {
			if bs == nil {
				bs = []api.Batch{}
			}
			return c.printJSON(bs)
		}
		for _, b := range bs {
			how := "made"
			if b.Received {
				how = "received from " + first(b.MakerName, b.Maker.Short())
			}
			lot := ""
			if b.Lot != "" {
				lot = " lot " + b.Lot
			}
			fmt.Fprintf(c.stdout, "%s  %s %s%s, %s left, %s %s\n", b.ID, b.Product, b.Held, lot, b.Left, how, b.Made.Format("2006-01-02"))
		}
		return nil
	})
}

func cmdIncoming(c *cli, args []string) error {
	fs := c.flags("incoming")
	if err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	return c.withService(func(ctx context.Context, svc api.Service) error {
		in, err := svc.Incoming(ctx)
		if err != nil {
			return err
		}
		if c.g.json {
			if in == nil {
				in = []api.Incoming{}
			}
			return c.printJSON(in)
		}
		for _, t := range in {
			fmt.Fprintf(c.stdout, "%s  %s %s of %s from %s\n", t.Transfer, t.Product, t.Qty.Text(), t.Batch, first(t.FromName, t.From.Short()))
		}
		return nil
	})
}

func cmdReindex(c *cli, args []string) error {
	fs := c.flags("reindex")
	if err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	f, tty := c.stderr.(*os.File)
	tty = tty && isTerminal(f)
	return c.withService(func(ctx context.Context, svc api.Service) error {
		var last int64
		err := svc.Reindex(ctx, func(done, total int64) {
			last = done
			if tty {
				fmt.Fprintf(c.stderr, "\rreindexing: %d of %d records", done, total)
			}
		})
		if tty {
			fmt.Fprintln(c.stderr)
		}
		if err != nil {
			return err
		}
		if c.g.json {
			return c.printJSON(map[string]int64{"records": last})
		}
		fmt.Fprintf(c.stdout, "reindexed %d records\n", last)
		return nil
	})
}

func cmdCheck(c *cli, args []string) error {
	fs := c.flags("check")
	if err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	return c.withService(func(ctx context.Context, svc api.Service) error {
		diffs, err := svc.Check(ctx)
		if err != nil {
			return err
		}
		if c.g.json {
			if diffs == nil {
				diffs = []string{}
			}
			if err := c.printJSON(map[string]any{"ok": len(diffs) == 0, "differences": diffs}); err != nil {
				return err
			}
		} else if len(diffs) == 0 {
			fmt.Fprintln(c.stdout, "the store's indexes match its records")
		} else {
			fmt.Fprintln(c.stdout, strings.Join(diffs, "\n"))
		}
		if len(diffs) > 0 {
			return &verifyFailed{msg: fmt.Sprintf("%d differences between the indexes and the records; run jejak-node reindex", len(diffs))}
		}
		return nil
	})
}

func typeCounts(st api.Status) map[string]int64 {
	m := make(map[string]int64, len(st.ByType))
	for t, n := range st.ByType {
		m[string(t)] = n
	}
	return m
}

func typeOf(s string) protocol.Type { return protocol.Type(s) }
