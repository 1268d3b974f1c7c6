package epcis

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// carried reads the record an element carries whole (jejak:cid,
// jejak:signature, jejak:record) and returns it when it opens and is the
// record the element names; else nil, with a problem said. It adds the
// record to the result.
func (im *importer) carried(c cur) (*protocol.Signed, error) {
	recCur, ok := im.x(c, xRecord)
	if !ok {
		if cidCur, ok := im.x(c, xCID); ok {
			if _, err := cidCur.str(); err != nil {
				return nil, err
			}
		}
		return nil, nil
	}
	text, err := recCur.str()
	if err != nil {
		return nil, err
	}
	data, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		return nil, malformed(recCur.path, "not base64")
	}
	s, err := protocol.Open(data)
	if err != nil {
		im.problem(recCur.path, "the record does not open: "+err.Error())
		return nil, nil
	}
	if cidCur, ok := im.x(c, xCID); ok {
		want, err := cidCur.str()
		if err != nil {
			return nil, err
		}
		if want != s.CID.String() {
			im.problem(cidCur.path, fmt.Sprintf("names record %s, but the record carried is %s", short(want), s.CID))
			return nil, nil
		}
	}
	if sigCur, ok := im.x(c, xSignature); ok {
		sig, err := sigCur.str()
		if err != nil {
			return nil, err
		}
		if b, err := base64.StdEncoding.DecodeString(sig); err != nil || !bytes.Equal(b, s.Sig) {
			im.problem(sigCur.path, "is not the signature of the record carried")
			return nil, nil
		}
	}
	if !im.seen[s.CID] {
		im.seen[s.CID] = true
		im.res.Records = append(im.res.Records, s)
	}
	return &s, nil
}

func (im *importer) problem(path, text string) {
	im.res.Problems = append(im.res.Problems, Problem{Path: path, Text: text})
}

// addDraft appends a draft and returns its index.
func (im *importer) addDraft(d Draft) int {
	im.res.Drafts = append(im.res.Drafts, d)
	return len(im.res.Drafts) - 1
}

func (im *importer) unresolved(r Reference) { im.res.Unresolved = append(im.res.Unresolved, r) }

// settle compares draft i with the record its event carried: when they say
// the same, the draft is marked signed; when not, a problem names the
// fields that differ.
func (im *importer) settle(i int, s *protocol.Signed, withTime bool) {
	if s == nil {
		return
	}
	d := &im.res.Drafts[i]
	r := *s.Record
	r.Body = d.Body
	if withTime {
		r.Time = d.Time
	}
	if b, err := r.Encode(); err == nil && bytes.Equal(b, s.Bytes) {
		d.Signed = s.CID
		return
	}
	var diff []string
	if s.Body.Type() != d.Body.Type() {
		diff = append(diff, "type")
	} else {
		diff = fieldDiff(s.Body, d.Body)
	}
	if withTime && s.Time != d.Time {
		diff = append(diff, "time")
	}
	im.problem(d.Path, fmt.Sprintf("says otherwise than the signed record %s it carries (%s differ); the draft follows the event's fields",
		s.CID, strings.Join(diff, ", ")))
}

// fieldDiff names the top-level body fields in which a and b differ.
func fieldDiff(a, b protocol.Body) []string {
	var ma, mb map[string]json.RawMessage
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	_ = json.Unmarshal(ja, &ma)
	_ = json.Unmarshal(jb, &mb)
	var out []string
	for k, v := range ma {
		if !bytes.Equal(v, mb[k]) {
			out = append(out, "body."+k)
		}
	}
	for k := range mb {
		if _, ok := ma[k]; !ok {
			out = append(out, "body."+k)
		}
	}
	slices.Sort(out)
	if len(out) == 0 {
		out = []string{"body"}
	}
	return out
}

// leftovers lists every node no draft used, in document order.
func (im *importer) leftovers(c cur) {
	for i := range c.n.kids {
		k := &c.n.kids[i]
		var kc cur
		if c.n.kind == kArray {
			kc = cur{n: k, path: c.path + "[" + strconv.Itoa(i) + "]", why: c.why}
		} else {
			kc = cur{n: k, path: c.child(pathKey(k.key)), why: c.why}
		}
		if !k.used {
			why := c.why[k]
			if why == "" {
				why = defaultReason(k.key)
			}
			im.res.Unmapped = append(im.res.Unmapped, Unmapped{Path: kc.path, Value: k.compact(maxValueText), Reason: why})
			continue
		}
		im.leftovers(kc)
	}
}
