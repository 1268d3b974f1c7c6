package provenance

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol"
)

// verifier holds one verification's state. It is used by one goroutine
// (signature checks fan out and join).
type verifier struct {
	ctx     context.Context
	src     Source
	opts    Options
	now     time.Time
	anchors map[protocol.PublicKey]bool
	err     error

	entries     map[protocol.CID]*entry
	order       []*entry
	tracedCount int
	stats       Stats

	batches    map[protocol.BatchID]*batch
	batchOrder []*batch
	corrs      map[protocol.CID]*corr
	corrIssues []corrIssue

	devices map[protocol.PublicKey]*device
	orgs    map[protocol.PublicKey]*org

	// suppliers are the origins recorded on a supplier's behalf, found by
	// the EUDR check (checkOnBehalf).
	suppliers []SupplierOrigin

	// relied lists the endorsements whose certificates the certification
	// check relied on, with the time of the claim: the trust check asks
	// whether their issuers are trusted.
	relied []reliedCert

	// statements are the due diligence statements upstream, found by the
	// EUDR check.
	statements []Statement
}

type reliedCert struct {
	en    *endorsement
	claim *entry
}

// Verify traces batch id back to every origin (and, with opts.Forward, on
// to every product that used it), checks what it finds, and reports.
//
// The error is only for an operational failure: ctx was cancelled or the
// source could not be read. A forged, incomplete or dishonest chain is
// not an error: it gives a report whose verdict is Failed, with reasons.
func Verify(ctx context.Context, src Source, id protocol.BatchID, opts Options) (*Report, error) {
	r, _, err := verify(ctx, src, id, opts)
	return r, err
}

// VerifyWithEvidence is Verify that also returns every record the
// verification read and could use (the trace and the keys, endorsements,
// receipts and corrections around it), in the order it read them, each
// with its bytes: the evidence an export or an offline copy carries so a
// reader can check the verdict. A record that was missing, forged or
// unreadable is not among them (the report says why).
func VerifyWithEvidence(ctx context.Context, src Source, id protocol.BatchID, opts Options) (*Report, []protocol.Signed, error) {
	r, v, err := verify(ctx, src, id, opts)
	if err != nil {
		return nil, nil, err
	}
	var recs []protocol.Signed
	for _, e := range v.order {
		if e.ok() && e.bytes != nil {
			recs = append(recs, protocol.Signed{Record: e.rec, CID: e.cid, Bytes: e.bytes})
		}
	}
	return r, recs, nil
}

func verify(ctx context.Context, src Source, id protocol.BatchID, opts Options) (*Report, *verifier, error) {
	if id.IsZero() {
		return nil, nil, fmt.Errorf("provenance: verify: no batch")
	}
	src, opts, err := asOf(ctx, src, id, opts)
	if err != nil {
		return nil, nil, err
	}
	opts = opts.withDefaults()
	v := newVerifier(ctx, src, opts)
	start := v.batchOf(id, protocol.CID{}, m("reason.what.verified"))
	if v.err == nil {
		v.walkBack(start)
	}
	if v.err == nil && opts.Forward {
		v.walkForward(start)
	}
	if v.err == nil {
		v.loadSigners()
	}
	if v.err != nil {
		return nil, nil, v.err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	v.verifyPending()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}

	r := &Report{
		Batch: id, CheckedAt: v.now, Forward: opts.Forward, AsOf: !opts.AsOf.IsZero(),
		Anchors: append([]protocol.PublicKey{}, opts.Anchors...),
	}
	custody := v.checkCustody()
	mass := v.checkMassBalance()
	double := v.checkDoubleClaim()
	cert := v.checkCertification()
	trust := v.checkTrust() // after certification, which says which certificates it relied on
	eudr := v.checkEUDR()
	forks := v.checkForks()
	corrections := v.checkCorrections()
	v.verifyPending() // anything the checks read on the way
	integrity := v.checkIntegrity()
	r.Checks = []Check{integrity, trust, custody, mass, double, cert, eudr, forks, corrections}
	if v.err != nil {
		return nil, nil, v.err
	}
	r.Missing = []Missing{}
	for _, e := range v.order {
		if e.traced {
			r.Stats.Records++
		} else {
			r.Stats.Context++
		}
		if e.code == CodeMissing {
			ms := Missing{Record: e.cid, ReferencedBy: e.refBy, What: e.refWhat.en(), WhatKey: e.refWhat.key, WhatParams: e.refWhat.params, Asked: append([]string{}, e.asked...)}
			if ref := v.entries[e.refBy]; ref != nil && ref.rec != nil {
				if o := v.orgKey(ref.rec.Author); !o.IsZero() {
					ms.ReferencedByOrg, ms.OrgKey = v.orgName(o), &o
				}
			}
			r.Missing = append(r.Missing, ms)
		}
	}
	r.Stats.Missing, r.Stats.Fetched, r.Stats.Truncated = v.stats.Missing, v.stats.Fetched, v.stats.Truncated
	var sum msg
	r.Verdict, sum = verdict(r.Checks)
	r.SummaryKey, r.SummaryParams = sum.key, sum.params
	r.Summary = r.SummaryIn(i18n.English)
	r.Graph = v.graph(r.Checks)
	r.Origins = v.origins()
	r.Statements = v.statements
	r.Signers = v.signers()
	r.Suppliers = v.suppliers
	return r, v, nil
}

