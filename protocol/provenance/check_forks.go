package provenance

import (
	"fmt"
	"sort"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// CodeFork is the reason code for equivocation.
const CodeFork = "fork"

// checkForks: no key behind the trace (device keys that signed traced
// records, the organisations that delegated them, the certifiers that
// endorsed those) signed two different records at one seq of its feed.
func (v *verifier) checkForks() Check {
	b := newCheck("forks", "Forks")
	var keys []protocol.PublicKey
	seen := map[protocol.PublicKey]bool{}
	add := func(k protocol.PublicKey) {
		if !k.IsZero() && !seen[k] {
			seen[k] = true
			keys = append(keys, k)
		}
	}
	for _, e := range v.tracedRecords() {
		add(e.rec.Author)
		d := v.deviceOf(e.rec.Author)
		add(d.org)
		if !d.org.IsZero() {
			for _, en := range v.orgOf(d.org).endorsements {
				add(en.by)
			}
		}
	}
	for _, k := range keys {
		if v.err != nil {
			break
		}
		forks, err := v.src.Forks(v.ctx, k)
		if err != nil {
			v.fail(fmt.Errorf("provenance: read forks of %s: %w", k.Short(), err))
			break
		}
		b.judged++
		for _, f := range forks {
			var short []string
			for _, c := range f.CIDs {
				short = append(short, c.Short())
				// Read, so the evidence of the equivocation travels with
				// the report's other records.
				v.loadContext(c, protocol.CID{}, "a record of a fork")
			}
			sort.Strings(short)
			who := v.keyName(k)
			b.add(LevelFail, CodeFork, fmt.Sprintf("%s signed %d different records at seq %d of its feed (%s): a signer that equivocates cannot be believed",
				who, len(f.CIDs), f.Seq, strings.Join(short, " and ")), f.CIDs, map[string]string{"seq": fmt.Sprint(f.Seq)})
		}
	}
	return b.done(fmt.Sprintf("none of the %s behind the trace signed two records at one seq", plural(b.judged, "key", "keys")), "no keys to check")
}

// keyName names a key for people: an organisation's key, or a device key
// with its organisation.
func (v *verifier) keyName(k protocol.PublicKey) string {
	if o, ok := v.orgs[k]; ok && o.profile != nil {
		return fmt.Sprintf("the organisation key of %s (%s)", o.profile.Name, k.Short())
	}
	d := v.deviceOf(k)
	if d.org.IsZero() {
		return "key " + k.Short()
	}
	return fmt.Sprintf("device key %s of %s", k.Short(), v.orgName(d.org))
}
