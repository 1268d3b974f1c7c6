package places

import (
	"fmt"

	"github.com/jejak/jejak/protocol"
)

// Resolve makes origin bodies of harvests, linking each place a harvest
// names. lookup returns the CIDs of the places a reference could mean: for
// a name, every place of that name (those the node holds and those the
// same import creates); for a CID, that CID if it names a place, and none
// otherwise.
//
// Three things might happen: every place is found once, and the origins
// are returned in the order of hs with a nil error; or some place is not
// found, or found more than once, and no origins are returned but an
// *Error that lists each such place with its line and column; or hs is
// empty, and so is the result.
func Resolve(hs []Harvest, lookup func(PlaceRef) []protocol.CID) ([]protocol.Origin, error) {
	var ps problems
	out := make([]protocol.Origin, 0, len(hs))
	for _, h := range hs {
		if ps.full {
			break
		}
		loc := &locator{csv: true, line: h.Line, fields: map[string]at{colPlaces: {field: h.Field, column: h.Column}}}
		o := protocol.Origin{From: h.From, Until: h.Until, Out: h.Out}
		by := map[protocol.CID]PlaceRef{}
		ok := true
		for _, ref := range h.Places {
			cids := lookup(ref)
			switch {
			case len(cids) == 0 && ref.Name != "":
				ps.add(loc.problem(colPlaces, fmt.Sprintf("no place is named %q: import or register it first, or check its spelling", ref.Name)))
			case len(cids) == 0:
				ps.add(loc.problem(colPlaces, fmt.Sprintf("no place has CID %s", ref.CID)))
			case len(cids) > 1:
				ps.add(loc.problem(colPlaces, fmt.Sprintf("%d places are named %q: name the one meant by its CID", len(cids), ref.Name)))
			default:
				if other, dup := by[cids[0]]; dup {
					ps.add(loc.problem(colPlaces, fmt.Sprintf("%q and %q are the same place", other, ref)))
					break
				}
				by[cids[0]] = ref
				o.Places = append(o.Places, cids[0])
				continue
			}
			ok = false
		}
		if !ok {
			continue
		}
		if err := protocol.CheckDraft(&o); err != nil {
			ps.add(originProblem(err, loc, false))
			continue
		}
		out = append(out, o)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return out, nil
}