// newVerifier returns a verifier over src with opts (defaults applied).
func newVerifier(ctx context.Context, src Source, opts Options) *verifier {
	v := &verifier{
		ctx: ctx, src: src, opts: opts, now: opts.Now().UTC(),
		anchors: map[protocol.PublicKey]bool{},
		entries: map[protocol.CID]*entry{},
		batches: map[protocol.BatchID]*batch{},
		corrs:   map[protocol.CID]*corr{},
		devices: map[protocol.PublicKey]*device{},
		orgs:    map[protocol.PublicKey]*org{},
	}
	for _, k := range opts.Anchors {
		v.anchors[k] = true
	}
	return v
}

// loadSigners reads the keys and endorsements behind every traced record,
// so that every record the checks rely on is read before signatures are
// checked.
func (v *verifier) loadSigners() {
	for _, e := range v.order {
		if v.err != nil {
			return
		}
		if e.traced && e.rec != nil {
			d := v.deviceOf(e.rec.Author)
			if !d.org.IsZero() {
				v.orgOf(d.org)
			}
		}
	}
}

// verdict sums up the checks. A failure that breaks a rule is Failed. Else
// records that could not be had make it Incomplete (missing is not
// guilty: nothing seen breaks a rule, but not everything was seen). Else
// failures that only say a signer or certificate is not endorsed make it
// Unendorsed.
func verdict(checks []Check) (Verdict, msg) {
	var failed, unendorsed []string
	missing := false
	for _, c := range checks {
		if c.Status != Fail {
			continue
		}
		broken, notEndorsed := false, false
		for _, r := range c.Reasons {
			if r.Level != LevelFail {
				continue
			}
			switch r.Code {
			case CodeUnendorsed:
				notEndorsed = true
			case CodeMissing, CodeTruncated:
				missing = true
			default:
				broken = true
			}
		}
		switch {
		case broken:
			failed = append(failed, c.Name)
		case notEndorsed:
			unendorsed = append(unendorsed, c.Name)
		}
	}
	switch {
	case len(failed) > 0:
		return Failed, m("report.verdict.failed", "checks", strings.Join(failed, ","))
	case missing:
		return Incomplete, m("report.verdict.incomplete")
	case len(unendorsed) > 0:
		return Unendorsed, m("report.verdict.unendorsed")
	}
	return Trusted, m("report.verdict.trusted")
}

// newCheck starts a check; its title is the message
// "report.check.<name>".
func newCheck(name string) *checkBuilder {
	return &checkBuilder{c: Check{Name: name, Title: checkTitle(i18n.English, name)}}
}

// checkBuilder collects a check's reasons and works out its status.
type checkBuilder struct {
	c       Check
	judged  int  // items actually judged
	unknown bool // some items could not be judged for lack of records
}

func (b *checkBuilder) add(level Level, code string, x msg, records []protocol.CID, numbers map[string]string) {
	b.c.Reasons = append(b.c.Reasons, Reason{Level: level, Code: code, Key: x.key, Params: x.params, Text: x.en(), Records: dedupe(records), Numbers: numbers})
}

func (b *checkBuilder) fail(code string, x msg, records ...protocol.CID) {
	b.add(LevelFail, code, x, records, nil)
}

func (b *checkBuilder) warn(code string, x msg, records ...protocol.CID) {
	b.add(LevelWarn, code, x, records, nil)
}

func (b *checkBuilder) info(code string, x msg, records ...protocol.CID) {
	b.add(LevelInfo, code, x, records, nil)
}

// done works out the status: fail over warn over pass; skip when nothing
// could be judged. pass is the summary when nothing is wrong.
func (b *checkBuilder) done(pass, skip msg) Check {
	var fails, warns int
	for _, r := range b.c.Reasons {
		switch r.Level {
		case LevelFail:
			fails++
		case LevelWarn:
			warns++
		}
	}
	var s msg
	switch {
	case fails > 0:
		b.c.Status, s = Fail, m("report.summary.problems", "n", fails)
	case warns > 0:
		b.c.Status, s = Warn, m("report.summary.warnings", "n", warns)
	case b.judged == 0:
		b.c.Status, s = Skip, skip
	default:
		b.c.Status, s = Pass, pass
	}
	b.c.Summary, b.c.SummaryKey, b.c.SummaryParams = s.en(), s.key, s.params
	return b.c
}

func dedupe(cs []protocol.CID) []protocol.CID {
	var out []protocol.CID
	seen := map[protocol.CID]bool{}
	for _, c := range cs {
		if !c.IsZero() && !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	return out
}

// tracedRecords returns the readable records of the trace, in read order.
func (v *verifier) tracedRecords() []*entry {
	var out []*entry
	for _, e := range v.order {
		if e.traced && e.rec != nil {
			out = append(out, e)
		}
	}
	return out
}

// incomplete reports whether some traced record is missing or unreadable.
func (v *verifier) incomplete() bool {
	if v.stats.Truncated {
		return true
	}
	for _, e := range v.order {
		if e.traced && e.rec == nil {
			return true
		}
	}
	return false
}

// when formats a record time (Unix ms) as a UTC date and time.
func when(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02 15:04 UTC") }

// day formats a time (Unix ms) as a UTC date.
func day(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02") }
