package main

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/node/api"
)

// cmdLabels prints what labels' QR codes carry, or sets it: the resolver
// host and the GTIN of each product. A --gtin PRODUCT= removes that
// product's GTIN; products not named keep theirs.
func cmdLabels(c *cli, args []string) error {
	fs := c.flags("labels")
	resolver := fs.String("resolver", "", "the `host` labels name, e.g. verify.example.org (\"\": the default)")
	var gtins multi
	fs.Var(&gtins, "gtin", "a product's GTIN, `PRODUCT=GTIN`: CPO=09506000134352 (repeatable; PRODUCT= removes it)")
	if err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	setResolver := false
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "resolver" {
			setResolver = true
		}
	})
	set := map[string]string{}
	for _, g := range gtins {
		product, gtin, ok := strings.Cut(g, "=")
		product = strings.TrimSpace(product)
		if !ok || product == "" {
			return usageErrorf("--gtin %q: want PRODUCT=GTIN, such as CPO=09506000134352", g)
		}
		set[product] = strings.TrimSpace(gtin)
	}
	l, err := c.language()
	if err != nil {
		return err
	}
	return c.withService(func(ctx context.Context, svc api.Service) error {
		id, err := svc.Identity(ctx)
		if err != nil {
			return err
		}
		if setResolver || len(set) > 0 {
			s := api.LabelSettings{Resolver: id.LabelResolver, GTINs: maps.Clone(id.GTINs)}
			if id.LabelResolverDefault {
				s.Resolver = "" // keep following the relay
			}
			if setResolver {
				s.Resolver = *resolver
			}
			if s.GTINs == nil {
				s.GTINs = map[string]string{}
			}
			maps.Copy(s.GTINs, set)
			if id, err = svc.SetLabelSettings(ctx, s); err != nil {
				return err
			}
			if !c.g.json {
				fmt.Fprintln(c.stdout, i18n.T(l, "labels.cli.saved"))
			}
		}
		if c.g.json {
			return c.printJSON(api.LabelSettings{Resolver: id.LabelResolver, GTINs: id.GTINs})
		}
		switch {
		case id.LabelResolver == "":
			fmt.Fprintln(c.stdout, i18n.T(l, "labels.cli.no_resolver"))
		case id.LabelResolverDefault:
			fmt.Fprintln(c.stdout, i18n.T(l, "labels.cli.default_resolver", "resolver", id.LabelResolver))
		default:
			fmt.Fprintln(c.stdout, i18n.T(l, "labels.cli.resolver", "resolver", id.LabelResolver))
		}
		if len(id.GTINs) == 0 {
			fmt.Fprintln(c.stdout, i18n.T(l, "labels.cli.no_gtins"))
		}
		for _, p := range slices.Sorted(maps.Keys(id.GTINs)) {
			fmt.Fprintln(c.stdout, i18n.T(l, "labels.cli.gtin", "product", p, "gtin", id.GTINs[p]))
		}
		return nil
	})
}
