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
	b := newCheck("forks")
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
				v.loadContext(c, protocol.CID{}, m("reason.what.fork"))
			}
			sort.Strings(short)
			b.add(LevelFail, CodeFork, m("reason.fork", "n", len(f.CIDs), "seq", f.Seq, "records", strings.Join(short, ", ")).nest("who", v.keyName(k)), f.CIDs, map[string]string{"seq": fmt.Sprint(f.Seq)})
		}
	}
	return b.done(m("report.summary.forks.pass", "n", b.judged), m("report.summary.forks.skip"))
}

// keyName names a key for people: an organisation's key, or a device key
// with its organisation.
func (v *verifier) keyName(k protocol.PublicKey) msg {
	if o, ok := v.orgs[k]; ok && o.profile != nil {
		return m("reason.key.org", "who_org", o.profile.Name, "who_key_id", k.Short())
	}
	d := v.deviceOf(k)
	if d.org.IsZero() {
		return m("reason.key.bare", "who_key_id", k.Short())
	}
	return m("reason.key.device", "who_key_id", k.Short(), "who_org", v.orgName(d.org))
}
