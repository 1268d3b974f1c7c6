package node

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/places"
	"github.com/jejak/jejak/storage"
)

// ImportPlaces implements api.App.
func (n *Node) ImportPlaces(ctx context.Context, imp api.PlaceImport, progress func(done, total int64)) (api.PlaceImportResult, error) {
	op := fmt.Sprintf("import %d places and %d harvests", len(imp.Places), len(imp.Harvests))
	if n.closed() {
		return api.PlaceImportResult{}, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	if imp.Source == "" {
		return api.PlaceImportResult{}, api.E(op, api.ErrInvalid, errors.New("no source: name the file's content, so that a repeated import records nothing twice"))
	}
	for i := range imp.Places {
		if err := protocol.CheckDraft(&imp.Places[i]); err != nil {
			return api.PlaceImportResult{}, api.E(op, api.ErrInvalid, fmt.Errorf("place %d (%q): %w", i+1, imp.Places[i].Name, err))
		}
	}
	have, err := n.Places(ctx)
	if err != nil {
		return api.PlaceImportResult{}, err
	}
	// The places this import creates have no CID until they are signed:
	// stand-ins take their place while the harvests are resolved.
	byName := map[string][]protocol.CID{}
	known := map[protocol.CID]bool{}
	for _, p := range have {
		byName[p.Name] = append(byName[p.Name], p.Record)
		known[p.Record] = true
	}
	standIn := map[protocol.CID]int{}
	for i, p := range imp.Places {
		c := protocol.ComputeCID([]byte(fmt.Sprintf("jejak import %s place %d", imp.Source, i)))
		standIn[c] = i
		byName[p.Name] = append(byName[p.Name], c)
	}
	origins, err := places.Resolve(imp.Harvests, func(ref places.PlaceRef) []protocol.CID {
		if !ref.CID.IsZero() {
			if known[ref.CID] {
				return []protocol.CID{ref.CID}
			}
			return nil
		}
		return byName[ref.Name]
	})
	if err != nil {
		return api.PlaceImportResult{}, api.E(op, api.ErrInvalid, fmt.Errorf("%w; nothing was imported", err))
	}
	dev, _ := n.id.keys()
	if dev.IsZero() {
		return api.PlaceImportResult{}, api.E(op, api.ErrUnavailable, errors.New("this node has no device key to sign with"))
	}
	// A harvest from places already here is judged now, before anything
	// is signed; one from new places only is backed by them. Origins are
	// judged by their places alone, which the import does not change, so
	// none is judged again when it is signed.
	judge, err := n.judgeMany(ctx)
	if err != nil {
		return api.PlaceImportResult{}, storeError(op, err)
	}
	var findings []string
	for i := range origins {
		if slices.ContainsFunc(origins[i].Places, func(c protocol.CID) bool { _, ok := standIn[c]; return ok }) {
			continue
		}
		fs, err := judge(ctx, &origins[i])
		if err != nil {
			return api.PlaceImportResult{}, storeError(op, err)
		}
		for _, f := range fs {
			findings = append(findings, fmt.Sprintf("line %d: %s", imp.Harvests[i].Line, f.Text))
		}
	}
	if len(findings) > 0 {
		return api.PlaceImportResult{}, api.E(op, api.ErrInvalid, fmt.Errorf("%s; nothing was imported", strings.Join(findings, "; ")))
	}

	total := int64(len(imp.Places) + len(origins))
	var done int64
	tick := func() {
		done++
		if progress != nil {
			progress(done, total)
		}
	}
	var res api.PlaceImportResult
	for i := range imp.Places {
		rec, err := n.publish(ctx, op, dev, &imp.Places[i], draftOf(imp.Source, "place", i), nil, nil)
		if err != nil {
			return res, importCut(op, err, len(res.Places), len(res.Origins))
		}
		res.Places = append(res.Places, rec.CID)
		tick()
	}
	for i := range origins {
		o := origins[i]
		o.Places = slices.Clone(o.Places)
		for k, c := range o.Places {
			if j, ok := standIn[c]; ok {
				o.Places[k] = res.Places[j]
			}
		}
		rec, err := n.publish(ctx, op, dev, &o, draftOf(imp.Source, "harvest", i), nil, nil)
		if err != nil {
			return res, importCut(op, err, len(res.Places), len(res.Origins))
		}
		res.Origins = append(res.Origins, rec.CID)
		tick()
	}
	return res, nil
}

// draftOf names the draft of one row of an import.
func draftOf(source, what string, i int) string {
	id := fmt.Sprintf("import %s %s %d", source, what, i)
	if len(id) > storage.MaxDraftID {
		id = protocol.ComputeCID([]byte(id)).String()
	}
	return id
}

// importCut says an import stopped part way, what it had recorded, and
// that repeating it records the rest once.
func importCut(op string, err error, places, harvests int) error {
	var ae *api.Error
	kind := api.ErrUnavailable
	if errors.As(err, &ae) && ae.Kind != nil {
		kind = ae.Kind
	}
	return api.E(op, kind, fmt.Errorf("stopped after %d places and %d harvests: %w; import the same file again to record the rest (nothing is recorded twice)", places, harvests, err))
}
